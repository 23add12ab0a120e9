package scheduler

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/models"
	"tintot/quota"
	"tintot/store/sqlite"
)

// fixedClock is a clock stopped at one instant.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// The daily close empties the e-mail bodies of settled alerts older than AlertBodyDays
// (what each alert was stays), and leaves the recent ones and those still to send.
func TestDailyCloseEmptiesOldAlertBodies(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/prune.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 3, 0, 10, 0, 0, vn)
	clock := fixedClock{now}
	ids := map[string]string{}
	for key, c := range map[string]struct {
		age    int
		status models.AlertStatus
	}{"old sent": {40, models.AlertSent}, "old pending": {40, models.AlertPending}, "recent sent": {10, models.AlertSent}} {
		created := now.AddDate(0, 0, -c.age)
		a, _, err := st.EnqueueAlert(ctx, models.Alert{DedupKey: key, Type: models.AlertDailyShort, UnitCode: "G", Period: "2026-10-24",
			Subject: "Đơn vị chưa đạt", BodyText: "Nội dung", BodyHTML: "<p>Nội dung</p>", Status: models.AlertPending, CreatedAt: created, NextTryAt: created})
		if err != nil {
			t.Fatal(err)
		}
		a.Status = c.status
		if err := st.UpdateAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids[key] = a.ID
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tasks := &Tasks{Store: st, Clock: clock, Log: log, AlertBodyDays: 30,
		Campaign: &campaign.Service{Store: st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: vn}, Clock: clock},
		Alerts:   &alerts.Service{Store: st, Clock: clock, BaseURL: "https://tintot.example.vn", Log: log}}
	if err := tasks.DailyClose(ctx); err != nil {
		t.Fatal(err)
	}
	for key, id := range ids {
		a, err := st.GetAlert(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		emptied := a.BodyText == "" && a.BodyHTML == ""
		if want := key == "old sent"; emptied != want {
			t.Errorf("%s: body emptied %v, want %v", key, emptied, want)
		}
		if a.Subject != "Đơn vị chưa đạt" {
			t.Errorf("%s: subject %q lost", key, a.Subject)
		}
	}
}
