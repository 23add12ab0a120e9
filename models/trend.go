package models

import "time"

// DefaultTrendMinUnits is how many units must join a trend (trào lưu) for it to count
// toward the province's yearly target when the policy does not say.
const DefaultTrendMinUnits = 3

// Trend is an online trend or campaign (trào lưu) a provincial Đoàn runs (seeds 002 §I,
// 003 §I.2.l): its hashtags and the local days it runs, both ends included. A post of a
// unit under ParentCode that carries one of the hashtags in those days joins it.
type Trend struct {
	ID          string    `json:"id"`
	ParentCode  string    `json:"parent_code"`
	Name        string    `json:"name"`
	Hashtags    []string  `json:"hashtags"`
	StartDay    string    `json:"start_day"` // YYYY-MM-DD, Asia/Ho_Chi_Minh, inclusive
	EndDay      string    `json:"end_day"`   // YYYY-MM-DD, inclusive
	Description string    `json:"description,omitempty"`
	CreatedBy   string    `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Year is the year a trend counts for: the year of its first day.
func (t Trend) Year() int {
	if len(t.StartDay) < 4 {
		return 0
	}
	y := 0
	for _, c := range t.StartDay[:4] {
		if c < '0' || c > '9' {
			return 0
		}
		y = y*10 + int(c-'0')
	}
	return y
}

// TrendUnit is a unit that joined a trend, with its posts carrying the trend's hashtags.
type TrendUnit struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Posts    int    `json:"posts"`
	FirstDay string `json:"first_day"` // local day of its first such post
}

// TrendDay is the number of a trend's posts on one local day.
type TrendDay struct {
	Day   string `json:"day"`
	Posts int    `json:"posts"`
}

// TrendReport is a trend with what tintot found of it.
type TrendReport struct {
	Trend
	JoinedUnits []TrendUnit `json:"joined_units"`
	Posts       int         `json:"posts"`
	// Counts: enough units joined (MinUnits) for the trend to count toward the yearly target.
	Counts bool `json:"counts"`
	// PerDay holds every day of the trend up to today (not the days still to come).
	PerDay   []TrendDay `json:"per_day"`
	TopPosts []Post     `json:"top_posts"`
}

// TrendYear is a provincial Đoàn's trends of one year and its yearly trend target.
type TrendYear struct {
	Parent   string        `json:"parent"`
	Year     int           `json:"year"`
	MinUnits int           `json:"min_units"` // units that must join for a trend to count
	Counted  int           `json:"counted"`   // trends that count
	Trends   []TrendReport `json:"trends"`
	// Status is the yearly trend target at each level (none when no target applies to the parent).
	Status []PeriodStatus `json:"status"`
}
