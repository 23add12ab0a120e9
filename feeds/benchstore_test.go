package feeds

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

// countingStore counts UpsertPosts calls and the posts they were given, so tests can
// tell "nothing was written".
type countingStore struct {
	store.Store
	upserts atomic.Int64
	written atomic.Int64 // posts given to UpsertPosts
}

func (c *countingStore) UpsertPosts(ctx context.Context, posts []models.Post) (store.UpsertResult, error) {
	c.upserts.Add(1)
	c.written.Add(int64(len(posts)))
	return c.Store.UpsertPosts(ctx, posts)
}

// newSQLiteStore opens a SQLite store in a temp dir, closed at cleanup.
func newSQLiteStore(tb testing.TB) *countingStore {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "tintot.db"))
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return &countingStore{Store: st}
}

// newBenchStore returns the store benchmarks run against.
func newBenchStore(tb testing.TB) store.Store {
	return newSQLiteStore(tb)
}
