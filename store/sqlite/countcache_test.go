package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// Days of counters are kept in memory between reads; a counter written by another
// process on the same file (a `tintot poll --once` beside `tintot serve`) must still show
// on the next read, for an old day as for today.
func TestCachedDaysSeeOtherWriters(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "tintot.db")
	reader, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	writer, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	for _, u := range []string{"X1", "X2"} {
		if err := writer.CreateUnit(ctx, models.Unit{Code: u, Name: "Đoàn " + u, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Date(2026, 10, 5, 9, 0, 0, 0, models.Vietnam)
	post := func(unit, key string, at time.Time, k models.Kind) models.Post {
		return models.Post{UnitCode: unit, ItemKey: key, PublishedAt: at, FirstSeenAt: at, RuleKind: k, Title: "Tin"}
	}
	res, err := writer.UpsertPosts(ctx, []models.Post{post("X1", "a", old, models.KindGoodNews), post("X2", "b", old.AddDate(0, 0, 1), models.KindStory)})
	if err != nil {
		t.Fatal(err)
	}
	total := func() map[string]int {
		t.Helper()
		got := map[string]int{}
		// every unit: the whole-day path that keeps days in memory
		if err := reader.EachCount(ctx, store.CountQuery{FromDay: "2026-10-01", ToDay: "2026-10-31"}, func(c models.DayCount) {
			got[c.UnitCode+"/"+c.Day+"/"+string(c.Kind)] += c.Count
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := total(); got["X1/2026-10-05/good_news"] != 1 || got["X2/2026-10-06/story"] != 1 || len(got) != 2 {
		t.Fatalf("first read: %v", got)
	}
	// A late post for the old day, and a reviewer's decision moving the other post to
	// another kind, both written through the other connection.
	if _, err := writer.UpsertPosts(ctx, []models.Post{post("X1", "c", old.Add(time.Hour), models.KindGoodNews)}); err != nil {
		t.Fatal(err)
	}
	if err := writer.SetOverride(ctx, res.Inserted[1].ID, &models.Override{Kind: models.KindIdeology, By: "r", At: old}); err != nil {
		t.Fatal(err)
	}
	got := total()
	if got["X1/2026-10-05/good_news"] != 2 || got["X2/2026-10-06/story"] != 0 || got["X2/2026-10-06/ideology"] != 1 {
		t.Fatalf("after the other writer: %v", got)
	}
	// A hand-submitted post, then its rejection, and an exclusion of the late post: every
	// path that moves a counter makes the day read again.
	manual := post("X2", "m", old.Add(2*time.Hour), models.KindGoodNews)
	manual.Source, manual.URL = models.SourceManual, "https://example.org/m"
	mp, err := writer.CreateManualPost(ctx, manual)
	if err != nil {
		t.Fatal(err)
	}
	if got := total(); got["X2/2026-10-05/good_news"] != 1 {
		t.Fatalf("after a manual post: %v", got)
	}
	if err := writer.SetRejected(ctx, mp.ID, true); err != nil {
		t.Fatal(err)
	}
	if got := total(); got["X2/2026-10-05/good_news"] != 0 {
		t.Fatalf("after rejecting the manual post: %v", got)
	}
	late, err := writer.ListPosts(ctx, store.PostFilter{UnitCode: "X1", FromDay: "2026-10-05", ToDay: "2026-10-05"})
	if err != nil || len(late) != 2 {
		t.Fatalf("posts of X1: %v %v", late, err)
	}
	if err := writer.SetOverride(ctx, late[0].ID, &models.Override{Excluded: true, By: "r", At: old}); err != nil {
		t.Fatal(err)
	}
	if got := total(); got["X1/2026-10-05/good_news"] != 1 {
		t.Fatalf("after excluding a post: %v", got)
	}
	if err := writer.SetOverride(ctx, late[0].ID, nil); err != nil {
		t.Fatal(err)
	}
	got = total()
	if got["X1/2026-10-05/good_news"] != 2 {
		t.Fatalf("after lifting the exclusion: %v", got)
	}
	// A read that does not change anything comes from memory and agrees.
	if again := total(); len(again) != len(got) || again["X1/2026-10-05/good_news"] != 2 {
		t.Fatalf("third read: %v", again)
	}
}
