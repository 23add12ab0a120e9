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
	st, err := e.NewStretch(days, weeks)
	if err != nil {
		return dayTally, weekTally, err
	}
	dayTally, weekTally = e.TallyStretch(u, st, d, now)
	return dayTally, weekTally, nil
}

// Stretch is a run of days and weeks prepared once for Tally over many units: the keys
// are parsed once, not once per unit.
type Stretch struct {
	days, weeks []period
}

// NewStretch prepares days ("2026-11-27") and weeks ("2026-W48") for TallyStretch.
func (e Engine) NewStretch(days, weeks []string) (*Stretch, error) {
	st := &Stretch{days: make([]period, len(days)), weeks: make([]period, len(weeks))}
	for i, day := range days {
		p, err := e.dayPeriod(day)
		if err != nil {
			return nil, err
		}
		st.days[i] = p
	}
	for i, week := range weeks {
		p, err := e.weekPeriod(week)
		if err != nil {
			return nil, err
		}
		st.weeks[i] = p
	}
	return st, nil
}

// TallyStretch is Tally over a prepared stretch. It only reads st and d, so many
// goroutines may tally units over one stretch at once.
func (e Engine) TallyStretch(u models.Unit, st *Stretch, d *Data, now time.Time) (dayTally, weekTally models.StatusCounts) {
	if len(st.days) == 0 && len(st.weeks) == 0 {
		return dayTally, weekTally
	}
	daily, weekly := e.compile(e.Targets(u, models.PeriodDay)), e.compile(e.Targets(u, models.PeriodWeek))
	if len(daily) == 0 && len(weekly) == 0 {
		return dayTally, weekTally
	}
	f := e.factsOf(&u, d)
	if len(daily) > 0 {
		for _, p := range st.days {
			dayTally.Add(e.dayLevelStatus(&u, &f, daily, models.LevelBaseline, p, now))
		}
	}
	if len(weekly) > 0 {
		for _, p := range st.weeks {
			var buf [4]models.Status
			sts := buf[:0]
			for i := range weekly {
				if weekly[i].Level == models.LevelBaseline {
					s, _ := e.judge(&u, &f, &weekly[i], p, now, nil)
					sts = append(sts, s)
				}
			}
			weekTally.Add(combine(sts))
		}
	}
	return dayTally, weekTally
}
