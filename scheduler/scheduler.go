// Package scheduler runs tintot's periodic jobs on a cron schedule in Vietnam time: the poll
// tick, the end-of-day boost, the at-risk reminder, the daily and weekly closes with their
// alerts and digest, the feed-health check and the mail outbox. Jobs that must run once per
// cluster run under a leader lease kept in the store; feeds are claimed with their own lease
// by the poller, so several instances may share one MongoDB.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"tintot/models"
	"tintot/store"
)

// LeaderLease is the name of the lease that elects the instance running cluster-wide jobs.
const LeaderLease = "scheduler-leader"

// Job is one periodic task.
type Job struct {
	Name string
	// Spec is a cron spec (5 fields, local time) or a descriptor such as "@every 1m".
	Spec string
	// Leader: run only on the instance holding the leader lease.
	Leader bool
	Run    func(ctx context.Context) error
}

// Options configure a Scheduler.
type Options struct {
	Location *time.Location
	Leases   store.LeaseStore // nil: every job runs here (single instance)
	Holder   string           // this instance's id
	LeaseTTL time.Duration    // default 2m
	Clock    models.Clock
	Log      *slog.Logger
}

// Scheduler is a cron scheduler whose jobs recover from panics, never overlap themselves,
// and stop at a safe point on shutdown.
type Scheduler struct {
	opts    Options
	cron    *cron.Cron
	ctx     context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup

	mu      sync.Mutex
	lastRun map[string]JobRun
}

// JobRun is the outcome of a job's last run, for logs and the metrics page.
type JobRun struct {
	Started  time.Time
	Duration time.Duration
	Err      string
	Skipped  bool // not the leader
}

// New builds a scheduler; jobs are added with Add and run after Start.
func New(opts Options) *Scheduler {
	if opts.Location == nil {
		opts.Location = models.Vietnam
	}
	if opts.Clock == nil {
		opts.Clock = models.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 2 * time.Minute
	}
	logger := cronLogger{opts.Log}
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		opts:    opts,
		cron:    cron.New(cron.WithLocation(opts.Location), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger))),
		ctx:     ctx,
		cancel:  cancel,
		lastRun: map[string]JobRun{},
	}
}

// Add registers a job; a bad spec is an error naming the job.
func (s *Scheduler) Add(j Job) error {
	if j.Run == nil {
		return fmt.Errorf("scheduler: job %s has no function", j.Name)
	}
	if _, err := s.cron.AddFunc(j.Spec, func() { s.runJob(j) }); err != nil {
		return fmt.Errorf("scheduler: job %s: bad schedule %q: %w", j.Name, j.Spec, err)
	}
	return nil
}

// RunNow runs a job immediately in the caller's goroutine (CLI and tests), honouring the
// leader lease like a scheduled run.
func (s *Scheduler) RunNow(j Job) error {
	s.runJob(j)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.lastRun[j.Name]; r.Err != "" {
		return errors.New(r.Err)
	}
	return nil
}

func (s *Scheduler) runJob(j Job) {
	if s.ctx.Err() != nil {
		return
	}
	s.running.Add(1)
	defer s.running.Done()
	start := s.opts.Clock.Now()
	run := JobRun{Started: start}
	defer func() {
		if p := recover(); p != nil {
			run.Err = fmt.Sprintf("panic: %v", p)
			s.opts.Log.Error("job panicked", slog.String("job", j.Name), slog.Any("panic", p))
		}
		s.mu.Lock()
		s.lastRun[j.Name] = run
		s.mu.Unlock()
	}()
	if j.Leader && s.opts.Leases != nil {
		ok, err := s.opts.Leases.AcquireLease(s.ctx, LeaderLease, s.opts.Holder, start, s.opts.LeaseTTL)
		if err != nil {
			run.Err = err.Error()
			s.opts.Log.Error("leader lease failed", slog.String("job", j.Name), slog.Any("error", err))
			return
		}
		if !ok {
			run.Skipped = true
			s.opts.Log.Debug("job skipped: another instance leads", slog.String("job", j.Name))
			return
		}
	}
	err := j.Run(s.ctx)
	run.Duration = s.opts.Clock.Now().Sub(start)
	if err != nil {
		run.Err = err.Error()
		s.opts.Log.Error("job failed", slog.String("job", j.Name), slog.Any("error", err), slog.Duration("duration", run.Duration))
		return
	}
	s.opts.Log.Debug("job done", slog.String("job", j.Name), slog.Duration("duration", run.Duration))
}

// LastRuns returns a copy of the last run of each job.
func (s *Scheduler) LastRuns() map[string]JobRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]JobRun, len(s.lastRun))
	for k, v := range s.lastRun {
		out[k] = v
	}
	return out
}

// Start begins running jobs on their schedules.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops scheduling, asks running jobs to stop at a safe point (their ctx is
// cancelled) and waits for them until ctx ends. It releases the leader lease.
func (s *Scheduler) Stop(ctx context.Context) error {
	cronDone := s.cron.Stop()
	s.cancel()
	done := make(chan struct{})
	go func() {
		<-cronDone.Done()
		s.running.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("scheduler: jobs still running at shutdown: %w", ctx.Err())
	}
	if s.opts.Leases != nil {
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if rerr := s.opts.Leases.ReleaseLease(rctx, LeaderLease, s.opts.Holder); rerr != nil {
			s.opts.Log.Warn("unable to release leader lease", slog.Any("error", rerr))
		}
	}
	return err
}

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, slog.Any("error", err))...)
}
