package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of what reviewers type for the bulletin and the honour roll.
const (
	MaxPickNote     = 500 // characters of an editor's note
	MaxHonourName   = 200
	MaxHonourReason = 1000
)

// Pick is a reviewer's choice of a post for the quarterly e-bulletin "Mỗi ngày một tin
// tốt, mỗi tuần một câu chuyện đẹp" (seed 003, appendix III.2), with a short editor's
// note. Position orders the picks of a quarter (lower first, then by day); Omitted keeps
// a pick out of the issue without forgetting it.
type Pick struct {
	PostID   string    `json:"post_id"`
	UnitCode string    `json:"unit_code"`
	LocalDay string    `json:"local_day"` // the post's day: the quarter it belongs to
	Note     string    `json:"note,omitempty"`
	Position int       `json:"position"`
	Omitted  bool      `json:"omitted,omitempty"`
	PickedBy string    `json:"picked_by"`
	PickedAt time.Time `json:"picked_at"`
}

// Validate checks the fields a reviewer types and names the first bad one.
func (p Pick) Validate() error {
	if utf8.RuneCountInString(p.Note) > MaxPickNote {
		return &FieldError{Field: "note", Msg: fmt.Sprintf("lời giới thiệu quá dài (tối đa %d ký tự)", MaxPickNote)}
	}
	if strings.ContainsRune(p.Note, 0) {
		return &FieldError{Field: "note", Msg: "lời giới thiệu chứa ký tự không hợp lệ"}
	}
	if p.Position < 0 || p.Position > 10000 {
		return &FieldError{Field: "position", Msg: "thứ tự phải từ 0 đến 10000"}
	}
	return nil
}

// BulletinItem is one story of a bulletin issue as it was sent.
type BulletinItem struct {
	PostID   string `json:"post_id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Title    string `json:"title"`
	Day      string `json:"day"`
	URL      string `json:"url,omitempty"`
	Note     string `json:"note,omitempty"`
}

// SentBulletin is a bulletin issue kept as it was sent: its rendered HTML and its items.
// One per parent and quarter.
type SentBulletin struct {
	Parent     string         `json:"parent"`
	Quarter    string         `json:"quarter"`
	Subject    string         `json:"subject"`
	HTML       string         `json:"html"`
	Items      []BulletinItem `json:"items"`
	Recipients []string       `json:"recipients"`
	SentBy     string         `json:"sent_by"`
	SentAt     time.Time      `json:"sent_at"`
}

// Honour is a unit, person or group proposed for the yearly commendation of those
// found through the campaign (seed 003, appendix III.1), linked to a picked story.
type Honour struct {
	ID         string    `json:"id"`
	Year       int       `json:"year"`
	UnitCode   string    `json:"unit_code"`
	Name       string    `json:"name"` // the person or group; "" honours the unit itself
	PostID     string    `json:"post_id"`
	Reason     string    `json:"reason"`
	ProposedBy string    `json:"proposed_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Validate checks the fields a reviewer types and names the first bad one.
func (h Honour) Validate() error {
	switch {
	case h.Year < 2000 || h.Year > 2100:
		return &FieldError{Field: "year", Msg: "năm không hợp lệ"}
	case utf8.RuneCountInString(h.Name) > MaxHonourName:
		return &FieldError{Field: "name", Msg: fmt.Sprintf("tên quá dài (tối đa %d ký tự)", MaxHonourName)}
	case strings.ContainsAny(h.Name, "\x00\r\n"):
		return &FieldError{Field: "name", Msg: "tên chứa ký tự không hợp lệ"}
	case strings.TrimSpace(h.Reason) == "":
		return &FieldError{Field: "reason", Msg: "cần ghi lý do đề nghị tuyên dương"}
	case utf8.RuneCountInString(h.Reason) > MaxHonourReason:
		return &FieldError{Field: "reason", Msg: fmt.Sprintf("lý do quá dài (tối đa %d ký tự)", MaxHonourReason)}
	case strings.ContainsRune(h.Reason, 0):
		return &FieldError{Field: "reason", Msg: "lý do chứa ký tự không hợp lệ"}
	case h.PostID == "":
		return &FieldError{Field: "post_id", Msg: "cần chọn bài viết (câu chuyện đã chọn đăng bản tin)"}
	}
	return nil
}

// HonourLine is one line of the honour roll as exported: the proposal with its unit's
// and its story's names.
type HonourLine struct {
	Name, UnitName, UnitCode, Story, Day, URL, Reason, ProposedBy string
}

// Quarter is a calendar quarter in Asia/Ho_Chi_Minh, "2026-Q4".
type Quarter struct {
	Year int
	N    int // 1..4
}

// ParseQuarter reads "YYYY-Qn".
func ParseQuarter(s string) (Quarter, error) {
	y, n, ok := strings.Cut(s, "-Q")
	if !ok || len(y) != 4 || len(n) != 1 {
		return Quarter{}, fmt.Errorf("models: quarter %q is not YYYY-Qn", s)
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 2000 || year > 2100 || n[0] < '1' || n[0] > '4' {
		return Quarter{}, fmt.Errorf("models: quarter %q is not YYYY-Qn", s)
	}
	return Quarter{Year: year, N: int(n[0] - '0')}, nil
}

// QuarterOf is the quarter holding t in loc.
func QuarterOf(t time.Time, loc *time.Location) Quarter {
	t = t.In(loc)
	return Quarter{Year: t.Year(), N: (int(t.Month())-1)/3 + 1}
}

// String is "2026-Q4".
func (q Quarter) String() string { return fmt.Sprintf("%04d-Q%d", q.Year, q.N) }

// FirstDay and LastDay are the quarter's first and last local day keys.
func (q Quarter) FirstDay() string { return fmt.Sprintf("%04d-%02d-01", q.Year, (q.N-1)*3+1) }

// LastDay is the quarter's last local day key.
func (q Quarter) LastDay() string {
	return time.Date(q.Year, time.Month(q.N*3)+1, 0, 0, 0, 0, 0, time.UTC).Format(DayLayout)
}

// Prev is the quarter before q.
func (q Quarter) Prev() Quarter {
	if q.N == 1 {
		return Quarter{Year: q.Year - 1, N: 4}
	}
	return Quarter{Year: q.Year, N: q.N - 1}
}

// Label is the quarter as people write it, "Quý IV/2026".
func (q Quarter) Label() string {
	return "Quý " + [...]string{"I", "II", "III", "IV"}[q.N-1] + "/" + strconv.Itoa(q.Year)
}

// Bulletin is one quarter's issue of the e-bulletin for a parent's subtree, as built
// from the figures and the reviewers' picks (or, once sent, shown from Sent).
type Bulletin struct {
	Parent     string `json:"parent,omitempty"`
	ParentName string `json:"parent_name,omitempty"`
	Quarter    string `json:"quarter"`
	Label      string `json:"label"` // "Quý IV/2026"
	From       string `json:"from"`
	To         string `json:"to"`
	// Report is the quarter's period report (its Rows are the units' figures); Weeks is
	// its split by week for the chart (not in the JSON).
	Report PeriodReport   `json:"report"`
	Weeks  []PeriodReport `json:"-"`
	Best   []PeriodRow    `json:"best"`
	// Stories are the picked posts in issue order; Omitted the picks kept out of it.
	Stories []BulletinStory `json:"stories"`
	Omitted []BulletinStory `json:"omitted"`
	// Sent is the issue as it was sent, when it was: it is then shown as it is.
	Sent *SentBulletin `json:"sent,omitempty"`
}

// BulletinStory is a picked post with what the bulletin shows of it.
type BulletinStory struct {
	Pick     Pick   `json:"pick"`
	UnitName string `json:"unit_name"`
	Title    string `json:"title"`
	Summary  string `json:"summary,omitempty"`
	Kind     Kind   `json:"kind"`
	URL      string `json:"url,omitempty"` // http(s) only
}

// BestUnitsInBulletin is how many best units an issue names.
const BestUnitsInBulletin = 5
