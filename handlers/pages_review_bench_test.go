package handlers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"tintot/models"
)

// seedProvince adds n communes under P to the env's store, each with a feed read for a
// year, and ~2 posts a day for the days weeks back from testNow (some units quieter),
// for benchmarks of the pages over the real campaign service.
func seedProvince(b *testing.B, e *testEnv, n, days int) {
	b.Helper()
	ctx := context.Background()
	created := testNow.AddDate(-1, 0, 0).UTC()
	for i := range n {
		u := models.Unit{Code: fmt.Sprintf("XA%04d", i), Name: fmt.Sprintf("Đoàn xã Số %d", i), Kind: models.UnitCommune, ParentCode: "P",
			CreatedAt: created, UpdatedAt: created}
		if err := e.st.CreateUnit(ctx, u); err != nil {
			b.Fatal(err)
		}
		state := models.FeedOK
		if i%50 == 0 {
			state = models.FeedBroken
		}
		if _, err := e.st.CreateFeed(ctx, models.Feed{UnitCode: u.Code, URL: "https://" + u.Code + ".example.vn/rss", State: state,
			CreatedAt: created, UpdatedAt: created, NextCheckAt: created, FirstReadAt: &created, CoveredFrom: &created}); err != nil {
			b.Fatal(err)
		}
	}
	feeds, err := e.st.ListFeeds(ctx, storeFeedFilter(""))
	if err != nil {
		b.Fatal(err)
	}
	feedOf := map[string]string{}
	for _, f := range feeds {
		feedOf[f.UnitCode] = f.ID
	}
	r := rand.New(rand.NewPCG(2026, 600))
	kinds := []models.Kind{models.KindGoodNews, models.KindGoodNews, models.KindGoodNews, models.KindStory, models.KindOther}
	var batch []models.Post
	first := testNow.AddDate(0, 0, -days)
	for d := 0; d <= days; d++ {
		day := time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, models.Vietnam)
		key := day.Format(models.DayLayout)
		for i := range n {
			code := fmt.Sprintf("XA%04d", i)
			for j := range r.IntN(2 + i%3) {
				pub := day.Add(time.Duration(6*3600+r.IntN(16*3600)) * time.Second)
				if pub.After(testNow) {
					continue
				}
				batch = append(batch, models.Post{UnitCode: code, FeedID: feedOf[code], ItemKey: fmt.Sprintf("%s/%d", key, j), Source: models.SourceFeed,
					Title: "Tin " + key, PublishedAt: pub.UTC(), LocalDay: key, FirstSeenAt: pub.UTC(), RuleKind: kinds[r.IntN(len(kinds))],
					RuleReason: "hashtag", UpdatedAt: pub.UTC()})
			}
		}
		if len(batch) > 5000 || d == days {
			if _, err := e.st.UpsertPosts(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
}

// BenchmarkReviewPage600Campaign is the weekly review page of a province of 600
// communes over the real campaign service and SQLite, 13 weeks of posts: the week's
// review and the summaries of the 11 weeks before (read side by side), the filters,
// the first page of units and the charts.
func BenchmarkReviewPage600Campaign(b *testing.B) {
	e := newEnv(b, withCampaign)
	started := time.Now()
	seedProvince(b, e, 600, 7*13)
	b.Logf("seeded in %v", time.Since(started).Round(time.Millisecond))
	for _, bm := range []struct{ name, path string }{
		{"page", "/review?week=2026-W48"},
		{"api", "/api/v1/review?week=2026-W48"}, // the review alone, as the JSON API reads it
	} {
		b.Run(bm.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				resp, body := e.as("reviewerP", request("GET", bm.path, nil))
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d %.200s", resp.StatusCode, body)
				}
				n = len(body)
			}
			b.ReportMetric(float64(n), "bytes/page")
		})
	}
}

// BenchmarkReportPage600Campaign is the period report page of the same province over a
// quarter (the report with its split by week, for the chart), beside the report alone
// as the JSON API reads it.
func BenchmarkReportPage600Campaign(b *testing.B) {
	e := newEnv(b, withReports)
	seedProvince(b, e, 600, 7*13)
	for _, bm := range []struct{ name, path string }{
		{"page", "/report?from=2026-09-01&to=2026-11-30"},
		{"api", "/api/v1/report?from=2026-09-01&to=2026-11-30"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				resp, body := e.as("reviewerP", request("GET", bm.path, nil))
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d %.200s", resp.StatusCode, body)
				}
			}
		})
	}
}
