package scheduler

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tintot/models"
	"tintot/store"
)

// Collector exposes the scheduler's jobs and the feeds' health on /metrics: when each job
// last ran, how long it took and whether it failed, and how many feeds are in each state.
type Collector struct {
	Sched *Scheduler
	Store store.Store

	lastRun  *prometheus.Desc
	duration *prometheus.Desc
	failed   *prometheus.Desc
	feeds    *prometheus.Desc
}

// NewCollector builds the collector; register it with prometheus.Registerer.Register.
func NewCollector(s *Scheduler, st store.Store) *Collector {
	return &Collector{
		Sched:    s,
		Store:    st,
		lastRun:  prometheus.NewDesc("tintot_job_last_run_timestamp_seconds", "When the job last started (skipped runs included).", []string{"job"}, nil),
		duration: prometheus.NewDesc("tintot_job_last_duration_seconds", "How long the job's last run took.", []string{"job"}, nil),
		failed:   prometheus.NewDesc("tintot_job_last_run_failed", "1 if the job's last run failed.", []string{"job"}, nil),
		feeds:    prometheus.NewDesc("tintot_feeds", "Feeds by health state.", []string{"state"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.lastRun
	ch <- c.duration
	ch <- c.failed
	ch <- c.feeds
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for name, r := range c.Sched.LastRuns() {
		ch <- prometheus.MustNewConstMetric(c.lastRun, prometheus.GaugeValue, float64(r.Started.Unix()), name)
		ch <- prometheus.MustNewConstMetric(c.duration, prometheus.GaugeValue, r.Duration.Seconds(), name)
		failed := 0.0
		if r.Err != "" {
			failed = 1
		}
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, failed, name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fs, err := c.Store.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return
	}
	counts := map[models.FeedState]int{models.FeedOK: 0, models.FeedFailing: 0, models.FeedBroken: 0}
	for _, f := range fs {
		state := f.State
		if state == "" {
			state = "new"
		}
		counts[state]++
	}
	for state, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.feeds, prometheus.GaugeValue, float64(n), string(state))
	}
}
