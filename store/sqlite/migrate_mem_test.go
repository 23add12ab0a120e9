package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// openAtVersion creates a database at schema version v (the first v migrations), on a
// connection of its own, and returns it.
func openAtVersion(t *testing.T, path string, v int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	ctx := t.Context()
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, m := range migrations[:v] {
		if _, err := db.ExecContext(ctx, m); err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied_at) VALUES (?, 0)`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestMigrationSortsOnDisk checks that a migration building an index over a large table
// sorts it in temporary files, not in SQLite's memory: with the writer's temp_store
// (MEMORY), building posts_day over a year of a province's posts (3.6 million) took the
// process to ~255 MB; the same sort on disk stays within the page caches.
func TestMigrationSortsOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a database of 400,000 posts")
	}
	path := filepath.Join(t.TempDir(), "old.db")
	db := openAtVersion(t, path, 14)
	const n = 400_000
	_, err := db.ExecContext(t.Context(), fmt.Sprintf(`WITH RECURSIVE i(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM i WHERE i + 1 < %d)
		INSERT INTO posts(id, unit_code, item_key, source, local_day, published_at, eff_kind)
		SELECT printf('%%032x', i), printf('X%%04d', i %% 3300), printf('k-%%d', i), 'feed',
			date('2025-12-01', '+' || (i * 7 %% 365) || ' days'), i, 'good_news' FROM i`, n))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The process's peak resident memory, reset to its present size (Linux only).
	if runtime.GOOS != "linux" || os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) != nil {
		t.Skip("needs Linux's /proc/self/clear_refs to measure the peak memory")
	}
	runtime.GC()
	before := procStatusKB(t, "VmRSS")
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	high := procStatusKB(t, "VmHWM") - before
	var version int
	if err := s.r.QueryRowContext(t.Context(), `SELECT MAX(version) FROM schema_migrations`).Scan(&version); err != nil || version != len(migrations) {
		t.Fatalf("schema version %d (%v), want %d", version, err, len(migrations))
	}
	// The writer's page cache is 3 MB; in memory, the sort of 400,000 index entries alone
	// took ~25 MB.
	if high > 12<<10 {
		t.Errorf("the process grew by up to %d KB while migrating %d posts, want under 12 MB", high, n)
	}
	t.Logf("the process grew by up to %d KB while migrating %d posts", high, n)
}

// procStatusKB reads a field of /proc/self/status, in kB.
func procStatusKB(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// TestMigrationEndsOutagesOfDeletedFeeds: a feed deleted while failing left its outage
// open for ever (read as the unit's blind time ever after); migration 17 ends it, and
// leaves the open outage of a feed still there alone.
func TestMigrationEndsOutagesOfDeletedFeeds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db := openAtVersion(t, path, 16)
	for _, q := range []string{
		`INSERT INTO units(code, name, kind, emails, created_at, updated_at) VALUES ('X1', 'Xã 1', 'commune', '[]', 0, 0)`,
		`INSERT INTO feeds(id, unit_code, url, state, created_at, updated_at) VALUES ('f-kept', 'X1', 'https://x1.vn/rss', 'failing', 0, 0)`,
		`INSERT INTO feed_outages(feed_id, unit_code, from_at, reason) VALUES ('f-kept', 'X1', 1000, 'HTTP 500'), ('f-gone', 'X1', 1000, 'HTTP 500')`,
	} {
		if _, err := db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os, err := s.ListOutages(t.Context(), nil, time.Unix(0, 0), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		switch o.FeedID {
		case "f-kept":
			if o.To != nil {
				t.Errorf("the outage of a feed still there was ended: %+v", o)
			}
		case "f-gone":
			if o.To == nil || time.Since(*o.To) > time.Minute || o.CoveredFrom == nil || !o.CoveredFrom.Equal(*o.To) {
				t.Errorf("the outage of a deleted feed = %+v, want ended now, unseen throughout", o)
			}
		}
	}
	if len(os) != 2 {
		t.Errorf("outages = %+v, want both kept", os)
	}
}
