package campaign

import (
	"context"
	"testing"

	"tintot/models"
)

// chartWeeks is the n weeks up to the benchmark's week, oldest first.
func chartWeeks(n int) []string {
	monday, _ := models.WeekStart(models.ISOWeek(benchNow, models.Vietnam), models.Vietnam)
	ws := make([]string, 0, n)
	for i := n - 1; i >= 0; i-- {
		ws = append(ws, models.ISOWeek(monday.AddDate(0, 0, -7*i), models.Vietnam))
	}
	return ws
}

// BenchmarkReviewSummaries11 is the history the review's chart reads besides the
// review itself: the summaries of the 11 weeks before, for 3,300 communes.
func BenchmarkReviewSummaries11(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	weeks := chartWeeks(12)[:11]
	reportLatency(b, func(int) error {
		_, err := svc.ReviewSummaries(ctx, "tinh", weeks)
		return err
	})
}

// BenchmarkReviews11 is the same history read as 11 whole reviews, one after the other.
func BenchmarkReviews11(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	weeks := chartWeeks(12)[:11]
	reportLatency(b, func(int) error {
		for _, w := range weeks {
			if _, err := svc.Review(ctx, w, "tinh"); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkPeriodReportByWeekYear is BenchmarkPeriodReportYear's report with its split
// by week, as the report page reads it for its chart.
func BenchmarkPeriodReportByWeekYear(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	year := benchNow.In(models.Vietnam).Format("2006")
	reportLatency(b, func(int) error {
		_, _, err := svc.PeriodReportByWeek(ctx, "tinh", year+"-01-01", year+"-12-31")
		return err
	})
}
