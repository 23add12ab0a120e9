package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"tintot/models"
	"tintot/quota"
)

// MaxSummaryWeeks is the most weeks one ReviewSummaries call evaluates: a year's report.
const MaxSummaryWeeks = 54

// ReviewSummaries returns, for each of weeks ("2026-W48", in the order given), the
// summaries of the weekly review of parent's subtree ("" : every unit): the same
// DaySummary and WeekSummary Review gives, without the rows (Rows is nil). It is what
// the charts of the review and of the period report draw, for many weeks at the cost
// of one read of the counts: the units, counts, outages and feeds are loaded once for
// the whole stretch, and the engine evaluates each week from memory. Streaks and
// corrections are not computed.
//
// The summaries of a week that ended more than a day ago (its days and the week are
// closed by then) are kept and given again until a correction is made to one of its
// days or to the week, or the policy or the units change: past weeks change only
// through corrections.
func (s *Service) ReviewSummaries(ctx context.Context, parent string, weeks []string) ([]models.Review, error) {
	if len(weeks) == 0 {
		return nil, nil
	}
	if len(weeks) > MaxSummaryWeeks {
		return nil, fmt.Errorf("campaign: %d weeks asked; at most %d are summarised at once", len(weeks), MaxSummaryWeeks)
	}
	for _, w := range weeks {
		if _, err := models.WeekStart(w, s.loc()); err != nil {
			return nil, fmt.Errorf("campaign: %w", err)
		}
	}
	now := s.now()
	all, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return nil, err
	}
	units, codes := s.withTargets(all)
	if parent == "" {
		codes = nil
	}
	out := make([]models.Review, len(weeks))
	// Weeks long over come from the cache unless a correction touched them since.
	fp := s.fingerprint(units)
	held, err := s.heldSummaries(ctx, parent, fp, codes, weeks, now)
	if err != nil {
		return nil, err
	}
	var todo []int
	for i, w := range weeks {
		if r, ok := held[w]; ok {
			out[i] = r
			continue
		}
		todo = append(todo, i)
	}
	if len(todo) == 0 {
		return out, nil
	}
	// ISO week keys of one format sort as their weeks do.
	first, last := weeks[todo[0]], weeks[todo[0]]
	for _, i := range todo {
		first, last = min(first, weeks[i]), max(last, weeks[i])
	}
	d := quota.NewData(nil, nil, nil)
	if len(units) > 0 {
		m1, _ := models.WeekStart(first, s.loc())
		m2, _ := models.WeekStart(last, s.loc())
		// A review compares each week with the one before: read that one too.
		if d, err = s.load(ctx, codes, m1.AddDate(0, 0, -7).Format(models.DayLayout), m2.AddDate(0, 0, 6).Format(models.DayLayout)); err != nil {
			return nil, err
		}
	}
	// The engine only reads d: the weeks are evaluated side by side.
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := s.Engine.Review(weeks[i], parent, units, d, nil, now)
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("campaign: %w", err))
					mu.Unlock()
					continue
				}
				r.Rows = nil
				out[i] = r
			}
		}()
	}
	for _, i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, i := range todo {
		s.summaries.put(summaryKey{parent, weeks[i], fp}, out[i], now, s.settled(weeks[i], now))
	}
	return out, nil
}

// summarySettle is how long after its end a week's summaries are kept: by then its days
// and the week have been closed, and any later change to them is a correction.
const summarySettle = 24 * time.Hour

// maxHeldSummaries caps the weeks' summaries held (parents × weeks).
const maxHeldSummaries = 1024

// summaryCache holds the summaries of weeks that are over and closed, by parent, week and
// what they were computed from (the policy and the units): the review's chart shows
// twelve weeks, eleven of which only a correction can change.
type summaryCache struct {
	mu      sync.Mutex
	entries map[summaryKey]heldSummary
}

// summaryKey names one week's summaries.
type summaryKey struct {
	parent, week string
	fingerprint  uint64 // of the policy and the units (see Service.fingerprint)
}

// heldSummary is a week's summaries and when (by the service's clock) they were made.
type heldSummary struct {
	review models.Review
	made   time.Time
}

// settled reports whether week ended summarySettle before now.
func (s *Service) settled(week string, now time.Time) bool {
	monday, err := models.WeekStart(week, s.loc())
	return err == nil && !now.Before(monday.AddDate(0, 0, 7).Add(summarySettle))
}

// put keeps a week's summaries when the week is settled.
func (c *summaryCache) put(k summaryKey, r models.Review, made time.Time, settled bool) {
	if !settled {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[summaryKey]heldSummary{}
	}
	if len(c.entries) >= maxHeldSummaries {
		var oldest summaryKey
		var at time.Time
		first := true
		for k, e := range c.entries {
			if first || e.made.Before(at) {
				oldest, at, first = k, e.made, false
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[k] = heldSummary{review: r, made: made}
}

// heldSummaries returns the held summaries of weeks that no correction made since has
// touched, dropping the others from the cache.
func (s *Service) heldSummaries(ctx context.Context, parent string, fp uint64, codes, weeks []string, now time.Time) (map[string]models.Review, error) {
	c := &s.summaries
	held := map[string]heldSummary{}
	c.mu.Lock()
	for _, w := range weeks {
		if e, ok := c.entries[summaryKey{parent, w, fp}]; ok {
			held[w] = e
		}
	}
	c.mu.Unlock()
	if len(held) == 0 {
		return nil, nil
	}
	since := now
	for _, e := range held {
		if e.made.Before(since) {
			since = e.made
		}
	}
	// The store keeps milliseconds: the end is a second past now, so that a correction
	// made at now is in.
	corr, err := s.Store.ListCorrections(ctx, codes, since, now.Add(time.Second))
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to list corrections: %w", err)
	}
	for _, cr := range corr {
		w := cr.Period
		if t, err := models.DayStart(cr.Period, s.loc()); err == nil {
			w = models.ISOWeek(t, s.loc())
		}
		if e, ok := held[w]; ok && !cr.At.Before(e.made) {
			delete(held, w)
			c.mu.Lock()
			delete(c.entries, summaryKey{parent, w, fp})
			c.mu.Unlock()
		}
	}
	out := make(map[string]models.Review, len(held))
	for w, e := range held {
		out[w] = e.review
	}
	return out, nil
}

// fingerprint sums up what a week's summaries depend on besides the counts and
// corrections: the policy and the units (their kinds, parents and dates).
func (s *Service) fingerprint(units []models.Unit) uint64 {
	h := fnv.New64a()
	if b, err := json.Marshal(s.Engine.Policy); err == nil {
		h.Write(b)
	}
	var buf []byte
	stamp := func(t *time.Time) {
		if t != nil {
			buf = strconv.AppendInt(buf, t.UnixNano(), 36)
		}
		buf = append(buf, 0)
	}
	for _, u := range units {
		buf = append(buf[:0], u.Code...)
		buf = append(append(buf, 0), u.Kind...)
		buf = append(append(buf, 0), u.ParentKind...)
		buf = append(append(buf, 0), u.ParentCode...)
		buf = append(buf, 0)
		stamp(u.ActiveFrom)
		stamp(u.ActiveTo)
		stamp(&u.CreatedAt)
		h.Write(buf)
	}
	return h.Sum64()
}

// PeriodReportByWeek is PeriodReport(ctx, parent, fromDay, toDay) together with its
// split by ISO week, for the report page's chart, at the cost of one report: the
// counts are read once and each unit is tallied week by week.
//
// The weeks are one PeriodReport per ISO week that has a day in the period, in order,
// each holding only its Total (Rows is empty): its From and To are its days inside the
// period; its Through is the last of them that is over ("" when none is); its Weeks
// names the week when the week lies wholly inside [fromDay, Through], as PeriodReport
// counts weekly statuses only for such weeks. Days and weeks are judged as PeriodReport
// judges them (the same Tally), so the weeks add up to the report's Total.
func (s *Service) PeriodReportByWeek(ctx context.Context, parent, fromDay, toDay string) (models.PeriodReport, []models.PeriodReport, error) {
	now := s.now()
	r := models.PeriodReport{Parent: parent, From: fromDay, To: toDay, GeneratedAt: now, Weeks: []string{}, Rows: []models.PeriodRow{},
		Total: models.PeriodRow{Posts: map[models.Kind]int{}}}
	from, err := models.DayStart(fromDay, s.loc())
	if err != nil {
		return r, nil, fmt.Errorf("campaign: from: %w", err)
	}
	to, err := models.DayStart(toDay, s.loc())
	if err != nil {
		return r, nil, fmt.Errorf("campaign: to: %w", err)
	}
	if to.Before(from) {
		return r, nil, fmt.Errorf("campaign: the period ends (%s) before it starts (%s)", toDay, fromDay)
	}
	if n := int(to.Sub(from)/(24*time.Hour)) + 1; n > MaxReportDays { // Vietnam has no DST
		return r, nil, fmt.Errorf("campaign: the period has %d days; a report covers at most %d", n, MaxReportDays)
	}
	through := toDay
	if yesterday := addDays(models.LocalDay(now, s.loc()), -1, s.loc()); yesterday < through {
		through = yesterday
	}
	var weeks []models.PeriodReport
	var days [][]string // the days over of each week
	first, _ := models.WeekStart(models.ISOWeek(from, s.loc()), s.loc())
	for monday := first; !monday.After(to); monday = monday.AddDate(0, 0, 7) {
		mon, sun := monday.Format(models.DayLayout), monday.AddDate(0, 0, 6).Format(models.DayLayout)
		w := models.PeriodReport{Parent: parent, From: max(fromDay, mon), To: min(toDay, sun), Weeks: []string{}, Rows: []models.PeriodRow{},
			Total: models.PeriodRow{Posts: map[models.Kind]int{}}, GeneratedAt: now}
		var wd []string
		if w.From <= through {
			w.Through = min(w.To, through)
			if mon >= fromDay && sun <= through {
				w.Weeks = []string{models.ISOWeek(monday, s.loc())}
			}
			for day := w.From; day <= w.Through; day = addDays(day, 1, s.loc()) {
				wd = append(wd, day)
			}
		}
		weeks = append(weeks, w)
		days = append(days, wd)
	}
	all, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return r, nil, err
	}
	units, codes := s.withTargets(all)
	if through < fromDay || len(units) == 0 {
		return r, weeks, nil // nothing is over yet, or nobody has a quota
	}
	r.Through = through
	for _, w := range weeks {
		r.Weeks = append(r.Weeks, w.Weeks...)
	}
	if parent == "" {
		codes = nil
	}

	d, err := s.load(ctx, codes, fromDay, through)
	if err != nil {
		return r, nil, err
	}
	stretches := make([]*quota.Stretch, len(weeks))
	for i := range weeks {
		if stretches[i], err = s.Engine.NewStretch(days[i], weeks[i].Weeks); err != nil {
			return r, nil, fmt.Errorf("campaign: %w", err)
		}
	}

	// The engine only reads d: units are tallied side by side, each worker adding up its
	// own weeks, merged at the end.
	rows := make([]models.PeriodRow, len(units))
	workers := min(runtime.GOMAXPROCS(0), len(units))
	sums := make([][]models.PeriodRow, workers)
	var wg sync.WaitGroup
	for k := range workers {
		sums[k] = make([]models.PeriodRow, len(weeks))
		for i := range sums[k] {
			sums[k][i].Posts = map[models.Kind]int{}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := k; j < len(units); j += workers {
				if ctx.Err() != nil {
					return
				}
				u := units[j]
				row := models.PeriodRow{Unit: u, Posts: d.Posts(u.Code, fromDay, through)}
				for i := range weeks {
					if len(days[i]) == 0 {
						continue
					}
					for kind, n := range d.Posts(u.Code, weeks[i].From, weeks[i].Through) {
						sums[k][i].Posts[kind] += n
					}
					dt, wt := s.Engine.TallyStretch(u, stretches[i], d, now)
					row.Days.Merge(dt)
					row.Weeks.Merge(wt)
					sums[k][i].Days.Merge(dt)
					sums[k][i].Weeks.Merge(wt)
				}
				rows[j] = row
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return r, nil, err
	}
	for _, part := range sums {
		for i := range weeks {
			for kind, n := range part[i].Posts {
				weeks[i].Total.Posts[kind] += n
			}
			weeks[i].Total.Days.Merge(part[i].Days)
			weeks[i].Total.Weeks.Merge(part[i].Weeks)
		}
	}
	for _, row := range rows {
		r.Rows = append(r.Rows, row)
		r.Total.Add(row)
	}
	sort.SliceStable(r.Rows, func(i, j int) bool { return r.Rows[i].Unit.Code < r.Rows[j].Unit.Code })
	return r, weeks, nil
}
