package quota

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"tintot/models"
)

// StreakLookback is how many days back a streak is counted at most; callers load at least
// this many days of counts before the reference day.
const StreakLookback = 60

// Engine evaluates a policy in a time zone (Asia/Ho_Chi_Minh when Loc is nil).
type Engine struct {
	Policy models.Policy
	Loc    *time.Location
}

// NewEngine returns an engine on p in Asia/Ho_Chi_Minh.
func NewEngine(p models.Policy) Engine { return Engine{Policy: p, Loc: models.Vietnam} }

func (e Engine) loc() *time.Location {
	if e.Loc == nil {
		return models.Vietnam
	}
	return e.Loc
}

// period is one day or ISO week as an instant range [start, end).
type period struct {
	kind       models.PeriodKind
	key        string
	start, end time.Time
	day0       int32 // day number of the first day
	ndays      int
}

// DayPeriod returns the instant range [start, end) of a local day key.
func (e Engine) DayPeriod(day string) (time.Time, time.Time, error) {
	p, err := e.dayPeriod(day)
	return p.start, p.end, err
}

// WeekPeriod returns the instant range [start, end) of an ISO week key.
func (e Engine) WeekPeriod(week string) (time.Time, time.Time, error) {
	p, err := e.weekPeriod(week)
	return p.start, p.end, err
}

func (e Engine) dayPeriod(day string) (period, error) {
	start, err := models.DayStart(day, e.loc())
	if err != nil {
		return period{}, fmt.Errorf("quota: %w", err)
	}
	dn, _ := dayNumber(day)
	return period{kind: models.PeriodDay, key: day, start: start, end: start.AddDate(0, 0, 1), day0: dn, ndays: 1}, nil
}

func (e Engine) weekPeriod(week string) (period, error) {
	start, err := models.WeekStart(week, e.loc())
	if err != nil {
		return period{}, fmt.Errorf("quota: %w", err)
	}
	dn, _ := dayNumber(start.Format(models.DayLayout))
	return period{kind: models.PeriodWeek, key: week, start: start, end: start.AddDate(0, 0, 7), day0: dn, ndays: 7}, nil
}

// prevDay returns the day before a day period, without its key (streaks need statuses
// only, and formatting keys would dominate their cost).
func (p period) prevDay() period {
	return period{kind: models.PeriodDay, start: p.start.AddDate(0, 0, -1), end: p.start, day0: p.day0 - 1, ndays: 1}
}

// compiled is a target with what evaluating it needs, worked out once per call.
type compiled struct {
	models.Target
	kinds []models.Kind // counted kinds (shared, read-only)
	mask  uint8
}

func (e Engine) compile(ts []models.Target) []compiled {
	out := make([]compiled, len(ts))
	for i, t := range ts {
		kinds := e.CountedKinds(t)
		out[i] = compiled{Target: t, kinds: kinds, mask: kindMask(kinds)}
	}
	return out
}

// kindPair is what the targets of a unit depend on: its kind and its parent's kind.
type kindPair struct{ kind, parent models.UnitKind }

// kindTargets are the compiled daily and weekly targets of one kindPair.
type kindTargets struct {
	day, week []compiled
	dailyMask uint8 // kinds counted by the baseline daily targets
}

// targetCache holds compiled targets by kindPair for one call over many units.
type targetCache map[kindPair]*kindTargets

// targetsOf returns the unit's compiled targets, compiling them once per kindPair.
func (e Engine) targetsOf(c targetCache, u *models.Unit) *kindTargets {
	k := kindPair{u.Kind, u.ParentKind}
	if kt, ok := c[k]; ok {
		return kt
	}
	kt := &kindTargets{day: e.compile(e.Targets(*u, models.PeriodDay)), week: e.compile(e.Targets(*u, models.PeriodWeek))}
	for _, t := range kt.day {
		if t.Level == models.LevelBaseline {
			kt.dailyMask |= t.mask
		}
	}
	c[k] = kt
	return kt
}

// Targets returns the policy's targets of a period kind that apply to the unit (by its
// kind and, for targets that name parent kinds, its ParentKind), in policy order.
func (e Engine) Targets(u models.Unit, pk models.PeriodKind) []models.Target {
	var out []models.Target
	for _, t := range e.Policy.Targets {
		if t.Period == pk && applies(t, u) {
			out = append(out, t)
		}
	}
	return out
}

// applies reports whether target t applies to unit u.
func applies(t models.Target, u models.Unit) bool {
	return slices.Contains(t.UnitKinds, u.Kind) && (len(t.ParentKinds) == 0 || slices.Contains(t.ParentKinds, u.ParentKind))
}

// HasTargets reports whether any daily or weekly target applies to the unit.
func (e Engine) HasTargets(u models.Unit) bool {
	for _, t := range e.Policy.Targets {
		if (t.Period == models.PeriodDay || t.Period == models.PeriodWeek) && applies(t, u) {
			return true
		}
	}
	return false
}

// CountedKinds returns the post kinds that count toward t: its kinds, plus story when t
// counts good news and the policy lets a story count as good news.
func (e Engine) CountedKinds(t models.Target) []models.Kind {
	kinds := append([]models.Kind(nil), t.Kinds...)
	if !e.Policy.StoryCountsAsGoodNews {
		return kinds
	}
	hasGood, hasStory := false, false
	for _, k := range kinds {
		hasGood = hasGood || k == models.KindGoodNews
		hasStory = hasStory || k == models.KindStory
	}
	if hasGood && !hasStory {
		kinds = append(kinds, models.KindStory)
	}
	return kinds
}

// obligatory reports whether t is an obligation in a period starting at start.
func obligatory(t models.Target, start time.Time) bool {
	if t.Obligatory != nil {
		return !start.Before(*t.Obligatory)
	}
	return t.Level == models.LevelBaseline
}

// statusOf evaluates one unit × target × period at now, with the figures and notes
// people read.
func (e Engine) statusOf(u *models.Unit, f *unitFacts, t *compiled, p period, now time.Time) models.PeriodStatus {
	ps := models.PeriodStatus{
		Target:     t.Name,
		Kinds:      t.kinds,
		PeriodKind: p.kind,
		Period:     p.key,
		Level:      t.Level,
		Obligatory: obligatory(t.Target, p.start),
		Required:   t.Minimum,
	}
	ps.Status, _ = e.judge(u, f, t, p, now, &ps)
	return ps
}

// judge applies the observation rule (see the package doc) to one unit × target × period
// at now: the status and whether it is known only in hindsight. When ps is not nil it
// also gets the figures and the notes; streaks, tallies and day cells need neither, and
// building them would dominate their cost. Every status of the package comes from here.
func (e Engine) judge(u *models.Unit, f *unitFacts, t *compiled, p period, now time.Time, ps *models.PeriodStatus) (models.Status, bool) {
	if (t.From != nil && !p.end.After(*t.From)) || (t.To != nil && !t.To.After(p.start)) {
		if ps != nil {
			ps.Note = "Chỉ tiêu không áp dụng trong kỳ này"
		}
		return models.StatusNA, false
	}
	if (u.ActiveFrom != nil && !u.ActiveFrom.Before(p.end)) || (u.ActiveTo != nil && !u.ActiveTo.After(p.start)) {
		if ps != nil {
			ps.Note = "Đơn vị không hoạt động trong kỳ này"
		}
		return models.StatusNA, false
	}
	if now.Before(p.start) {
		if ps != nil {
			ps.Note = "Chưa đến kỳ"
		}
		return models.StatusUpcoming, false
	}
	if ps != nil && u.ActiveFrom != nil && u.ActiveFrom.After(p.start) {
		ps.Note = "Đơn vị bắt đầu hoạt động từ " + u.ActiveFrom.In(e.loc()).Format("02/01/2006")
	}
	required := t.Minimum
	for _, pk := range e.Policy.Peaks {
		if m, ok := pk.Minimums[t.Name]; ok && pk.From.Before(p.end) && pk.To.After(p.start) && m > required {
			required = m
			if ps != nil {
				ps.Note = joinNote(ps.Note, "Cao điểm: "+pk.Name)
			}
		}
	}
	actual := count(f.days, p.day0, p.ndays, t.mask)
	blind, retro := f.sight(u, p)
	if ps != nil {
		ps.Required, ps.Actual, ps.Retroactive = required, actual, retro
	}
	if actual >= required {
		return models.StatusMet, retro
	}
	if ps != nil {
		ps.Missing = required - actual
	}
	if f.exempt {
		if reason, ok := e.excused(u.Code, p); ok {
			if ps != nil {
				ps.Note = joinNote(ps.Note, "Miễn: "+reason)
			}
			return models.StatusExcused, retro
		}
	}
	if blind != sighted {
		if ps != nil {
			ps.Note = joinNote(ps.Note, blind.note(f))
		}
		return models.StatusUnknown, retro
	}
	at := now
	if !now.Before(p.end) {
		at = p.end.Add(-time.Nanosecond)
	}
	if f.failing(at) {
		if ps != nil {
			ps.Note = joinNote(ps.Note, "Nguồn tin của đơn vị bị lỗi, chưa xác định được số bài")
		}
		return models.StatusUnknown, retro
	}
	if f.unseenIn(p.start, at) {
		if ps != nil {
			ps.Note = joinNote(ps.Note, "Nguồn tin của đơn vị bị lỗi trong một phần của kỳ mà lần đọc lại sau đó không cho thấy hết, chưa xác định được số bài")
		}
		return models.StatusUnknown, retro
	}
	if retro && ps != nil {
		ps.Note = joinNote(ps.Note, "Đánh giá hồi tố: kỳ này bắt đầu trước lần đầu hệ thống đọc được nguồn tin của đơn vị, nên không gửi cảnh báo")
	}
	if now.Before(p.end) {
		if ps != nil {
			ps.TimeLeft = p.end.Sub(now)
		}
		return models.StatusAtRisk, retro
	}
	return models.StatusShort, retro
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// excused reports whether exemptions for the unit (or for all units) cover the whole
// period, and why.
func (e Engine) excused(code string, p period) (string, bool) {
	type span struct {
		from, to time.Time
		reason   string
	}
	var spans []span
	for _, ex := range e.Policy.Exemptions {
		if (ex.UnitCode == "" || ex.UnitCode == code) && ex.From.Before(p.end) && ex.To.After(p.start) {
			spans = append(spans, span{ex.From, ex.To, ex.Reason})
		}
	}
	if len(spans) == 0 {
		return "", false
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from.Before(spans[j].from) })
	covered := p.start
	reason := ""
	for _, s := range spans {
		if s.from.After(covered) {
			return "", false
		}
		if s.to.After(covered) {
			covered = s.to
		}
		if reason == "" {
			reason = s.reason
		}
		if !covered.Before(p.end) {
			return reason, true
		}
	}
	return "", false
}

// combine folds the statuses of several targets of one period into one: any short wins,
// then at_risk, unknown, excused, met, upcoming; all n/a is n/a.
func combine(sts []models.Status) models.Status {
	if len(sts) == 0 {
		return models.StatusNA
	}
	for _, want := range []models.Status{models.StatusShort, models.StatusAtRisk, models.StatusUnknown, models.StatusExcused} {
		for _, s := range sts {
			if s == want {
				return want
			}
		}
	}
	for _, want := range []models.Status{models.StatusMet, models.StatusUpcoming} {
		for _, s := range sts {
			if s == want {
				return want
			}
		}
	}
	return models.StatusNA
}

// dayLevelStatus is the combined status of a unit's daily targets of one level on a day.
func (e Engine) dayLevelStatus(u *models.Unit, f *unitFacts, targets []compiled, lvl models.Level, day period, now time.Time) models.Status {
	var buf [4]models.Status
	sts := buf[:0]
	for i := range targets {
		if targets[i].Level == lvl {
			st, _ := e.judge(u, f, &targets[i], day, now, nil)
			sts = append(sts, st)
		}
	}
	return combine(sts)
}

// streak counts consecutive days, ending at ref, on which the baseline daily quota was met.
// ref counts only when met (an open day not yet met does not break the streak); excused
// and unknown days neither count nor break it. complete is false when the count ran into
// the first day held by d (Data.Since) before it found a break.
func (e Engine) streakOf(u *models.Unit, f *unitFacts, targets []compiled, ref period, d *Data, now time.Time) (n int, complete bool) {
	if len(targets) == 0 {
		return 0, true
	}
	p := ref
	for i := 0; i < StreakLookback; i++ {
		if d.since != 0 && p.day0 < d.since {
			return n, false
		}
		switch e.dayLevelStatus(u, f, targets, models.LevelBaseline, p, now) {
		case models.StatusMet:
			n++
		case models.StatusAtRisk:
			if i > 0 {
				return n, true
			}
		case models.StatusExcused, models.StatusUnknown:
		default:
			return n, true
		}
		p = p.prevDay()
	}
	return n, true
}

// Streak returns the unit's streak ending at date (see UnitStatusReport.Streak), capped at
// StreakLookback days. complete is false when d does not hold enough older days to find
// where the streak starts: load older counts, then ask again.
func (e Engine) Streak(u models.Unit, date string, now time.Time, d *Data) (n int, complete bool, err error) {
	p, err := e.dayPeriod(date)
	if err != nil {
		return 0, false, err
	}
	f := e.factsOf(&u, d)
	n, complete = e.streakOf(&u, &f, e.compile(e.Targets(u, models.PeriodDay)), p, d, now)
	return n, complete, nil
}

// Streaks is Streak for many units at once (targets are compiled once per unit kind):
// n[i] and complete[i] are units[i]'s.
func (e Engine) Streaks(units []models.Unit, date string, now time.Time, d *Data) (n []int, complete []bool, err error) {
	p, err := e.dayPeriod(date)
	if err != nil {
		return nil, nil, err
	}
	n, complete = make([]int, len(units)), make([]bool, len(units))
	cache := targetCache{}
	for i := range units {
		u := &units[i]
		kt := e.targetsOf(cache, u)
		if len(kt.day) == 0 {
			complete[i] = true
			continue
		}
		f := e.factsOf(u, d)
		n[i], complete[i] = e.streakOf(u, &f, kt.day, p, d, now)
	}
	return n, complete, nil
}

// UnitStatus evaluates the day `date` and the ISO week containing it for one unit at now:
// every daily and weekly target of the unit's kind, both levels, and the streak. d must
// hold the unit's counts for that week and the StreakLookback days before date.
func (e Engine) UnitStatus(u models.Unit, date string, now time.Time, d *Data) (models.UnitStatusReport, error) {
	day, err := e.dayPeriod(date)
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	week, err := e.weekPeriod(models.ISOWeek(day.start, e.loc()))
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	r := models.UnitStatusReport{
		Unit:   u,
		Date:   date,
		Week:   week.key,
		Day:    []models.PeriodStatus{},
		WeekSt: []models.PeriodStatus{},
		Now:    now,
	}
	f := e.factsOf(&u, d)
	daily := e.compile(e.Targets(u, models.PeriodDay))
	for i := range daily {
		r.Day = append(r.Day, e.statusOf(&u, &f, &daily[i], day, now))
	}
	weekly := e.compile(e.Targets(u, models.PeriodWeek))
	for i := range weekly {
		r.WeekSt = append(r.WeekSt, e.statusOf(&u, &f, &weekly[i], week, now))
	}
	if len(r.Day) > 0 {
		r.Streak, _ = e.streakOf(&u, &f, daily, day, d, now)
	}
	return r, nil
}

// AtRisk returns the reports of units whose today (local day of now) has an obligatory
// daily target at_risk, for the afternoon reminder. Units without daily targets are skipped.
func (e Engine) AtRisk(units []models.Unit, d *Data, now time.Time) []models.UnitStatusReport {
	today := models.LocalDay(now, e.loc())
	var out []models.UnitStatusReport
	for _, u := range units {
		if len(e.Targets(u, models.PeriodDay)) == 0 {
			continue
		}
		r, err := e.UnitStatus(u, today, now, d)
		if err != nil {
			continue // today is always a valid day key
		}
		for _, ps := range r.Day {
			if ps.Obligatory && ps.Status == models.StatusAtRisk && !ps.Retroactive {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Evaluate evaluates every unit against the targets of one period ("2026-11-27" for
// PeriodDay, "2026-W48" for PeriodWeek), both levels, for storing when the period closes.
// Unit × target pairs that are n/a are left out.
func (e Engine) Evaluate(units []models.Unit, pk models.PeriodKind, key string, d *Data, now time.Time) ([]models.Evaluation, error) {
	var p period
	var err error
	switch pk {
	case models.PeriodDay:
		p, err = e.dayPeriod(key)
	case models.PeriodWeek:
		p, err = e.weekPeriod(key)
	default:
		err = fmt.Errorf("quota: unknown period kind %q", pk)
	}
	if err != nil {
		return nil, err
	}
	var out []models.Evaluation
	cache := targetCache{}
	for i := range units {
		u := &units[i]
		kt := e.targetsOf(cache, u)
		ts := kt.day
		if pk == models.PeriodWeek {
			ts = kt.week
		}
		if len(ts) == 0 {
			continue
		}
		f := e.factsOf(u, d)
		for j := range ts {
			t := &ts[j]
			ps := e.statusOf(u, &f, t, p, now)
			if ps.Status == models.StatusNA {
				continue
			}
			out = append(out, models.Evaluation{
				UnitCode: u.Code, Target: t.Name, Period: key, PeriodKind: pk, Level: t.Level,
				Required: ps.Required, Actual: ps.Actual, Status: ps.Status, Retroactive: ps.Retroactive, Obligatory: ps.Obligatory, EvaluatedAt: now,
			})
		}
	}
	return out, nil
}

// DayMark is DayStatus with the retroactive mark: true when any of the day's targets of
// the level was judged in hindsight.
func (e Engine) DayMark(u models.Unit, day string, lvl models.Level, now time.Time, d *Data) (models.DayMark, error) {
	p, err := e.dayPeriod(day)
	if err != nil {
		return models.DayMark{}, err
	}
	ts := e.compile(e.Targets(u, models.PeriodDay))
	if len(ts) == 0 {
		return models.DayMark{Status: models.StatusNA}, nil
	}
	var sts []models.Status
	var m models.DayMark
	f := e.factsOf(&u, d)
	for i := range ts {
		if ts[i].Level == lvl {
			st, retro := e.judge(&u, &f, &ts[i], p, now, nil)
			sts = append(sts, st)
			m.Retroactive = m.Retroactive || retro
		}
	}
	m.Status = combine(sts)
	return m, nil
}

// DayStatus is the unit's status on one day for the daily targets of a level, combined
// (met only when every daily target is met): what a calendar shows for that day. A unit
// without daily targets is n/a. d must hold the unit's counts for the day.
func (e Engine) DayStatus(u models.Unit, day string, lvl models.Level, now time.Time, d *Data) (models.Status, error) {
	p, err := e.dayPeriod(day)
	if err != nil {
		return "", err
	}
	ts := e.compile(e.Targets(u, models.PeriodDay))
	if len(ts) == 0 {
		return models.StatusNA, nil
	}
	f := e.factsOf(&u, d)
	return e.dayLevelStatus(&u, &f, ts, lvl, p, now), nil
}
