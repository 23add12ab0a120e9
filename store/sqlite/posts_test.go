package sqlite

import (
	"context"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestNewPostIDs checks that post IDs keep the shape API clients know (32 lowercase hex
// digits, like every other ID), never repeat, and begin with their creation time.
func TestNewPostIDs(t *testing.T) {
	before := time.Now().UnixMilli()
	seen := map[string]bool{}
	for range 10000 {
		id := newPostID()
		if len(id) != 32 {
			t.Fatalf("post ID %q has %d characters, want 32", id, len(id))
		}
		if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
			t.Fatalf("post ID %q is not hexadecimal: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("post ID %q given twice", id)
		}
		seen[id] = true
	}
	last := newPostID()
	after := time.Now().UnixMilli()
	at, err := strconv.ParseInt(last[:12], 16, 64)
	if err != nil || at < before || at > after {
		t.Errorf("post ID time prefix = %d (%v), want a unix millisecond in [%d, %d]", at, err, before, after)
	}
}

// A poll that is shut down while its posts are written stores none of them: the rows
// run without the driver's per-statement cancellation, so the writer checks the context
// between rows and the transaction rolls back.
func TestUpsertPostsCanceled(t *testing.T) {
	ctx := t.Context()
	st := openWithCommune(t, filepath.Join(t.TempDir(), "tintot.db"))
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
	var posts []models.Post
	for i := range 500 {
		posts = append(posts, models.Post{UnitCode: "X1", ItemKey: "k" + strconv.Itoa(i), Title: "Tin", PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews})
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.UpsertPosts(canceled, posts); !errors.Is(err, context.Canceled) {
		t.Fatalf("UpsertPosts with a canceled context: %v, want context.Canceled", err)
	}
	got, err := st.ListPosts(ctx, store.PostFilter{UnitCode: "X1"})
	if err != nil || len(got) != 0 {
		t.Fatalf("after a canceled write: %d posts stored (%v), want none", len(got), err)
	}
	// Canceled in the middle of the rows: none either.
	mid, stop := context.WithCancel(ctx)
	if _, err := st.UpsertPosts(&cancelAfter{Context: mid, cancel: stop, n: 200}, posts); !errors.Is(err, context.Canceled) {
		t.Fatalf("UpsertPosts canceled midway: %v, want context.Canceled", err)
	}
	if got, err := st.ListPosts(ctx, store.PostFilter{UnitCode: "X1"}); err != nil || len(got) != 0 {
		t.Fatalf("after a write canceled midway: %d posts stored (%v), want none", len(got), err)
	}
	if res, err := st.UpsertPosts(ctx, posts); err != nil || len(res.Inserted) != len(posts) {
		t.Fatalf("then a whole write: %d inserted, %v", len(res.Inserted), err)
	}
}

// cancelAfter is a context canceled at the n-th look at its Err: a shutdown arriving in
// the middle of a write's rows (the writer looks once a row).
type cancelAfter struct {
	context.Context
	cancel context.CancelFunc
	n      int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.Context.Err()
}
