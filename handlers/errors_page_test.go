package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestErrorPagesKeepTheLayout: a signed-in user's error page keeps the header, the menu
// (with its place), the language toggle and the log-out form, and offers a way back; an
// anonymous visitor still gets a plain page.
func TestErrorPagesKeepTheLayout(t *testing.T) {
	e := newEnv(t)
	secret, _ := e.session("reviewerP")
	for _, tt := range []struct {
		path, referer string
		status        int
		nav, back     string
	}{
		{"/review?week=2026-W60", "", http.StatusBadRequest, `href="/review" class="on"`, `href="/review" id="error-back"`},
		{"/units/D1", "http://example.com/units/C1", http.StatusForbidden, "", `href="/units/C1" id="error-back"`},
		{"/khong-co-trang-nay", "", http.StatusNotFound, "", ""},
		{"/alerts?type=tin-xau", "", http.StatusBadRequest, `href="/alerts" class="on"`, ""},
	} {
		t.Run(tt.path, func(t *testing.T) {
			req := request("GET", tt.path, nil)
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
			if tt.referer != "" {
				req.Header.Set("Referer", tt.referer)
			}
			resp, body := e.send(req)
			html := string(body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, html)
			}
			for _, want := range []string{"<header>", `href="/lang/en?next=`, `action="/logout"`, `href="/review"`, `id="error-home"`} {
				if !strings.Contains(html, want) && !(tt.path == "/alerts?type=tin-xau" && want == `id="error-home"`) {
					t.Errorf("error page lacks %s", want)
				}
			}
			if tt.nav != "" && !strings.Contains(html, tt.nav) {
				t.Errorf("menu does not mark its place %s", tt.nav)
			}
			if tt.back != "" && !strings.Contains(html, tt.back) {
				t.Errorf("no way back %s", tt.back)
			}
			checkNoInline(t, tt.path, html)
		})
	}
	// English keeps the toggle's language.
	req := request("GET", "/units/D1", nil)
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	_, body := e.send(req)
	if !strings.Contains(string(body), "Error 403") || !strings.Contains(string(body), `lang="en"`) {
		t.Errorf("English error page: %.300s", body)
	}
	// Anonymous: a plain page, no menu.
	resp, body := e.send(request("GET", "/static/khong-co.css", nil))
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "<header>") {
		t.Errorf("anonymous 404: %d %.200s", resp.StatusCode, body)
	}
}

// TestCSRFRefusalKeepsTheLayout: a stale form (wrong token) is refused inside the layout,
// with a way back to the page of the form.
func TestCSRFRefusalKeepsTheLayout(t *testing.T) {
	e := newEnv(t)
	secret, _ := e.session("adminC1")
	req := form("/posts/"+e.posts["C1-feed"].ID+"/override", url.Values{"kind": {"story"}, "_csrf": {"cu"}})
	req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
	req.Header.Set("Referer", "http://example.com/units/C1?page=2")
	resp, body := e.send(req)
	html := string(body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(html, "<header>") || !strings.Contains(html, `href="/units/C1?page=2" id="error-back"`) {
		t.Fatalf("stale form: %d %.400s", resp.StatusCode, html)
	}
}

// TestAdminFormErrorsBesideTheField: each admin form comes back with its message under
// it, its field marked and what was typed kept (never the password).
func TestAdminFormErrorsBesideTheField(t *testing.T) {
	e := newEnv(t)
	resp, body := e.as("admin", form("/admin/feeds", url.Values{"unit_code": {"C2"}, "url": {"ftp://c2.example.vn/rss"}}))
	html := string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="err-feed" data-field="url">Địa chỉ nguồn tin phải là URL http(s)`) ||
		!strings.Contains(html, `value="ftp://c2.example.vn/rss" aria-invalid="true"`) || !strings.Contains(html, `<option value="C2" selected>`) {
		t.Errorf("bad feed: %d %.300s", resp.StatusCode, html)
	}
	resp, body = e.as("admin", form("/admin/users", url.Values{"email": {"khong-phai-email"}, "name": {"Trần Thị Gõ"}, "role": {"reviewer"}, "unit_code": {"P"}, "password": {"bí-mật-không-hiện-lại"}}))
	html = string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="err-user" data-field="email"`) || !strings.Contains(html, `value="Trần Thị Gõ"`) ||
		!strings.Contains(html, `<option value="reviewer" selected>`) || strings.Contains(html, "bí-mật-không-hiện-lại") {
		t.Errorf("bad user: %d %.300s", resp.StatusCode, html)
	}
	// A failed edit stays an edit: the code stays read-only and the existing flag is kept.
	resp, body = e.as("admin", form("/admin/units", url.Values{"code": {"C1"}, "existing": {"1"}, "name": {"Đoàn xã Đông Hòa"}, "kind": {"commune"}, "parent_code": {"P"}, "emails": {"khong-hop-le"}}))
	html = string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="err-unit-emails"`) || !strings.Contains(html, `name="existing" value="1"`) || !strings.Contains(html, `value="khong-hop-le"`) {
		t.Errorf("bad unit edit: %d %.300s", resp.StatusCode, html)
	}
}
