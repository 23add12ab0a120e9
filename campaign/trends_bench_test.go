package campaign

import (
	"context"
	"testing"

	"tintot/models"
)

// BenchmarkTrendReport30Days finds a 30-day trend's posts among the 3,300 communes of the
// benchmark province (~300,000 posts in its days, ~5,000 carrying its hashtags, read
// through their recorded terms and matched). The trend is not stored: the cached
// benchmark database is only read.
func BenchmarkTrendReport30Days(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	units, err := svc.Store.Descendants(ctx, "tinh")
	if err != nil {
		b.Fatal(err)
	}
	t := models.Trend{ID: "bench", ParentCode: "tinh", Name: "Xanh hóa quê hương", Hashtags: []string{"#XanhHóaQuêHương", "#MùaHèXanh"},
		StartDay: "2026-10-28", EndDay: "2026-11-26"}
	reportLatency(b, func(int) error {
		_, err := svc.trendReport(ctx, t, units)
		return err
	})
}
