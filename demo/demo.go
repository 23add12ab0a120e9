package demo

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

// MarkerSetting is the setting that marks a database as created for the demo.
const MarkerSetting = "demo_database"

// History is how far back demo posts go.
const History = 12 * 7 * 24 * time.Hour

// item is one generated post of a demo unit.
type item struct {
	GUID      string
	Title     string
	Summary   string
	Category  string
	Published time.Time
}

// posts generates the unit's posts published in (now-History, now], newest first. The
// result depends only on the unit and the day, so every request sees the same feed.
func (d demoUnit) posts(now time.Time) []item {
	var out []item
	today := now.In(models.Vietnam)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, models.Vietnam).Add(-History)
	place := strings.TrimSuffix(d.unit.Name, " (mẫu)")
	for day := start; !day.After(today); day = day.AddDate(0, 0, 1) {
		r := rand.New(rand.NewPCG(seed(d.unit.Code), uint64(day.Unix())))
		at := func() time.Time {
			return day.Add(time.Duration(7+r.IntN(14))*time.Hour + time.Duration(r.IntN(60))*time.Minute)
		}
		add := func(title, summary, cat string) {
			p := at()
			if p.After(now) {
				return
			}
			out = append(out, item{
				GUID:      fmt.Sprintf("demo-%s-%s-%d", d.unit.Code, day.Format("20060102"), len(out)),
				Title:     title,
				Summary:   summary,
				Category:  cat,
				Published: p,
			})
		}
		if r.Float64() < d.diligence {
			n := 1
			if r.Float64() < d.diligence*0.4 {
				n = 2
			}
			for i := 0; i < n; i++ {
				t := fmt.Sprintf(pick(r, goodNews), place)
				add(t, t+". "+pick(r, hashGood)+" #DoanThanhNien", "")
			}
		}
		if day.Weekday() == time.Weekday(1+r.IntN(5)) && r.Float64() < d.stories {
			t := fmt.Sprintf(pick(r, stories), place)
			add(t, "Câu chuyện về tấm gương sáng trong đoàn viên, thanh niên. "+pick(r, hashStory), "Câu chuyện đẹp")
		}
		if d.ideology > 0 && r.Float64() < d.ideology {
			t := pick(r, ideology)
			add(t, "Bài viết góp phần bảo vệ nền tảng tư tưởng của Đảng.", "Đấu tranh phản bác")
		}
		if r.Float64() < 0.2 {
			t := fmt.Sprintf(pick(r, other), place)
			add(t, "Thông tin hoạt động của đơn vị.", "Hoạt động")
		}
	}
	out = append(out, trendItems(d.unit.Code, now)...)
	slices.SortStableFunc(out, func(a, b item) int { return b.Published.Compare(a.Published) })
	return out
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func seed(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// Server serves the demo units' feeds on loopback.
type Server struct {
	units []demoUnit
	clock models.Clock
	srv   *http.Server
	ln    net.Listener
}

// NewServer listens on 127.0.0.1 (port 0 picks a free one).
func NewServer(clock models.Clock, port int) (*Server, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("demo: unable to listen on loopback: %w", err)
		}
	}
	s := &Server{units: units(), clock: clock, ln: ln}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Port is the port the demo feed server listens on.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// URL returns the feed URL of a unit.
func (s *Server) URL(code, format string) string {
	ext := map[string]string{"rss": "xml", "atom": "atom", "json": "json", "broken": "xml"}[format]
	return fmt.Sprintf("http://127.0.0.1:%d/feeds/%s.%s", s.Port(), code, ext)
}

// Close stops the server.
func (s *Server) Close(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// ServeHTTP serves /feeds/{code}.{xml|atom|json}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/feeds/")
	code, ext, _ := strings.Cut(name, ".")
	var u *demoUnit
	for i := range s.units {
		if s.units[i].unit.Code == code {
			u = &s.units[i]
		}
	}
	if u == nil {
		http.NotFound(w, r)
		return
	}
	if u.feed == "broken" {
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	items := u.posts(s.clock.Now())
	switch ext {
	case "json":
		writeJSONFeed(w, u.unit, items)
	case "atom":
		writeAtom(w, u.unit, items)
	default:
		writeRSS(w, u.unit, items)
	}
}

func writeRSS(w http.ResponseWriter, u models.Unit, items []item) {
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel>")
	fmt.Fprintf(&b, "<title>%s</title><link>https://demo.tintot.local/%s</link><description>Trang tin (dữ liệu mẫu)</description><language>vi</language>", esc(u.Name), u.Code)
	for _, it := range items {
		fmt.Fprintf(&b, "<item><guid isPermaLink=\"false\">%s</guid><title>%s</title><link>https://demo.tintot.local/%s/%s</link><description><![CDATA[%s]]></description><pubDate>%s</pubDate>",
			it.GUID, esc(it.Title), u.Code, it.GUID, it.Summary, it.Published.Format(time.RFC1123Z))
		if it.Category != "" {
			fmt.Fprintf(&b, "<category>%s</category>", esc(it.Category))
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	_, _ = w.Write([]byte(b.String()))
}

func writeAtom(w http.ResponseWriter, u models.Unit, items []item) {
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<feed xmlns="http://www.w3.org/2005/Atom">`)
	fmt.Fprintf(&b, "<title>%s</title><id>urn:demo:%s</id><updated>%s</updated>", esc(u.Name), u.Code, time.Now().UTC().Format(time.RFC3339))
	for _, it := range items {
		fmt.Fprintf(&b, `<entry><id>urn:demo:%s</id><title>%s</title><link href="/%s/%s"/><updated>%s</updated><summary>%s</summary>`,
			it.GUID, esc(it.Title), u.Code, it.GUID, it.Published.Format(time.RFC3339), esc(it.Summary))
		if it.Category != "" {
			fmt.Fprintf(&b, `<category term="%s"/>`, esc(it.Category))
		}
		b.WriteString("</entry>")
	}
	b.WriteString("</feed>")
	_, _ = w.Write([]byte(b.String()))
}

func writeJSONFeed(w http.ResponseWriter, u models.Unit, items []item) {
	type jItem struct {
		ID        string   `json:"id"`
		URL       string   `json:"url"`
		Title     string   `json:"title"`
		Content   string   `json:"content_text"`
		Published string   `json:"date_published"`
		Tags      []string `json:"tags,omitempty"`
	}
	feed := struct {
		Version string  `json:"version"`
		Title   string  `json:"title"`
		Items   []jItem `json:"items"`
	}{Version: "https://jsonfeed.org/version/1.1", Title: u.Name}
	for _, it := range items {
		j := jItem{ID: it.GUID, URL: "https://demo.tintot.local/" + u.Code + "/" + it.GUID, Title: it.Title, Content: it.Summary, Published: it.Published.Format(time.RFC3339)}
		if it.Category != "" {
			j.Tags = []string{it.Category}
		}
		feed.Items = append(feed.Items, j)
	}
	w.Header().Set("Content-Type", "application/feed+json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(feed)
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ErrNotDemoDatabase is returned when --demo points at a database holding real data.
var ErrNotDemoDatabase = errors.New("demo: this database holds data and was not created for the demo; use a separate TINTOT_DATABASE_URL (default for --demo: sqlite://./data/demo.db)")

// Seed marks an empty database as the demo's and writes the demo units, their feeds (on
// the demo server) and the manual posts of the unit without a feed. It refuses a database
// that has units but no demo mark. Seeding again refreshes feed URLs (the port may change).
func Seed(ctx context.Context, st store.Store, srv *Server, now time.Time) error {
	mark, err := st.GetSetting(ctx, MarkerSetting)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("demo: %w", err)
	}
	if mark != "true" {
		existing, err := st.ListUnits(ctx, store.UnitFilter{})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if len(existing) > 0 {
			return ErrNotDemoDatabase
		}
		if err := st.SetSetting(ctx, MarkerSetting, "true"); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	// The demo province is shown as if tintot had been reading it since the start of its
	// history: units and feeds registered then, each feed first read then, so that the
	// review, the calendar and Báo cáo kỳ judge the same days by the same rule.
	start := now.Add(-History - 7*24*time.Hour).In(models.Vietnam)
	from := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, models.Vietnam).UTC() // local midnight
	var entries []store.RegistryEntry
	for _, d := range units() {
		u := d.unit
		u.ActiveFrom = &from
		u.CreatedAt, u.UpdatedAt = from, from
		e := store.RegistryEntry{Unit: u}
		if d.feed != "" {
			e.FeedURLs = []string{srv.URL(u.Code, d.feed)}
		}
		entries = append(entries, e)
	}
	if _, err := st.ApplyRegistry(ctx, entries); err != nil {
		return fmt.Errorf("demo: unable to write units: %w", err)
	}
	// Drop feeds left from an earlier run on another port.
	fs, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	prefix := fmt.Sprintf("http://127.0.0.1:%d/", srv.Port())
	for _, f := range fs {
		if strings.HasPrefix(f.URL, "http://127.0.0.1:") && !strings.HasPrefix(f.URL, prefix) {
			if err := st.DeleteFeed(ctx, f.ID); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			continue
		}
		if f.FirstReadAt == nil {
			f.FirstReadAt, f.CoveredFrom = &from, &from
			if err := st.UpdateFeed(ctx, f); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	if err := seedOutage(ctx, st, now); err != nil {
		return err
	}
	if err := seedTrends(ctx, st, now); err != nil {
		return err
	}
	return seedManual(ctx, st, now)
}

// seedOutage makes the broken demo feed look as it would after three days of failures, so
// the dashboard shows those days as "unknown" (not a shortfall) and the feed as broken.
func seedOutage(ctx context.Context, st store.Store, now time.Time) error {
	since := now.Add(-72 * time.Hour).UTC().Truncate(time.Millisecond)
	for _, d := range units() {
		if d.feed != "broken" {
			continue
		}
		fs, err := st.ListFeeds(ctx, store.FeedFilter{UnitCode: d.unit.Code})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		for _, f := range fs {
			if f.FailingSince != nil {
				continue // seeded before
			}
			f.FailingSince = &since
			f.ConsecutiveFailures = 12
			f.State = models.FeedFailing
			f.LastError = "Máy chủ báo lỗi 503 (tạm thời không phục vụ)"
			f.LastStatus = http.StatusServiceUnavailable
			if err := st.UpdateFeed(ctx, f); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if err := st.OpenOutage(ctx, models.FeedOutage{FeedID: f.ID, UnitCode: f.UnitCode, From: since, Reason: f.LastError}); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			// What the feed showed before it broke.
			var before []models.Post
			for _, it := range d.posts(now) {
				if !it.Published.Before(since) {
					continue
				}
				kind, reason := models.KindGoodNews, "hashtag #moingaymottintot"
				switch it.Category {
				case "":
				case "Câu chuyện đẹp":
					kind, reason = models.KindStory, `chuyên mục "Câu chuyện đẹp"`
				case "Đấu tranh phản bác":
					kind, reason = models.KindIdeology, `chuyên mục "Đấu tranh phản bác"`
				default:
					kind, reason = models.KindOther, "không khớp quy tắc nào"
				}
				before = append(before, models.Post{
					UnitCode: f.UnitCode, FeedID: f.ID, ItemKey: it.GUID, Source: models.SourceFeed,
					URL: "https://demo.tintot.local/" + f.UnitCode + "/" + it.GUID, Title: it.Title, Summary: it.Summary,
					PublishedAt: it.Published.UTC(), LocalDay: models.LocalDay(it.Published, models.Vietnam),
					FirstSeenAt: it.Published.UTC(), RuleKind: kind, RuleReason: reason, UpdatedAt: it.Published.UTC(),
				})
			}
			if _, err := st.UpsertPosts(ctx, before); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	return nil
}

// seedManual writes the hand-submitted posts of units without a feed.
func seedManual(ctx context.Context, st store.Store, now time.Time) error {
	for _, d := range units() {
		if d.feed != "" {
			continue
		}
		for _, it := range d.posts(now) {
			kind := models.KindGoodNews
			if it.Category == "Câu chuyện đẹp" {
				kind = models.KindStory
			} else if it.Category != "" {
				continue // a hand-submitting unit only sends what counts
			}
			p := models.Post{
				UnitCode: d.unit.Code, ItemKey: "manual:" + it.GUID, Source: models.SourceManual,
				URL: "https://www.facebook.com/demo/" + it.GUID, Title: it.Title,
				PublishedAt: it.Published.UTC(), LocalDay: models.LocalDay(it.Published, models.Vietnam),
				FirstSeenAt: it.Published.UTC(), RuleKind: kind, RuleReason: "nộp thủ công (trang không có nguồn tin)",
				SubmittedBy: d.unit.Emails[0],
			}
			if _, err := st.CreateManualPost(ctx, p); err != nil && !errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("demo: manual post: %w", err)
			}
		}
	}
	return nil
}
