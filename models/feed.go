package models

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
	"time"
)

// FeedState is a feed's health as users see it.
type FeedState string

// Feed health states. "broken" comes after a configurable number of failures or hours.
const (
	FeedOK      FeedState = "ok"
	FeedFailing FeedState = "failing"
	FeedBroken  FeedState = "broken"
)

// Label returns the Vietnamese name of the state.
func (s FeedState) Label() string {
	switch s {
	case FeedOK:
		return "Hoạt động tốt"
	case FeedFailing:
		return "Đang lỗi"
	case FeedBroken:
		return "Hỏng"
	}
	return "Chưa kiểm tra"
}

// Feed is one RSS/Atom/JSON feed of a unit's page, with its polling and health state.
type Feed struct {
	ID          string `json:"id"`
	UnitCode    string `json:"unit_code"`
	URL         string `json:"url"`
	Title       string `json:"title,omitempty"`
	DefaultKind Kind   `json:"default_kind,omitempty"` // "" : classify each post by rules

	// Conditional GET validators, kept only after a successful parse.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`

	// Scheduling state.
	NextCheckAt time.Time  `json:"next_check_at"`
	LastCheckAt *time.Time `json:"last_check_at,omitempty"`
	LeaseHolder string     `json:"-"`
	LeaseUntil  *time.Time `json:"-"`

	// What tintot has seen of the feed: the first successful read, and the publication
	// time of the oldest item that read showed (the read time when it showed none). Days
	// before CoveredFrom were never visible through this feed; days from CoveredFrom to
	// FirstReadAt were seen only in hindsight. Both nil until the first successful read.
	FirstReadAt *time.Time `json:"first_read_at,omitempty"`
	CoveredFrom *time.Time `json:"covered_from,omitempty"`

	// Health.
	State               FeedState  `json:"state"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	LastSuccessAt       *time.Time `json:"last_success_at,omitempty"`
	FailingSince        *time.Time `json:"failing_since,omitempty"`
	LastError           string     `json:"last_error,omitempty"`        // short Vietnamese message
	LastErrorDetail     string     `json:"last_error_detail,omitempty"` // technical detail
	LastStatus          int        `json:"last_status,omitempty"`       // last HTTP status code
	// Note is a short Vietnamese remark on the last successful read that is not an error,
	// e.g. that only the newest items of a very long feed were read ("" when none).
	Note string `json:"note,omitempty"`

	// What the last stored read of the feed held, so that a body or an item unchanged
	// since is neither parsed nor written again, whichever instance polls it and after a
	// restart: a hash of the whole body, and one of each item's stored content by its key
	// (see ItemHashes). Empty until a read is stored; internal, not shown.
	BodyHash   []byte     `json:"-"`
	ItemHashes ItemHashes `json:"-"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// FeedOutage is an interval during which a feed could not be read. To is nil while it lasts.
// The quota engine uses outages to tell "no posts" from "we could not see".
type FeedOutage struct {
	FeedID   string     `json:"feed_id"`
	UnitCode string     `json:"unit_code"`
	From     time.Time  `json:"from"`
	To       *time.Time `json:"to,omitempty"`
	Reason   string     `json:"reason,omitempty"`
	// CoveredFrom is how far back the read that ended the outage reached: the oldest
	// dated post it showed (the read before the outage, when the feed had not changed).
	// Posts published from From until then may have left the feed unseen. A feed deleted
	// while failing was read again by nothing: its outage's CoveredFrom is its end. Nil:
	// not known (outages closed by earlier versions), taken as seen over.
	CoveredFrom *time.Time `json:"covered_from,omitempty"`
}

// Covers reports whether the outage covers the whole interval [from, to).
func (o FeedOutage) Covers(from, to time.Time) bool {
	if o.From.After(from) {
		return false
	}
	return o.To == nil || !o.To.Before(to)
}

// Overlaps reports whether the outage overlaps [from, to).
func (o FeedOutage) Overlaps(from, to time.Time) bool {
	if !o.From.Before(to) {
		return false
	}
	return o.To == nil || o.To.After(from)
}

// ItemHashes is a compact set of (item key hash, content hash) pairs: 16 bytes an item,
// sorted by key hash, stored as it is. Its size is bounded by the items read from one feed.
type ItemHashes []byte

// itemHashSize is the size of one pair.
const itemHashSize = 16

// ItemHash is one item of an ItemHashes.
type ItemHash struct{ Key, Content uint64 }

// NewItemHashes builds the set of the given pairs; of pairs with the same key, the last wins.
func NewItemHashes(pairs []ItemHash) ItemHashes {
	if len(pairs) == 0 {
		return nil
	}
	ps := slices.Clone(pairs)
	slices.SortStableFunc(ps, func(a, b ItemHash) int { return cmp.Compare(a.Key, b.Key) })
	out := make(ItemHashes, 0, len(ps)*itemHashSize)
	for i, p := range ps {
		if i+1 < len(ps) && ps[i+1].Key == p.Key {
			continue
		}
		out = binary.BigEndian.AppendUint64(out, p.Key)
		out = binary.BigEndian.AppendUint64(out, p.Content)
	}
	return out
}

// Len is the number of items.
func (h ItemHashes) Len() int { return len(h) / itemHashSize }

// Valid reports whether h is a well-formed set (whole pairs in increasing key order);
// a set read back damaged is best treated as empty.
func (h ItemHashes) Valid() bool {
	if len(h)%itemHashSize != 0 {
		return false
	}
	for i := itemHashSize; i < len(h); i += itemHashSize {
		if bytes.Compare(h[i-itemHashSize:i-itemHashSize+8], h[i:i+8]) >= 0 {
			return false
		}
	}
	return true
}

// Content returns the content hash of the item whose key hash is key.
func (h ItemHashes) Content(key uint64) (uint64, bool) {
	n := h.Len()
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k := binary.BigEndian.Uint64(h[m*itemHashSize:])
		switch {
		case k == key:
			return binary.BigEndian.Uint64(h[m*itemHashSize+8:]), true
		case k < key:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0, false
}
