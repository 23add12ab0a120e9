package sqlite

import (
	"path/filepath"
	"testing"

	"tintot/store"
	"tintot/store/storetest"
)

// TestTagBackfill opens a database whose posts were stored before post_tags existed:
// the open indexes them, three posts per transaction (so across several), and an open
// interrupted part-way resumes where it stopped.
func TestTagBackfill(t *testing.T) {
	old := backfillBatch
	backfillBatch = 3
	t.Cleanup(func() { backfillBatch = old })
	path := filepath.Join(t.TempDir(), "tintot.db")
	open := func(t *testing.T) store.Store {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	forget := func(t *testing.T, st store.Store) {
		s := st.(*Store)
		// As the migration leaves a database from before: no terms, every post to index.
		if _, err := s.w.ExecContext(t.Context(), `UPDATE posts SET tags = '[]'; DELETE FROM post_tags;
			INSERT INTO post_tags_backfill(next_rowid, last_rowid) SELECT 0, MAX(rowid) FROM posts`); err != nil {
			t.Fatal(err)
		}
		// An open that stopped after the first batch: the first three posts are indexed.
		backfillBatch = 3
		if _, err := s.backfillStep(t.Context()); err != nil {
			t.Fatal(err)
		}
		var next, last int64
		if err := s.w.QueryRowContext(t.Context(), `SELECT next_rowid, last_rowid FROM post_tags_backfill`).Scan(&next, &last); err != nil {
			t.Fatal(err)
		}
		if next != 3 || last < 10 {
			t.Fatalf("after one batch the backfill is at %d of %d, want 3", next, last)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	storetest.TagBackfill(t, open, forget, open)
	s := open(t).(*Store)
	var left int
	if err := s.w.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM post_tags_backfill`).Scan(&left); err != nil || left != 0 {
		t.Errorf("backfill state rows = %d (%v), want none once done", left, err)
	}
}
