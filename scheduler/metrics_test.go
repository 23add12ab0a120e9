package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

func TestCollectorReportsJobsAndFeeds(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/m.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ApplyRegistry(ctx, []store.RegistryEntry{{Unit: models.Unit{Code: "X", Name: "Xã X", Kind: models.UnitCommune}, FeedURLs: []string{"https://x.vn/rss"}}}); err != nil {
		t.Fatal(err)
	}
	fs, _ := st.ListFeeds(ctx, store.FeedFilter{})
	fs[0].State = models.FeedBroken
	if err := st.UpdateFeed(ctx, fs[0]); err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	_ = s.RunNow(Job{Name: "daily_close", Run: func(context.Context) error { return errors.New("boom") }})
	reg := prometheus.NewRegistry()
	if err := reg.Register(NewCollector(s, st)); err != nil {
		t.Fatal(err)
	}
	want := `
# HELP tintot_feeds Feeds by health state.
# TYPE tintot_feeds gauge
tintot_feeds{state="broken"} 1
tintot_feeds{state="failing"} 0
tintot_feeds{state="ok"} 0
# HELP tintot_job_last_run_failed 1 if the job's last run failed.
# TYPE tintot_job_last_run_failed gauge
tintot_job_last_run_failed{job="daily_close"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "tintot_feeds", "tintot_job_last_run_failed"); err != nil {
		t.Fatal(err)
	}
}
