package feeds

import (
	"time"

	"tintot/models"
)

// firstRead records, on a feed's first successful read, when it happened and how far
// back that read reached: the publication time of its oldest dated item (items without a
// usable date, or clamped from the future, say nothing of the past), else the read time.
// Days before that were never visible through the feed (quota's observation rule). Later
// reads leave both as they are.
func firstRead(f *models.Feed, b polled, now time.Time) {
	if b.err != nil || f.FirstReadAt != nil || f.State != models.FeedOK {
		return
	}
	at := now.UTC()
	covered := at
	if o := oldestDated(b.posts); !o.IsZero() && o.Before(at) {
		covered = o.UTC()
	}
	f.FirstReadAt, f.CoveredFrom = &at, &covered
}

// oldestDated is the publication time of the oldest post with a usable date (not
// inferred, not clamped from the future): how far back a read reached. Zero: none.
func oldestDated(posts []models.Post) time.Time {
	var oldest time.Time
	for i := range posts {
		if q := &posts[i]; !q.DateInferred && !q.DateClamped && (oldest.IsZero() || q.PublishedAt.Before(oldest)) {
			oldest = q.PublishedAt
		}
	}
	return oldest
}
