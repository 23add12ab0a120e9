package handlers

import (
	"context"
	"path/filepath"
	"testing"

	"tintot/store"
	"tintot/store/sqlite"
)

// testStore returns the store the handler tests run on: a real SQLite file in a temp
// directory.
func testStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func storeFeedFilter(unit string) store.FeedFilter { return store.FeedFilter{UnitCode: unit} }
func storePostFilter(unit string) store.PostFilter { return store.PostFilter{UnitCode: unit} }

type storeCountQuery = store.CountQuery
