package sqlite

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tintot/models"
)

// The write-ahead log is copied into the database file by the checkpointer after a write,
// not left for the writer's automatic checkpoint, which runs only once the log passes
// 1,000 pages, inside the commit that takes it there. A few hundred pages of posts reach
// the database file without another write.
func TestWritesAreCheckpointedInTheBackground(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tintot.db")
	st := openWithCommune(t, path)
	fileSize := func() int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	time.Sleep(200 * time.Millisecond) // the unit's own checkpoint
	before := fileSize()
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, models.Vietnam)
	var posts []models.Post
	for i := range 400 {
		posts = append(posts, models.Post{UnitCode: "X1", ItemKey: "k" + strconv.Itoa(i), Title: "Tin tốt số " + strconv.Itoa(i),
			Summary: strings.Repeat("Đoàn viên thanh niên ra quân làm sạch đường làng. ", 20), PublishedAt: at, FirstSeenAt: at, RuleKind: models.KindGoodNews})
	}
	if _, err := st.UpsertPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fileSize() < before+100*4096 {
		if time.Now().After(deadline) {
			t.Fatalf("database file is %d bytes 5 s after ~400 KB of posts were written (%d before): the log was not checkpointed", fileSize(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The writer checkpoints by itself only past walAutoCheckpoint pages of log, when the
// checkpointer falls behind: at SQLite's default (1,000) a poll's writer checkpointed in
// the middle of its batches anyway.
func TestWriterCheckpointsOnlyAsASafetyNet(t *testing.T) {
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var pages int
	if err := st.w.QueryRowContext(t.Context(), `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if want := "wal_autocheckpoint(" + strconv.Itoa(pages) + ")"; want != walAutoCheckpoint || pages < 4000 {
		t.Errorf("writer's automatic checkpoint at %d pages, want %s", pages, walAutoCheckpoint)
	}
}
