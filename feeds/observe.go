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
	for _, q := range b.posts {
		if !q.DateInferred && !q.DateClamped && q.PublishedAt.Before(covered) {
			covered = q.PublishedAt.UTC()
		}
	}
	f.FirstReadAt, f.CoveredFrom = &at, &covered
}
