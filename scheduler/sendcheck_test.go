package scheduler

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/models"
	"tintot/quota"
	"tintot/store"
)

// TestShortfallMailReadsStaleFeedsFirst: a unit posts at 23:50, but its site's feed is
// cached and shows the post only from 01:00; the feed is read every few hours (last at
// 00:05, without the post), so the 00:10 close records a shortfall, which quiet hours
// hold until 07:00. Before the mail goes, the feeds of the units it is about are read
// again: the post is found, the day is met, and the shortfall is not sent.
func TestShortfallMailReadsStaleFeedsFirst(t *testing.T) {
	ctx := context.Background()
	box, smtpURL := startSMTP(t)
	good := "Đoàn viên ra quân dọn vệ sinh môi trường #MoiNgayMotTinTot"
	fs := &feedServer{posts: map[string][]scenarioPost{"G": {
		{guid: "G-0", title: good, published: at(2, 10, 0), visible: at(2, 10, 0)},
		{guid: "G-1", title: good, published: at(3, 10, 0), visible: at(3, 10, 0)},
		{guid: "G-2", title: good, published: at(4, 23, 50), visible: at(5, 1, 0)}, // the feed's cache
	}}}
	st := unitG(t, fs)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	synctest.Test(t, func(t *testing.T) {
		clock := models.SystemClock{} // virtual inside the bubble
		poller := slowPoller(t, st, log)
		camp := &campaign.Service{Store: st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: vn}, Clock: clock}
		mailer, err := alerts.NewMailer(alerts.MailerOptions{
			Store: st, SMTPURL: smtpURL, From: "tintot <no-reply@tintot.example.vn>", QuietStart: 21, QuietEnd: 7, Clock: clock, Log: log,
			Reevaluate: camp.EvaluateUnit,
			Refresh: func(ctx context.Context, units []string) error {
				_, err := poller.PollStale(ctx, units, 15*time.Minute)
				return err
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		tasks := &Tasks{Store: st, Clock: clock, Log: log, Poller: poller, Campaign: camp, Mailer: mailer,
			Alerts: &alerts.Service{Store: st, Clock: clock, BaseURL: "https://tintot.example.vn", Log: log}}
		readAt(t, st, fs, poller, at(2, 12, 0), at(3, 12, 0), at(4, 12, 0), at(5, 0, 5))
		time.Sleep(time.Until(at(5, 0, 10)))
		if err := tasks.DailyClose(ctx); err != nil {
			t.Fatal(err)
		}
		short, err := st.ListAlerts(ctx, store.AlertFilter{Types: []models.AlertType{models.AlertDailyShort}})
		if err != nil {
			t.Fatal(err)
		}
		if len(short) != 1 || short[0].Period != "2000-01-04" {
			t.Fatalf("the close recorded %d daily shortfalls (%v), want the 4th's", len(short), short)
		}
		for _, when := range []time.Time{at(5, 0, 15), at(5, 7, 0)} {
			time.Sleep(time.Until(when))
			fs.now.Store(time.Now().Unix())
			if err := tasks.SendMail(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
	short, err := st.ListAlerts(ctx, store.AlertFilter{Types: []models.AlertType{models.AlertDailyShort}})
	if err != nil {
		t.Fatal(err)
	}
	if len(short) != 1 || short[0].Status != models.AlertCanceled {
		t.Errorf("shortfall %v, want it canceled: the post of 23:50 was in the feed by 07:00", short)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if n := len(box.mails); n != 0 {
		t.Errorf("%d mails sent, want none: G met its day", n)
	}
}
