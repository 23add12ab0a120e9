package handlers

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSafeRedirect(t *testing.T) {
	keep := []string{"/", "/review", "/units/C1?ok=override#post-1", "/check?week=2026-W48&unit=C1", "/review?q=%C4%91o%C3%A0n"}
	for _, s := range keep {
		if got := safeRedirect(s); got != s {
			t.Errorf("safeRedirect(%q) = %q, want it kept", s, got)
		}
	}
	refuse := []string{
		"", "review", "//evil.example", "/\\evil.example", "/%2f%2fevil.example", "/%2F/evil.example",
		"/%5cevil.example", "/%252f%252fevil.example", "https://evil.example/", "http:/evil.example",
		"javascript:alert(1)", "/\r\nX-Injected: 1", "/%0d%0aX-Injected:%201", "/%0aSet-Cookie:%20pwn=1",
		"/\t/evil.example", "/%09/evil.example", "/ /evil.example", "/a b", "/a%20b", "/\x00", "/%00",
		"/\u2028x", "/%E2%80%A8x", "/\x7f", "/%ZZ", "\\\\evil.example",
	}
	for _, s := range refuse {
		if got := safeRedirect(s); got != "/" {
			t.Errorf("safeRedirect(%q) = %q, want /", s, got)
		}
	}
	if got := safeNext("/login?next=/review"); got != "/" {
		t.Errorf("safeNext of the login page = %q, want /", got)
	}
	if got := safeRedirect("/login?next=%2Freview"); got != "/login?next=%2Freview" {
		t.Errorf("safeRedirect of the login page = %q, want it kept", got)
	}
}

// noInjection fails when a response carries a header the attacker chose or a Location
// other than want.
func noInjection(t *testing.T, resp *http.Response, body []byte, want string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303; body %.200s", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc != want {
		t.Fatalf("Location %q, want %q", loc, want)
	}
	if resp.Header.Get("X-Injected") != "" {
		t.Fatalf("injected header: %v", resp.Header)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "pwn" {
			t.Fatalf("injected cookie: %v", resp.Header)
		}
	}
	if n := len(resp.Header.Values("Set-Cookie")); n > 1 {
		for _, v := range resp.Header.Values("Set-Cookie") {
			if strings.Count(v, SessionCookie+"=") > 0 && !strings.HasPrefix(v, SessionCookie+"=") {
				t.Fatalf("injected session cookie: %v", resp.Header)
			}
		}
	}
}

func TestRedirectTargetsCannotInjectHeadersOrLeaveTheSite(t *testing.T) {
	e := newEnv(t)
	secret, _ := e.session("reviewerP")
	get := func(path string) (*http.Response, []byte) {
		req := request("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
		return e.send(req)
	}
	for _, next := range []string{
		"/%0d%0aX-Injected:%201", "/%0d%0aSet-Cookie:%20pwn=1", "/%09/evil.example", "//evil.example",
		"/%5cevil.example", "/%2f%2fevil.example", "https://evil.example/", "%2F%2Fevil.example",
	} {
		resp, body := get("/login?next=" + next)
		noInjection(t, resp, body, "/")
		resp, body = get("/lang/vi?next=" + next)
		noInjection(t, resp, body, "/")
	}
	resp, body := get("/lang/en?next=/review%3Fweek%3D2026-W48")
	noInjection(t, resp, body, "/review?week=2026-W48")

	// The login form's next field: CR LF there must not plant a session cookie ahead of
	// the real one (session fixation), and the user lands on /.
	e.setPassword("adminC1", "mật-khẩu-đủ-dài")
	for _, next := range []string{"/\r\nSet-Cookie: " + SessionCookie + "=fixed", "/\r\nX-Injected: 1", "/\t/evil.example", "//evil.example"} {
		resp, body := e.send(request("GET", "/login", nil))
		pre := cookieOf(resp, loginCSRFCookie)
		f := url.Values{"email": {"adminC1@doan.vn"}, "password": {"mật-khẩu-đủ-dài"}, "_csrf": {pre.Value}, "next": {next}}
		req := form("/login", f)
		req.AddCookie(pre)
		resp, body = e.send(req)
		noInjection(t, resp, body, "/")
		if ck := cookieOf(resp, SessionCookie); ck == nil || ck.Value == "fixed" {
			t.Fatalf("session cookie after login with next=%q: %v", next, resp.Header.Values("Set-Cookie"))
		}
	}

	// An anonymous page request goes to the login page with its own address as next,
	// escaped as a query value.
	resp, body = e.send(request("GET", "/review?week=2026-W48&parent=P", nil))
	noInjection(t, resp, body, "/login?next="+url.QueryEscape("/review?week=2026-W48&parent=P"))
}

// TestEveryRedirectGoesThroughSafeRedirect keeps the one rule the only way to redirect.
func TestEveryRedirectGoesThroughSafeRedirect(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`\.Redirect\(`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "redirect.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if loc := re.FindIndex(b); loc != nil {
			t.Errorf("%s:%d calls Redirect directly; use redirect(c, target)", f, 1+strings.Count(string(b[:loc[0]]), "\n"))
		}
	}
}
