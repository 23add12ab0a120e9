package scheduler

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/classify"
	"tintot/feeds"
	"tintot/models"
	"tintot/quota"
	"tintot/store"
	"tintot/store/sqlite"
)

// TestReminderReadsStaleFeedsFirst: a unit whose feed was last read at 09:00 (a feed
// read every few hours) posts at 15:30; the 16:00 reminder reads the feeds of the units
// at risk first, so the unit is not told it has posted nothing.
func TestReminderReadsStaleFeedsFirst(t *testing.T) {
	ctx := context.Background()
	good := "Đoàn viên ra quân dọn vệ sinh môi trường #MoiNgayMotTinTot"
	fs := &feedServer{posts: map[string][]scenarioPost{"G": {
		{guid: "G-0", title: good, published: at(2, 10, 0), visible: at(2, 10, 0)}, // the first read reaches back to the 2nd
		{guid: "G-1", title: good, published: at(3, 15, 30), visible: at(3, 15, 30)},
	}}}
	st := unitG(t, fs)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	synctest.Test(t, func(t *testing.T) {
		clock := models.SystemClock{} // virtual inside the bubble
		tasks := &Tasks{Store: st, Clock: clock, Log: log,
			Campaign: &campaign.Service{Store: st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: vn}, Clock: clock},
			Alerts:   &alerts.Service{Store: st, Clock: clock, BaseURL: "https://tintot.example.vn", Log: log},
			Poller:   slowPoller(t, st, log),
		}
		// Read on the 2nd (its first read), and last at 09:00 on the 3rd.
		readAt(t, st, fs, tasks.Poller, at(2, 12, 0), at(3, 9, 0))
		time.Sleep(time.Until(at(3, 16, 0)))
		fs.now.Store(time.Now().Unix())
		if err := tasks.AtRisk(ctx); err != nil {
			t.Fatal(err)
		}
	})
	reminders, err := st.ListAlerts(ctx, store.AlertFilter{Types: []models.AlertType{models.AlertAtRisk}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reminders) != 0 {
		t.Errorf("reminders %q: G posted at 15:30 and was told at 16:00 it had not", reminders[0].Subject)
	}
}

// unitG opens a fresh database with one commune, G, whose one feed is served by fs.
func unitG(t *testing.T, fs *feedServer) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/g.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	feedSrv := httptest.NewServer(fs)
	t.Cleanup(feedSrv.Close)
	since := at(2, 0, 0).UTC()
	u := models.Unit{Code: "G", Name: "Xã Gia Lâm", Kind: models.UnitCommune, Emails: []string{"g@td.vn"}, ActiveFrom: &since}
	if _, err := st.ApplyRegistry(ctx, []store.RegistryEntry{{Unit: u, FeedURLs: []string{feedSrv.URL + "/G.xml"}}}); err != nil {
		t.Fatal(err)
	}
	return st
}

// slowPoller reads feeds every six hours (a feed that rarely changes), with the rules
// alone; call it inside the synctest bubble.
func slowPoller(t *testing.T, st store.Store, log *slog.Logger) *feeds.Poller {
	t.Helper()
	cls, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	client := feeds.NewClient(feeds.ClientOptions{ConnectTimeout: 5 * time.Second, Timeout: 10 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 5,
		UserAgent: "tintot/test", AllowPrivate: true, DisableKeepAlives: true})
	return feeds.NewPoller(st, client, cls, models.SystemClock{}, feeds.PollerOptions{Workers: 2, PerHost: 2, Interval: 6 * time.Hour,
		MaxInterval: 6 * time.Hour, Holder: "test", Log: log})
}

// readAt reads G's feed at each of the given times.
func readAt(t *testing.T, st store.Store, fs *feedServer, p *feeds.Poller, times ...time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, when := range times {
		time.Sleep(time.Until(when))
		fs.now.Store(time.Now().Unix())
		fl, err := st.ListFeeds(ctx, store.FeedFilter{UnitCode: "G"})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.PollFeeds(ctx, fl); s.OK != 1 {
			t.Fatalf("read at %s: %s", when, s)
		}
	}
}
