package models

import (
	"fmt"
	"time"
)

// Kind is what a post is for the campaign.
type Kind string

// Post kinds.
const (
	KindGoodNews Kind = "good_news" // tin tốt
	KindStory    Kind = "story"     // câu chuyện đẹp
	KindIdeology Kind = "ideology"  // bài đấu tranh phản bác, bảo vệ nền tảng tư tưởng
	KindOther    Kind = "other"
)

// Kinds lists every kind.
var Kinds = []Kind{KindGoodNews, KindStory, KindIdeology, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case KindGoodNews, KindStory, KindIdeology, KindOther:
		return true
	}
	return false
}

// Label returns the Vietnamese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindGoodNews:
		return "Tin tốt"
	case KindStory:
		return "Câu chuyện đẹp"
	case KindIdeology:
		return "Đấu tranh phản bác"
	case KindOther:
		return "Khác"
	}
	return string(k)
}

// PostSource says how tintot learned of a post.
type PostSource string

// Post sources.
const (
	SourceFeed   PostSource = "feed"
	SourceManual PostSource = "manual" // submitted by hand for pages without a feed
)

// Post is one item a unit posted or shared. (UnitCode, ItemKey) is unique.
type Post struct {
	ID       string     `json:"id"`
	UnitCode string     `json:"unit_code"`
	FeedID   string     `json:"feed_id,omitempty"`
	ItemKey  string     `json:"item_key"`
	Source   PostSource `json:"source"`

	URL        string   `json:"url,omitempty"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary,omitempty"`
	Categories []string `json:"categories,omitempty"`

	PublishedAt  time.Time `json:"published_at"`
	LocalDay     string    `json:"local_day"` // YYYY-MM-DD of PublishedAt in Asia/Ho_Chi_Minh
	FirstSeenAt  time.Time `json:"first_seen_at"`
	DateInferred bool      `json:"date_inferred,omitempty"` // no usable date: first-seen time used
	DateClamped  bool      `json:"date_clamped,omitempty"`  // date was in the future: clamped

	// Classification by rules (or, where no strong rule decides, by the learned model).
	RuleKind   Kind   `json:"rule_kind"`
	RuleReason string `json:"rule_reason"`
	// RuleConfidence is the model's confidence in RuleKind (0..1); 0 when a rule decided.
	RuleConfidence float64 `json:"rule_confidence,omitempty"`

	// Manual override: wins over every rule, survives re-polls and rule changes.
	Override *Override `json:"override,omitempty"`
	// Proposal is a unit admin's change to its own post that would raise what counts: it
	// counts only once a reviewer or admin above the unit approves it (then it becomes the
	// Override). The measured unit never grades itself.
	Proposal *Override `json:"proposal,omitempty"`

	// For manual posts: a reviewer may reject them.
	SubmittedBy string `json:"submitted_by,omitempty"`
	Rejected    bool   `json:"rejected,omitempty"`

	UpdatedAt time.Time `json:"updated_at"`
}

// Override is a person's decision on a post.
type Override struct {
	Kind     Kind      `json:"kind,omitempty"` // "" keeps the rule's kind
	Excluded bool      `json:"excluded"`
	Note     string    `json:"note,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// Kind returns the effective kind: the override's when set, else the rule's.
func (p Post) Kind() Kind {
	if p.Override != nil && p.Override.Kind != "" {
		return p.Override.Kind
	}
	return p.RuleKind
}

// Counted reports whether the post counts toward any quota.
func (p Post) Counted() bool {
	if p.Rejected {
		return false
	}
	return p.Override == nil || !p.Override.Excluded
}

// Raises reports whether a post changed from p to q counts, after the change, toward a
// campaign kind it did not count toward before: a change a unit may only propose for its
// own posts. Excluding a post, or making it "other", never raises.
func (p Post) Raises(q Post) bool {
	counted := func(x Post) Kind {
		if !x.Counted() {
			return ""
		}
		return x.Kind()
	}
	after := counted(q)
	return after != "" && after != KindOther && after != counted(p)
}

// Reason explains in Vietnamese why the post has its effective kind.
func (p Post) Reason() string {
	if p.Override != nil {
		s := fmt.Sprintf("thủ công bởi %s ngày %s", p.Override.By, p.Override.At.In(Vietnam).Format("02/01/2006"))
		if p.Override.Excluded {
			s = "loại trừ " + s
		}
		if p.Override.Note != "" {
			s += ": " + p.Override.Note
		}
		return s
	}
	return p.RuleReason
}

// DayCount is the number of counted posts of one unit, local day and effective kind.
type DayCount struct {
	UnitCode string `json:"unit_code"`
	Day      string `json:"day"`
	Kind     Kind   `json:"kind"`
	Count    int    `json:"count"`
	Manual   int    `json:"manual"` // of Count, how many were submitted by hand
}

// AuditEntry records who changed what, when and why.
type AuditEntry struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"` // e.g. "post.override", "unit.update", "post.reject"
	Target   string    `json:"target"` // e.g. "post:ID", "unit:CODE"
	UnitCode string    `json:"unit_code,omitempty"`
	Before   string    `json:"before,omitempty"` // JSON
	After    string    `json:"after,omitempty"`  // JSON
	Note     string    `json:"note,omitempty"`
}
