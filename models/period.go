package models

import "strconv"

import "time"

// PeriodReport sums up a stretch of the campaign (a month, a quarter, a year) for a
// parent's subtree: the figures the yearly and quarterly reports to the Đoàn above ask
// for. Days and weeks are evaluated as the weekly review does, against the baseline.
type PeriodReport struct {
	Parent string `json:"parent,omitempty"`
	From   string `json:"from"` // first local day asked for
	To     string `json:"to"`   // last local day asked for, inclusive
	// Through is the last day evaluated: To, or the day before GeneratedAt when the
	// period is still running. Empty when no day of the period is over yet.
	Through     string      `json:"through,omitempty"`
	Weeks       []string    `json:"weeks"` // the ISO weeks wholly inside [From, Through]
	Rows        []PeriodRow `json:"rows"`
	Total       PeriodRow   `json:"total"` // every row added up (Unit is empty)
	GeneratedAt time.Time   `json:"generated_at"`
	// ChannelCoverage is the subtree's channel coverage at GeneratedAt, when asked for.
	ChannelCoverage *ChannelCoverage `json:"channel_coverage,omitempty"`
	// Trends is the parent's trends (trào lưu) of the year the report ends in, with the
	// units that joined each and its yearly trend target; absent when the parent has
	// neither a trend nor a trend target that year. Each trend comes without its days
	// and top posts.
	Trends *TrendYear `json:"trends,omitempty"`
}

// PeriodRow is one unit's figures over a period.
type PeriodRow struct {
	Unit  Unit         `json:"unit"`
	Posts map[Kind]int `json:"posts"` // counted posts by kind
	Days  StatusCounts `json:"days"`  // the baseline daily quota, one status a day
	Weeks StatusCounts `json:"weeks"` // the baseline weekly quotas combined, one status a week
}

// Count is the row's counted posts of kind k.
func (r PeriodRow) Count(k Kind) int { return r.Posts[k] }

// CountText is the row's count of kind k as every screen and export shows it: "?" when
// nothing of it was seen and no day nor week of the period could be judged (the unit's
// feed broken throughout, never read), else the count — never a 0 tintot does not know.
func (r PeriodRow) CountText(k Kind) string {
	n := r.Posts[k]
	if n == 0 && !r.Days.Known() && !r.Weeks.Known() && (r.Days.Unknown > 0 || r.Weeks.Unknown > 0) {
		return "?"
	}
	return strconv.Itoa(n)
}

// Add adds o's figures to r.
func (r *PeriodRow) Add(o PeriodRow) {
	if r.Posts == nil {
		r.Posts = map[Kind]int{}
	}
	for k, n := range o.Posts {
		r.Posts[k] += n
	}
	r.Days.Merge(o.Days)
	r.Weeks.Merge(o.Weeks)
}
