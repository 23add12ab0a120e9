package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/classify"
	"tintot/config"
	"tintot/feeds"
	"tintot/models"
	"tintot/quota"
	"tintot/scheduler"
	"tintot/store"
	"tintot/store/mongo"
	"tintot/store/sqlite"
)

// app is the wired service: config → logger → store → services. Close releases it.
type app struct {
	cfg        config.Config
	log        *slog.Logger
	clock      models.Clock
	store      store.Store
	rules      classify.Rules
	classifier *classify.Live
	model      classify.ModelInfo // described by ensureModel(ctx, true)
	fitted     *classify.Model    // the model in use, once ensureModel fitted it
	client     *feeds.Client
	poller     *feeds.Poller
	campaign   *campaign.Service
	alerts     *alerts.Service
	mailer     *alerts.Mailer
	tasks      *scheduler.Tasks
}

// loadConfig reads the environment; overrides replace variables (e.g. --demo's database).
func loadConfig(env *cliEnv, overrides map[string]string) (config.Config, error) {
	return config.Load(func(k string) string {
		if v, ok := overrides[k]; ok {
			return v
		}
		return env.getenv(k)
	})
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(strings.ToUpper(level)))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openStore connects the backend chosen by TINTOT_DATABASE_URL and migrates it.
func openStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if cfg.Backend() == "mongo" {
		return mongo.Open(ctx, cfg.DatabaseURL)
	}
	return sqlite.Open(ctx, cfg.SQLitePath())
}

// openApp wires everything a command may need, in the fixed order of CONVENTIONS.md.
func openApp(ctx context.Context, env *cliEnv, cfg config.Config) (*app, error) {
	cfg.ApplyRuntime()
	a := &app{cfg: cfg, log: newLogger(env.stderr, cfg.LogLevel), clock: models.SystemClock{}}
	slog.SetDefault(a.log)
	file, err := config.ReadFile(cfg.ConfigFile)
	if err != nil {
		return nil, err
	}
	rules, err := classify.RulesFromYAML(&file.Rules)
	if err != nil {
		return nil, fmt.Errorf("config: rules: %w", err)
	}
	policy, err := quota.PolicyFromYAML(&file.Policy)
	if err != nil {
		return nil, fmt.Errorf("config: policy: %w", err)
	}
	if _, err = classify.New(rules); err != nil {
		return nil, fmt.Errorf("config: rules: %w", err)
	}
	a.rules = rules
	if a.store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	// Rules only until a command that classifies asks for the model (ensureModel): the
	// commands that only read need neither its training time nor its memory.
	c, err := classify.New(rules)
	if err != nil {
		a.store.Close()
		return nil, fmt.Errorf("config: rules: %w", err)
	}
	a.classifier = classify.NewLive(c)
	a.client = feeds.NewClient(feeds.ClientOptions{
		ConnectTimeout: cfg.ConnectTimeout,
		Timeout:        cfg.FetchTimeout,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		MaxRedirects:   5,
		UserAgent:      "tintot/" + version,
		AllowPrivate:   cfg.AllowPrivateFeeds,
	})
	a.campaign = &campaign.Service{Store: a.store, Engine: quota.Engine{Policy: policy, Loc: cfg.Location}, Clock: a.clock}
	a.alerts = &alerts.Service{Store: a.store, Clock: a.clock, BaseURL: cfg.BaseURL, EscalateDays: cfg.EscalateDays, EscalateWeeks: cfg.EscalateWeeks, Log: a.log}
	a.mailer, err = alerts.NewMailer(alerts.MailerOptions{
		Store:      a.store,
		SMTPURL:    cfg.SMTPURL,
		From:       cfg.MailFrom,
		QuietStart: cfg.QuietStart,
		QuietEnd:   cfg.QuietEnd,
		Clock:      a.clock,
		Log:        a.log,
		Attachment: a.digestAttachment,
		Reevaluate: a.campaign.EvaluateUnit,
		Refresh: func(ctx context.Context, units []string) error {
			_, err := a.poller.PollStale(ctx, units, staleBeforeMail)
			return err
		},
		EscalateDays:  cfg.EscalateDays,
		EscalateWeeks: cfg.EscalateWeeks,
	})
	if err != nil {
		a.store.Close()
		return nil, err
	}
	a.poller = feeds.NewPoller(a.store, a.client, a.classifier, a.clock, feeds.PollerOptions{
		Workers:          cfg.PollWorkers,
		BatchSize:        cfg.PollBatch,
		PerHost:          cfg.PollPerHost,
		Interval:         cfg.PollInterval,
		MaxInterval:      cfg.PollMaxInterval,
		BrokenAfterFails: cfg.BrokenAfterFails,
		BrokenAfter:      cfg.BrokenAfter,
		MaxItemsPerFeed:  cfg.MaxItemsPerFeed,
		Holder:           cfg.InstanceID,
		Log:              a.log,
		OnStateChange:    a.feedStateChanged,
	})
	a.tasks = &scheduler.Tasks{Store: a.store, Poller: a.poller, Campaign: a.campaign, Alerts: a.alerts, Mailer: a.mailer, Clock: a.clock, Log: a.log,
		AlertBodyDays: cfg.AlertBodyDays,
		Retrain:       func(ctx context.Context) error { _, _, err := a.retrain(ctx); return err }}
	return a, nil
}

// staleBeforeMail: a feed of a unit whose shortfall mail is about to go is read first
// when it was last read longer ago than this (as the late-day boost's default).
const staleBeforeMail = 15 * time.Minute

// ensureModel fits the model (the embedded corpus and this installation's reviewers'
// decisions) and puts it in use, once; commands that classify posts call it first. With
// describe, the model's description (its held-out figures, shown by `classify info` and
// the admin page) is made too: a poll, which only classifies, does not wait for it.
func (a *app) ensureModel(ctx context.Context, describe bool) error {
	if a.fitted == nil {
		m, corpus, reviewers, err := classify.FitModel(ctx, a.store)
		if err != nil {
			return err
		}
		c, err := classify.New(a.rules, classify.WithModel(m, classify.DefaultReviewConfidence))
		if err != nil {
			return err
		}
		a.classifier.Swap(c)
		a.fitted = m
		a.model = classify.ModelInfo{Version: m.Version(), TrainedAt: a.clock.Now().UTC(), Corpus: corpus, Reviewers: reviewers}
	}
	if describe && a.model.HeldOut.N == 0 {
		a.model.HeldOut = classify.EvaluateHeldOut(a.classifier.Load())
	}
	return nil
}

// retrain refits the model on the corpus and the reviewers' decisions so far, puts it in
// use, records it, and re-applies kinds to the open week's posts without a manual
// decision once per change of model (as for a change of rules).
func (a *app) retrain(ctx context.Context) (classify.ModelInfo, classify.ReclassifyResult, error) {
	m, info, err := classify.TrainModel(ctx, a.store, a.rules, a.clock.Now())
	if err != nil {
		return info, classify.ReclassifyResult{}, err
	}
	c, err := classify.New(a.rules, classify.WithModel(m, classify.DefaultReviewConfidence))
	if err != nil {
		return info, classify.ReclassifyResult{}, err
	}
	a.classifier.Swap(c)
	a.fitted, a.model = m, info
	if err := classify.SaveModelInfo(ctx, a.store, info); err != nil {
		return info, classify.ReclassifyResult{}, err
	}
	res, _, err := classify.ReclassifyIfRulesChanged(ctx, a.store, c, a.openWeekStart())
	return info, res, err
}

// openWeekStart is the local day key of the open week's Monday.
func (a *app) openWeekStart() string {
	week := models.ISOWeek(a.clock.Now(), a.cfg.Location)
	start, err := models.WeekStart(week, a.cfg.Location)
	if err != nil {
		return models.LocalDay(a.clock.Now(), a.cfg.Location)
	}
	return models.LocalDay(start, a.cfg.Location)
}

// feedStateChanged turns a feed's health change into a feed broken/recovered alert.
func (a *app) feedStateChanged(ctx context.Context, f models.Feed, old, cur models.FeedState) {
	u, err := a.store.GetUnit(ctx, f.UnitCode)
	if err != nil {
		a.log.Warn("feed state change for unknown unit", slog.String("feed_id", f.ID), slog.Any("error", err))
		return
	}
	if err := a.alerts.FeedStateChanged(ctx, f, u, old, cur); err != nil {
		a.log.Error("unable to record feed alert", slog.String("feed_id", f.ID), slog.Any("error", err))
	}
}

// digestAttachment computes the review of a digest alert and renders it as XLSX.
func (a *app) digestAttachment(ctx context.Context, al models.Alert) (string, []byte, error) {
	r, err := a.campaign.Review(ctx, al.Period, al.UnitCode)
	if err != nil {
		return "", nil, err
	}
	return alerts.DigestAttachment(r)
}

func (a *app) Close() {
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Warn("unable to close store", slog.Any("error", err))
		}
	}
}
