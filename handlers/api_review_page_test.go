package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"tintot/models"
)

// countingStatus counts the reviews the real campaign service computes.
type countingStatus struct {
	StatusService
	reviews atomic.Int32
}

func (c *countingStatus) Review(ctx context.Context, week, parent string) (models.Review, error) {
	c.reviews.Add(1)
	return c.StatusService.Review(ctx, week, parent)
}

// The review API answers one page of the review at a time: the pages, walked with
// next_offset, give every row once in rank order; search, filters and sort are the
// review page's; the summaries and counts cover the whole review on every page; and the
// pages of one listing come from one computation.
func TestReviewAPIPaginates(t *testing.T) {
	counter := &countingStatus{}
	e := newEnv(t, withCampaign, func(d *Deps) {
		counter.StatusService = d.Status
		d.Status = counter
	})
	ctx := context.Background()
	for i, name := range []string{"Đoàn xã An Phú", "Đoàn xã Bình Đông", "Đoàn phường Cầu Kho", "Đoàn xã Ea Kar", "Đoàn xã Đông Hải"} {
		u := models.Unit{Code: fmt.Sprintf("C%d", i+3), Name: name, Kind: models.UnitCommune, ParentCode: "P", CreatedAt: testNow.AddDate(0, 0, -30)}
		if err := e.st.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		models.Review
		Total        int                   `json:"total"`
		Matched      int                   `json:"matched"`
		Offset       int                   `json:"offset"`
		Limit        int                   `json:"limit"`
		NextOffset   *int                  `json:"next_offset"`
		StatusCounts map[models.Status]int `json:"status_counts"`
		FeedCounts   map[string]int        `json:"feed_counts"`
	}
	get := func(query string) page {
		t.Helper()
		resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W48"+query, nil)
		wantStatus(t, resp, body, http.StatusOK)
		return decode[page](t, body)
	}
	codes := func(p page) []string {
		var out []string
		for _, r := range p.Rows {
			out = append(out, r.Unit.Code)
		}
		return out
	}

	whole := get("&limit=1000")
	if whole.Total != 8 || whole.Matched != 8 || len(whole.Rows) != 8 || whole.NextOffset != nil {
		t.Fatalf("whole review: total %d matched %d rows %d next %v, want 8 rows (P, C1…C7) on one page", whole.Total, whole.Matched, len(whole.Rows), whole.NextOffset)
	}
	if def := get(""); def.Limit != defaultReviewLimit || len(def.Rows) != 8 {
		t.Fatalf("default page: limit %d with %d rows", def.Limit, len(def.Rows))
	}
	var walked []string
	offset := 0
	for n := 0; ; n++ {
		p := get(fmt.Sprintf("&limit=3&offset=%d", offset))
		if p.Total != 8 || len(p.DaySummary) != 7 || !slices.Equal(codes(p), codes(whole)[offset:min(offset+3, 8)]) {
			t.Fatalf("page at %d: total %d, %d day summaries, rows %v", offset, p.Total, len(p.DaySummary), codes(p))
		}
		feeds := 0
		for _, n := range p.FeedCounts {
			feeds += n
		}
		if feeds != 8 || p.StatusCounts[models.StatusUnknown] != whole.StatusCounts[models.StatusUnknown] {
			t.Fatalf("page at %d: feed counts %v, status counts %v: not the whole review's", offset, p.FeedCounts, p.StatusCounts)
		}
		walked = append(walked, codes(p)...)
		if p.NextOffset == nil {
			break
		}
		if n > 3 {
			t.Fatal("next_offset never ends")
		}
		offset = *p.NextOffset
	}
	if !slices.Equal(walked, codes(whole)) {
		t.Fatalf("pages walked %v, want %v", walked, codes(whole))
	}

	// The search folds diacritics; the filters and sort are the review page's.
	if p := get("&q=%C4%90%C3%B4ng+H%C3%B2a"); p.Matched != 1 || !slices.Equal(codes(p), []string{"C1"}) {
		t.Fatalf("q=Đông Hòa: matched %d %v, want C1", p.Matched, codes(p))
	}
	if p := get("&q=DONG"); p.Matched != 3 {
		t.Fatalf("q=DONG: matched %d %v, want C1, C4 and C7", p.Matched, codes(p))
	}
	if p := get("&sort=name&kind=commune&limit=2"); p.Matched != 7 || !slices.Equal(codes(p), []string{"C5", "C2"}) || p.NextOffset == nil || *p.NextOffset != 2 {
		t.Fatalf("sort=name: matched %d rows %v next %v, want C5 (phường Cầu Kho), C2 (phường Tây Sơn) then offset 2", p.Matched, codes(p), p.NextOffset)
	}
	if p := get("&feed=broken"); p.Matched != whole.FeedCounts["broken"] || p.Matched == 0 || codes(p)[0] != "C2" {
		t.Fatalf("feed=broken: matched %d %v, feed counts %v", p.Matched, codes(p), whole.FeedCounts)
	}
	if p := get("&offset=50"); len(p.Rows) != 0 || p.Total != 8 || p.NextOffset != nil {
		t.Fatalf("past the end: %d rows, total %d", len(p.Rows), p.Total)
	}
	if n := counter.reviews.Load(); n != 1 {
		t.Errorf("%d reviews computed for the pages of one listing, want 1", n)
	}

	for q, field := range map[string]string{"&limit=0": "limit", "&limit=1001": "limit", "&limit=x": "limit", "&offset=-1": "offset", "&status=bad": "status", "&sort=size": "sort"} {
		resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W48"+q, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
		if got := decode[apiError](t, body); got.Field != field {
			t.Errorf("%s: error names field %q, want %q (%s)", q, got.Field, field, got.Error)
		}
	}
}

// Eight reviewers asking at once for pages of a review nobody has computed yet share one
// computation.
func TestReviewAPISharesOneComputation(t *testing.T) {
	counter := &countingStatus{}
	e := newEnv(t, withCampaign, func(d *Deps) {
		counter.StatusService = d.Status
		d.Status = counter
	})
	var wg sync.WaitGroup
	totals := make([]int, 8)
	for i := range totals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := e.do("reviewerP", "GET", fmt.Sprintf("/api/v1/review?week=2026-W48&limit=1&offset=%d", i%3), nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d: %s", resp.StatusCode, body)
				return
			}
			var p struct {
				Total int `json:"total"`
			}
			if err := json.Unmarshal(body, &p); err != nil {
				t.Error(err)
			}
			totals[i] = p.Total
		}()
	}
	wg.Wait()
	if n := counter.reviews.Load(); n != 1 {
		t.Errorf("%d reviews computed for eight callers, want 1", n)
	}
	for i, n := range totals {
		if n != 3 {
			t.Errorf("caller %d: total %d, want 3 (P, C1, C2)", i, n)
		}
	}
}
