package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestBackupWhileWriting copies a database that a poller keeps writing to: the copy opens,
// holds every post committed before the backup began, and its day counters agree with
// its posts.
func TestBackupWhileWriting(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "tintot.db"))
	defer s.Close()
	if err := s.CreateUnit(ctx, models.Unit{Code: "X1", Name: "Đoàn xã Một", Kind: models.UnitCommune}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, models.Vietnam)
	batch := func(n, from int) []models.Post {
		var ps []models.Post
		for i := from; i < from+n; i++ {
			ps = append(ps, models.Post{UnitCode: "X1", ItemKey: fmt.Sprintf("k%d", i), Title: "Tin tốt", RuleKind: models.KindGoodNews,
				PublishedAt: day, LocalDay: "2026-11-27", FirstSeenAt: day})
		}
		return ps
	}
	if _, err := s.UpsertPosts(ctx, batch(500, 0)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // the poller goes on writing during the backup
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.UpsertPosts(ctx, batch(50, 500*i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	dst := filepath.Join(dir, "sao-luu.db")
	err := s.Backup(ctx, dst)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}

	c := mustOpen(t, dst)
	defer c.Close()
	posts, err := c.ListPosts(ctx, store.PostFilter{UnitCode: "X1"})
	if err != nil {
		t.Fatal(err)
	}
	counts, err := c.CountPosts(ctx, store.CountQuery{UnitCodes: []string{"X1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(posts) < 500 || len(counts) != 1 || counts[0].Count != len(posts) {
		t.Errorf("copy has %d posts and counts %+v, want at least 500 posts counted once each", len(posts), counts)
	}
	if u, err := c.GetUnit(ctx, "X1"); err != nil || u.Name != "Đoàn xã Một" {
		t.Errorf("copy's unit X1 = %+v, %v", u, err)
	}
}

func TestBackupRefusals(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s := mustOpen(t, filepath.Join(dir, "tintot.db"))
	defer s.Close()
	existing := filepath.Join(dir, "old.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dst, want string }{
		{existing, "already exists"},
		{filepath.Join(dir, "no", "such", "folder", "b.db"), "does not exist"},
		{"", "needs a file name"},
	} {
		err := s.Backup(ctx, c.dst)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Backup(%q) = %v, want an error saying %q", c.dst, err, c.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me" {
		t.Error("a refused backup overwrote an existing file")
	}
	mem := mustOpen(t, ":memory:")
	defer mem.Close()
	if err := mem.Backup(ctx, filepath.Join(dir, "m.db")); err == nil {
		t.Error("an in-memory database was backed up")
	}
}
