package quota

import (
	"sort"
	"time"

	"tintot/models"
)

// rankedKinds are the kinds whose weekly counts break ties in the ranking.
var rankedKinds = []models.Kind{models.KindGoodNews, models.KindStory, models.KindIdeology}

// StatusKey is the key of ReviewRow.StatusByKey: "target|period|level".
func StatusKey(target, period string, lvl models.Level) string {
	return target + "|" + period + "|" + string(lvl)
}

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
	prev, _ := e.weekPeriod(models.ISOWeek(wp.start.AddDate(0, 0, -7), e.loc()))
	days := wp.days()
	dayPeriods := make([]period, 7)
	prevPeriods := make([]period, 7)
	for i := range days {
		dayPeriods[i], _ = e.dayPeriod(days[i])
		prevPeriods[i], _ = e.dayPeriod(prev.days()[i])
	}
	ref, _ := e.dayPeriod(e.StreakDay(week, now))

	r := models.Review{
		Week:        week,
		Parent:      parent,
		Days:        days,
		GeneratedAt: now,
		DaySummary:  make([]models.DaySummary, 7),
		WeekSummary: []models.TargetSummary{},
		Rows:        []models.ReviewRow{},
		Corrections: corrections,
	}
	byUnit := make(map[string][]models.Correction)
	for _, c := range corrections {
		byUnit[c.UnitCode] = append(byUnit[c.UnitCode], c)
	}

	for _, u := range units {
		dayTargets := e.Targets(u.Kind, models.PeriodDay)
		weekTargets := e.Targets(u.Kind, models.PeriodWeek)
		if len(dayTargets)+len(weekTargets) == 0 {
			continue
		}
		row := models.ReviewRow{
			Unit:        u,
			WeekCounts:  make(map[models.Kind]int, len(models.Kinds)),
			Statuses:    []models.PeriodStatus{},
			DaysMet:     map[models.Level]int{},
			FeedState:   d.FeedState(u.Code),
			Corrections: byUnit[u.Code],
			StatusByKey: map[string]models.Status{},
		}
		for _, k := range models.Kinds {
			for _, day := range days {
				row.WeekCounts[k] += d.counts[u.Code][day][k]
			}
		}
		dailyKinds := e.dailyKinds(dayTargets)
		for i := range days {
			row.DailyCounts[i] = d.count(u.Code, days[i], dailyKinds)
			row.DailyStatus[i] = models.StatusNA
		}
		for _, t := range weekTargets {
			ps := e.status(u, t, wp, d, now)
			row.Statuses = append(row.Statuses, ps)
			row.StatusByKey[StatusKey(t.Name, week, t.Level)] = ps.Status
		}
		if len(dayTargets) > 0 {
			row.Statuses = append(row.Statuses, e.dailySummaries(u, dayTargets, dayPeriods, wp, d, now, &row)...)
			for i := range dayPeriods {
				row.DailyStatus[i] = e.dayLevelStatus(u, dayTargets, models.LevelBaseline, dayPeriods[i], d, now)
				if e.dayLevelStatus(u, dayTargets, models.LevelBaseline, prevPeriods[i], d, now) == models.StatusMet {
					row.PrevDaysMet++
				}
			}
			row.Streak, _ = e.streak(u, ref, d, now)
		}
		r.Rows = append(r.Rows, row)
	}

	rank(r.Rows)
	for i := range days {
		s := &r.DaySummary[i]
		s.Day = days[i]
		for _, row := range r.Rows {
			if row.Unit.Kind != models.UnitCommune {
				continue
			}
			switch row.DailyStatus[i] {
			case models.StatusMet:
				s.Met++
			case models.StatusShort:
				s.Short++
			case models.StatusAtRisk:
				s.AtRisk++
			case models.StatusUnknown:
				s.Unknown++
			case models.StatusExcused:
				s.Excused++
			default:
				s.NA++
			}
		}
		s.ShareMet = share(s.Met, s.Met+s.Short+s.AtRisk+s.Unknown)
	}
	r.WeekSummary = e.weekSummary(r.Rows, week)
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

// dailyKinds is the union of the counted kinds of the baseline daily targets.
func (e Engine) dailyKinds(targets []models.Target) []models.Kind {
	var kinds []models.Kind
	seen := map[models.Kind]bool{}
	for _, t := range targets {
		if t.Level != models.LevelBaseline {
			continue
		}
		for _, k := range e.CountedKinds(t) {
			if !seen[k] {
				seen[k] = true
				kinds = append(kinds, k)
			}
		}
	}
	return kinds
}

// dailySummaries folds each daily target's seven day statuses into one week-long status
// per target and level: Required is the days the quota applied, Actual the days met.
func (e Engine) dailySummaries(u models.Unit, targets []models.Target, days []period, wp period, d *Data, now time.Time, row *models.ReviewRow) []models.PeriodStatus {
	var out []models.PeriodStatus
	met := map[models.Level]map[int]bool{}
	for _, t := range targets {
		ps := models.PeriodStatus{
			Target: t.Name, Kinds: e.CountedKinds(t), PeriodKind: models.PeriodDay, Period: wp.key,
			Level: t.Level, Obligatory: obligatory(t, wp.start),
		}
		var sts []models.Status
		if met[t.Level] == nil {
			met[t.Level] = map[int]bool{}
		}
		for i, dp := range days {
			st := e.status(u, t, dp, d, now)
			row.StatusByKey[StatusKey(t.Name, dp.key, t.Level)] = st.Status
			sts = append(sts, st.Status)
			switch st.Status {
			case models.StatusMet:
				ps.Actual++
				ps.Required++
				if _, seen := met[t.Level][i]; !seen {
					met[t.Level][i] = true
				}
			case models.StatusNA, models.StatusExcused:
			default:
				ps.Required++
				met[t.Level][i] = false
			}
		}
		ps.Status = combine(sts)
		if ps.Status == models.StatusShort || ps.Status == models.StatusAtRisk {
			ps.Missing = ps.Required - ps.Actual
		}
		if ps.Status == models.StatusAtRisk && now.Before(wp.end) {
			ps.TimeLeft = wp.end.Sub(now)
		}
		out = append(out, ps)
	}
	for lvl, m := range met {
		n := 0
		for _, ok := range m {
			if ok {
				n++
			}
		}
		row.DaysMet[lvl] = n
	}
	return out
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// rank orders rows by baseline days met, then weekly posts of campaign kinds, then code,
// and numbers them 1, 2, 2, 4… (ties share a rank).
func rank(rows []models.ReviewRow) {
	total := func(r models.ReviewRow) int {
		n := 0
		for _, k := range rankedKinds {
			n += r.WeekCounts[k]
		}
		return n
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.DaysMet[models.LevelBaseline] != b.DaysMet[models.LevelBaseline] {
			return a.DaysMet[models.LevelBaseline] > b.DaysMet[models.LevelBaseline]
		}
		if ta, tb := total(a), total(b); ta != tb {
			return ta > tb
		}
		return a.Unit.Code < b.Unit.Code
	})
	for i := range rows {
		if i > 0 && rows[i].DaysMet[models.LevelBaseline] == rows[i-1].DaysMet[models.LevelBaseline] && total(rows[i]) == total(rows[i-1]) {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// weekSummary counts rows by status per weekly target and level, in policy order.
func (e Engine) weekSummary(rows []models.ReviewRow, week string) []models.TargetSummary {
	out := []models.TargetSummary{}
	for _, t := range e.Policy.Targets {
		if t.Period != models.PeriodWeek {
			continue
		}
		s := models.TargetSummary{Target: t.Name, Level: t.Level}
		any := false
		for _, row := range rows {
			st, ok := row.StatusByKey[StatusKey(t.Name, week, t.Level)]
			if !ok {
				continue
			}
			any = true
			switch st {
			case models.StatusMet:
				s.Met++
			case models.StatusShort:
				s.Short++
			case models.StatusAtRisk:
				s.AtRisk++
			case models.StatusUnknown:
				s.Unknown++
			case models.StatusExcused:
				s.Excused++
			}
		}
		if !any {
			continue
		}
		s.ShareMet = share(s.Met, s.Met+s.Short+s.AtRisk+s.Unknown)
		out = append(out, s)
	}
	return out
}
