package mongo

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// BenchmarkCountPostsWeek measures the weekly review's query: counts of one ISO week for
// every unit of a province of 3,300 units, each with a post a day and a story a week.
// It needs TINTOT_TEST_MONGO_URI, like the contract suite.
func BenchmarkCountPostsWeek(b *testing.B) {
	uri := os.Getenv("TINTOT_TEST_MONGO_URI")
	if uri == "" {
		b.Skip("set TINTOT_TEST_MONGO_URI to benchmark against MongoDB")
	}
	ctx := context.Background()
	name := "tintot_bench_" + store.NewID()[:16]
	s, err := openDatabase(ctx, uri, name)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = s.db.Drop(ctx)
		_ = s.Close()
	}()
	const units = 3300
	days, err := models.WeekDays("2026-W48", models.Vietnam)
	if err != nil {
		b.Fatal(err)
	}
	var batch []models.Post
	flush := func() {
		if _, err := s.UpsertPosts(ctx, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for u := range units {
		code := fmt.Sprintf("XA%04d", u)
		for i, day := range days {
			start, _ := models.DayStart(day, models.Vietnam)
			kind := models.KindGoodNews
			if i == 3 {
				kind = models.KindStory
			}
			batch = append(batch, models.Post{UnitCode: code, ItemKey: day, Title: "Tin tốt", PublishedAt: start.Add(9 * time.Hour),
				LocalDay: day, RuleKind: kind, RuleReason: "hashtag"})
		}
		if len(batch) >= 1000 {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	q := store.CountQuery{FromDay: days[0], ToDay: days[6]}
	b.ResetTimer()
	for b.Loop() {
		cs, err := s.CountPosts(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if len(cs) != units*7 {
			b.Fatalf("%d count rows, want %d", len(cs), units*7)
		}
	}
}
