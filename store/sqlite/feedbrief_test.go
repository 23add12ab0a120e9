package sqlite

import (
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// The brief listing comes back packed; a field holding the separators still comes back
// whole (read again row by row), with the times and their absence kept.
func TestBriefFeedsPackedAndFallback(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	for _, u := range []string{"X1", "X2"} {
		if err := s.CreateUnit(ctx, models.Unit{Code: u, Name: "Đoàn " + u, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
	}
	read := time.Date(2026, 11, 2, 3, 4, 5, 6e6, time.UTC)
	if _, err := s.CreateFeed(ctx, models.Feed{UnitCode: "X1", URL: "https://a.vn/rss", State: models.FeedOK, FirstReadAt: &read, CreatedAt: read, NextCheckAt: read}); err != nil {
		t.Fatal(err)
	}
	list := func() []models.Feed {
		t.Helper()
		fs, err := s.ListFeeds(ctx, store.FeedFilter{Brief: true})
		if err != nil {
			t.Fatal(err)
		}
		return fs
	}
	fs := list()
	if len(fs) != 1 || fs[0].URL != "https://a.vn/rss" || fs[0].UnitCode != "X1" || fs[0].State != models.FeedOK ||
		fs[0].FirstReadAt == nil || !fs[0].FirstReadAt.Equal(read) || fs[0].CoveredFrom != nil || !fs[0].CreatedAt.Equal(read) {
		t.Fatalf("packed listing: %+v", fs)
	}
	odd := "https://b.vn/rss?x=\x1f\x1e"
	if _, err := s.CreateFeed(ctx, models.Feed{UnitCode: "X2", URL: odd, State: models.FeedBroken, CreatedAt: read, NextCheckAt: read}); err != nil {
		t.Fatal(err)
	}
	fs = list()
	if len(fs) != 2 || fs[1].URL != odd || fs[1].State != models.FeedBroken || fs[1].FirstReadAt != nil || fs[0].URL != "https://a.vn/rss" {
		t.Fatalf("listing with separators in a URL: %+v", fs)
	}
}
