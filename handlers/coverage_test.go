package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestChannelCoverageOnReviewAndReport checks that the review API, the review page and
// the period report show the share of units with a working channel, in the caller's scope.
func TestChannelCoverageOnReviewAndReport(t *testing.T) {
	e := newEnv(t, withReports)
	// C2 submitted a post by hand two hours ago; C1's feed was never read successfully.
	resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W48", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.Review](t, body)
	if c := r.ChannelCoverage; c == nil || c.Units != 2 || c.Working != 1 || c.Baseline != 0.8 || c.Target != 1 {
		t.Fatalf("channel_coverage = %+v, want 1/2 against 80%% and 100%%", c)
	} else if len(c.Without) != 1 || c.Without[0].Code != "C1" {
		t.Errorf("without = %+v, want C1", c.Without)
	}
	if !strings.Contains(string(body), `"channel_coverage"`) {
		t.Error("the review API has no channel_coverage field")
	}

	fs, err := e.st.ListFeeds(t.Context(), store.FeedFilter{UnitCode: "C1"})
	if err != nil || len(fs) != 1 {
		t.Fatal(fs, err)
	}
	read := testNow.Add(-3 * time.Hour).UTC()
	fs[0].LastSuccessAt = &read
	if err := e.st.UpdateFeed(t.Context(), fs[0]); err != nil {
		t.Fatal(err)
	}
	resp, body = e.as("reviewerP", request("GET", "/review?week=2026-W48", nil))
	wantStatus(t, resp, body, http.StatusOK)
	cov := between(string(body), `id="coverage"`, "</section>")
	for _, want := range []string{`id="coverage-share">100%`, "2/2 đơn vị cấp xã, trường học, cơ quan", "mức 2025", "mức 2030"} {
		if !strings.Contains(cov, want) {
			t.Errorf("review coverage lacks %q: %s", want, cov)
		}
	}
	checkNoInline(t, "/review", string(body))

	resp, body = e.as("reviewerP", request("GET", "/report?from=2026-10-01&to=2026-12-31", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if cov := between(string(body), `id="coverage"`, "</section>"); !strings.Contains(cov, `id="coverage-share">100%`) {
		t.Errorf("report page coverage = %q", cov)
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/report?from=2026-10-01&to=2026-12-31", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if pr := decode[models.PeriodReport](t, body); pr.ChannelCoverage == nil || pr.ChannelCoverage.Working != 2 {
		t.Errorf("report API channel_coverage = %+v", pr.ChannelCoverage)
	}

	// English toggle.
	req := request("GET", "/review?week=2026-W48", nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	resp, body = e.as("reviewerP", req)
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Information channels") {
		t.Error("English review lacks the coverage heading")
	}
}
