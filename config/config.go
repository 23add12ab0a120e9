// Package config reads tintot's settings from the environment (and an optional YAML file
// for policies and rules). It is the only package that reads the environment.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a tintot process.
type Config struct {
	DatabaseURL string // sqlite://PATH or mongodb://…
	Addr        string // listen address
	Timezone    string // IANA zone, default Asia/Ho_Chi_Minh
	Location    *time.Location
	ConfigFile  string // optional YAML with policy and rules
	BaseURL     string // public URL used in e-mail links
	LogLevel    string
	AdminToken  string // optional fixed admin bearer token (else generated once)

	// Bootstrap admin account (first run).
	AdminEmail    string
	AdminPassword string

	// Feeds.
	AllowPrivateFeeds bool
	PollInterval      time.Duration
	PollMaxInterval   time.Duration // cap for Retry-After / max-age / backoff
	PollWorkers       int
	PollBatch         int // feeds one instance claims per poll tick
	PollPerHost       int
	FetchTimeout      time.Duration
	ConnectTimeout    time.Duration
	MaxBodyBytes      int64
	MaxItemsPerFeed   int // newest items read from one feed; older ones are left out and noted
	BrokenAfterFails  int
	BrokenAfter       time.Duration

	// Scheduler (cron specs in local time).
	CronPoll        string
	CronBoost       string
	CronAtRisk      string
	CronDailyClose  string
	CronWeeklyClose string
	CronHealth      string
	CronRetrain     string
	CronMail        string
	LeaderLease     time.Duration // how long the leader holds the cluster jobs without renewing
	InstanceID      string

	// Mail.
	SMTPURL       string // smtp://user:pass@host:587 (STARTTLS) or smtps://…:465
	MailFrom      string
	QuietStart    int // hour, local; mail deferred in [QuietStart, QuietEnd)
	QuietEnd      int
	EscalateDays  int
	EscalateWeeks int
	AlertBodyDays int // the e-mail bodies of settled alerts older than this are emptied (0: kept)

	// HTTP.
	SecureCookies  bool           // set Secure on cookies (behind TLS)
	TrustedProxies []netip.Prefix // reverse proxies whose X-Forwarded-For is believed
	MetricsToken   string         // if set, /metrics wants "Authorization: Bearer <token>"

	// Runtime.
	GCPercent int // Go's garbage collection target (as GOGC); 0 when GOGC itself is set
}

// DefaultGCPercent is the collection target when neither TINTOT_GC_PERCENT nor GOGC is
// set. Go's own default (100) lets the heap grow to twice what is live between
// collections; tintot's live heap is small (the model, the feed list, the batches being
// written), so 60 keeps a 2,000-feed poll within 64 MiB (59–61 MiB in tools/benche2e),
// and unlike a memory limit it never makes the collector run back to back when a large
// report needs more. Since the poll's writes allocate less, 40 only cost CPU (a first
// poll 7–9 % more than at 60, for 2–3 MiB less); 80 takes it to 61–64 MiB.
const DefaultGCPercent = 60

// ServeGCPercent is `tintot serve`'s collection target when neither TINTOT_GC_PERCENT nor
// GOGC is set. A server holds the reviews it computed while it computes the next (a
// province of 8,000 communes: some 50 MB live at that moment), so its heap peaks at
// reviews, not at polls: 20 kept the server of an 8,000-commune review under 8
// concurrent reviewers at ~130 MiB instead of ~150 MiB (tools/benchreview), with page
// latencies unchanged.
const ServeGCPercent = 20

// ApplyRuntime puts the runtime settings in use (once, at start).
func (c Config) ApplyRuntime() {
	if c.GCPercent > 0 {
		debug.SetGCPercent(c.GCPercent)
	}
}

// Backend names the store chosen by DatabaseURL.
func (c Config) Backend() string {
	if strings.HasPrefix(c.DatabaseURL, "mongodb://") || strings.HasPrefix(c.DatabaseURL, "mongodb+srv://") {
		return "mongo"
	}
	return "sqlite"
}

// SQLitePath returns the file path of a sqlite:// URL.
func (c Config) SQLitePath() string {
	return strings.TrimPrefix(c.DatabaseURL, "sqlite://")
}

// Load reads the environment through getenv (os.Getenv in production) and validates it.
func Load(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var errs []error
	str := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	integer := func(name string, def int) int {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number", name, v))
			return def
		}
		return n
	}
	boolean := func(name string, def bool) bool {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
			return def
		}
		return b
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a duration (e.g. 30m, 2h)", name, v))
			return def
		}
		return d
	}
	hostname, _ := os.Hostname()
	c := Config{
		DatabaseURL:       str("TINTOT_DATABASE_URL", "sqlite://./data/tintot.db"),
		Addr:              str("TINTOT_ADDR", ":8080"),
		Timezone:          str("TINTOT_TIMEZONE", "Asia/Ho_Chi_Minh"),
		ConfigFile:        str("TINTOT_CONFIG", ""),
		BaseURL:           strings.TrimRight(str("TINTOT_BASE_URL", "http://localhost:8080"), "/"),
		LogLevel:          str("TINTOT_LOG_LEVEL", "info"),
		AdminToken:        str("TINTOT_ADMIN_TOKEN", ""),
		AdminEmail:        str("TINTOT_ADMIN_EMAIL", "admin@tintot.local"),
		AdminPassword:     str("TINTOT_ADMIN_PASSWORD", ""),
		AllowPrivateFeeds: boolean("TINTOT_ALLOW_PRIVATE_FEEDS", false),
		PollInterval:      duration("TINTOT_POLL_INTERVAL", 30*time.Minute),
		PollMaxInterval:   duration("TINTOT_POLL_MAX_INTERVAL", 6*time.Hour),
		PollWorkers:       integer("TINTOT_POLL_WORKERS", 16),
		PollBatch:         integer("TINTOT_POLL_BATCH", 500),
		PollPerHost:       integer("TINTOT_POLL_PER_HOST", 2),
		FetchTimeout:      duration("TINTOT_FETCH_TIMEOUT", 30*time.Second),
		ConnectTimeout:    duration("TINTOT_CONNECT_TIMEOUT", 10*time.Second),
		MaxBodyBytes:      int64(integer("TINTOT_MAX_BODY_BYTES", 10<<20)),
		MaxItemsPerFeed:   integer("TINTOT_MAX_ITEMS_PER_FEED", 500),
		BrokenAfterFails:  integer("TINTOT_BROKEN_AFTER_FAILURES", 6),
		BrokenAfter:       duration("TINTOT_BROKEN_AFTER", 12*time.Hour),
		CronPoll:          str("TINTOT_CRON_POLL", "@every 1m"),
		CronBoost:         str("TINTOT_CRON_BOOST", "*/15 16-23 * * *"),
		CronAtRisk:        str("TINTOT_CRON_AT_RISK", "0 16 * * *"),
		CronDailyClose:    str("TINTOT_CRON_DAILY_CLOSE", "10 0 * * *"),
		CronWeeklyClose:   str("TINTOT_CRON_WEEKLY_CLOSE", "0 7 * * 1"),
		CronHealth:        str("TINTOT_CRON_HEALTH", "*/30 * * * *"),
		CronRetrain:       str("TINTOT_CRON_RETRAIN", "30 2 * * *"),
		CronMail:          str("TINTOT_CRON_MAIL", "@every 1m"),
		LeaderLease:       duration("TINTOT_LEADER_LEASE", 2*time.Minute),
		InstanceID:        str("TINTOT_INSTANCE_ID", hostname+"-"+strconv.Itoa(os.Getpid())),
		SMTPURL:           str("TINTOT_SMTP_URL", ""),
		MailFrom:          str("TINTOT_MAIL_FROM", "tintot <no-reply@tintot.local>"),
		QuietStart:        integer("TINTOT_QUIET_START", 21),
		QuietEnd:          integer("TINTOT_QUIET_END", 7),
		EscalateDays:      integer("TINTOT_ESCALATE_DAYS", 3),
		AlertBodyDays:     integer("TINTOT_ALERT_BODY_DAYS", 180),
		EscalateWeeks:     integer("TINTOT_ESCALATE_WEEKS", 2),
		SecureCookies:     boolean("TINTOT_SECURE_COOKIES", false),
		MetricsToken:      str("TINTOT_METRICS_TOKEN", ""),
		GCPercent:         integer("TINTOT_GC_PERCENT", DefaultGCPercent),
	}
	if strings.TrimSpace(getenv("GOGC")) != "" {
		c.GCPercent = 0 // Go reads GOGC itself, and it wins
	}
	proxies, err := ParsePrefixes(getenv("TINTOT_TRUSTED_PROXIES"))
	c.TrustedProxies = proxies
	if err != nil {
		errs = append(errs, fmt.Errorf("TINTOT_TRUSTED_PROXIES: %w", err))
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}

// Validate checks the settings and names the bad variable. It opens nothing.
func (c *Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite://"):
		if c.SQLitePath() == "" {
			bad("TINTOT_DATABASE_URL", "sqlite:// needs a file path, e.g. sqlite://./data/tintot.db")
		}
	case strings.HasPrefix(c.DatabaseURL, "mongodb://"), strings.HasPrefix(c.DatabaseURL, "mongodb+srv://"):
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || u.Host == "" {
			bad("TINTOT_DATABASE_URL", "cannot parse MongoDB URL")
		}
	default:
		bad("TINTOT_DATABASE_URL", "unknown scheme in %q: use sqlite://PATH or mongodb://HOST/DB", redact(c.DatabaseURL))
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		bad("TINTOT_TIMEZONE", "unknown time zone %q", c.Timezone)
	} else {
		c.Location = loc
	}
	if c.Addr == "" || !strings.Contains(c.Addr, ":") {
		bad("TINTOT_ADDR", "%q is not host:port (e.g. :8080)", c.Addr)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TINTOT_BASE_URL", "%q is not an http(s) URL", c.BaseURL)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("TINTOT_LOG_LEVEL", "%q is not debug, info, warn or error", c.LogLevel)
	}
	if c.ConfigFile != "" {
		if _, err := os.Stat(c.ConfigFile); err != nil {
			bad("TINTOT_CONFIG", "cannot read %q: %v", c.ConfigFile, err)
		}
	}
	if c.PollInterval < time.Minute {
		bad("TINTOT_POLL_INTERVAL", "must be at least 1m")
	}
	if c.PollMaxInterval < c.PollInterval {
		bad("TINTOT_POLL_MAX_INTERVAL", "must be at least TINTOT_POLL_INTERVAL")
	}
	if c.PollBatch < 1 || c.PollBatch > 100000 {
		bad("TINTOT_POLL_BATCH", "must be between 1 and 100000")
	}
	if c.GCPercent != 0 && (c.GCPercent < 10 || c.GCPercent > 1000) {
		bad("TINTOT_GC_PERCENT", "must be between 10 and 1000")
	}
	if c.PollWorkers < 1 || c.PollWorkers > 512 {
		bad("TINTOT_POLL_WORKERS", "must be between 1 and 512")
	}
	if c.PollPerHost < 1 {
		bad("TINTOT_POLL_PER_HOST", "must be at least 1")
	}
	if c.FetchTimeout <= 0 || c.ConnectTimeout <= 0 {
		bad("TINTOT_FETCH_TIMEOUT", "timeouts must be positive")
	}
	if c.MaxBodyBytes < 1024 {
		bad("TINTOT_MAX_BODY_BYTES", "must be at least 1024")
	}
	if c.MaxItemsPerFeed < 1 || c.MaxItemsPerFeed > 10000 {
		bad("TINTOT_MAX_ITEMS_PER_FEED", "must be between 1 and 10000")
	}
	if c.LeaderLease < time.Second {
		bad("TINTOT_LEADER_LEASE", "must be at least 1s")
	}
	if c.BrokenAfterFails < 1 {
		bad("TINTOT_BROKEN_AFTER_FAILURES", "must be at least 1")
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad("TINTOT_SMTP_URL", "must be smtp://[user:pass@]host[:port] or smtps://…")
		}
	}
	if c.QuietStart < 0 || c.QuietStart > 23 {
		bad("TINTOT_QUIET_START", "must be an hour 0..23")
	}
	if c.QuietEnd < 0 || c.QuietEnd > 23 {
		bad("TINTOT_QUIET_END", "must be an hour 0..23")
	}
	if c.EscalateDays < 1 || c.EscalateWeeks < 1 {
		bad("TINTOT_ESCALATE_DAYS", "escalation thresholds must be at least 1")
	}
	if c.AlertBodyDays < 0 {
		bad("TINTOT_ALERT_BODY_DAYS", "must be 0 (keep) or a number of days")
	}
	return errors.Join(errs...)
}

// redact hides a password in a URL for messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// ParsePrefixes reads a comma-separated list of IP addresses and CIDR ranges
// ("10.0.0.1, 172.16.0.0/12, ::1"); an address is a single-address range.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.Contains(item, "/") {
			p, err := netip.ParsePrefix(item)
			if err != nil {
				return nil, fmt.Errorf("%q is not an IP range (e.g. 10.0.0.0/8)", item)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
