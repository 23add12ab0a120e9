package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// A hand submission whose request is canceled while it is written fails, and nothing
// else: its statements run without the request's cancellation (an interrupted statement
// makes SQLite end the transaction by itself), so the writer's connection stays, and with
// an in-memory database the connection is the whole database.
func TestCanceledManualPostKeepsTheDatabase(t *testing.T) {
	ctx := t.Context()
	st := openWithCommune(t, ":memory:")
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
	for i := range 3000 {
		rctx, cancel := context.WithCancel(ctx)
		d := time.Duration(rand.IntN(300)) * time.Microsecond
		go func() { time.Sleep(d); cancel() }()
		_, err := st.CreateManualPost(rctx, models.Post{UnitCode: "X1", ItemKey: fmt.Sprint("m", i), Title: "Tin tốt #vui #khoe #dep",
			PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews})
		cancel()
		if _, gerr := st.ListFeeds(ctx, store.FeedFilter{}); gerr != nil {
			t.Fatalf("after request %d was canceled (%v): %v", i, err, gerr)
		}
	}
}

// SQLite ends a transaction by itself after some errors; the ROLLBACK that follows then
// fails, and the connection, outside any transaction, is kept.
func TestWriteAfterSQLiteEndedTheTransactionKeepsTheConnection(t *testing.T) {
	ctx := t.Context()
	st := openWithCommune(t, ":memory:")
	cause := errors.New("a write failed after SQLite rolled back")
	err := st.writePosts(ctx, func(w *postWriter) error {
		end := &rawStmt{pc: w.insertPost.pc, name: "rollback", sql: "ROLLBACK"}
		if _, err := end.exec(ctx); err != nil {
			return err
		}
		end.st.Close()
		return cause
	})
	if !errors.Is(err, cause) {
		t.Fatalf("write: %v, want %v", err, cause)
	}
	if _, err := st.GetUnit(ctx, "X1"); err != nil {
		t.Fatalf("unit written before: %v", err)
	}
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
	if _, err := st.UpsertPosts(ctx, []models.Post{{UnitCode: "X1", ItemKey: "k", Title: "Tin tốt", PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews}}); err != nil {
		t.Fatalf("next write: %v", err)
	}
}

// A panic inside a post write (net/http recovers a handler's) rolls its transaction back
// and releases the write lock: later writes go through.
func TestPanicInPostWriteReleasesTheWriteLock(t *testing.T) {
	ctx := t.Context()
	st := openWithCommune(t, filepath.Join(t.TempDir(), "tintot.db"))
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
	func() {
		defer func() { _ = recover() }()
		_ = st.writePosts(ctx, func(w *postWriter) error {
			if _, err := w.insertPost.exec(ctx, "id1", "X1", "", "k0", "feed", "", "Tin", "", "[]", at.UnixMilli(), "2026-11-20",
				at.UnixMilli(), 0, 0, "good_news", "", nil, "", 0, at.UnixMilli(), nil, 0.0, "good_news", 1, "[]"); err != nil {
				t.Error(err)
			}
			panic("a bug in a post's preparation")
		})
	}()
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if _, err := st.UpsertPosts(wctx, []models.Post{{UnitCode: "X1", ItemKey: "k", Title: "Tin tốt", PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews}}); err != nil {
		t.Fatalf("write after a recovered panic in another write: %v", err)
	}
	if _, err := st.GetPost(ctx, "id1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the post of the write that panicked: %v, want it rolled back", err)
	}
}

// dbFDs counts this process's open file descriptors on the database file itself.
func dbFDs(t *testing.T, path string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && l == path {
			n++
		}
	}
	return n
}

// Another process (tintot poll --once) holds the write lock; a write of this one whose
// context ends while it waits fails, and the pool replaces the interrupted connection.
// The connection it drops really closes: no statement of a post write is left prepared
// on it to keep it open (with its file handle and page cache), however the write was
// made.
func TestDroppedWriterConnectionsClose(t *testing.T) {
	for _, via := range []string{"posts", "setting"} {
		t.Run(via, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "tintot.db")
			st := openWithCommune(t, path)
			at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
			n := 0
			post := func() models.Post {
				n++
				return models.Post{UnitCode: "X1", ItemKey: fmt.Sprint("k", n), Title: "Tin tốt #abc", PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews}
			}
			giveUp := func(k int) {
				other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				otx, err := other.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := otx.ExecContext(ctx, `UPDATE units SET name = name WHERE code = 'X1'`); err != nil {
					t.Fatal(err)
				}
				for range k {
					wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
					if via == "setting" {
						err = st.SetSetting(wctx, "test", "x")
					} else {
						_, err = st.UpsertPosts(wctx, []models.Post{post()})
					}
					cancel()
					if err == nil {
						t.Fatal("write succeeded while another process held the lock")
					}
				}
				if err := otx.Rollback(); err != nil {
					t.Fatal(err)
				}
				other.Close()
				if _, err := st.UpsertPosts(ctx, []models.Post{post()}); err != nil {
					t.Fatal(err)
				}
				time.Sleep(300 * time.Millisecond) // the checkpointer's round
			}
			giveUp(1)
			before := dbFDs(t, path)
			giveUp(5)
			if after := dbFDs(t, path); after != before {
				t.Errorf("open handles on the database file: %d, then %d after five more writes gave up waiting for another process's lock", before, after)
			}
		})
	}
}
