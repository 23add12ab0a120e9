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

// TestDemoTrends: after the demo's seed and first poll, the demo province has two trends
// in its year, found through the units' feeds: one that enough units joined to count,
// one that too few joined; and the province is at risk of its yearly target.
func TestDemoTrends(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 11, 27, 18, 0, 0, 0, models.Vietnam),
		time.Date(2027, 1, 20, 9, 0, 0, 0, models.Vietnam), // early in a year: the trends start on 1 January
	} {
		t.Run(now.Format(models.DayLayout), func(t *testing.T) {
			ctx := context.Background()
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
			if err := demo.Seed(ctx, st, srv, now); err != nil {
				t.Fatalf("second seed: %v", err)
			}
			cls, err := classify.New(classify.DefaultRules())
			if err != nil {
				t.Fatal(err)
			}
			all, err := st.ListFeeds(ctx, store.FeedFilter{})
			if err != nil {
				t.Fatal(err)
			}
			feeds.NewPoller(st, feeds.NewClient(feeds.ClientOptions{AllowPrivate: true}), cls, clock, feeds.PollerOptions{}).PollFeeds(ctx, all)

			svc := &campaign.Service{Store: st, Engine: quota.NewEngine(quota.DefaultPolicy()), Clock: clock}
			ty, err := svc.TrendYear(ctx, demo.Province, now.Year())
			if err != nil {
				t.Fatal(err)
			}
			if len(ty.Trends) != 2 || ty.Counted != 1 {
				t.Fatalf("%d trends, %d counted; want 2 and 1: %+v", len(ty.Trends), ty.Counted, ty.Trends)
			}
			for _, tr := range ty.Trends {
				switch tr.Name {
				case "Xanh hóa quê hương":
					if !tr.Counts || len(tr.JoinedUnits) != 6 || tr.Posts < 6 {
						t.Errorf("%s: counts %v, %d units, %d posts; want it to count with 6 units", tr.Name, tr.Counts, len(tr.JoinedUnits), tr.Posts)
					}
				case "Áo xanh tình nguyện":
					if tr.Counts || len(tr.JoinedUnits) != 2 {
						t.Errorf("%s: counts %v with %d units; want 2 units, not counted", tr.Name, tr.Counts, len(tr.JoinedUnits))
					}
				default:
					t.Errorf("unexpected trend %q", tr.Name)
				}
			}
			if len(ty.Status) == 0 || ty.Status[0].Status != models.StatusAtRisk || ty.Status[0].Actual != 1 {
				t.Errorf("yearly status = %+v, want at risk with 1 of 2", ty.Status)
			}
		})
	}
}
