package sqlite

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// TestUpgradeAddsFeedNote opens a database left at schema version 5 with a feed in it:
// the feed reads back with an empty note, and a note written afterwards is kept.
func TestUpgradeAddsFeedNote(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "v5.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	qs := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`}
	for v := 1; v <= 5; v++ {
		qs = append(qs, migrations[v-1], fmt.Sprintf(`INSERT INTO schema_migrations VALUES (%d, 0)`, v))
	}
	qs = append(qs,
		`INSERT INTO units(code, name, kind) VALUES ('X1', 'Đoàn xã X1', 'commune')`,
		`INSERT INTO feeds(id, unit_code, url, state) VALUES ('f1', 'X1', 'https://x1.vn/rss', 'ok')`)
	for _, q := range qs {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("prepare schema version 5: %v", err)
		}
	}
	old.Close()
	s := mustOpen(t, path)
	defer s.Close()
	f, err := s.GetFeed(ctx, "f1")
	if err != nil {
		t.Fatalf("GetFeed after upgrade: %v", err)
	}
	if f.Note != "" || f.URL != "https://x1.vn/rss" {
		t.Errorf("feed after upgrade = %+v, want its URL and no note", f)
	}
	f.Note = "Nguồn tin có 100000 mục; chỉ đọc 500 mục mới nhất"
	if err := s.UpdateFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetFeed(ctx, "f1"); err != nil || got.Note != f.Note {
		t.Errorf("note after UpdateFeed = %q, %v; want %q", got.Note, err, f.Note)
	}
}
