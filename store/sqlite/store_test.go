package sqlite

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// Expired sessions are removed when someone logs in (MongoDB's TTL index does it there):
// a year of logins does not stay in the table; live sessions stay.
func TestExpiredSessionsGoAtLogin(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, models.Vietnam)
	for i, exp := range []time.Time{now.Add(-48 * time.Hour), now.Add(-time.Minute), now.Add(time.Hour)} {
		se := models.Session{ID: fmt.Sprint("s", i), UserID: "u1", CreatedAt: exp.Add(-12 * time.Hour), ExpiresAt: exp}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateSession(ctx, models.Session{ID: "login", UserID: "u2", CreatedAt: now, ExpiresAt: now.Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM sessions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if got := strings.Join(ids, ","); got != "login,s2" {
		t.Errorf("sessions after a login: %s, want login,s2 (s0 and s1 had expired)", got)
	}
}
