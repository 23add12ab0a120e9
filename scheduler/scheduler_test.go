package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"tintot/models"
	"tintot/store/sqlite"
)

// TestLeaderRunsClusterJobsOnce runs two schedulers sharing one store for a virtual day:
// a leader-only job runs once per tick across both, a per-instance job on both.
func TestLeaderRunsClusterJobsOnce(t *testing.T) {
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/lease.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	synctest.Test(t, func(t *testing.T) {
		var leaderRuns, localRuns atomic.Int64
		var scheds []*Scheduler
		for _, holder := range []string{"a", "b"} {
			s := New(Options{Location: models.Vietnam, Leases: st, Holder: holder, LeaseTTL: 90 * time.Minute})
			if err := s.Add(Job{Name: "close", Spec: "0 * * * *", Leader: true, Run: func(context.Context) error { leaderRuns.Add(1); return nil }}); err != nil {
				t.Fatal(err)
			}
			if err := s.Add(Job{Name: "poll", Spec: "0 * * * *", Run: func(context.Context) error { localRuns.Add(1); return nil }}); err != nil {
				t.Fatal(err)
			}
			s.Start()
			scheds = append(scheds, s)
		}
		time.Sleep(24*time.Hour + time.Minute)
		for _, s := range scheds {
			if err := s.Stop(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := leaderRuns.Load(); got != 24 {
			t.Errorf("leader-only job ran %d times in 24 hourly ticks over two instances, want 24", got)
		}
		if got := localRuns.Load(); got != 48 {
			t.Errorf("per-instance job ran %d times, want 48", got)
		}
	})
}

// TestJobPanicIsRecorded: a panicking job does not take the scheduler down.
func TestJobPanicIsRecorded(t *testing.T) {
	s := New(Options{})
	err := s.RunNow(Job{Name: "boom", Run: func(context.Context) error { panic("bad feed") }})
	if err == nil || s.LastRuns()["boom"].Err == "" {
		t.Fatalf("panic not recorded: %v", err)
	}
	if err := s.RunNow(Job{Name: "fail", Run: func(context.Context) error { return errors.New("smtp down") }}); err == nil {
		t.Fatal("job error not returned")
	}
}

// TestBadSpecNamesTheJob: a wrong cron spec fails at start with the job's name.
func TestBadSpecNamesTheJob(t *testing.T) {
	s := New(Options{})
	err := s.Add(Job{Name: "at_risk", Spec: "61 16 * * *", Run: func(context.Context) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "at_risk") {
		t.Fatalf("Add with a bad spec = %v", err)
	}
}

// TestStopWaitsForRunningJob: shutdown lets a running job reach a safe point.
func TestStopWaitsForRunningJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Options{})
		var finished atomic.Bool
		_ = s.Add(Job{Name: "slow", Spec: "@every 1m", Run: func(ctx context.Context) error {
			select {
			case <-ctx.Done(): // safe point
			case <-time.After(10 * time.Minute):
			}
			finished.Store(true)
			return nil
		}})
		s.Start()
		time.Sleep(90 * time.Second)
		if err := s.Stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !finished.Load() {
			t.Fatal("Stop returned before the running job finished")
		}
	})
}
