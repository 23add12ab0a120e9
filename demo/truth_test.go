package demo_test

import (
	"context"
	"testing"
	"time"

	"tintot/campaign"
	"tintot/classify"
	"tintot/demo"
	"tintot/feeds"
	"tintot/models"
	"tintot/quota"
	"tintot/store"
	"tintot/store/sqlite"
)

// TestDemoReportAgreesWithTheReview: after the demo's seed and first poll, Báo cáo kỳ of
// the last twelve weeks judges the communes' days (met and short, not unknown), and on
// every day it agrees with the calendar and the weekly review.
func TestDemoReportAgreesWithTheReview(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 18, 0, 0, 0, models.Vietnam)
	clock := models.ClockFunc(func() time.Time { return now })
	st, err := sqlite.Open(ctx, t.TempDir()+"/demo.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := demo.NewServer(clock, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(ctx)
	if err := demo.Seed(ctx, st, srv, now); err != nil {
		t.Fatal(err)
	}
	cls, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	all, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		t.Fatal(err)
	}
	p := feeds.NewPoller(st, feeds.NewClient(feeds.ClientOptions{AllowPrivate: true}), cls, clock, feeds.PollerOptions{})
	p.PollFeeds(ctx, all)

	svc := &campaign.Service{Store: st, Engine: quota.NewEngine(quota.DefaultPolicy()), Clock: clock}
	from := now.Add(-demo.History).Format(models.DayLayout)
	rep, err := svc.PeriodReport(ctx, "", from, models.LocalDay(now, models.Vietnam))
	if err != nil {
		t.Fatal(err)
	}
	communes, judged := 0, 0
	for _, row := range rep.Rows {
		if row.Unit.Kind != models.UnitCommune {
			continue
		}
		communes++
		if row.Days.Met+row.Days.Short > 0 && (row.Days.Unknown == 0 || row.Unit.Code == "DEMO-P04") { // P04: the broken feed
			judged++
		}
	}
	if communes == 0 || judged != communes {
		t.Fatalf("%d of %d communes have their days judged in the report: %+v", judged, communes, rep.Total)
	}
	if rep.Total.Days.Met == 0 || rep.Total.Days.Short == 0 {
		t.Fatalf("report total = %+v, want days met and days short", rep.Total)
	}

	// The same days, seen by the weekly review and the calendar.
	week := models.ISOWeek(now.AddDate(0, 0, -7), models.Vietnam)
	r, err := svc.Review(ctx, week, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.Rows {
		if row.Unit.Kind != models.UnitCommune {
			continue
		}
		cal, err := svc.DayStatuses(ctx, row.Unit.Code, r.Days[0], r.Days[6])
		if err != nil {
			t.Fatal(err)
		}
		for i, day := range r.Days {
			if cal[day].Status != row.DailyStatus[i] {
				t.Errorf("%s %s: review %s, calendar %s", row.Unit.Code, day, row.DailyStatus[i], cal[day].Status)
			}
			if row.DailyStatus[i] == models.StatusUnknown && row.FeedState != models.FeedFailing && row.FeedState != models.FeedBroken {
				t.Errorf("%s %s is unknown though its feed works", row.Unit.Code, day)
			}
		}
	}
}
