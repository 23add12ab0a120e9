package quota

import (
	"time"

	"tintot/models"
)

// Tally evaluates one unit over a stretch of days against the baseline: the combined
// status of its daily targets on each of days, and the combined status of its weekly
// targets in each of weeks ("2026-W48"). d must hold the unit's counts for all of them.
// Days and weeks the unit has no target for, or was not active in, are n/a and not
// counted.
func (e Engine) Tally(u models.Unit, days, weeks []string, d *Data, now time.Time) (dayTally, weekTally models.StatusCounts, err error) {
	if daily := e.compile(e.Targets(u, models.PeriodDay)); len(daily) > 0 {
		for _, day := range days {
			p, err := e.dayPeriod(day)
			if err != nil {
				return dayTally, weekTally, err
			}
			dayTally.Add(e.dayLevelStatus(u, daily, models.LevelBaseline, p, d, now))
		}
	}
	if weekly := e.compile(e.Targets(u, models.PeriodWeek)); len(weekly) > 0 {
		for _, week := range weeks {
			p, err := e.weekPeriod(week)
			if err != nil {
				return dayTally, weekTally, err
			}
			dayOf := d.counts[u.Code]
			var sts []models.Status
			for _, t := range weekly {
				if t.Level == models.LevelBaseline {
					sts = append(sts, e.statusOf(u, dayOf, t, p, d, now).Status)
				}
			}
			weekTally.Add(combine(sts))
		}
	}
	return dayTally, weekTally, nil
}
