package handlers

import (
	"net/http"
	"testing"

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

	resp, body = e.do("adminC1", "PATCH", "/api/v1/posts/"+e.posts["C1-feed"].ID, map[string]any{"kind": "good_news"})
	wantStatus(t, resp, body, http.StatusOK)

	resp, body = e.do("adminC1", "GET", "/api/v1/units/C1/status?date=2026-11-27", nil)
	wantStatus(t, resp, body, http.StatusOK)
	after := dailyBaseline(t, decode[models.UnitStatusReport](t, body))
	if after.Status != models.StatusMet || after.Actual != 1 {
		t.Fatalf("after reclassifying: %s with %d posts, want met with 1", after.Status, after.Actual)
	}

	// Excluding it again brings the shortfall back.
	e.do("adminC1", "PATCH", "/api/v1/posts/"+e.posts["C1-feed"].ID, map[string]any{"excluded": true})
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
