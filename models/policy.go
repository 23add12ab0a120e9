package models

import (
	"strings"
	"time"
)

// PeriodKind is the length of a quota period.
type PeriodKind string

// Period kinds.
const (
	PeriodDay  PeriodKind = "day"
	PeriodWeek PeriodKind = "week"
	PeriodYear PeriodKind = "year"
)

// PeriodKindOf is the kind of a day or week key: PeriodWeek for "2026-W48", else
// PeriodDay (an evaluation's or an alert's Period).
func PeriodKindOf(period string) PeriodKind {
	if strings.Contains(period, "-W") {
		return PeriodWeek
	}
	return PeriodDay
}

// Level tells the obligation of today (baseline, the 2025 level) from the 2030 goal (target).
type Level string

// Levels.
const (
	LevelBaseline Level = "baseline"
	LevelTarget   Level = "target"
)

// Label names the level in Vietnamese: "Mức cơ bản", "Mức phấn đấu".
func (l Level) Label() string {
	switch l {
	case LevelBaseline:
		return "Mức cơ bản"
	case LevelTarget:
		return "Mức phấn đấu"
	}
	return string(l)
}

// Target is one quota rule of a policy: for units of some kinds, at least Minimum posts of
// the counted kinds per period, at a level, effective in [From, To).
type Target struct {
	Name      string     `json:"name" yaml:"name"`
	UnitKinds []UnitKind `json:"unit_kinds" yaml:"unit_kinds"`
	// ParentKinds, when set, narrows the target to units whose parent is of one of these
	// kinds ("grassroots Đoàn under a bloc"). Empty: any parent, or none.
	ParentKinds []UnitKind `json:"parent_kinds,omitempty" yaml:"parent_kinds,omitempty"`
	Kinds       []Kind     `json:"kinds" yaml:"kinds"` // post kinds that count (none for a yearly target: it counts trends)
	Period      PeriodKind `json:"period" yaml:"period"`
	Minimum     int        `json:"minimum" yaml:"minimum"`
	Level       Level      `json:"level" yaml:"level"`
	From        *time.Time `json:"from,omitempty" yaml:"from,omitempty"`
	To          *time.Time `json:"to,omitempty" yaml:"to,omitempty"`
	Obligatory  *time.Time `json:"obligatory_from,omitempty" yaml:"obligatory_from,omitempty"` // a target-level rule becomes an obligation from this date
}

// PeakPeriod (tuần cao điểm) raises the minimum of named targets in [From, To).
type PeakPeriod struct {
	Name     string         `json:"name" yaml:"name"`
	From     time.Time      `json:"from" yaml:"from"`
	To       time.Time      `json:"to" yaml:"to"`
	Minimums map[string]int `json:"minimums" yaml:"minimums"` // target name -> minimum
}

// Exemption excuses one unit (or all, UnitCode "") in [From, To) for a reason.
type Exemption struct {
	UnitCode string    `json:"unit_code,omitempty" yaml:"unit_code,omitempty"`
	From     time.Time `json:"from" yaml:"from"`
	To       time.Time `json:"to" yaml:"to"`
	Reason   string    `json:"reason" yaml:"reason"`
}

// Policy is the whole set of campaign rules in force.
type Policy struct {
	Targets    []Target     `json:"targets" yaml:"targets"`
	Peaks      []PeakPeriod `json:"peaks,omitempty" yaml:"peaks,omitempty"`
	Exemptions []Exemption  `json:"exemptions,omitempty" yaml:"exemptions,omitempty"`
	// StoryCountsAsGoodNews: a story also counts toward the daily good-news quota.
	StoryCountsAsGoodNews bool `json:"story_counts_as_good_news" yaml:"story_counts_as_good_news"`
	// TrendMinUnits is how many units must join a trend for it to count toward a yearly
	// target (0: DefaultTrendMinUnits).
	TrendMinUnits int `json:"trend_min_units,omitempty" yaml:"trend_min_units,omitempty"`
}

// MinUnitsPerTrend is TrendMinUnits, or its default when unset.
func (p Policy) MinUnitsPerTrend() int {
	if p.TrendMinUnits > 0 {
		return p.TrendMinUnits
	}
	return DefaultTrendMinUnits
}

// Status is the outcome of one unit × period × level.
type Status string

// Statuses (DESIGN.md §7).
const (
	StatusMet     Status = "met"
	StatusShort   Status = "short"   // period over, count below
	StatusAtRisk  Status = "at_risk" // period open, not yet met
	StatusUnknown Status = "unknown" // not met, and tintot could not see: feeds failing, never read, or not reaching back that far
	StatusExcused Status = "excused"
	StatusNA      Status = "n/a"
	// StatusUpcoming: the period has not begun. No count is shown for it.
	StatusUpcoming Status = "upcoming"
)

// Label returns the Vietnamese name of the status.
func (s Status) Label() string {
	switch s {
	case StatusMet:
		return "Đạt"
	case StatusShort:
		return "Không đạt"
	case StatusAtRisk:
		return "Chưa đạt"
	case StatusUnknown:
		return "Không xác định"
	case StatusExcused:
		return "Miễn"
	case StatusNA:
		return "Không áp dụng"
	case StatusUpcoming:
		return "Chưa đến"
	}
	return string(s)
}

// Evaluation is a stored outcome of a closed (or evaluated) period, kept so that a
// later change can be recorded as a correction.
type Evaluation struct {
	UnitCode   string     `json:"unit_code"`
	Target     string     `json:"target"` // target name
	Period     string     `json:"period"` // "2026-11-27", "2026-W48", "2026"
	PeriodKind PeriodKind `json:"period_kind"`
	Level      Level      `json:"level"`
	Required   int        `json:"required"`
	Actual     int        `json:"actual"`
	Status     Status     `json:"status"`
	// Retroactive: the period began before tintot first read the unit's feeds (or, for a
	// unit without feeds, before it was registered). It is shown and reported, never alerted.
	Retroactive bool `json:"retroactive,omitempty"`
	// Obligatory: the level is an obligation in the period (the baseline always; the
	// 2030 target from its effective date, Target.Obligatory). Alerts follow the strictest
	// obligatory level of each target.
	Obligatory  bool      `json:"obligatory,omitempty"`
	EvaluatedAt time.Time `json:"evaluated_at"`
}

// Key identifies the evaluation: unique per (unit, target, period, level).
func (e Evaluation) Key() string {
	return e.UnitCode + "|" + e.Target + "|" + e.Period + "|" + string(e.Level)
}

// Correction records that a stored evaluation changed, e.g. because of a late post.
type Correction struct {
	UnitCode  string    `json:"unit_code"`
	Target    string    `json:"target"`
	Period    string    `json:"period"`
	Level     Level     `json:"level"`
	OldStatus Status    `json:"old_status"`
	NewStatus Status    `json:"new_status"`
	OldActual int       `json:"old_actual"`
	NewActual int       `json:"new_actual"`
	At        time.Time `json:"at"`
	Why       string    `json:"why"`
}
