package campaign

import (
	"context"
	"fmt"
	"sort"
	"time"

	"tintot/models"
	"tintot/store"
)

// MaxReportDays is the longest period a report covers: a year, leap or not.
const MaxReportDays = 366

// PeriodReport sums up the days [fromDay, toDay] for parent's subtree ("" : every unit):
// per unit with targets, its counted posts by kind, its baseline daily status on each
// day that is over, and its combined baseline weekly status in each ISO week wholly
// inside the days that are over. The counts are read again, so posts found late and
// reviewers' corrections are included.
//
// A unit is tracked from the day its first feed was registered (a feed shows only its
// latest items, so earlier days without a post in sight prove nothing), or from the day
// the unit was registered when it has no feed; days and weeks before that are left out
// of its figures (its posts of those days still count in Posts).
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

	posts := map[string]map[models.Kind]int{}
	d, err := s.loadWith(ctx, codes, fromDay, through, func(c models.DayCount) {
		m := posts[c.UnitCode]
		if m == nil {
			m = map[models.Kind]int{}
			posts[c.UnitCode] = m
		}
		m[c.Kind] += c.Count
	})
	if err != nil {
		return r, err
	}
	tracked, err := s.trackedFrom(ctx, units, codes)
	if err != nil {
		return r, err
	}
	for _, u := range units {
		row := models.PeriodRow{Unit: u, Posts: posts[u.Code]}
		if row.Posts == nil {
			row.Posts = map[models.Kind]int{}
		}
		uDays, uWeeks := days, r.Weeks
		if first := tracked[u.Code]; first > fromDay {
			uDays = uDays[:0:0]
			for _, day := range days {
				if day >= first {
					uDays = append(uDays, day)
				}
			}
			uWeeks = uWeeks[:0:0]
			for _, w := range r.Weeks {
				if monday, err := models.WeekStart(w, s.loc()); err == nil && models.LocalDay(monday, s.loc()) >= first {
					uWeeks = append(uWeeks, w)
				}
			}
		}
		if row.Days, row.Weeks, err = s.Engine.Tally(u, uDays, uWeeks, d, now); err != nil {
			return r, fmt.Errorf("campaign: %w", err)
		}
		r.Rows = append(r.Rows, row)
		r.Total.Add(row)
	}
	sort.SliceStable(r.Rows, func(i, j int) bool { return r.Rows[i].Unit.Code < r.Rows[j].Unit.Code })
	return r, nil
}

// trackedFrom returns, per unit, the local day tintot started tracking it: the
// registration day of its earliest feed, or of the unit itself when it has none.
func (s *Service) trackedFrom(ctx context.Context, units []models.Unit, codes []string) (map[string]string, error) {
	feeds, err := s.Store.ListFeeds(ctx, store.FeedFilter{UnitCodes: codes, Brief: true})
	if err != nil {
		return nil, fmt.Errorf("campaign: unable to list feeds: %w", err)
	}
	first := map[string]time.Time{}
	for _, f := range feeds {
		if f.CreatedAt.IsZero() {
			continue
		}
		if t, ok := first[f.UnitCode]; !ok || f.CreatedAt.Before(t) {
			first[f.UnitCode] = f.CreatedAt
		}
	}
	out := make(map[string]string, len(units))
	for _, u := range units {
		t, ok := first[u.Code]
		if !ok {
			t = u.CreatedAt
		}
		if !t.IsZero() {
			out[u.Code] = models.LocalDay(t, s.loc())
		}
	}
	return out, nil
}
