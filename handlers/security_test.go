package handlers

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	secret, _ := e.session("reviewerP")
	for _, path := range []string{"/login", "/review", "/units/C1", "/check", "/feeds", "/alerts", "/report", "/review?week=2026-W60", "/nope", "/static/app.css", "/api/v1/me"} {
		req := request("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
		resp, body := e.send(req)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			checkNoInline(t, path, string(body))
		}
	}
}

func TestAdminPageHasNoInlineCode(t *testing.T) {
	e := newEnv(t)
	resp, body := e.as("admin", request("GET", "/admin", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "data-confirm=") {
		t.Fatalf("admin page without the feed delete confirmation: %.300s", body)
	}
	checkNoInline(t, "/admin", string(body))
}

var (
	inlineScriptRe = regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>`)
	eventAttrRe    = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	styleAttrRe    = regexp.MustCompile(`(?i)<[a-z][^>]*\sstyle\s*=`)
)

// checkNoInline fails on anything the Content-Security-Policy would block: inline script,
// event-handler attributes, style elements and style attributes.
func checkNoInline(t *testing.T, path, html string) {
	t.Helper()
	for _, m := range inlineScriptRe.FindAllString(html, -1) {
		if !strings.Contains(m, "src=") {
			t.Errorf("%s: inline script %q", path, m)
		}
	}
	if m := eventAttrRe.FindString(html); m != "" {
		t.Errorf("%s: event-handler attribute in %q", path, m)
	}
	if m := styleAttrRe.FindString(html); m != "" {
		t.Errorf("%s: style attribute in %q", path, m)
	}
	if strings.Contains(strings.ToLower(html), "<style") {
		t.Errorf("%s: inline <style> element", path)
	}
}

func TestStaticAssets(t *testing.T) {
	e := newEnv(t)
	for path, ctype := range map[string]string{"/static/app.css": "text/css", "/static/app.js": "text/javascript"} {
		resp, body := e.send(request("GET", path, nil))
		wantStatus(t, resp, body, http.StatusOK)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || len(body) == 0 {
			t.Errorf("%s: %s, %d bytes", path, resp.Header.Get("Content-Type"), len(body))
		}
	}
	for _, path := range []string{"/static/../pages.go", "/static/.hidden", "/static/nope.css", "/static/%2e%2e%2fpages.go"} {
		if resp, body := e.send(request("GET", path, nil)); resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: status %d %.100s", path, resp.StatusCode, body)
		}
	}
}

func TestJSONBodiesNeedJSONContentType(t *testing.T) {
	e := newEnv(t)
	post := e.posts["C1-feed"].ID
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/units/C1/posts", `{"url":"https://facebook.com/c1/posts/1","kind":"good_news","title":"Tin tốt"}`},
		{"PATCH", "/api/v1/units/C1", `{"emails":["c1@doan.vn"]}`},
		{"PUT", "/api/v1/units/C1", `{"emails":["c1@doan.vn"]}`},
		{"PATCH", "/api/v1/posts/" + post, `{"kind":"good_news"}`},
		{"POST", "/api/v1/units/C1/feeds", `{"url":"https://c1.example.vn/feed2"}`},
		{"POST", "/api/v1/login", `{"email":"admin@doan.vn","password":"x"}`},
	} {
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "", "application/jsonp", "text/json"} {
			req := request(c.method, c.path, c.body)
			if ct == "" {
				req.Header.Del("Content-Type")
			} else {
				req.Header.Set("Content-Type", ct)
			}
			resp, body := e.as("admin", req)
			if resp.StatusCode != http.StatusUnsupportedMediaType {
				t.Errorf("%s %s as %q: status %d, want 415; %s", c.method, c.path, ct, resp.StatusCode, body)
			}
		}
		req := request(c.method, c.path, c.body)
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		if resp, body := e.as("admin", req); resp.StatusCode == http.StatusUnsupportedMediaType {
			t.Errorf("%s %s as application/json: 415 %s", c.method, c.path, body)
		}
	}
	if u, _ := e.st.GetUnit(context.Background(), "C1"); len(u.Emails) != 1 {
		t.Errorf("C1's e-mails = %v after one accepted JSON update", u.Emails)
	}
}

func TestOnlyWebLinksLeaveTheAPIAndPages(t *testing.T) {
	e := newEnv(t)
	pub := testNow.Add(-time.Hour)
	var seed []models.Post
	for i, link := range []string{"javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "JaVaScRiPt:alert(1)", "file:///etc/passwd"} {
		seed = append(seed, models.Post{UnitCode: "C1", ItemKey: "k" + string(rune('a'+i)), Source: models.SourceFeed, URL: link,
			Title: "Bài có đường dẫn lạ", PublishedAt: pub.UTC(), LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub.UTC(),
			RuleKind: models.KindGoodNews, UpdatedAt: pub.UTC()})
	}
	if _, err := e.st.UpsertPosts(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	resp, body := e.do("adminC1", "GET", "/api/v1/units/C1/posts", nil)
	wantStatus(t, resp, body, http.StatusOK)
	posts := decode[[]postView](t, body)
	if len(posts) < 6 {
		t.Fatalf("%d posts", len(posts))
	}
	for _, p := range posts {
		if p.URL != "" && !strings.HasPrefix(p.URL, "https://") {
			t.Errorf("API returned link %q", p.URL)
		}
	}
	for _, bad := range []string{"javascript", "JaVaScRiPt", "data:text", "vbscript", "file:"} {
		if strings.Contains(string(body), bad) {
			t.Errorf("API answer carries %q: %.300s", bad, body)
		}
	}
	secret, _ := e.session("adminC1")
	req := request("GET", "/units/C1", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
	_, page := e.send(req)
	for _, bad := range []string{"javascript:", "data:text", "vbscript:", "file:", "ZgotmplZ"} {
		if strings.Contains(strings.ToLower(string(page)), strings.ToLower(bad)) {
			t.Errorf("unit page carries %q", bad)
		}
	}
}
