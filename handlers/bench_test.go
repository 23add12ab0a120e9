package handlers

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"tintot/models"
)

// BenchmarkGetUnitWithToken measures one authenticated, scope-checked API read
// (token lookup, user load, scope, unit load, JSON).
func BenchmarkGetUnitWithToken(b *testing.B) {
	e := newEnv(b)
	b.ResetTimer()
	for b.Loop() {
		resp, body := e.do("reviewerP", "GET", "/api/v1/units/C1", nil)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d: %s", resp.StatusCode, body)
		}
	}
}

// BenchmarkListPosts500 measures listing a unit's month of 500 posts with kinds and reasons.
func BenchmarkListPosts500(b *testing.B) {
	e := newEnv(b)
	var posts []models.Post
	for i := range 500 {
		pub := testNow.Add(-time.Duration(i) * time.Hour)
		posts = append(posts, models.Post{UnitCode: "C1", ItemKey: fmt.Sprintf("k%d", i), Source: models.SourceFeed,
			Title: fmt.Sprintf("Tin tốt số %d của xã Đông Hòa", i), PublishedAt: pub.UTC(), LocalDay: models.LocalDay(pub, models.Vietnam),
			FirstSeenAt: pub.UTC(), RuleKind: models.KindGoodNews, RuleReason: "hashtag #MoiNgayMotTinTot"})
	}
	if _, err := e.st.UpsertPosts(context.Background(), posts); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		resp, body := e.do("adminC1", "GET", "/api/v1/units/C1/posts?limit=500", nil)
		if resp.StatusCode != http.StatusOK || len(body) < 500*100 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
		}
	}
}
