package feeds

import (
	"net/http"
	"testing"
	"time"

	"tintot/models"
)

// TestPollRecordsTheFirstRead: a feed's first successful read records when it happened
// and how far back it reached (its oldest dated item); a failure before it records
// nothing, and later reads change neither.
func TestPollRecordsTheFirstRead(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	env.srv.fail("/f.rss", http.StatusServiceUnavailable, nil)
	f := env.addFeed(t, "XF", "/f.rss", "")
	env.pollDue(t)
	if got := env.feed(t, f.ID); got.FirstReadAt != nil || got.CoveredFrom != nil {
		t.Fatalf("a failed read recorded a first read: %v %v", got.FirstReadAt, got.CoveredFrom)
	}

	env.srv.fail("/f.rss", 0, nil)
	env.srv.set("/f.rss", rssDoc("Xã F",
		rssItem{"f1", "Tin mới", "Fri, 27 Nov 2026 07:00:00 +0700", ""},
		rssItem{"f2", "Tin cũ", "Mon, 16 Nov 2026 20:00:00 +0700", ""},
		rssItem{"f3", "Tin không ngày", "", ""}))
	env.clock.Add(time.Hour)
	first := env.clock.Now()
	env.poller.PollFeeds(t.Context(), []models.Feed{env.feed(t, f.ID)})
	got := env.feed(t, f.ID)
	oldest := time.Date(2026, 11, 16, 20, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	if got.FirstReadAt == nil || !got.FirstReadAt.Equal(first) || got.CoveredFrom == nil || !got.CoveredFrom.Equal(oldest) {
		t.Fatalf("after the first read: first %v covered %v, want %v and %v", got.FirstReadAt, got.CoveredFrom, first, oldest)
	}

	env.srv.set("/f.rss", rssDoc("Xã F", rssItem{"f4", "Tin sau", "Sat, 28 Nov 2026 07:00:00 +0700", ""}))
	env.clock.Add(time.Hour)
	env.poller.PollFeeds(t.Context(), []models.Feed{env.feed(t, f.ID)})
	if again := env.feed(t, f.ID); !again.FirstReadAt.Equal(first) || !again.CoveredFrom.Equal(oldest) {
		t.Fatalf("a later read moved the first read: %v %v", again.FirstReadAt, again.CoveredFrom)
	}
}
