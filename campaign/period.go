package campaign

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"tintot/models"
)

// MaxReportDays is the longest period a report covers: a year, leap or not.
const MaxReportDays = 366

// PeriodReport sums up the days [fromDay, toDay] for parent's subtree ("" : every unit):
// per unit with targets, its counted posts by kind, its baseline daily status on each
// day that is over, and its combined baseline weekly status in each ISO week wholly
// inside the days that are over. The counts are read again, so posts found late and
// reviewers' corrections are included.
//
// Each day and week is judged by the one observation rule of the quota package (see its
// package doc), as on every other screen: days tintot could not see are unknown, days
// seen only in hindsight are counted like the others.
func (s *Service) PeriodReport(ctx context.Context, parent, fromDay, toDay string) (models.PeriodReport, error) {
	now := s.now()
	r := models.PeriodReport{Parent: parent, From: fromDay, To: toDay, GeneratedAt: now, Weeks: []string{}, Rows: []models.PeriodRow{},
		Total: models.PeriodRow{Posts: map[models.Kind]int{}}}
	from, err := models.DayStart(fromDay, s.loc())
	if err != nil {
		return r, fmt.Errorf("campaign: from: %w", err)
	}
	to, err := models.DayStart(toDay, s.loc())
	if err != nil {
		return r, fmt.Errorf("campaign: to: %w", err)
	}
	if to.Before(from) {
		return r, fmt.Errorf("campaign: the period ends (%s) before it starts (%s)", toDay, fromDay)
	}
	if n := int(to.Sub(from)/(24*time.Hour)) + 1; n > MaxReportDays { // Vietnam has no DST
		return r, fmt.Errorf("campaign: the period has %d days; a report covers at most %d", n, MaxReportDays)
	}
	through := toDay
	if yesterday := addDays(models.LocalDay(now, s.loc()), -1, s.loc()); yesterday < through {
		through = yesterday
	}
	all, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return r, err
	}
	units, codes := s.withTargets(all)
	if through < fromDay || len(units) == 0 {
		return r, nil // nothing is over yet, or nobody has a quota
	}
	r.Through = through
	if parent == "" {
		codes = nil
	}

	var days []string
	for day := fromDay; day <= through; day = addDays(day, 1, s.loc()) {
		days = append(days, day)
	}
	for _, day := range days {
		monday, _ := models.DayStart(day, s.loc())
		if monday.Weekday() != time.Monday {
			continue
		}
		if sunday := addDays(day, 6, s.loc()); sunday <= through {
			r.Weeks = append(r.Weeks, models.ISOWeek(monday, s.loc()))
		}
	}

	d, err := s.load(ctx, codes, fromDay, through)
	if err != nil {
		return r, err
	}
	st, err := s.Engine.NewStretch(days, r.Weeks)
	if err != nil {
		return r, fmt.Errorf("campaign: %w", err)
	}
	// The engine only reads d and st: units are tallied side by side.
	rows := make([]models.PeriodRow, len(units))
	workers := min(runtime.GOMAXPROCS(0), len(units))
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := k; j < len(units); j += workers {
				u := units[j]
				row := models.PeriodRow{Unit: u, Posts: d.Posts(u.Code, fromDay, through)}
				row.Days, row.Weeks = s.Engine.TallyStretch(u, st, d, now)
				rows[j] = row
			}
		}()
	}
	wg.Wait()
	for _, row := range rows {
		r.Rows = append(r.Rows, row)
		r.Total.Add(row)
	}
	sort.SliceStable(r.Rows, func(i, j int) bool { return r.Rows[i].Unit.Code < r.Rows[j].Unit.Code })
	return r, nil
}
