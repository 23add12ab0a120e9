package handlers

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"tintot/store"
	"tintot/store/sqlite"
)

// testStore returns the store the handler tests run on: a real SQLite file in a temp
// directory. TINTOT_HANDLERS_MEMSTORE=1 runs them on the small in-memory store instead.
func testStore(t testing.TB) (store.Store, *memStore) {
	t.Helper()
	if os.Getenv("TINTOT_HANDLERS_MEMSTORE") == "1" {
		m := newMemStore()
		return m, m
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, nil
}

func storeFeedFilter(unit string) store.FeedFilter { return store.FeedFilter{UnitCode: unit} }
func storePostFilter(unit string) store.PostFilter { return store.PostFilter{UnitCode: unit} }

type storeCountQuery = store.CountQuery
