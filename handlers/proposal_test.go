package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tintot/models"
)

// TestUnitAdminCannotGradeItself: a unit admin's raising change is a proposal that counts
// only once a reviewer above approves it; lowering applies at once; a reviewer may reject.
func TestUnitAdminCannotGradeItself(t *testing.T) {
	e := newEnv(t, withCampaign)
	id := e.posts["C1-feed"].ID
	path := "/api/v1/posts/" + id
	status := func() models.PeriodStatus {
		t.Helper()
		resp, body := e.do("adminC1", "GET", "/api/v1/units/C1/status", nil)
		wantStatus(t, resp, body, http.StatusOK)
		return dailyBaseline(t, decode[models.UnitStatusReport](t, body))
	}

	resp, body := e.do("adminC1", "PATCH", path, map[string]any{"kind": "good_news", "note": "tin về hiến máu"})
	wantStatus(t, resp, body, http.StatusAccepted)
	v := decode[postView](t, body)
	if v.Kind != models.KindOther || v.Proposal == nil || v.Proposal.Kind != models.KindGoodNews || v.Proposal.By != "adminC1@doan.vn" {
		t.Fatalf("after the unit admin's change: kind %s proposal %+v, want other with a pending good_news proposal", v.Kind, v.Proposal)
	}
	if st := status(); st.Actual != 0 {
		t.Fatalf("a proposal counted at once: %+v", st)
	}
	// The unit admin cannot approve its own proposal; another province's reviewer cannot see it.
	resp, body = e.do("adminC1", "POST", path+"/approve", nil)
	wantStatus(t, resp, body, http.StatusForbidden)
	// The dashboard shows it as waiting.
	_, page := e.as("adminC1", request("GET", "/units/C1", nil))
	if !strings.Contains(string(page), "Chờ duyệt") {
		t.Errorf("the dashboard does not show the proposal as waiting")
	}
	// The reviewer's check list shows it first, with approve and reject buttons.
	_, page = e.as("reviewerP", request("GET", "/check?week=2026-W48&parent=P", nil))
	html := string(page)
	pi, ci := strings.Index(html, `id="proposals"`), strings.Index(html, `id="check-list"`)
	if pi < 0 || ci < pi || !strings.Contains(html, `/posts/`+id+`/approve`) || strings.Contains(html[ci:], `id="post-`+id+`"`) {
		t.Fatalf("check page: proposals at %d, list at %d; want the proposal first and not twice", pi, ci)
	}
	// Approved through the page: it counts, the override says who decided.
	secret, csrf := e.session("reviewerP")
	req := form("/posts/"+id+"/approve", url.Values{"_csrf": {csrf}, "next": {"/check?week=2026-W48&parent=P"}})
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
	resp, body = e.send(req)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/check?week=2026-W48&parent=P&ok=approve") {
		t.Fatalf("approve: %d %q %.200s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if st := status(); st.Actual != 1 || st.Status != models.StatusMet {
		t.Fatalf("after approval: %+v, want met with 1", st)
	}
	p, _ := e.st.GetPost(t.Context(), id)
	if p.Proposal != nil || p.Override == nil || p.Override.By != "reviewerP@doan.vn" || !strings.Contains(p.Override.Note, "adminC1@doan.vn") {
		t.Fatalf("after approval: override %+v proposal %+v", p.Override, p.Proposal)
	}

	// Lowering applies at once: the unit admin excludes its own post.
	resp, body = e.do("adminC1", "PATCH", path, map[string]any{"excluded": true})
	wantStatus(t, resp, body, http.StatusOK)
	if st := status(); st.Actual != 0 {
		t.Fatalf("exclusion did not apply at once: %+v", st)
	}
	// Un-excluding raises again: a proposal, which the reviewer rejects.
	resp, body = e.do("adminC1", "PATCH", path, map[string]any{"excluded": false})
	wantStatus(t, resp, body, http.StatusAccepted)
	resp, body = e.do("reviewerP", "POST", path+"/reject", map[string]any{"note": "không phải tin tốt"})
	wantStatus(t, resp, body, http.StatusOK)
	if v := decode[postView](t, body); v.Proposal != nil || v.Counted {
		t.Fatalf("after rejecting the proposal: %+v", v)
	}
	if st := status(); st.Actual != 0 {
		t.Fatalf("a rejected proposal counted: %+v", st)
	}
	// Nothing pending: approve is a conflict.
	resp, body = e.do("reviewerP", "POST", path+"/approve", nil)
	wantStatus(t, resp, body, http.StatusConflict)

	entries, _ := e.st.ListAudit(t.Context(), "post:"+id, 20)
	var actions []string
	for _, a := range entries {
		actions = append(actions, a.Action)
	}
	got := strings.Join(actions, " ")
	for _, want := range []string{"post.propose", "post.approve", "post.override", "post.proposal_reject"} {
		if !strings.Contains(got, want) {
			t.Errorf("audit %q lacks %s", got, want)
		}
	}
}

func TestRaises(t *testing.T) {
	other := models.Post{RuleKind: models.KindOther}
	good := models.Post{RuleKind: models.KindGoodNews}
	ov := func(k models.Kind, ex bool) *models.Override { return &models.Override{Kind: k, Excluded: ex} }
	with := func(p models.Post, o *models.Override) models.Post { p.Override = o; return p }
	for _, c := range []struct {
		name     string
		from, to models.Post
		want     bool
	}{
		{"other to good news", other, with(other, ov(models.KindGoodNews, false)), true},
		{"good news to story", good, with(good, ov(models.KindStory, false)), true},
		{"excluding", good, with(good, ov("", true)), false},
		{"good news to other", good, with(good, ov(models.KindOther, false)), false},
		{"un-excluding", with(good, ov("", true)), with(good, nil), true},
		{"note only", good, with(good, ov("", false)), false},
		{"excluded other to counted other", with(other, ov("", true)), other, false},
	} {
		if got := c.from.Raises(c.to); got != c.want {
			t.Errorf("%s: raises = %v, want %v", c.name, got, c.want)
		}
	}
}
