package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/feeds"
	"tintot/models"
	"tintot/store"
)

// Specs are the cron specs of the jobs (local time).
type Specs struct {
	Poll, Boost, AtRisk, DailyClose, WeeklyClose, Health, Mail, Retrain string
}

// Tasks holds what the periodic jobs work on. Each exported method is one job body; the
// scheduler runs them on their specs, and tests call them at chosen virtual times.
type Tasks struct {
	Store    store.Store
	Poller   *feeds.Poller
	Campaign *campaign.Service
	Alerts   *alerts.Service
	Mailer   *alerts.Mailer
	Clock    models.Clock
	Log      *slog.Logger
	// Retrain, when set, refits the classification model on the reviewers' decisions so far
	// (the nightly retrain job).
	Retrain func(context.Context) error
	// RecheckDays is how many closed days the daily close re-evaluates for late posts (default 7).
	RecheckDays int
	// BoostAfter: in the boost window a feed of an at-risk unit is re-polled when its
	// last check is older than this (default 15m).
	BoostAfter time.Duration
	// AlertBodyDays: the daily close empties the e-mail bodies of settled alerts older
	// than this many days (0: kept for ever). What each alert was (unit, period, subject,
	// recipients, status, when it went) stays.
	AlertBodyDays int
}

// Jobs returns the jobs with their specs. Cluster-wide jobs run under the leader lease;
// the poll tick does not need it (feeds are claimed with their own lease).
func (t *Tasks) Jobs(s Specs) []Job {
	jobs := []Job{
		{Name: "poll", Spec: s.Poll, Run: t.Poll},
		{Name: "boost", Spec: s.Boost, Leader: true, Run: t.Boost},
		{Name: "at_risk", Spec: s.AtRisk, Leader: true, Run: t.AtRisk},
		{Name: "daily_close", Spec: s.DailyClose, Leader: true, Run: t.DailyClose},
		{Name: "weekly_close", Spec: s.WeeklyClose, Leader: true, Run: t.WeeklyClose},
		{Name: "health", Spec: s.Health, Leader: true, Run: t.Health},
		{Name: "mail", Spec: s.Mail, Leader: true, Run: t.SendMail},
	}
	if s.Retrain != "" {
		// Every instance refits its own model: it is in memory.
		jobs = append(jobs, Job{Name: "retrain", Spec: s.Retrain, Run: t.RetrainModel})
	}
	return jobs
}

// RetrainModel refits the classification model (a no-op without Retrain).
func (t *Tasks) RetrainModel(ctx context.Context) error {
	if t.Retrain == nil {
		return nil
	}
	if err := t.Retrain(ctx); err != nil {
		return fmt.Errorf("retrain: %w", err)
	}
	return nil
}

func (t *Tasks) now() time.Time { return t.Clock.Now() }

func (t *Tasks) log() *slog.Logger {
	if t.Log == nil {
		return slog.Default()
	}
	return t.Log
}

// Poll polls the feeds that are due.
func (t *Tasks) Poll(ctx context.Context) error {
	s, err := t.Poller.PollDue(ctx)
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if s.Feeds > 0 {
		t.log().Info("poll", slog.String("summary", s.String()))
	}
	return nil
}

// Boost re-polls, late in the day, the feeds of units whose day is still at risk, so a post
// made at 21:00 is seen before midnight.
func (t *Tasks) Boost(ctx context.Context) error {
	reports, err := t.Campaign.AtRisk(ctx, t.now())
	if err != nil {
		return fmt.Errorf("boost: %w", err)
	}
	if len(reports) == 0 {
		return nil
	}
	codes := make([]string, 0, len(reports))
	for _, r := range reports {
		codes = append(codes, r.Unit.Code)
	}
	s, err := t.Poller.PollStale(ctx, codes, t.boostAfter())
	if err != nil {
		return fmt.Errorf("boost: %w", err)
	}
	if s.Feeds > 0 {
		t.log().Info("end-of-day boost", slog.Int("units_at_risk", len(reports)), slog.String("summary", s.String()))
	}
	return nil
}

// boostAfter is BoostAfter, 15 minutes if unset.
func (t *Tasks) boostAfter() time.Duration {
	if t.BoostAfter <= 0 {
		return 15 * time.Minute
	}
	return t.BoostAfter
}

// AtRisk records the afternoon reminder for every unit whose today is not yet met. The
// feeds of the units at risk that were not read in the last BoostAfter are read first
// (Boost): a feed read every few hours would otherwise have a unit that posted at 15:30
// told at 16:00 that it has not.
func (t *Tasks) AtRisk(ctx context.Context) error {
	if t.Poller != nil {
		if err := t.Boost(ctx); err != nil {
			t.log().Warn("feeds of units at risk not read before the reminder", slog.Any("error", err))
		}
	}
	reports, err := t.Campaign.AtRisk(ctx, t.now())
	if err != nil {
		return fmt.Errorf("at-risk: %w", err)
	}
	units, err := t.unitMap(ctx)
	if err != nil {
		return err
	}
	return t.Alerts.AtRisk(ctx, models.LocalDay(t.now(), models.Vietnam), reports, units)
}

// DailyClose closes yesterday (shortfalls and escalations), then re-evaluates the days
// before it so late posts become visible corrections.
func (t *Tasks) DailyClose(ctx context.Context) error {
	now := t.now().In(models.Vietnam)
	yesterday := now.AddDate(0, 0, -1).Format(models.DayLayout)
	units, err := t.unitMap(ctx)
	if err != nil {
		return err
	}
	var errs []error
	days := t.RecheckDays
	if days <= 0 {
		days = 7
	}
	// A feed read for the first time since the last close shows days in hindsight: those
	// days change (unknown to met or short), so re-evaluate them too, to keep the change
	// visible as a correction. At most firstReadRecheckDays back.
	if n, err := t.firstReadDays(ctx, now); err != nil {
		errs = append(errs, err)
	} else if n > days {
		days = n
	}
	// Oldest first, so corrections of earlier days are recorded before yesterday's close.
	for i := days + 1; i >= 2; i-- {
		day := now.AddDate(0, 0, -i).Format(models.DayLayout)
		_, corr, err := t.Campaign.CloseDay(ctx, day)
		if err != nil {
			errs = append(errs, fmt.Errorf("recheck %s: %w", day, err))
			continue
		}
		if len(corr) > 0 {
			if err := t.Alerts.Corrections(ctx, corr, units); err != nil {
				errs = append(errs, err)
			}
		}
	}
	evals, corr, err := t.Campaign.CloseDay(ctx, yesterday)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("close %s: %w", yesterday, err))...)
	}
	if len(corr) > 0 {
		errs = append(errs, t.Alerts.Corrections(ctx, corr, units))
	}
	errs = append(errs, t.Alerts.DailyShort(ctx, yesterday, evals, units))
	// A late post in last week changes its weekly status too (on Monday the weekly close
	// closes last week itself).
	if now.Weekday() != time.Monday {
		lastWeek := models.ISOWeek(now.AddDate(0, 0, -7), models.Vietnam)
		_, corr, err := t.Campaign.CloseWeek(ctx, lastWeek)
		if err != nil {
			errs = append(errs, fmt.Errorf("recheck %s: %w", lastWeek, err))
		} else if len(corr) > 0 {
			errs = append(errs, t.Alerts.Corrections(ctx, corr, units))
		}
	}
	if t.AlertBodyDays > 0 {
		// A year of alerts for a large province is ~730,000 e-mails: their bodies were
		// most of the database.
		n, err := t.Store.PruneAlertBodies(ctx, now.AddDate(0, 0, -t.AlertBodyDays))
		if err != nil {
			errs = append(errs, err)
		} else if n > 0 {
			t.log().Info("bodies of old alerts emptied", slog.Int("alerts", n), slog.Int("older_than_days", t.AlertBodyDays))
		}
	}
	return errors.Join(errs...)
}

// firstReadRecheckDays caps how far back a first read makes the daily close look.
const firstReadRecheckDays = 60

// firstReadDays is how many days back the oldest item of a feed first read in the last
// two days reaches (0 if none was), at most firstReadRecheckDays.
func (t *Tasks) firstReadDays(ctx context.Context, now time.Time) (int, error) {
	fs, err := t.Store.ListFeeds(ctx, store.FeedFilter{Brief: true})
	if err != nil {
		return 0, fmt.Errorf("daily close: unable to list feeds: %w", err)
	}
	n := 0
	for _, f := range fs {
		if f.FirstReadAt == nil || f.CoveredFrom == nil || now.Sub(*f.FirstReadAt) > 48*time.Hour {
			continue
		}
		if d := int(now.Sub(*f.CoveredFrom)/(24*time.Hour)) + 1; d > n {
			n = d
		}
	}
	return min(n, firstReadRecheckDays), nil
}

// WeeklyClose closes last week (weekly shortfalls, escalations) and records the review
// digest for every unit that oversees others.
func (t *Tasks) WeeklyClose(ctx context.Context) error {
	now := t.now().In(models.Vietnam)
	week := models.ISOWeek(now.AddDate(0, 0, -7), models.Vietnam)
	units, err := t.unitMap(ctx)
	if err != nil {
		return err
	}
	evals, corr, err := t.Campaign.CloseWeek(ctx, week)
	if err != nil {
		return fmt.Errorf("weekly close %s: %w", week, err)
	}
	var errs []error
	if len(corr) > 0 {
		errs = append(errs, t.Alerts.Corrections(ctx, corr, units))
	}
	errs = append(errs, t.Alerts.WeeklyShort(ctx, week, evals, units))
	hasChildren := map[string]bool{}
	for _, u := range units {
		if u.ParentCode != "" {
			hasChildren[u.ParentCode] = true
		}
	}
	for code := range hasChildren {
		parent, ok := units[code]
		if !ok || !activeDuring(parent, week) {
			continue
		}
		r, err := t.Campaign.Review(ctx, week, code)
		if err != nil {
			errs = append(errs, fmt.Errorf("review %s: %w", code, err))
			continue
		}
		errs = append(errs, t.Alerts.Digest(ctx, parent, r))
	}
	return errors.Join(errs...)
}

// Health makes sure every broken feed has its alert (the poller's state-change hook
// records it at once; this catches a change missed by a crash) and logs a summary.
func (t *Tasks) Health(ctx context.Context) error {
	fl, err := t.Store.ListFeeds(ctx, store.FeedFilter{States: []models.FeedState{models.FeedFailing, models.FeedBroken}})
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	broken := 0
	var errs []error
	for _, f := range fl {
		if f.State != models.FeedBroken {
			continue
		}
		broken++
		u, err := t.Store.GetUnit(ctx, f.UnitCode)
		if err != nil {
			continue
		}
		errs = append(errs, t.Alerts.FeedStateChanged(ctx, f, u, models.FeedFailing, models.FeedBroken))
	}
	if len(fl) > 0 {
		t.log().Info("feed health", slog.Int("failing", len(fl)-broken), slog.Int("broken", broken))
	}
	return errors.Join(errs...)
}

// SendMail sends due alerts from the outbox.
func (t *Tasks) SendMail(ctx context.Context) error {
	s, err := t.Mailer.SendDue(ctx)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	_ = s
	return nil
}

// Backfill closes the last n days and weeks without recording alerts: for a fresh
// database (or the demo) so reviews and corrections start from a known state.
func (t *Tasks) Backfill(ctx context.Context, days int) error {
	now := t.now().In(models.Vietnam)
	weeks := map[string]bool{}
	for i := days; i >= 1; i-- {
		d := now.AddDate(0, 0, -i)
		if _, _, err := t.Campaign.CloseDay(ctx, d.Format(models.DayLayout)); err != nil {
			return err
		}
		if w := models.ISOWeek(d, models.Vietnam); w != models.ISOWeek(now, models.Vietnam) && !weeks[w] {
			weeks[w] = true
			if _, _, err := t.Campaign.CloseWeek(ctx, w); err != nil {
				return err
			}
		}
	}
	return nil
}

func (t *Tasks) unitMap(ctx context.Context) (map[string]models.Unit, error) {
	us, err := t.Store.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	m := make(map[string]models.Unit, len(us))
	for _, u := range us {
		m[u.Code] = u
	}
	return m, nil
}

// activeDuring reports whether the unit existed at some point of the ISO week.
func activeDuring(u models.Unit, week string) bool {
	start, err := models.WeekStart(week, models.Vietnam)
	if err != nil {
		return false
	}
	end := start.AddDate(0, 0, 7)
	if u.ActiveFrom != nil && !u.ActiveFrom.Before(end) {
		return false
	}
	return u.ActiveTo == nil || u.ActiveTo.After(start)
}
