package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tintot/classify"
	"tintot/config"
	"tintot/demo"
	"tintot/handlers"
	"tintot/models"
	"tintot/report"
	"tintot/scheduler"
	"tintot/store"
)

func cmdServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "serve", "serve [--demo]")
	demoMode := fs.Bool("demo", false, env.l.T("tạo một tỉnh mẫu (cơ sở dữ liệu riêng, mặc định sqlite://./data/demo.db) với nguồn tin phục vụ từ máy này"))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	overrides := serveOverrides(env)
	if *demoMode {
		overrides["TINTOT_ALLOW_PRIVATE_FEEDS"] = "true"
		if env.getenv("TINTOT_DATABASE_URL") == "" {
			overrides["TINTOT_DATABASE_URL"] = "sqlite://./data/demo.db"
		}
	}
	cfg, err := loadConfig(env, overrides)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.ensureModel(ctx, true); err != nil {
		return err
	}
	log := a.log
	log.Info("tintot starting", slog.String("version", version), slog.String("backend", cfg.Backend()), slog.String("addr", cfg.Addr))

	if *demoMode {
		port := 0
		if p, err := a.store.GetSetting(ctx, "demo_port"); err == nil {
			fmt.Sscanf(p, "%d", &port)
		}
		srv, err := demo.NewServer(a.clock, port)
		if err != nil {
			return err
		}
		defer srv.Close(context.Background())
		if err := demo.Seed(ctx, a.store, srv, a.clock.Now()); err != nil {
			return err
		}
		_ = a.store.SetSetting(ctx, "demo_port", fmt.Sprint(srv.Port()))
		log.Info("demo province seeded; first poll running", slog.Int("feed_port", srv.Port()))
		all, err := a.store.ListFeeds(ctx, store.FeedFilter{})
		if err != nil {
			return err
		}
		log.Info("demo first poll", slog.String("summary", a.poller.PollFeeds(ctx, all).String()))
		if err := a.tasks.Backfill(ctx, 21); err != nil {
			log.Warn("demo backfill failed", slog.Any("error", err))
		}
		if err := demo.SeedBulletin(ctx, a.store, a.clock.Now()); err != nil {
			log.Warn("demo bulletin picks", slog.Any("error", err))
		}
		// Fill the alert log as a running instance would have: yesterday's close, last
		// week's close and digest, broken feeds.
		for _, job := range []func(context.Context) error{a.tasks.DailyClose, a.tasks.WeeklyClose, a.tasks.Health} {
			if err := job(ctx); err != nil {
				log.Warn("demo alerts", slog.Any("error", err))
			}
		}
	}

	if err := handlers.Bootstrap(ctx, a.store, cfg, env.stdout); err != nil {
		return err
	}

	// New rules (an upgrade, an edited config file) apply to the week still open; the
	// weeks already reviewed keep their kinds unless `tintot reclassify` is run.
	reclassified := make(chan struct{})
	go func() {
		defer close(reclassified)
		week := models.ISOWeek(a.clock.Now(), cfg.Location)
		start, err := models.WeekStart(week, cfg.Location)
		if err != nil {
			log.Error("reclassify on new rules", slog.Any("error", err))
			return
		}
		since := models.LocalDay(start, cfg.Location)
		if err := classify.SaveModelInfo(ctx, a.store, a.model); err != nil {
			log.Error("record the model", slog.Any("error", err))
		}
		res, ran, err := classify.ReclassifyIfRulesChanged(ctx, a.store, a.classifier.Load(), since)
		switch {
		case err != nil:
			log.Error("reclassify on new rules", slog.String("since", since), slog.Any("error", err))
		case ran:
			log.Info("rules changed: this week's posts reclassified", slog.String("since", since),
				slog.Int("checked", res.Checked), slog.Int("changed", res.Changed))
		}
	}()
	defer func() { <-reclassified }()

	sched := scheduler.New(scheduler.Options{Location: cfg.Location, Leases: a.store, Holder: cfg.InstanceID, Clock: a.clock, Log: log, LeaseTTL: cfg.LeaderLease})
	for _, j := range a.tasks.Jobs(scheduler.Specs{
		Poll: cfg.CronPoll, Boost: cfg.CronBoost, AtRisk: cfg.CronAtRisk, DailyClose: cfg.CronDailyClose,
		WeeklyClose: cfg.CronWeeklyClose, Health: cfg.CronHealth, Mail: cfg.CronMail, Retrain: cfg.CronRetrain,
	}) {
		if err := sched.Add(j); err != nil {
			return err
		}
	}

	web, err := handlers.New(handlers.Deps{
		Store:      a.store,
		Status:     a.campaign,
		Classifier: a.classifier,
		Titles:     a.client,
		Discovery:  a.client,
		Exports:    reportExporter{},
		Config:     cfg,
		Log:        log,
		Clock:      a.clock,
		Version:    version,
		Metrics: func(reg prometheus.Registerer) error {
			return reg.Register(scheduler.NewCollector(sched, a.store))
		},
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return env.l.E("serve: không mở được cổng %s: %w", cfg.Addr, err)
	}
	sched.Start()
	errc := make(chan error, 1)
	go func() { errc <- web.Listener(ln) }()
	log.Info("tintot ready", slog.String("url", "http://"+ln.Addr().String()))

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	// Reverse order: HTTP, then scheduler, then the store (deferred).
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := web.ShutdownWithContext(sctx); err != nil {
		log.Warn("http shutdown", slog.Any("error", err))
	}
	jctx, jcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer jcancel()
	if err := sched.Stop(jctx); err != nil && !errors.Is(err, context.Canceled) {
		log.Warn("scheduler shutdown", slog.Any("error", err))
	}
	log.Info("stopped")
	return nil
}

// reportExporter adapts the report package to handlers.ReviewExporter.
type reportExporter struct{}

func (reportExporter) WriteXLSX(w io.Writer, r models.Review) error { return report.WriteXLSX(w, r) }
func (reportExporter) WriteCSV(w io.Writer, r models.Review) error  { return report.WriteCSV(w, r) }
func (reportExporter) WritePeriodXLSX(w io.Writer, r models.PeriodReport) error {
	return report.WritePeriodXLSX(w, r)
}
func (reportExporter) WriteHonoursXLSX(w io.Writer, title string, rows []models.HonourLine) error {
	return report.WriteHonoursXLSX(w, title, rows)
}

// serveOverrides are the settings serve changes from the other commands' defaults: the
// garbage collection target (config.ServeGCPercent), unless TINTOT_GC_PERCENT or GOGC is
// set.
func serveOverrides(env *cliEnv) map[string]string {
	o := map[string]string{}
	if strings.TrimSpace(env.getenv("TINTOT_GC_PERCENT")) == "" && strings.TrimSpace(env.getenv("GOGC")) == "" {
		o["TINTOT_GC_PERCENT"] = strconv.Itoa(config.ServeGCPercent)
	}
	return o
}
