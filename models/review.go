package models

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// PeriodStatus is the outcome of one unit × target × period × level, as the quota engine
// computes it and every page, export and e-mail shows it.
type PeriodStatus struct {
	Target     string        `json:"target"`
	Kinds      []Kind        `json:"kinds"`
	PeriodKind PeriodKind    `json:"period_kind"`
	Period     string        `json:"period"` // "2026-11-27", "2026-W48"
	Level      Level         `json:"level"`
	Obligatory bool          `json:"obligatory"` // false for a target level not yet in force
	Required   int           `json:"required"`
	Actual     int           `json:"actual"`
	Status     Status        `json:"status"`
	Missing    int           `json:"missing,omitempty"`   // for at_risk/short: posts still needed
	TimeLeft   time.Duration `json:"time_left,omitempty"` // for at_risk: until the period closes
	Note       string        `json:"note,omitempty"`      // Vietnamese: peak week name, exemption reason, outage…
	// Retroactive: the period began before tintot first read the unit (see Evaluation).
	Retroactive bool `json:"retroactive,omitempty"`
}

// ActualText is the count as screens and exports show it: "?" when the status is
// unknown and nothing was seen (a 0 there would be a number tintot does not know).
func (ps PeriodStatus) ActualText() string {
	if ps.Status == StatusUnknown && ps.Actual == 0 {
		return "?"
	}
	return strconv.Itoa(ps.Actual)
}

// DayMark is a unit's combined baseline daily status on one day, and whether that day
// was judged only in hindsight (before tintot first read the unit): a calendar cell.
type DayMark struct {
	Status      Status `json:"status"`
	Retroactive bool   `json:"retroactive,omitempty"`
}

// UnitStatusReport is what GET /api/v1/units/{code}/status returns: the day and the week
// containing a date, per level, and the streak.
type UnitStatusReport struct {
	Unit   Unit           `json:"unit"`
	Date   string         `json:"date"`
	Week   string         `json:"week"`
	Day    []PeriodStatus `json:"day"`
	WeekSt []PeriodStatus `json:"week_status"`
	Streak int            `json:"streak"` // consecutive met days (baseline daily quota) up to Date
	Now    time.Time      `json:"now"`
	// YearSt is the yearly trend target (trào lưu) of Date's year, for units it applies to.
	YearSt []PeriodStatus `json:"year_status,omitempty"`
}

// ReviewRow is one unit in a weekly review.
type ReviewRow struct {
	Unit        Unit           `json:"unit"`
	DailyCounts [7]int         `json:"daily_counts"`      // Monday..Sunday, posts counting toward the daily quota
	DailyStatus [7]Status      `json:"daily_status"`      // Monday..Sunday, baseline daily status
	DailyRetro  [7]bool        `json:"daily_retroactive"` // Monday..Sunday, evaluated before the unit's first read
	HasDaily    bool           `json:"has_daily"`         // the unit's kind has a daily target (else days met is "—")
	WeekCounts  map[Kind]int   `json:"week_counts"`       // per effective kind, whole week
	Statuses    []PeriodStatus `json:"statuses"`          // weekly targets and the daily ones summarised, per level
	DaysMet     map[Level]int  `json:"days_met"`          // days met, per level
	Streak      int            `json:"streak"`
	PrevDaysMet int            `json:"prev_days_met"` // baseline days met in the same elapsed days of the previous week (Review.CompareDays)
	// Incomparable: a compared day of this week or of the previous one could not be
	// judged (unknown), so the change in days met is not known and is not shown.
	Incomparable bool           `json:"incomparable,omitempty"`
	FeedState    FeedState      `json:"feed_state"` // worst state among the unit's feeds ("" if none)
	Rank         int            `json:"rank"`
	Extra        map[string]int `json:"extra,omitempty"`
	Corrections  []Correction   `json:"corrections,omitempty"`
}

// DayText is what every screen and export shows for day i (0 = Monday) of the row: ""
// for a day not begun, "?" for an unknown day on which nothing was seen, "–" where no
// daily target applies, else the count. It never shows a number tintot does not know.
func (r ReviewRow) DayText(i int) string {
	switch st := r.DailyStatus[i]; {
	case st == StatusUpcoming:
		return ""
	case st == StatusNA || st == "":
		return "–"
	case st == StatusUnknown && r.DailyCounts[i] == 0:
		return "?"
	}
	return strconv.Itoa(r.DailyCounts[i])
}

// WeekCountText is the week's count of kind k as every screen and export shows it: "?"
// when nothing of that kind was seen and tintot could not see the whole week — the
// weekly target counting k is unknown or, for a kind no weekly target counts (good news),
// a day of the week is unknown — else the count. Like DayText, it never shows a number
// tintot does not know.
func (r ReviewRow) WeekCountText(k Kind) string {
	n := r.WeekCounts[k]
	if n > 0 {
		return strconv.Itoa(n)
	}
	weekly := false
	for _, s := range r.Statuses {
		if s.PeriodKind != PeriodWeek || s.Level != LevelBaseline || !slices.Contains(s.Kinds, k) {
			continue
		}
		weekly = true
		if s.Status == StatusUnknown {
			return "?"
		}
	}
	if !weekly && slices.Contains(r.DailyStatus[:], StatusUnknown) {
		return "?"
	}
	return strconv.Itoa(n)
}

// Unranked reports whether the row is left out of the ranking: it has a daily target but
// no day of the week could be judged (tintot could not see the unit), so it is neither
// better nor worse than any other. Its Rank is 0.
func (r ReviewRow) Unranked() bool {
	if !r.HasDaily || r.DaysApplied() > 0 {
		return false
	}
	return slices.Contains(r.DailyStatus[:], StatusUnknown)
}

// RankText is the rank as every screen and export shows it: "—" for an unranked row.
func (r ReviewRow) RankText() string {
	if r.Rank == 0 {
		return "—"
	}
	return strconv.Itoa(r.Rank)
}

// DaysMetText is the days met as every screen and export shows them: "—" for a unit
// without a daily target, "?" when no day of the week could be judged yet because
// tintot could not see the unit, else "met/judged".
func (r ReviewRow) DaysMetText() string {
	if !r.HasDaily {
		return "—"
	}
	n := r.DaysApplied()
	if n == 0 {
		for _, st := range r.DailyStatus {
			if st == StatusUnknown {
				return "?"
			}
		}
	}
	return strconv.Itoa(r.DaysMet[LevelBaseline]) + "/" + strconv.Itoa(n)
}

// DaysApplied is how many days the baseline daily quota applied so far in the week (the
// denominator of the days met), 0 when the unit has no daily target.
func (r ReviewRow) DaysApplied() int {
	for _, ps := range r.Statuses {
		if ps.PeriodKind == PeriodDay && ps.Level == LevelBaseline {
			return ps.Required
		}
	}
	return 0
}

// StatusCounts counts units by status.
type StatusCounts struct {
	Met      int     `json:"met"`
	Short    int     `json:"short"`
	AtRisk   int     `json:"at_risk"`
	Unknown  int     `json:"unknown"`
	Excused  int     `json:"excused"`
	ShareMet float64 `json:"share_met"` // met / (met + short + at risk): the share among the statuses tintot knows (not unknown, excused or n/a)
}

// Known reports whether any status was judged (met, short or at risk): only then is
// ShareMet a share of anything.
func (c StatusCounts) Known() bool { return c.Met+c.Short+c.AtRisk > 0 }

// ShareText is the share met as every screen, export and e-mail shows it: a whole
// percentage, or "—" when nothing was judged (0 % would call unseen units all short).
func (c StatusCounts) ShareText() string {
	if !c.Known() {
		return "—"
	}
	return strconv.FormatFloat(c.ShareMet*100, 'f', 0, 64) + "%"
}

// Merge adds o's counts to c and updates ShareMet.
func (c *StatusCounts) Merge(o StatusCounts) {
	c.Met += o.Met
	c.Short += o.Short
	c.AtRisk += o.AtRisk
	c.Unknown += o.Unknown
	c.Excused += o.Excused
	c.ShareMet = 0
	if known := c.Met + c.Short + c.AtRisk; known > 0 {
		c.ShareMet = float64(c.Met) / float64(known)
	}
}

// Add counts one status and updates ShareMet; it returns false for a status it does not
// count (n/a).
func (c *StatusCounts) Add(s Status) bool {
	switch s {
	case StatusMet:
		c.Met++
	case StatusShort:
		c.Short++
	case StatusAtRisk:
		c.AtRisk++
	case StatusUnknown:
		c.Unknown++
	case StatusExcused:
		c.Excused++
	default:
		return false
	}
	if known := c.Met + c.Short + c.AtRisk; known > 0 {
		c.ShareMet = float64(c.Met) / float64(known)
	}
	return true
}

// DaySummary counts commune-level units by baseline daily status on one day.
type DaySummary struct {
	Day string `json:"day"`
	StatusCounts
	NA       int  `json:"na"`
	Upcoming bool `json:"upcoming,omitempty"` // the day has not begun: no share to show
}

// TargetSummary counts units by status for one weekly target and level.
type TargetSummary struct {
	Target string `json:"target"`
	Level  Level  `json:"level"`
	// What the target measures, so that two summaries never read alike: the kinds it
	// counts, the unit kinds it binds and, when it names them, their parents' kinds.
	Kinds       []Kind     `json:"kinds"`
	UnitKinds   []UnitKind `json:"unit_kinds"`
	ParentKinds []UnitKind `json:"parent_kinds,omitempty"`
	StatusCounts
}

// Label names the weekly target for people, in Vietnamese: what it counts and whom it
// binds ("Câu chuyện đẹp / tuần (Xã/Phường)"); its policy name when it says neither.
func (t TargetSummary) Label() string {
	if len(t.Kinds) == 0 {
		return t.Target
	}
	kinds := make([]string, len(t.Kinds))
	for i, k := range t.Kinds {
		kinds[i] = k.Label()
	}
	s := strings.Join(kinds, " + ") + " / tuần"
	if len(t.UnitKinds) > 0 {
		units := make([]string, len(t.UnitKinds))
		for i, u := range t.UnitKinds {
			units[i] = u.Label()
		}
		s += " (" + strings.Join(units, ", ") + ")"
	}
	return s
}

// Review is the weekly review of a parent unit's subtree.
type Review struct {
	Week        string          `json:"week"`
	Parent      string          `json:"parent,omitempty"`
	Days        []string        `json:"days"` // Monday..Sunday day keys
	GeneratedAt time.Time       `json:"generated_at"`
	DaySummary  []DaySummary    `json:"day_summary"`
	WeekSummary []TargetSummary `json:"week_summary"`
	Rows        []ReviewRow     `json:"rows"`
	Corrections []Correction    `json:"corrections,omitempty"`
	// CompareDays is how many days of each week the "previous week" comparison covers:
	// 7 once the week is over, the days begun so far (Monday..today) while it is open.
	CompareDays int `json:"compare_days"`
	// ChannelCoverage is the subtree's channel coverage when the review was made (seed
	// 002 §I); nil when the review was built without it.
	ChannelCoverage *ChannelCoverage `json:"channel_coverage,omitempty"`
}
