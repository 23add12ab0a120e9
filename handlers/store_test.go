package handlers

import (
	"testing"

	"tintot/store"
)

// testStore returns the store the handler tests run on.
func testStore(t testing.TB) (store.Store, *memStore) {
	t.Helper()
	m := newMemStore()
	return m, m
}

func storeFeedFilter(unit string) store.FeedFilter { return store.FeedFilter{UnitCode: unit} }
func storePostFilter(unit string) store.PostFilter { return store.PostFilter{UnitCode: unit} }

type storeCountQuery = store.CountQuery
