package campaign

import (
	"context"
	"path/filepath"
	"testing"

	"tintot/store"
	"tintot/store/sqlite"
)

// openStore opens a fresh SQLite store in a temporary directory.
func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
