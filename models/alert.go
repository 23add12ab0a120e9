package models

import "time"

// AlertType is what an alert is about.
type AlertType string

// Alert types (DESIGN.md §8).
const (
	AlertAtRisk        AlertType = "at_risk"        // afternoon reminder: today not yet met
	AlertDailyShort    AlertType = "daily_short"    // yesterday fell short
	AlertWeeklyShort   AlertType = "weekly_short"   // last week fell short
	AlertFeedBroken    AlertType = "feed_broken"    // to the unit admin, never a quota failure
	AlertFeedRecovered AlertType = "feed_recovered" //
	AlertEscalation    AlertType = "escalation"     // to the parent after N consecutive misses
	AlertCorrection    AlertType = "correction"     // a late post turned a reported shortfall into met
	AlertWeeklyDigest  AlertType = "weekly_digest"  // weekly review to the parent's reviewers
	AlertBulletin      AlertType = "bulletin"       // the quarterly e-bulletin to the parent's list
)

// AlertStatus is an alert's place in the outbox.
type AlertStatus string

// Alert statuses.
const (
	AlertPending  AlertStatus = "pending"
	AlertSent     AlertStatus = "sent"
	AlertFailed   AlertStatus = "failed"   // gave up after the retry budget
	AlertNoMail   AlertStatus = "recorded" // mail is off or no recipients: recorded only
	AlertCanceled AlertStatus = "canceled"
)

// Alert is an outbox record. DedupKey (unit, type, period, level) is unique: a restart,
// a re-run or a second instance never creates a second alert.
type Alert struct {
	ID         string      `json:"id"`
	DedupKey   string      `json:"dedup_key"`
	Type       AlertType   `json:"type"`
	UnitCode   string      `json:"unit_code"`
	Period     string      `json:"period,omitempty"`
	Level      Level       `json:"level,omitempty"`
	Recipients []string    `json:"recipients"`
	Subject    string      `json:"subject"`
	BodyText   string      `json:"body_text,omitempty"`
	BodyHTML   string      `json:"body_html,omitempty"`
	Attachment string      `json:"attachment,omitempty"` // name of a generated attachment, e.g. "review-2026-W48.xlsx"
	Status     AlertStatus `json:"status"`
	Attempts   int         `json:"attempts"`
	NextTryAt  time.Time   `json:"next_try_at"`
	LastError  string      `json:"last_error,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	SentAt     *time.Time  `json:"sent_at,omitempty"`
}

// AlertDedupKey builds the unique key of an alert.
func AlertDedupKey(t AlertType, unit, period string, level Level) string {
	return string(t) + "|" + unit + "|" + period + "|" + string(level)
}
