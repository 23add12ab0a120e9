// Package campaign does the I/O around the pure quota engine: it loads counts, outages and
// feeds from the store, asks quota for statuses and reviews, and closes days and weeks by
// saving evaluations (a changed stored status becomes a visible correction).
package campaign

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"tintot/models"
	"tintot/quota"
	"tintot/store"
)

// RecheckWhy is the reason stored with a correction made by re-closing a period.
const RecheckWhy = "Đánh giá lại kỳ đã đóng: có bài đăng muộn, nguồn tin phục hồi hoặc phân loại thay đổi"

// Service answers status and review questions and closes periods.
type Service struct {
	Store  store.Store
	Engine quota.Engine
	Clock  models.Clock

	trendMu   sync.Mutex
	tallies   map[string]trendTally // trend ID -> its last count (see TrendTarget)
	summaries summaryCache          // summaries of weeks long over, see ReviewSummaries
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

func (s *Service) loc() *time.Location {
	if s.Engine.Loc == nil {
		return models.Vietnam
	}
	return s.Engine.Loc
}

// CurrentWeek returns the ISO week key of now in Asia/Ho_Chi_Minh, e.g. "2026-W48".
func CurrentWeek(now time.Time) string { return models.ISOWeek(now, models.Vietnam) }

// ParseWeek checks an ISO week key ("2026-W48") and returns its local Monday 00:00.
func ParseWeek(week string) (time.Time, error) {
	t, err := models.WeekStart(week, models.Vietnam)
	if err != nil {
		return time.Time{}, fmt.Errorf("campaign: %w", err)
	}
	return t, nil
}

func addDays(day string, n int, loc *time.Location) string {
	t, err := models.DayStart(day, loc)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(models.DayLayout)
}

// load reads counts of days [fromDay, toDay], the outages overlapping that range and the
// feeds of the given units (all units when codes is empty).
func (s *Service) load(ctx context.Context, codes []string, fromDay, toDay string) (*quota.Data, error) {
	return s.loadWith(ctx, codes, fromDay, toDay, nil)
}

// feedLister lists the feeds of a set of units, brief (see store.FeedFilter.Brief).
type feedLister func() ([]models.Feed, error)

// sharedFeeds returns a feedLister that reads the brief feeds of codes (every unit when
// empty) once, however many callers and goroutines ask: a review and its channel
// coverage read the same feeds.
func (s *Service) sharedFeeds(ctx context.Context, codes []string) feedLister {
	var (
		once  sync.Once
		feeds []models.Feed
		err   error
	)
	return func() ([]models.Feed, error) {
		once.Do(func() {
			if len(codes) == 1 {
				feeds, err = s.Store.ListFeeds(ctx, store.FeedFilter{UnitCode: codes[0], Brief: true})
			} else {
				feeds, err = s.Store.ListFeeds(ctx, store.FeedFilter{UnitCodes: codes, Brief: true})
			}
		})
		return feeds, err
	}
}

// loadWith is load with the feeds from list (which may hold more units than codes), or
// read for codes when list is nil.
func (s *Service) loadWith(ctx context.Context, codes []string, fromDay, toDay string, list feedLister) (*quota.Data, error) {
	if list == nil {
		list = s.sharedFeeds(ctx, codes)
	}
	from, err := models.DayStart(fromDay, s.loc())
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	to, err := models.DayStart(toDay, s.loc())
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	// The three reads are independent: run them side by side on the store's reader pool.
	var (
		wg      sync.WaitGroup
		outages []models.FeedOutage
		feeds   []models.Feed
		oErr    error
		fErr    error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		outages, oErr = s.Store.ListOutages(ctx, codes, from, to.AddDate(0, 0, 1))
		if oErr != nil {
			return
		}
		feeds, fErr = list()
	}()
	d := quota.NewData(nil, nil, nil)
	d.Expect(fromDay, toDay)
	err = s.Store.EachCount(ctx, store.CountQuery{UnitCodes: codes, FromDay: fromDay, ToDay: toDay}, d.AddCount)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to count posts: %w", err)
	}
	if oErr != nil {
		return nil, fmt.Errorf("campaign: unable to list outages: %w", oErr)
	}
	if fErr != nil {
		return nil, fmt.Errorf("campaign: unable to list feeds: %w", fErr)
	}
	d.AddFeeds(feeds, outages)
	d.Since(fromDay)
	return d, nil
}

// openStreaks returns the units whose streak ending at refDay runs past the days d holds
// (the first load covers two weeks only, which settles most units).
func (s *Service) openStreaks(units []models.Unit, refDay string, d *quota.Data, now time.Time) []models.Unit {
	_, complete, err := s.Engine.Streaks(units, refDay, now, d)
	if err != nil {
		return nil
	}
	var open []models.Unit
	for i, u := range units {
		if !complete[i] {
			open = append(open, u)
		}
	}
	return open
}

// streakWindow is how many older days each round of extendStreaks loads.
const streakWindow = 14

// olderFrom is the first day of the round of older counts loaded before held.
func (s *Service) olderFrom(refDay, held string) string {
	return max(addDays(held, -streakWindow, s.loc()), addDays(refDay, -quota.StreakLookback, s.loc()))
}

// extendStreaks returns the full streaks ending at refDay of open, the units whose
// streaks may run past heldFrom (the first day d holds): it loads older counts a round of
// days at a time, only for the units whose streaks are still open.
func (s *Service) extendStreaks(ctx context.Context, open []models.Unit, refDay, heldFrom string, d *quota.Data, now time.Time) (map[string]int, error) {
	if len(open) == 0 {
		return nil, nil
	}
	limit := addDays(refDay, -quota.StreakLookback, s.loc())
	for still, held := s.openStreaks(open, refDay, d, now), heldFrom; len(still) > 0 && held > limit; still = s.openStreaks(still, refDay, d, now) {
		from := s.olderFrom(refDay, held)
		counts, err := s.olderCounts(ctx, still, from, addDays(held, -1, s.loc()))
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			d.AddCount(c)
		}
		d.Since(from)
		held = from
	}
	n, _, err := s.Engine.Streaks(open, refDay, now, d)
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	out := make(map[string]int, len(open))
	for i, u := range open {
		out[u.Code] = n[i]
	}
	return out, nil
}

// olderCounts returns the counts of units over [fromDay, toDay], with the units' own code
// strings (the store's may share its buffers).
func (s *Service) olderCounts(ctx context.Context, units []models.Unit, fromDay, toDay string) ([]models.DayCount, error) {
	codes := make(map[string]string, len(units))
	list := make([]string, len(units))
	for i, u := range units {
		codes[u.Code], list[i] = u.Code, u.Code
	}
	var out []models.DayCount
	err := s.countEach(ctx, list, fromDay, toDay, func(c models.DayCount) {
		if code, ok := codes[c.UnitCode]; ok {
			c.UnitCode = code
			out = append(out, c)
		}
	})
	return out, err
}

// countEach passes the counts of many units over a range to fn, in one read: the store
// reads a few units through its (unit, day) index and many as whole days.
func (s *Service) countEach(ctx context.Context, codes []string, fromDay, toDay string, fn func(models.DayCount)) error {
	if err := s.Store.EachCount(ctx, store.CountQuery{UnitCodes: codes, FromDay: fromDay, ToDay: toDay}, fn); err != nil {
		return fmt.Errorf("campaign: unable to count older posts: %w", err)
	}
	return nil
}

// DayStatuses returns the unit's baseline daily status for each day in [fromDay, toDay]
// (a calendar), with outages, exemptions and the unit's active dates taken into account.
func (s *Service) DayStatuses(ctx context.Context, code, fromDay, toDay string) (map[string]models.DayMark, error) {
	u, err := s.unit(ctx, code)
	if err != nil {
		return nil, err
	}
	if _, err := models.DayStart(fromDay, s.loc()); err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	if _, err := models.DayStart(toDay, s.loc()); err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	d, err := s.load(ctx, []string{code}, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := map[string]models.DayMark{}
	for day := fromDay; day <= toDay; day = addDays(day, 1, s.loc()) {
		st, err := s.Engine.DayMark(u, day, models.LevelBaseline, now, d)
		if err != nil {
			return nil, fmt.Errorf("campaign: %w", err)
		}
		out[day] = st
	}
	return out, nil
}

// UnitStatus returns the day `date` ("" : today, local) and its week for one unit, with
// its streak. store.ErrNotFound (wrapped) if the unit does not exist.
func (s *Service) UnitStatus(ctx context.Context, code, date string) (models.UnitStatusReport, error) {
	now := s.now()
	if date == "" {
		date = models.LocalDay(now, s.loc())
	}
	day, err := models.DayStart(date, s.loc())
	if err != nil {
		return models.UnitStatusReport{}, fmt.Errorf("campaign: %w", err)
	}
	u, err := s.unit(ctx, code)
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	week := models.ISOWeek(day, s.loc())
	monday, _ := models.WeekStart(week, s.loc())
	from := addDays(date, -quota.StreakLookback, s.loc())
	if m := monday.Format(models.DayLayout); m < from {
		from = m
	}
	to := monday.AddDate(0, 0, 6).Format(models.DayLayout)
	d, err := s.load(ctx, []string{code}, from, to)
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	rep, err := s.Engine.UnitStatus(u, date, now, d)
	if err != nil {
		return rep, err
	}
	rep.YearSt, err = s.yearStatus(ctx, u, date)
	return rep, err
}

// unit reads one unit with its ParentKind.
func (s *Service) unit(ctx context.Context, code string) (models.Unit, error) {
	u, err := s.Store.GetUnit(ctx, code)
	if err != nil {
		return models.Unit{}, fmt.Errorf("campaign: unit %q: %w", code, err)
	}
	if u.ParentCode != "" {
		p, err := s.Store.GetUnit(ctx, u.ParentCode)
		if err != nil {
			return models.Unit{}, fmt.Errorf("campaign: parent of unit %q: %w", code, err)
		}
		u.ParentKind = p.Kind
	}
	return u, nil
}

// allUnits lists every unit with its ParentKind.
func (s *Service) allUnits(ctx context.Context) ([]models.Unit, error) {
	us, err := s.Store.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to list units: %w", err)
	}
	return us, s.withParentKinds(ctx, us)
}

// withParentKinds sets each unit's ParentKind, reading the parents that are not among
// units themselves in one call.
func (s *Service) withParentKinds(ctx context.Context, units []models.Unit) error {
	kinds := make(map[string]models.UnitKind, len(units))
	for _, u := range units {
		kinds[u.Code] = u.Kind
	}
	var missing []string
	for _, u := range units {
		if _, ok := kinds[u.ParentCode]; !ok && u.ParentCode != "" {
			kinds[u.ParentCode] = ""
			missing = append(missing, u.ParentCode)
		}
	}
	if len(missing) > 0 {
		ps, err := s.Store.ListUnits(ctx, store.UnitFilter{Codes: missing})
		if err != nil {
			return fmt.Errorf("campaign: unable to read parent units: %w", err)
		}
		for _, p := range ps {
			kinds[p.Code] = p.Kind
		}
	}
	for i := range units {
		units[i].ParentKind = kinds[units[i].ParentCode]
	}
	return nil
}

// reviewUnits returns the units a review of parent covers: its descendants plus itself
// ("" : every unit), with their ParentKind. Units without targets are dropped later.
func (s *Service) reviewUnits(ctx context.Context, parent string) ([]models.Unit, error) {
	if parent == "" {
		return s.allUnits(ctx)
	}
	p, err := s.Store.GetUnit(ctx, parent)
	if err != nil {
		return nil, fmt.Errorf("campaign: unit %q: %w", parent, err)
	}
	ds, err := s.Store.Descendants(ctx, parent)
	if err != nil {
		return nil, fmt.Errorf("campaign: descendants of %q: %w", parent, err)
	}
	us := append([]models.Unit{p}, ds...)
	return us, s.withParentKinds(ctx, us)
}

// withTargets keeps units whose kind has any target and returns their codes.
func (s *Service) withTargets(units []models.Unit) ([]models.Unit, []string) {
	keep := make([]models.Unit, 0, len(units))
	codes := make([]string, 0, len(units))
	for _, u := range units {
		if s.Engine.HasTargets(u) {
			keep = append(keep, u)
			codes = append(codes, u.Code)
		}
	}
	return keep, codes
}

// Review builds the weekly review of week ("" : the current ISO week) for parent's subtree
// ("" : every unit): rows for the parent and its descendants that have targets, with
// corrections made to the week's periods.
func (s *Service) Review(ctx context.Context, week, parent string) (models.Review, error) {
	now := s.now()
	if week == "" {
		week = models.ISOWeek(now, s.loc())
	}
	monday, err := models.WeekStart(week, s.loc())
	if err != nil {
		return models.Review{}, fmt.Errorf("campaign: %w", err)
	}
	all, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return models.Review{}, err
	}
	units, codes := s.withTargets(all)
	if parent == "" {
		codes = nil // every unit: no filter is cheaper than a long IN list
	}
	r := models.Review{}
	// The channel coverage is counted beside the review (its own reads), and joined at the end.
	type coverage struct {
		c   models.ChannelCoverage
		err error
	}
	// Both read the brief feeds of the parent's units: once.
	allCodes := make([]string, 0, len(all))
	if parent != "" {
		for _, u := range all {
			allCodes = append(allCodes, u.Code)
		}
	}
	feeds := s.sharedFeeds(ctx, allCodes)
	covc := make(chan coverage, 1)
	go func() {
		c, err := s.coverageWith(ctx, parent, all, feeds)
		covc <- coverage{c, err}
	}()
	withCoverage := func(r models.Review, err error) (models.Review, error) {
		cv := <-covc
		if err == nil && cv.err != nil {
			return r, cv.err
		}
		r.ChannelCoverage = &cv.c
		return r, err
	}
	if len(units) == 0 {
		return withCoverage(s.Engine.Review(week, parent, nil, quota.NewData(nil, nil, nil), nil, now))
	}
	from := monday.AddDate(0, 0, -7).Format(models.DayLayout)
	to := monday.AddDate(0, 0, 6).Format(models.DayLayout)
	// The corrections are read while the counts are.
	type corrections struct {
		list []models.Correction
		err  error
	}
	corrCh := make(chan corrections, 1)
	go func() {
		list, err := s.weekCorrections(ctx, codes, week, monday, now)
		corrCh <- corrections{list, err}
	}()
	d, err := s.loadWith(ctx, codes, from, to, feeds)
	cr := <-corrCh
	if err != nil {
		return r, err
	}
	if cr.err != nil {
		return r, cr.err
	}
	corr := cr.list
	// Streaks that run past the loaded days need older counts: the first round of them is
	// read while the engine builds the review (which only reads d), then added to d.
	ref := s.Engine.StreakDay(week, now)
	open := s.openStreaks(units, ref, d, now)
	held := s.olderFrom(ref, from)
	prefetch := len(open) > 0 && held < from
	type round struct {
		counts []models.DayCount
		err    error
	}
	older := make(chan round, 1)
	if prefetch {
		go func() {
			counts, err := s.olderCounts(ctx, open, held, addDays(from, -1, s.loc()))
			older <- round{counts, err}
		}()
	}
	r, err = s.Engine.Review(week, parent, units, d, corr, now)
	if prefetch {
		rd := <-older
		if err == nil && rd.err != nil {
			return r, rd.err
		}
		for _, c := range rd.counts {
			d.AddCount(c)
		}
		d.Since(held)
	} else {
		held = from
	}
	if err != nil {
		return r, fmt.Errorf("campaign: %w", err)
	}
	streaks, err := s.extendStreaks(ctx, open, ref, held, d, now)
	if err != nil {
		return r, err
	}
	for i := range r.Rows {
		if n, ok := streaks[r.Rows[i].Unit.Code]; ok {
			r.Rows[i].Streak = n
		}
	}
	return withCoverage(r, nil)
}

// weekCorrections returns corrections made since the week began to its days or the week.
func (s *Service) weekCorrections(ctx context.Context, codes []string, week string, monday, now time.Time) ([]models.Correction, error) {
	periods := map[string]bool{week: true}
	for i := 0; i < 7; i++ {
		periods[monday.AddDate(0, 0, i).Format(models.DayLayout)] = true
	}
	all, err := s.Store.ListCorrections(ctx, codes, monday, now.Add(time.Nanosecond))
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to list corrections: %w", err)
	}
	var out []models.Correction
	for _, c := range all {
		if periods[c.Period] {
			out = append(out, c)
		}
	}
	return out, nil
}

// CloseDay evaluates every unit with daily targets on a day that is over and saves the
// evaluations; re-closing a day returns the corrections its late posts caused.
func (s *Service) CloseDay(ctx context.Context, day string) ([]models.Evaluation, []models.Correction, error) {
	fromDay, toDay, start, end, err := s.span(models.PeriodDay, day)
	if err != nil {
		return nil, nil, err
	}
	return s.close(ctx, models.PeriodDay, day, fromDay, toDay, start, end)
}

// CloseWeek evaluates every unit with weekly targets on an ISO week that is over and
// saves the evaluations; re-closing returns corrections.
func (s *Service) CloseWeek(ctx context.Context, week string) ([]models.Evaluation, []models.Correction, error) {
	fromDay, toDay, start, end, err := s.span(models.PeriodWeek, week)
	if err != nil {
		return nil, nil, err
	}
	return s.close(ctx, models.PeriodWeek, week, fromDay, toDay, start, end)
}

// span returns the first and last local days of a day or week key of kind pk, and its
// instants [start, end).
func (s *Service) span(pk models.PeriodKind, key string) (fromDay, toDay string, start, end time.Time, err error) {
	if pk == models.PeriodWeek {
		start, end, err = s.Engine.WeekPeriod(key)
	} else {
		start, end, err = s.Engine.DayPeriod(key)
	}
	if err != nil {
		return "", "", start, end, fmt.Errorf("campaign: %w", err)
	}
	return start.In(s.loc()).Format(models.DayLayout), end.Add(-time.Hour).In(s.loc()).Format(models.DayLayout), start, end, nil
}

func (s *Service) close(ctx context.Context, pk models.PeriodKind, key, fromDay, toDay string, start, end time.Time) ([]models.Evaluation, []models.Correction, error) {
	now := s.now()
	if now.Before(end) {
		return nil, nil, fmt.Errorf("campaign: period %s is not over yet (ends %s)", key, end.In(s.loc()).Format("2006-01-02 15:04"))
	}
	all, err := s.allUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	var units []models.Unit
	for _, u := range all {
		if len(s.Engine.Targets(u, pk)) > 0 {
			units = append(units, u)
		}
	}
	if len(units) == 0 {
		return nil, nil, nil
	}
	d, err := s.load(ctx, nil, fromDay, toDay)
	if err != nil {
		return nil, nil, err
	}
	evals, err := s.Engine.Evaluate(units, pk, key, d, now)
	if err != nil {
		return nil, nil, fmt.Errorf("campaign: %w", err)
	}
	corr, err := s.Store.SaveEvaluations(ctx, evals, now, RecheckWhy)
	if err != nil {
		return nil, nil, fmt.Errorf("campaign: unable to save evaluations of %s: %w", key, err)
	}
	return evals, corr, nil
}

// EvaluateUnit evaluates one unit's targets for a period — a day ("2006-01-02") or an
// ISO week ("2006-W01") — as they stand now, without saving: as its close would for a
// period that is over, at risk or met for one that is not. Whether a shortfall, or an
// afternoon reminder, still stands when its mail is about to go.
func (s *Service) EvaluateUnit(ctx context.Context, code, period string) ([]models.Evaluation, error) {
	pk := models.PeriodKindOf(period)
	fromDay, toDay, _, _, err := s.span(pk, period)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u, err := s.unit(ctx, code)
	if err != nil {
		return nil, err
	}
	if len(s.Engine.Targets(u, pk)) == 0 {
		return nil, nil
	}
	d, err := s.load(ctx, []string{code}, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	evals, err := s.Engine.Evaluate([]models.Unit{u}, pk, period, d, now)
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	return evals, nil
}

// Recheck re-evaluates the already closed days in [fromDay, toDay] and the closed weeks
// containing them (after polls found late posts) and returns the corrections. Periods
// never closed are left alone.
func (s *Service) Recheck(ctx context.Context, fromDay, toDay string) ([]models.Correction, error) {
	from, err := models.DayStart(fromDay, s.loc())
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	to, err := models.DayStart(toDay, s.loc())
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	if to.Before(from) {
		return nil, fmt.Errorf("campaign: recheck range %s..%s is empty", fromDay, toDay)
	}
	if to.Sub(from) > 400*24*time.Hour {
		return nil, fmt.Errorf("campaign: recheck range %s..%s is longer than a year", fromDay, toDay)
	}
	var days, weeks []string
	seenWeek := map[string]bool{}
	for t := from; !t.After(to); t = t.AddDate(0, 0, 1) {
		days = append(days, t.Format(models.DayLayout))
		if w := models.ISOWeek(t, s.loc()); !seenWeek[w] {
			seenWeek[w] = true
			weeks = append(weeks, w)
		}
	}
	stored, err := s.Store.ListEvaluations(ctx, nil, append(append([]string{}, days...), weeks...))
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to list evaluations: %w", err)
	}
	closed := map[string]bool{}
	for _, e := range stored {
		closed[e.Period] = true
	}
	var out []models.Correction
	var errs []error
	for _, day := range days {
		if !closed[day] {
			continue
		}
		_, corr, err := s.CloseDay(ctx, day)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, corr...)
	}
	for _, w := range weeks {
		if !closed[w] {
			continue
		}
		_, corr, err := s.CloseWeek(ctx, w)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, corr...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		if a.UnitCode != b.UnitCode {
			return a.UnitCode < b.UnitCode
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		return a.Level < b.Level
	})
	return out, errors.Join(errs...)
}

// AtRisk returns the status reports of units whose today (local day of now) is not met
// yet on an obligatory daily target, for the afternoon reminder and the evening re-poll.
func (s *Service) AtRisk(ctx context.Context, now time.Time) ([]models.UnitStatusReport, error) {
	all, err := s.allUnits(ctx)
	if err != nil {
		return nil, err
	}
	var units []models.Unit
	for _, u := range all {
		if len(s.Engine.Targets(u, models.PeriodDay)) > 0 && u.ActiveAt(now) {
			units = append(units, u)
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	today := models.LocalDay(now, s.loc())
	monday, _ := models.WeekStart(models.ISOWeek(now, s.loc()), s.loc())
	from := addDays(today, -13, s.loc())
	if m := monday.Format(models.DayLayout); m < from {
		from = m
	}
	d, err := s.load(ctx, nil, from, today)
	if err != nil {
		return nil, err
	}
	reports := s.Engine.AtRisk(units, d, now)
	if len(reports) == 0 {
		return reports, nil
	}
	atRisk := make([]models.Unit, len(reports))
	for i, r := range reports {
		atRisk[i] = r.Unit
	}
	streaks, err := s.extendStreaks(ctx, s.openStreaks(atRisk, today, d, now), today, from, d, now)
	if err != nil {
		return nil, err
	}
	for i := range reports {
		if n, ok := streaks[reports[i].Unit.Code]; ok {
			reports[i].Streak = n
		}
	}
	return reports, nil
}
