package quota

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"tintot/models"
)

// benchData is 3,300 communes with 74 days of counts (a review's load), ~3 posts a day.
func benchData(b *testing.B) ([]models.Unit, *Data) {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	var units []models.Unit
	var counts []models.DayCount
	var feeds []models.Feed
	start := at("2026-09-20 00:00")
	for i := 0; i < 3300; i++ {
		code := fmt.Sprintf("xa-%04d", i)
		units = append(units, models.Unit{Code: code, Kind: models.UnitCommune, ParentCode: "tinh"})
		feeds = append(feeds, feedOf(code))
		for d := 0; d < 74; d++ {
			day := models.LocalDay(start.AddDate(0, 0, d), models.Vietnam)
			for _, k := range []models.Kind{models.KindGoodNews, models.KindStory, models.KindOther} {
				if n := r.IntN(3); n > 0 {
					counts = append(counts, models.DayCount{UnitCode: code, Day: day, Kind: k, Count: n})
				}
			}
		}
	}
	return units, NewData(counts, nil, feeds)
}

// BenchmarkReviewEngine is the pure part of a 3,300-unit weekly review.
func BenchmarkReviewEngine(b *testing.B) {
	units, d := benchData(b)
	e := NewEngine(DefaultPolicy())
	now := at("2026-11-27 15:00")
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Review("2026-W48", "tinh", units, d, nil, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewData is indexing a review's counts (3,300 units × 74 days).
func BenchmarkNewData(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var counts []models.DayCount
	for i := 0; i < 3300*74*2; i++ {
		counts = append(counts, models.DayCount{UnitCode: fmt.Sprintf("xa-%04d", r.IntN(3300)), Day: "2026-11-25", Kind: models.KindGoodNews, Count: 1})
	}
	for b.Loop() {
		NewData(counts, nil, nil)
	}
}
