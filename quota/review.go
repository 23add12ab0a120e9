package quota

import (
	"runtime"
	"sort"
	"sync"
	"time"

	"tintot/models"
)

// reviewSplit is the number of units from which Review builds rows on several
// goroutines.
const reviewSplit = 1000

// rankedKinds are the kinds whose weekly counts break ties in the ranking.
var rankedKinds = []models.Kind{models.KindGoodNews, models.KindStory, models.KindIdeology}

// Review builds the weekly review of units (the caller picks them: a parent's subtree)
// at now. Units whose kind has no target are left out. d must hold counts for the week,
// the week before and StreakLookback days before the week's last day; corrections made
// for these periods are attached to their rows and to the review. Rows are ordered by
// rank: baseline days met, then weekly posts of campaign kinds, then unit code.
func (e Engine) Review(week, parent string, units []models.Unit, d *Data, corrections []models.Correction, now time.Time) (models.Review, error) {
	wp, err := e.weekPeriod(week)
	if err != nil {
		return models.Review{}, err
	}
	days := make([]string, 7)
	dayPeriods := make([]period, 7)
	prevPeriods := make([]period, 7)
	for i := range days {
		days[i] = wp.start.AddDate(0, 0, i).Format(models.DayLayout)
		dayPeriods[i], _ = e.dayPeriod(days[i])
		prevPeriods[i], _ = e.dayPeriod(wp.start.AddDate(0, 0, i-7).Format(models.DayLayout))
	}
	ref, _ := e.dayPeriod(e.StreakDay(week, now))
	// The previous week is compared over the same days as this one has had so far.
	begun := 0
	for _, dp := range dayPeriods {
		if !now.Before(dp.start) {
			begun++
		}
	}

	r := models.Review{
		Week:        week,
		Parent:      parent,
		Days:        days,
		GeneratedAt: now,
		DaySummary:  make([]models.DaySummary, 7),
		WeekSummary: []models.TargetSummary{},
		Rows:        make([]models.ReviewRow, 0, len(units)),
		Corrections: corrections,
		CompareDays: begun,
	}
	byUnit := make(map[string][]models.Correction)
	for _, c := range corrections {
		byUnit[c.UnitCode] = append(byUnit[c.UnitCode], c)
	}
	// Each unit's row depends on the unit alone: a large subtree is split between
	// goroutines (the engine only reads d), then ranked as one.
	build := func(units []models.Unit) []models.ReviewRow {
		rows := make([]models.ReviewRow, 0, len(units))
		cache := targetCache{}
		for i := range units {
			u := &units[i]
			kt := e.targetsOf(cache, u)
			if len(kt.day)+len(kt.week) == 0 {
				continue
			}
			f := e.factsOf(u, d)
			row := models.ReviewRow{
				Unit:        *u,
				WeekCounts:  make(map[models.Kind]int, len(models.Kinds)),
				Statuses:    make([]models.PeriodStatus, 0, len(kt.day)+len(kt.week)),
				DaysMet:     map[models.Level]int{},
				FeedState:   d.FeedState(u.Code),
				Corrections: byUnit[u.Code],
			}
			for i, k := range models.Kinds {
				row.WeekCounts[k] = count(f.days, wp.day0, 7, 1<<i)
			}
			for i := range days {
				row.DailyCounts[i] = count(f.days, dayPeriods[i].day0, 1, kt.dailyMask)
				row.DailyStatus[i] = models.StatusNA
			}
			for i := range kt.week {
				row.Statuses = append(row.Statuses, e.statusOf(u, &f, &kt.week[i], wp, now))
			}
			if len(kt.day) > 0 {
				row.HasDaily = true
				row.Statuses = append(row.Statuses, e.dailySummaries(u, &f, kt.day, dayPeriods, wp, now, &row)...)
				for i := range dayPeriods[:begun] {
					switch e.dayLevelStatus(u, &f, kt.day, models.LevelBaseline, prevPeriods[i], now) {
					case models.StatusMet:
						row.PrevDaysMet++
					case models.StatusUnknown:
						row.Incomparable = true
					}
					if row.DailyStatus[i] == models.StatusUnknown {
						row.Incomparable = true
					}
				}
				row.Streak, _ = e.streakOf(u, &f, kt.day, ref, d, now)
			}
			rows = append(rows, row)
		}
		return rows
	}
	parts := 1
	if len(units) >= reviewSplit {
		parts = min(runtime.GOMAXPROCS(0), len(units)/(reviewSplit/2))
	}
	chunks := make([][]models.ReviewRow, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(units)/parts, (p+1)*len(units)/parts
		if p == parts-1 {
			chunks[p] = build(units[lo:hi]) // this goroutine's share
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunks[p] = build(units[lo:hi])
		}()
	}
	wg.Wait()
	for _, c := range chunks {
		r.Rows = append(r.Rows, c...)
	}

	rank(r.Rows)
	for i := range days {
		s := &r.DaySummary[i]
		s.Day = days[i]
		s.Upcoming = now.Before(dayPeriods[i].start)
		for _, row := range r.Rows {
			if row.Unit.Kind != models.UnitCommune {
				continue
			}
			if !s.Add(row.DailyStatus[i]) {
				s.NA++
			}
		}
	}
	r.WeekSummary = e.weekSummary(r.Rows)
	return r, nil
}

// StreakDay is the day a weekly review's streaks end at: today while the week is open,
// its Sunday once it is over (its Monday if it has not begun). Invalid weeks give "".
func (e Engine) StreakDay(week string, now time.Time) string {
	wp, err := e.weekPeriod(week)
	if err != nil {
		return ""
	}
	switch {
	case !now.Before(wp.end):
		return models.LocalDay(wp.end.Add(-time.Hour), e.loc())
	case now.Before(wp.start):
		return models.LocalDay(wp.start, e.loc())
	}
	return models.LocalDay(now, e.loc())
}

// dailySummaries folds each daily target's seven day statuses into one week-long status
// per target and level: Required is the days the quota applied and tintot could judge
// (not excused, not unknown, begun), Actual the days met.
func (e Engine) dailySummaries(u *models.Unit, f *unitFacts, targets []compiled, days []period, wp period, now time.Time, row *models.ReviewRow) []models.PeriodStatus {
	out := make([]models.PeriodStatus, 0, len(targets))
	// per level and day: 1 met by every target so far, 2 not met by one, 0 not applicable
	var met [2][7]uint8
	levels := [2]models.Level{models.LevelBaseline, models.LevelTarget}
	seen := [2]bool{}
	for ti := range targets {
		t := &targets[ti]
		li := 0
		if t.Level == models.LevelTarget {
			li = 1
		}
		seen[li] = true
		ps := models.PeriodStatus{
			Target: t.Name, Kinds: t.kinds, PeriodKind: models.PeriodDay, Period: wp.key,
			Level: t.Level, Obligatory: obligatory(t.Target, wp.start),
		}
		var sts [7]models.Status
		for i, dp := range days {
			st, retro := e.judge(u, f, t, dp, now, nil)
			sts[i] = st
			if li == 0 && retro {
				row.DailyRetro[i] = true
			}
			switch st {
			case models.StatusMet:
				ps.Actual++
				ps.Required++
				if met[li][i] == 0 {
					met[li][i] = 1
				}
			case models.StatusNA, models.StatusExcused, models.StatusUpcoming, models.StatusUnknown:
				// not a day the quota could be judged on: neither met nor missed
			default:
				ps.Required++
				met[li][i] = 2
			}
		}
		if li == 0 {
			// the baseline daily status of a day combines every baseline daily target
			for i := range days {
				if ti == 0 || row.DailyStatus[i] == models.StatusNA {
					row.DailyStatus[i] = sts[i]
				} else {
					row.DailyStatus[i] = combine([]models.Status{row.DailyStatus[i], sts[i]})
				}
			}
		}
		ps.Status = combine(sts[:])
		if ps.Status == models.StatusShort || ps.Status == models.StatusAtRisk {
			ps.Missing = ps.Required - ps.Actual
		}
		if ps.Status == models.StatusAtRisk && now.Before(wp.end) {
			ps.TimeLeft = wp.end.Sub(now)
		}
		out = append(out, ps)
	}
	for li, lvl := range levels {
		if !seen[li] {
			continue
		}
		n := 0
		for _, m := range met[li] {
			if m == 1 {
				n++
			}
		}
		row.DaysMet[lvl] = n
	}
	return out
}

// rank orders rows by baseline days met, then weekly posts of campaign kinds, then code,
// and numbers them 1, 2, 2, 4… (ties share a rank). Rows tintot could not see all week
// (ReviewRow.Unranked) come last, with rank 0: a unit unseen is no unit seen to miss.
func rank(rows []models.ReviewRow) {
	type key struct {
		days, total int
		code        string
		i           int
		unranked    bool
	}
	keys := make([]key, len(rows))
	for i, r := range rows {
		n := 0
		for _, k := range rankedKinds {
			n += r.WeekCounts[k]
		}
		keys[i] = key{r.DaysMet[models.LevelBaseline], n, r.Unit.Code, i, r.Unranked()}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.unranked != b.unranked {
			return b.unranked
		}
		if a.days != b.days {
			return a.days > b.days
		}
		if a.total != b.total {
			return a.total > b.total
		}
		return a.code < b.code
	})
	// Ranks first (in sorted order), then the rows moved into that order in place by
	// following the permutation's cycles: a province's rows are not copied.
	ranks := make([]int, len(keys))
	for i, k := range keys {
		if k.unranked {
			continue // 0
		}
		if i > 0 && k.days == keys[i-1].days && k.total == keys[i-1].total {
			ranks[i] = ranks[i-1]
		} else {
			ranks[i] = i + 1
		}
	}
	for i := range keys {
		if keys[i].i < 0 {
			continue // already placed
		}
		// Position i takes the row at keys[i].i, which takes the row at its own key's
		// source, and so on until the cycle returns to i.
		tmp := rows[i]
		j := i
		for {
			src := keys[j].i
			keys[j].i = -1
			if src == i {
				rows[j] = tmp
				break
			}
			rows[j] = rows[src]
			j = src
		}
	}
	for i := range rows {
		rows[i].Rank = ranks[i]
	}
}

// weekSummary counts rows by status per weekly target and level, in policy order.
func (e Engine) weekSummary(rows []models.ReviewRow) []models.TargetSummary {
	out := []models.TargetSummary{}
	for _, t := range e.Policy.Targets {
		if t.Period != models.PeriodWeek {
			continue
		}
		s := models.TargetSummary{Target: t.Name, Level: t.Level, Kinds: t.Kinds, UnitKinds: t.UnitKinds, ParentKinds: t.ParentKinds}
		any := false
		for _, row := range rows {
			for _, ps := range row.Statuses {
				if ps.PeriodKind != models.PeriodWeek || ps.Target != t.Name || ps.Level != t.Level {
					continue
				}
				any = true
				s.Add(ps.Status)
			}
		}
		if any {
			out = append(out, s)
		}
	}
	return out
}
