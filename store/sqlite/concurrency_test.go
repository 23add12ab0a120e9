package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestConcurrentWritersNeverBusy runs pollers that upsert posts and claim feeds at the same
// time as readers count: nothing may fail with SQLITE_BUSY, no post may be stored twice
// and no feed may be leased to two holders.
func TestConcurrentWritersNeverBusy(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	base := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	const units, feedsPerUnit, workers, rounds = 5, 8, 6, 10
	for u := range units {
		code := fmt.Sprintf("X%d", u)
		if err := s.CreateUnit(ctx, models.Unit{Code: code, Name: "Đoàn " + code, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
		for f := range feedsPerUnit {
			_, err := s.CreateFeed(ctx, models.Feed{UnitCode: code, URL: fmt.Sprintf("https://%s.vn/%d", code, f), NextCheckAt: base})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[string]string{}
		errs    = make(chan error, workers*rounds*3)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			holder := fmt.Sprintf("worker-%d", w)
			for r := range rounds {
				fs, err := s.ClaimDueFeeds(ctx, holder, base, base.Add(time.Hour), 3)
				if err != nil {
					errs <- fmt.Errorf("claim: %w", err)
					return
				}
				mu.Lock()
				for _, f := range fs {
					if other, dup := claimed[f.ID]; dup {
						errs <- fmt.Errorf("feed %s leased to %s and %s", f.ID, other, holder)
					}
					claimed[f.ID] = holder
				}
				mu.Unlock()
				// Every worker polls every unit: the same 20 items per unit arrive many times.
				var batch []models.Post
				for i := range 20 {
					code := fmt.Sprintf("X%d", (w+r+i)%units)
					at := base.Add(time.Duration(i) * time.Hour)
					batch = append(batch, models.Post{UnitCode: code, ItemKey: fmt.Sprintf("item-%d", i), Title: "Tin tốt",
						PublishedAt: at, LocalDay: models.LocalDay(at, models.Vietnam), FirstSeenAt: at, RuleKind: models.KindGoodNews})
				}
				if _, err := s.UpsertPosts(ctx, batch); err != nil {
					errs <- fmt.Errorf("upsert: %w", err)
					return
				}
				if _, err := s.CountPosts(ctx, store.CountQuery{FromDay: "2026-11-27", ToDay: "2026-11-28"}); err != nil {
					errs <- fmt.Errorf("count: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(claimed) != units*feedsPerUnit {
		t.Errorf("%d feeds claimed, want all %d", len(claimed), units*feedsPerUnit)
	}
	posts, err := s.ListPosts(ctx, store.PostFilter{})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, p := range posts {
		k := p.UnitCode + "|" + p.ItemKey
		if keys[k] {
			t.Errorf("post %s stored twice", k)
		}
		keys[k] = true
	}
	if len(posts) != units*20 {
		t.Errorf("%d posts stored, want %d (each unit's 20 items once)", len(posts), units*20)
	}
}

// TestReopenKeepsDataAndSchemaVersion opens the same file twice: migrations run once and
// stored data survives.
func TestReopenKeepsDataAndSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "tintot.db")
	ctx := t.Context()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.SetSetting(ctx, "k", "giá trị"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if v, err := s.GetSetting(ctx, "k"); err != nil || v != "giá trị" {
		t.Fatalf("after reopen GetSetting = %q, %v", v, err)
	}
	var n, version int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &version); err != nil {
		t.Fatal(err)
	}
	if n != len(migrations) || version != len(migrations) {
		t.Errorf("schema_migrations has %d rows up to version %d, want %d", n, version, len(migrations))
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.r.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

// TestOpenRejectsNewerSchema refuses a database written by a newer program.
func TestOpenRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tintot.db")
	s := mustOpen(t, path)
	if _, err := s.w.ExecContext(t.Context(), `INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(t.Context(), path); err == nil {
		t.Fatal("Open accepted a schema newer than the program")
	}
}

func TestOpenBadPath(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plain-file")
	s := mustOpen(t, file) // a database file where a directory is needed below
	s.Close()
	if _, err := Open(t.Context(), filepath.Join(file, "tintot.db")); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
	if _, err := Open(t.Context(), ""); err == nil {
		t.Fatal("Open with an empty path succeeded")
	}
}

func TestCountPostsRejectsBadDay(t *testing.T) {
	s := openTest(t)
	_, err := s.CountPosts(t.Context(), store.CountQuery{FromDay: "27/11/2026", ToDay: "2026-11-30"})
	if err == nil {
		t.Fatal("CountPosts accepted a malformed day")
	}
}

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return s
}

// TestConstraintErrorsMapToStoreErrors checks the driver's constraint codes become the
// store's sentinels even where no explicit check runs first.
func TestConstraintErrorsMapToStoreErrors(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	_, err := s.w.ExecContext(ctx, `INSERT INTO feeds(id, unit_code, url) VALUES ('f1', 'ghost', 'https://x.vn/rss')`)
	if err := mapErr(err); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("foreign key violation mapped to %v, want ErrInvalid", err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('k', 'a')`); err != nil {
		t.Fatal(err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('k', 'b')`)
	if err := mapErr(err); !errors.Is(err, store.ErrConflict) {
		t.Errorf("primary key violation mapped to %v, want ErrConflict", err)
	}
}

// TestOpenOddPath opens a database whose path holds URI-special characters.
func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dữ liệu #1 ?50%", "tintot.db")
	s := mustOpen(t, path)
	defer s.Close()
	if err := s.SetSetting(t.Context(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the requested path: %v", err)
	}
}
