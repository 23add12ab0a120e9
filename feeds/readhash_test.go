package feeds

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

// TestPollUnchangedAfterRestart polls a feed without validators, then polls it again
// from a new poller on the same SQLite file reopened (a restart, another instance, or
// `poll --once`): the same body writes no post; a body changed outside its items is
// parsed but writes none either; one item changed updates exactly that post.
func TestPollUnchangedAfterRestart(t *testing.T) {
	srv := newFeedServer(t, false)
	items := []rssItem{
		{"r1", "Tin một", "Fri, 27 Nov 2026 07:00:00 +0700", "Thanh niên dọn vệ sinh"},
		{"r2", "Tin hai", "Fri, 27 Nov 2026 08:00:00 +0700", "Hiến máu tình nguyện"},
		{"r3", "Tin ba", "Fri, 27 Nov 2026 09:00:00 +0700", "Trồng cây xanh"},
	}
	srv.set("/r.rss", rssDoc("Phường R", items...))
	path := filepath.Join(t.TempDir(), "tintot.db")
	clock := &testClock{t: testNow}
	client := testClient(ClientOptions{AllowPrivate: true})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// open starts a "process": the store reopened from the file and a new poller.
	open := func() (*countingStore, *Poller) {
		t.Helper()
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("sqlite.Open: %v", err)
		}
		st := &countingStore{Store: db}
		return st, NewPoller(st, client, kindByFeed{}, clock, PollerOptions{Log: quiet})
	}
	// poll polls every feed as `poll --once --force` does, and closes the store.
	poll := func(st *countingStore, p *Poller) Summary {
		t.Helper()
		defer st.Close()
		fs, err := st.ListFeeds(context.Background(), store.FeedFilter{})
		if err != nil || len(fs) != 1 {
			t.Fatalf("ListFeeds = %d feeds, %v", len(fs), err)
		}
		return p.PollFeeds(context.Background(), fs)
	}

	st, p := open()
	if err := st.CreateUnit(context.Background(), models.Unit{Code: "PR", Name: "Phường R", Kind: models.UnitCommune}); err != nil {
		t.Fatal(err)
	}
	f, err := st.CreateFeed(context.Background(), models.Feed{UnitCode: "PR", URL: srv.URL + "/r.rss", NextCheckAt: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if s := poll(st, p); s.OK != 1 || s.NewPosts != 3 {
		t.Fatalf("first poll: %s", s)
	}
	firstAt := clock.Now()

	// The same body after a restart: checked, nothing written.
	clock.Add(time.Hour)
	st, p = open()
	if s := poll(st, p); s.OK != 1 || s.NewPosts != 0 || s.UpdatedPosts != 0 || st.written.Load() != 0 {
		t.Errorf("same body after a restart: %s, %d posts written; want none", s, st.written.Load())
	}

	// The channel's title changed, the items did not: the body is parsed again, but
	// no post is written.
	clock.Add(time.Hour)
	srv.set("/r.rss", rssDoc("Phường R (trang mới)", items...))
	st, p = open()
	if s := poll(st, p); s.OK != 1 || s.NewPosts != 0 || s.UpdatedPosts != 0 || st.written.Load() != 0 {
		t.Errorf("new body, same items: %s, %d posts written; want none", s, st.written.Load())
	}

	// One item's summary changed: exactly that post is written and updated.
	clock.Add(time.Hour)
	edited := append([]rssItem{}, items...)
	edited[1].summary = "Hiến máu tình nguyện: 120 đơn vị máu"
	srv.set("/r.rss", rssDoc("Phường R (trang mới)", edited...))
	st, p = open()
	if s := poll(st, p); s.OK != 1 || s.NewPosts != 0 || s.UpdatedPosts != 1 || st.written.Load() != 1 {
		t.Errorf("one item changed: %s, %d posts written; want exactly that one updated", s, st.written.Load())
	}
	editedAt := clock.Now()

	st, _ = open()
	defer st.Close()
	ps, err := st.ListPosts(context.Background(), store.PostFilter{UnitCode: "PR"})
	if err != nil || len(ps) != 3 {
		t.Fatalf("ListPosts = %d posts, %v", len(ps), err)
	}
	for _, q := range ps {
		wantAt := firstAt
		if q.ItemKey == "r2" {
			wantAt = editedAt
			if q.Summary != edited[1].summary {
				t.Errorf("edited post has summary %q", q.Summary)
			}
		}
		if !q.UpdatedAt.Equal(wantAt) {
			t.Errorf("post %s updated at %s, want %s", q.ItemKey, q.UpdatedAt, wantAt)
		}
	}
	got, err := st.GetFeed(context.Background(), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastCheckAt == nil || !got.LastCheckAt.Equal(editedAt) || got.ItemHashes.Len() != 3 || len(got.BodyHash) == 0 {
		t.Errorf("feed state after the polls: checked %v, %d item hashes, body hash %x", got.LastCheckAt, got.ItemHashes.Len(), got.BodyHash)
	}
}
