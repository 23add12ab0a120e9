package sqlite

import (
	"path/filepath"
	"testing"

	"tintot/models"
	"tintot/store"
	"tintot/store/storetest"
)

// openTest opens a fresh file database in a temporary directory.
func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "sub", "tintot.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t) })
}

// TestContractInMemory runs the contract on an in-memory database, where readers and the
// writer share one connection: a read nested inside another would wait forever.
func TestContractInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// openWithCommune opens the database at path (":memory:" for one in memory) with one
// commune, X1, and closes it when the test ends.
func openWithCommune(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateUnit(t.Context(), models.Unit{Code: "X1", Name: "Đoàn X1", Kind: models.UnitCommune}); err != nil {
		t.Fatal(err)
	}
	return st
}
