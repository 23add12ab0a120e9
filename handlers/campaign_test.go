package handlers

import (
	"net/http"
	"strings"
	"testing"
	"time"
	"tintot/store"

	"tintot/campaign"
	"tintot/models"
	"tintot/quota"
)

// withCampaign wires the real campaign service (quota engine with the default policy).
func withCampaign(d *Deps) {
	d.Status = &campaign.Service{Store: d.Store, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: models.Vietnam}, Clock: d.Clock}
}

func dailyBaseline(t *testing.T, rep models.UnitStatusReport) models.PeriodStatus {
	t.Helper()
	for _, ps := range rep.Day {
		if ps.Level == models.LevelBaseline {
			return ps
		}
	}
	t.Fatalf("no baseline daily status in %+v", rep.Day)
	return models.PeriodStatus{}
}

func TestReclassifyingAPostChangesTheUnitsStatus(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.do("adminC1", "GET", "/api/v1/units/C1/status", nil)
	wantStatus(t, resp, body, http.StatusOK)
	before := dailyBaseline(t, decode[models.UnitStatusReport](t, body))
	if before.Status != models.StatusAtRisk || before.Actual != 0 {
		t.Fatalf("before: %s with %d posts, want at_risk with 0 (the only post is 'other')", before.Status, before.Actual)
	}

	resp, body = e.do("reviewerP", "PATCH", "/api/v1/posts/"+e.posts["C1-feed"].ID, map[string]any{"kind": "good_news"})
	wantStatus(t, resp, body, http.StatusOK)

	resp, body = e.do("adminC1", "GET", "/api/v1/units/C1/status?date=2026-11-27", nil)
	wantStatus(t, resp, body, http.StatusOK)
	after := dailyBaseline(t, decode[models.UnitStatusReport](t, body))
	if after.Status != models.StatusMet || after.Actual != 1 {
		t.Fatalf("after reclassifying: %s with %d posts, want met with 1", after.Status, after.Actual)
	}

	// Excluding it again brings the shortfall back.
	e.do("reviewerP", "PATCH", "/api/v1/posts/"+e.posts["C1-feed"].ID, map[string]any{"excluded": true})
	resp, body = e.do("adminC1", "GET", "/api/v1/units/C1/status", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if got := dailyBaseline(t, decode[models.UnitStatusReport](t, body)); got.Actual != 0 {
		t.Fatalf("excluded post still counted: %+v", got)
	}
}

func TestReviewRowsStayInScope(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W48", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.Review](t, body)
	if r.Week != "2026-W48" || len(r.Days) != 7 || r.Days[0] != "2026-11-23" {
		t.Fatalf("review week %q days %v", r.Week, r.Days)
	}
	seen := map[string]bool{}
	for _, row := range r.Rows {
		seen[row.Unit.Code] = true
	}
	if !seen["C1"] || !seen["C2"] || seen["D1"] || seen["Q"] {
		t.Fatalf("reviewer of P sees rows %v", seen)
	}
}

// TestDashboardCalendarShowsOutageAsUnknown: days seen through a broken feed are grey
// "unknown" on the calendar, days before the unit existed are n/a, never red "short".
func TestDashboardCalendarShowsOutageAsUnknown(t *testing.T) {
	e := newEnv(t, withCampaign)
	ctx := t.Context()
	fs, err := e.st.ListFeeds(ctx, store.FeedFilter{UnitCode: "C2"})
	if err != nil || len(fs) != 1 {
		t.Fatalf("feeds of C2: %v %v", fs, err)
	}
	reach := time.Date(2026, 10, 1, 0, 0, 0, 0, models.Vietnam)
	fs[0].CoveredFrom = &reach // the first read showed posts back to October
	if err := e.st.UpdateFeed(ctx, fs[0]); err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 20, 0, 0, 0, 0, models.Vietnam).UTC()
	if err := e.st.OpenOutage(ctx, models.FeedOutage{FeedID: fs[0].ID, UnitCode: "C2", From: from, Reason: "HTTP 500"}); err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, models.Vietnam).UTC()
	u, _ := e.st.GetUnit(ctx, "C2")
	u.ActiveFrom = &since
	if err := e.st.UpdateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	resp, body := e.as("adminC2", request("GET", "/units/C2", nil))
	wantStatus(t, resp, body, 200)
	html := string(body)
	for day, want := range map[string]models.Status{
		"2026-10-30": models.StatusNA, "2026-11-10": models.StatusShort,
		"2026-11-22": models.StatusUnknown, "2026-11-26": models.StatusUnknown,
	} {
		cell := `data-day="` + day + `" data-status="` + string(want) + `"`
		if !strings.Contains(html, cell) {
			i := strings.Index(html, `data-day="`+day+`"`)
			t.Errorf("calendar cell %s is not %s: %.80s", day, want, html[max(i, 0):])
		}
	}
}
