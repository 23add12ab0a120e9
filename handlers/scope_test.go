package handlers

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"tintot/models"
)

// Every API route, with a body that would be valid, so a 401/403 is due to auth alone.
func apiRoutes(e *testEnv) []struct {
	method, path string
	body         any
} {
	c2post := e.posts["C2-feed"].ID
	c2manual := e.posts["C2-manual"].ID
	c2feed := feedOf(e, "C2").ID
	return []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/units/C2", nil},
		{"PUT", "/api/v1/units/C2", map[string]any{"name": "Đổi tên", "kind": "commune", "parent_code": "P"}},
		{"DELETE", "/api/v1/units/C2", nil},
		{"GET", "/api/v1/units/C2/feeds", nil},
		{"POST", "/api/v1/units/C2/feeds", map[string]any{"url": "https://c2.example.vn/atom"}},
		{"DELETE", "/api/v1/feeds/" + c2feed, nil},
		{"GET", "/api/v1/units/C2/posts", nil},
		{"POST", "/api/v1/units/C2/posts", map[string]any{"url": "https://facebook.com/c2/posts/10", "date": "2026-11-26", "kind": "good_news", "title": "x"}},
		{"PATCH", "/api/v1/posts/" + c2post, map[string]any{"kind": "good_news"}},
		{"POST", "/api/v1/posts/" + c2manual + "/reject", map[string]any{"note": "không hợp lệ"}},
		{"GET", "/api/v1/units/C2/status", nil},
		{"GET", "/api/v1/review?parent=C2", nil},
		{"GET", "/api/v1/review.xlsx?parent=C2", nil},
		{"GET", "/api/v1/review.csv?parent=C2", nil},
		{"GET", "/api/v1/alerts?unit=C2", nil},
		{"GET", "/api/v1/audit?target=unit:C2", nil},
		{"POST", "/api/v1/units", map[string]any{"code": "C9", "name": "Xã mới", "kind": "commune", "parent_code": "P"}},
		{"GET", "/api/v1/users", nil},
		{"POST", "/api/v1/users", map[string]any{"email": "x@doan.vn", "name": "X", "role": "admin"}},
		{"PATCH", "/api/v1/users/" + e.users["adminC2"].ID, map[string]any{"disabled": true}},
		{"PATCH", "/api/v1/users/" + e.users["adminC1"].ID, map[string]any{"unit_code": "C2"}},
	}
}

func feedOf(e *testEnv, unit string) models.Feed {
	fs, err := e.st.ListFeeds(context.Background(), storeFeedFilter(unit))
	if err != nil || len(fs) == 0 {
		e.t.Fatalf("no feed for %s: %v", unit, err)
	}
	return fs[0]
}

func TestAnonymousCannotReachAnyAPIRoute(t *testing.T) {
	e := newEnv(t)
	routes := append(apiRoutes(e), []struct {
		method, path string
		body         any
	}{{"GET", "/api/v1/units", nil}, {"GET", "/api/v1/feeds", nil}, {"POST", "/api/v1/tokens", map[string]any{"name": "x"}}, {"GET", "/api/v1/me", nil}}...)
	for _, r := range routes {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			resp, body := e.do("", r.method, r.path, r.body)
			wantStatus(t, resp, body, http.StatusUnauthorized)
			if got := decode[apiError](t, body); got.Error == "" {
				t.Fatalf("401 without a message: %s", body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("401 is %s, want JSON", ct)
			}
		})
	}
	// A wrong token is refused too, never treated as anonymous-but-allowed.
	req := request("GET", "/api/v1/units", nil)
	req.Header.Set("Authorization", "Bearer tt_not-a-real-token")
	resp, body := e.send(req)
	wantStatus(t, resp, body, http.StatusUnauthorized)
}

func TestCommuneAdminCannotTouchAnotherUnit(t *testing.T) {
	e := newEnv(t)
	for _, r := range apiRoutes(e) {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			resp, body := e.do("adminC1", r.method, r.path, r.body)
			wantStatus(t, resp, body, http.StatusForbidden)
		})
	}
	// Nothing of C2 changed.
	ctx := context.Background()
	u, err := e.st.GetUnit(ctx, "C2")
	if err != nil || u.Name != "Đoàn phường Tây Sơn" {
		t.Fatalf("C2 changed or vanished: %+v, %v", u, err)
	}
	p, _ := e.st.GetPost(ctx, e.posts["C2-feed"].ID)
	if p.Override != nil {
		t.Fatalf("C2's post got an override from C1's admin: %+v", p.Override)
	}
	m, _ := e.st.GetPost(ctx, e.posts["C2-manual"].ID)
	if m.Rejected {
		t.Fatal("C2's manual post was rejected by C1's admin")
	}
	if fs, _ := e.st.ListFeeds(ctx, storeFeedFilter("C2")); len(fs) != 1 {
		t.Fatalf("C2 feeds changed: %d", len(fs))
	}
	if ps, _ := e.st.ListPosts(ctx, storePostFilter("C2")); len(ps) != 2 {
		t.Fatalf("C2 posts changed: %d", len(ps))
	}
}

func TestListsShowOnlyUnitsInScope(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		user, path string
		want       []string // unit codes seen
	}{
		{"adminC1", "/api/v1/units", []string{"C1"}},
		{"reviewerP", "/api/v1/units", []string{"C1", "C2", "P"}},
		{"admin", "/api/v1/units", []string{"C1", "C2", "D1", "P", "Q"}},
		{"adminC1", "/api/v1/feeds", []string{"C1"}},
		{"reviewerP", "/api/v1/feeds", []string{"C1", "C2"}},
		{"reviewerP", "/api/v1/feeds?state=broken", []string{"C2"}},
		{"adminC1", "/api/v1/alerts", []string{"C1"}},
		{"reviewerP", "/api/v1/alerts", []string{"C1", "C2"}},
		{"admin", "/api/v1/alerts?type=daily_short", []string{"C1", "D1"}},
	}
	for _, c := range cases {
		t.Run(c.user+" "+c.path, func(t *testing.T) {
			resp, body := e.do(c.user, "GET", c.path, nil)
			wantStatus(t, resp, body, http.StatusOK)
			items := decode[[]map[string]any](t, body)
			var got []string
			for _, it := range items {
				code, _ := it["code"].(string)
				if code == "" {
					code, _ = it["unit_code"].(string)
				}
				got = append(got, code)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("saw %v, want %v", got, c.want)
			}
		})
	}
}

func TestReviewerSeesSubtreeOnly(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path string
		want int
	}{
		{"/api/v1/units/C2", http.StatusOK},
		{"/api/v1/units/C2/posts", http.StatusOK},
		{"/api/v1/units/D1", http.StatusForbidden},
		{"/api/v1/units/D1/posts", http.StatusForbidden},
		{"/api/v1/review?parent=Q", http.StatusForbidden},
		{"/api/v1/review", http.StatusOK},
		{"/api/v1/units/NOPE", http.StatusForbidden},
	} {
		resp, body := e.do("reviewerP", "GET", c.path, nil)
		wantStatus(t, resp, body, c.want)
	}
	resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W48", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.Review](t, body)
	if r.Parent != "P" || len(r.Rows) != 2 {
		t.Fatalf("reviewer's default review = parent %q with %d rows, want P with C1, C2", r.Parent, len(r.Rows))
	}
	// A unit admin gets no subtree review at all.
	resp, body = e.do("adminC1", "GET", "/api/v1/review?parent=C1", nil)
	wantStatus(t, resp, body, http.StatusForbidden)
}

// Every route the app has, present or added later, refuses anonymous callers: 401 JSON
// under /api, a redirect to /login for pages.
func TestEveryRegisteredRouteNeedsCredentials(t *testing.T) {
	e := newEnv(t)
	public := map[string]bool{
		"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /api/openapi.json": true,
		"GET /login": true, "POST /login": true, "POST /api/v1/login": true,
		"HEAD /healthz": true, "HEAD /readyz": true, "HEAD /metrics": true, "HEAD /api/openapi.json": true, "HEAD /login": true,
	}
	seen := 0
	for _, r := range e.app.GetRoutes(true) {
		key := r.Method + " " + r.Path
		if public[key] || r.Path == "/" && r.Method != "GET" || strings.HasPrefix(r.Path, "/static") || r.Method == "HEAD" {
			continue
		}
		path := strings.NewReplacer(":code", "C2", ":id", "x", ":week", "2026-W48").Replace(r.Path)
		path = strings.TrimSuffix(path, "*")
		t.Run(key, func(t *testing.T) {
			resp, body := e.do("", r.Method, path, map[string]any{})
			if strings.HasPrefix(path, "/api/") {
				wantStatus(t, resp, body, http.StatusUnauthorized)
				return
			}
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Fatalf("anonymous %s: %d to %q, want a redirect to /login", key, resp.StatusCode, resp.Header.Get("Location"))
			}
		})
		seen++
	}
	if seen < 25 {
		t.Fatalf("only %d routes checked; the route table looks wrong", seen)
	}
}
