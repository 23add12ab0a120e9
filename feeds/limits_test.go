package feeds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"tintot/models"
)

// TestPollNotesFeedReadInPart polls a feed longer than the item cap: the newest items are
// stored, the feed stays ok with a note saying so; a 304 keeps the note, and a later read
// that leaves nothing out clears it. A normal feed polled beside it has no note.
func TestPollNotesFeedReadInPart(t *testing.T) {
	env := newPollEnv(t, true, PollerOptions{MaxItemsPerFeed: 3})
	var items []rssItem
	for i := range 5 {
		items = append(items, rssItem{fmt.Sprintf("n%d", i), fmt.Sprintf("Tin %d", i),
			testNow.Add(-time.Duration(i*7%5) * time.Hour).Format(time.RFC1123Z), ""}) // hours ago: 0, 2, 4, 1, 3
	}
	env.srv.set("/n.rss", rssDoc("Đoàn xã Nhiều Tin", items...))
	env.srv.set("/m.rss", rssDoc("Đoàn xã Ít Tin", items[:2]...))
	f := env.addFeed(t, "XN", "/n.rss", "")
	g := env.addFeed(t, "XM", "/m.rss", "")

	if s := env.pollDue(t); s.OK != 2 || s.NewPosts != 5 {
		t.Fatalf("first poll: %s, want 2 feeds ok and 3 + 2 new posts", s)
	}
	var keys []string
	for _, p := range env.posts(t, "XN") {
		keys = append(keys, p.ItemKey)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"n0", "n1", "n3"}) { // 0, 1 and 2 hours ago
		t.Errorf("stored items %v, want the 3 newest n0, n3, n1", keys)
	}
	const note = "Nguồn tin có 5 mục; chỉ đọc 3 mục mới nhất"
	got := env.feed(t, f.ID)
	if got.State != models.FeedOK || got.Note != note || got.LastError != "" || got.ConsecutiveFailures != 0 {
		t.Errorf("feed after a capped read: state %s, note %q, error %q", got.State, got.Note, got.LastError)
	}
	if other := env.feed(t, g.ID); other.Note != "" || other.State != models.FeedOK {
		t.Errorf("normal feed: state %s, note %q", other.State, other.Note)
	}

	env.clock.Add(31 * time.Minute)
	if s := env.pollDue(t); s.NotModified != 2 {
		t.Fatalf("second poll: %s, want two 304", s)
	}
	if got := env.feed(t, f.ID); got.Note != note {
		t.Errorf("note after a 304 = %q, want it kept (the document did not change)", got.Note)
	}

	env.srv.set("/n.rss", rssDoc("Đoàn xã Nhiều Tin", items[:3]...))
	env.clock.Add(31 * time.Minute)
	if s := env.pollDue(t); s.OK != 1 || s.NotModified != 1 {
		t.Fatalf("third poll: %s", s)
	}
	if got := env.feed(t, f.ID); got.Note != "" || got.State != models.FeedOK {
		t.Errorf("after a read within the cap: state %s, note %q; want the note cleared", got.State, got.Note)
	}
}

// TestPollLargeBodiesWithinParseBudget polls several large feeds with a parse budget so
// small that each is parsed alone: all are read, capped and noted, beside a normal feed.
func TestPollLargeBodiesWithinParseBudget(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{MaxParseBytes: 1, Workers: 4, PerHost: 4})
	var fs []models.Feed
	for i := range 4 {
		body := hugeFeedBody(12000, i)
		if len(body) <= largeBody {
			t.Fatalf("feed of %d bytes is not large", len(body))
		}
		path := fmt.Sprintf("/lon%d.rss", i)
		env.srv.set(path, string(body))
		fs = append(fs, env.addFeed(t, fmt.Sprintf("XL%d", i), path, ""))
	}
	env.srv.set("/nho.rss", rssDoc("Đoàn xã Nhỏ", rssItem{"s1", "Tin nhỏ", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	fs = append(fs, env.addFeed(t, "XS", "/nho.rss", ""))
	s := env.poller.PollFeeds(context.Background(), fs)
	if s.OK != 5 || s.NewPosts != 4*DefaultMaxItems+1 {
		t.Fatalf("poll: %s, want 5 feeds ok and %d new posts", s, 4*DefaultMaxItems+1)
	}
	for _, f := range fs[:4] {
		if got := env.feed(t, f.ID); got.Note != "Nguồn tin có 12000 mục; chỉ đọc 500 mục mới nhất" || got.State != models.FeedOK {
			t.Errorf("%s: state %s note %q", f.URL, got.State, got.Note)
		}
	}
	if n := len(env.posts(t, "XS")); n != 1 {
		t.Errorf("normal feed beside large ones stored %d posts, want 1", n)
	}
}

// TestByteBudget checks the parse budget: what fits goes at once, the rest waits in
// order, a request larger than the budget runs alone, and a canceled wait gives up.
func TestByteBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newByteBudget(10)
		ctx := t.Context()
		if err := b.acquire(ctx, 6); err != nil {
			t.Fatal(err)
		}
		granted := make(chan int64, 10)
		wait := func(n int64) {
			go func() {
				if err := b.acquire(ctx, n); err == nil {
					granted <- n
				}
			}()
			synctest.Wait()
		}
		expect := func(step string, want ...int64) {
			t.Helper()
			synctest.Wait()
			var got []int64
			for len(granted) > 0 {
				got = append(got, <-granted)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: granted %v, want %v", step, got, want)
			}
		}
		wait(6)  // does not fit beside the 6 held
		wait(20) // larger than the budget: after the 6, alone
		wait(1)  // would fit, but waits its turn
		expect("while 6 are held")
		b.release(6)
		expect("after the first release", 6)
		b.release(6)
		expect("after the second release", 20)
		b.release(20)
		expect("after the large one", 1)

		cctx, cancel := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() { errc <- b.acquire(cctx, 10) }() // 1 is held: waits
		synctest.Wait()
		wait(1) // behind the canceled one
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("canceled wait: %v", err)
		}
		expect("after the cancel", 1)
		b.release(1)
		b.release(1)
		if err := b.acquire(ctx, 10); err != nil { // all returned: the whole budget is free
			t.Errorf("whole budget: %v", err)
		}
	})
}
