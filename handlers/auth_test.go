package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"tintot/config"
	"tintot/models"
)

// setPassword gives a seeded user a real password.
func (e *testEnv) setPassword(user, pw string) {
	e.t.Helper()
	if _, err := SetPassword(context.Background(), e.st, user+"@doan.vn", pw); err != nil {
		e.t.Fatal(err)
	}
}

func cookieOf(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// formLogin logs in through the login page and returns the session cookie.
func (e *testEnv) formLogin(email, pw string) (*http.Response, []byte) {
	e.t.Helper()
	resp, body := e.send(request("GET", "/login?next=/units/C1", nil))
	wantStatus(e.t, resp, body, http.StatusOK)
	pre := cookieOf(resp, loginCSRFCookie)
	if pre == nil || !strings.Contains(string(body), pre.Value) {
		e.t.Fatalf("login page without a CSRF token")
	}
	form := url.Values{"email": {email}, "password": {pw}, "_csrf": {pre.Value}, "next": {"/units/C1"}}
	req, _ := http.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(pre)
	return e.send(req)
}

func TestLoginSessionCSRFAndLogout(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Config.SecureCookies = true })
	e.setPassword("adminC1", "mật-khẩu-đủ-dài")

	resp, body := e.formLogin("adminC1@doan.vn", "sai-mật-khẩu")
	wantStatus(t, resp, body, http.StatusUnauthorized)
	if !strings.Contains(string(body), "E-mail hoặc mật khẩu không đúng") || cookieOf(resp, SessionCookie) != nil {
		t.Fatalf("wrong password: %s", body)
	}

	resp, body = e.formLogin("ADMINc1@doan.vn", "mật-khẩu-đủ-dài")
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/units/C1" {
		t.Fatalf("redirect to %q, want the next page", loc)
	}
	sess := cookieOf(resp, SessionCookie)
	if sess == nil || !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax", sess)
	}
	if _, err := e.st.GetSession(context.Background(), sess.Value, e.clock.Now()); err == nil {
		t.Fatal("the store keeps the cookie secret itself, not its hash")
	}

	withSession := func(method, path string, body any, csrf string) (*http.Response, []byte) {
		req := request(method, path, body)
		req.AddCookie(sess)
		if csrf != "" {
			req.Header.Set(CSRFHeader, csrf)
		}
		return e.send(req)
	}
	resp, body = withSession("GET", "/api/v1/me", nil, "")
	wantStatus(t, resp, body, http.StatusOK)
	me := decode[struct {
		User models.User `json:"user"`
		CSRF string      `json:"csrf_token"`
	}](t, body)
	if me.User.Email != "adminC1@doan.vn" || me.CSRF == "" {
		t.Fatalf("me = %+v", me)
	}

	// A change with the session cookie but without the CSRF token is refused.
	resp, body = withSession("POST", "/api/v1/tokens", map[string]any{"name": "x"}, "")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = withSession("POST", "/api/v1/tokens", map[string]any{"name": "x"}, "wrong")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = withSession("POST", "/api/v1/tokens", map[string]any{"name": "x"}, me.CSRF)
	wantStatus(t, resp, body, http.StatusCreated)
	// Same for HTML forms: logout without the token does nothing.
	resp, body = withSession("POST", "/logout", nil, "")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = withSession("GET", "/api/v1/me", nil, "")
	wantStatus(t, resp, body, http.StatusOK)

	resp, body = withSession("POST", "/logout", nil, me.CSRF)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if c := cookieOf(resp, SessionCookie); c == nil || c.Value != "" {
		t.Fatalf("logout did not clear the cookie: %+v", c)
	}
	resp, body = withSession("GET", "/api/v1/me", nil, "")
	wantStatus(t, resp, body, http.StatusUnauthorized)

	// Pages send anonymous users to the login page.
	resp, body = e.send(request("GET", "/", nil))
	wantStatus(t, resp, body, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("anonymous / redirects to %q", loc)
	}
}

func TestLoginFormNeedsItsCSRFToken(t *testing.T) {
	e := newEnv(t)
	e.setPassword("adminC1", "mật-khẩu-đủ-dài")
	form := url.Values{"email": {"adminC1@doan.vn"}, "password": {"mật-khẩu-đủ-dài"}, "_csrf": {"forged"}}
	req, _ := http.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: "other"})
	resp, body := e.send(req)
	wantStatus(t, resp, body, http.StatusForbidden)
	if cookieOf(resp, SessionCookie) != nil {
		t.Fatal("a forged login form opened a session")
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	e.setPassword("adminC1", "mật-khẩu-đủ-dài")
	login := func(pw string) (*http.Response, []byte) {
		return e.send(request("POST", "/api/v1/login", map[string]string{"email": "adminc1@doan.vn", "password": pw}))
	}
	for i := 0; i < loginMaxFailures; i++ {
		resp, body := login("đoán-mò")
		wantStatus(t, resp, body, http.StatusUnauthorized)
	}
	// Blocked now, even with the right password.
	resp, body := login("mật-khẩu-đủ-dài")
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	if got := decode[apiError](t, body); !strings.Contains(got.Error, "15 phút") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("429 body %s, Retry-After %q", body, resp.Header.Get("Retry-After"))
	}
	// Another account from the same address is not blocked.
	e.setPassword("adminC2", "mật-khẩu-khác-dài")
	resp, body = e.send(request("POST", "/api/v1/login", map[string]string{"email": "adminC2@doan.vn", "password": "mật-khẩu-khác-dài"}))
	wantStatus(t, resp, body, http.StatusOK)

	e.clock.Add(loginWindow + time.Second)
	resp, body = login("mật-khẩu-đủ-dài")
	wantStatus(t, resp, body, http.StatusOK)
	if cookieOf(resp, SessionCookie) == nil {
		t.Fatal("no session after a successful login")
	}
}

// TestLoginRateLimitBehindProxy counts failures per client behind a trusted reverse
// proxy (not per proxy), and never lets a client pick its address with X-Forwarded-For.
func TestLoginRateLimitBehindProxy(t *testing.T) {
	proxied := func(d *Deps) {
		var err error
		// app.Test connects from 0.0.0.0: that is the proxy here.
		if d.Config.TrustedProxies, err = config.ParsePrefixes("0.0.0.0, 10.0.0.0/8"); err != nil {
			t.Fatal(err)
		}
	}
	login := func(e *testEnv, xff, pw string) int {
		req := request("POST", "/api/v1/login", map[string]string{"email": "adminc1@doan.vn", "password": pw})
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		resp, _ := e.send(req)
		return resp.StatusCode
	}
	t.Run("per client behind the proxy", func(t *testing.T) {
		e := newEnv(t, proxied)
		e.setPassword("adminC1", "mật-khẩu-đủ-dài")
		for i := 0; i < loginMaxFailures; i++ {
			// the client wrote the left address; the proxies appended the real one
			if got := login(e, "198.51.100.1, 203.0.113.5, 10.1.2.3", "đoán-mò"); got != http.StatusUnauthorized {
				t.Fatalf("failure %d: status %d", i+1, got)
			}
		}
		if got := login(e, "203.0.113.5", "mật-khẩu-đủ-dài"); got != http.StatusTooManyRequests {
			t.Errorf("the guessing client: status %d, want 429", got)
		}
		if got := login(e, "198.51.100.1, 203.0.113.5", "mật-khẩu-đủ-dài"); got != http.StatusTooManyRequests {
			t.Errorf("the guessing client with a forged left address: status %d, want 429", got)
		}
		if got := login(e, "203.0.113.9", "mật-khẩu-đủ-dài"); got != http.StatusOK {
			t.Errorf("another client behind the same proxy: status %d, want 200", got)
		}
	})
	t.Run("header ignored without trusted proxies", func(t *testing.T) {
		e := newEnv(t)
		e.setPassword("adminC1", "mật-khẩu-đủ-dài")
		for i := 0; i < loginMaxFailures; i++ {
			login(e, fmt.Sprintf("203.0.113.%d", i), "đoán-mò")
		}
		if got := login(e, "203.0.113.200", "mật-khẩu-đủ-dài"); got != http.StatusTooManyRequests {
			t.Errorf("a client changing X-Forwarded-For escaped the limit: status %d, want 429", got)
		}
	})
}

func TestDisabledUserAndPasswordChangeEndSessions(t *testing.T) {
	e := newEnv(t)
	e.setPassword("adminC1", "mật-khẩu-đủ-dài")
	resp, body := e.send(request("POST", "/api/v1/login", map[string]string{"email": "adminC1@doan.vn", "password": "mật-khẩu-đủ-dài"}))
	wantStatus(t, resp, body, http.StatusOK)
	sess := cookieOf(resp, SessionCookie)
	e.setPassword("adminC1", "mật-khẩu-mới-dài")
	req := request("GET", "/api/v1/me", nil)
	req.AddCookie(sess)
	resp, body = e.send(req)
	wantStatus(t, resp, body, http.StatusUnauthorized)

	u := e.users["adminC2"]
	u.Disabled = true
	if err := e.st.UpdateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	resp, body = e.do("adminC2", "GET", "/api/v1/me", nil)
	wantStatus(t, resp, body, http.StatusUnauthorized)
}

func TestBootstrap(t *testing.T) {
	ctx := context.Background()
	t.Run("generated password and token, printed once", func(t *testing.T) {
		st := testStore(t)
		cfg := config.Config{AdminEmail: "admin@tinh.doan.vn"}
		var out bytes.Buffer
		if err := Bootstrap(ctx, st, cfg, &out); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		pw := afterPrefix(text, "admin password (shown once, change it with `tintot user passwd`): ")
		tok := afterPrefix(text, "(shown once): ")
		if pw == "" || !strings.HasPrefix(tok, tokenPrefix) {
			t.Fatalf("bootstrap output %q", text)
		}
		u, err := st.GetUserByEmail(ctx, "admin@tinh.doan.vn")
		if err != nil || u.Role != models.RoleAdmin || u.PasswordHash == pw {
			t.Fatalf("admin %+v, %v", u, err)
		}
		if _, err := st.GetAPITokenByHash(ctx, hashSecret(tok)); err != nil {
			t.Fatalf("printed token not stored (hashed): %v", err)
		}
		out.Reset()
		if err := Bootstrap(ctx, st, cfg, &out); err != nil || out.Len() != 0 {
			t.Fatalf("second bootstrap printed %q, %v", out.String(), err)
		}
		us, _ := st.ListUsers(ctx)
		ts, _ := st.ListAPITokens(ctx, u.ID)
		if len(us) != 1 || len(ts) != 1 {
			t.Fatalf("second bootstrap made %d users, %d tokens", len(us), len(ts))
		}
	})
	t.Run("configured password and token", func(t *testing.T) {
		st := testStore(t)
		cfg := config.Config{AdminEmail: "admin@tinh.doan.vn", AdminPassword: "một-mật-khẩu-dài", AdminToken: "fixed-admin-token-0123456789"}
		var out bytes.Buffer
		if err := Bootstrap(ctx, st, cfg, &out); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), cfg.AdminPassword) || strings.Contains(out.String(), cfg.AdminToken) {
			t.Fatalf("bootstrap printed a configured secret: %q", out.String())
		}
		tok, err := st.GetAPITokenByHash(ctx, hashSecret(cfg.AdminToken))
		if err != nil || tok.Hash == cfg.AdminToken {
			t.Fatalf("admin token %+v, %v", tok, err)
		}
		if err := Bootstrap(ctx, st, cfg, &out); err != nil {
			t.Fatal(err)
		}
		u, _ := st.GetUserByEmail(ctx, cfg.AdminEmail)
		if ts, _ := st.ListAPITokens(ctx, u.ID); len(ts) != 1 {
			t.Fatalf("token stored %d times", len(ts))
		}
	})
	t.Run("bad settings are named", func(t *testing.T) {
		for name, cfg := range map[string]config.Config{
			"TINTOT_ADMIN_EMAIL":    {AdminEmail: "not-an-email"},
			"TINTOT_ADMIN_PASSWORD": {AdminEmail: "a@doan.vn", AdminPassword: "short"},
			"TINTOT_ADMIN_TOKEN":    {AdminEmail: "a@doan.vn", AdminToken: "short"},
		} {
			st := testStore(t)
			if err := Bootstrap(ctx, st, cfg, nil); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s: error %v does not name the setting", name, err)
			}
		}
	})
}

func afterPrefix(text, marker string) string {
	i := strings.Index(text, marker)
	if i < 0 {
		return ""
	}
	rest := text[i+len(marker):]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest)
}

func TestCreateUserAndSetPasswordValidate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cases := []struct {
		email, name string
		role        models.Role
		unit, pw    string
		field       string
	}{
		{"x", "X", models.RoleAdmin, "", "", "email"},
		{"x@doan.vn", " ", models.RoleAdmin, "", "", "name"},
		{"x@doan.vn", "X", "root", "", "", "role"},
		{"x@doan.vn", "X", models.RoleAdmin, "C1", "", "unit_code"},
		{"x@doan.vn", "X", models.RoleUnitAdmin, "", "", "unit_code"},
		{"x@doan.vn", "X", models.RoleUnitAdmin, "NOPE", "", "unit_code"},
		{"x@doan.vn", "X", models.RoleUnitAdmin, "C1", "1234567", "password"},
		{"x@doan.vn", "X", models.RoleUnitAdmin, "C1", strings.Repeat("a", 73), "password"},
		{"ADMINC1@doan.vn", "X", models.RoleUnitAdmin, "C1", "", "email"},
	}
	for _, c := range cases {
		_, err := CreateUser(ctx, e.st, c.email, c.name, c.role, c.unit, c.pw)
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("CreateUser(%q, %q, %q, %q) = %v, want a field error on %s", c.email, c.name, c.role, c.unit, err, c.field)
		}
	}
	pw, err := CreateUser(ctx, e.st, "tran.thi.b@doan.vn", "Trần Thị B", models.RoleReviewer, "P", "")
	if err != nil || len(pw) < minPasswordLen {
		t.Fatalf("CreateUser = %q, %v", pw, err)
	}
	if _, err := SetPassword(ctx, e.st, "nobody@doan.vn", ""); err == nil {
		t.Fatal("SetPassword of an unknown user succeeded")
	}
	if _, err := SetPassword(ctx, e.st, "tran.thi.b@doan.vn", "ngắn"); err == nil {
		t.Fatal("SetPassword accepted a short password")
	}
}

func TestLoginLimiterWindow(t *testing.T) {
	clock := &testClock{t: testNow}
	l := newLoginLimiter(clock)
	for i := 0; i < loginMaxIPFailures-1; i++ {
		l.fail("10.0.0.1|*")
		clock.Add(time.Second)
	}
	if l.blocked("10.0.0.1|*", loginMaxIPFailures) {
		t.Fatal("blocked one failure early")
	}
	l.fail("10.0.0.1|*")
	if !l.blocked("10.0.0.1|*", loginMaxIPFailures) || l.blocked("10.0.0.2|*", loginMaxIPFailures) {
		t.Fatal("per-address cap not applied to exactly that address")
	}
	// Failures age out one by one: after the window from the first, one slot frees up.
	clock.Add(loginWindow - time.Duration(loginMaxIPFailures-1)*time.Second)
	if l.blocked("10.0.0.1|*", loginMaxIPFailures) {
		t.Fatal("the oldest failure did not age out")
	}
	l.reset("10.0.0.1|*")
	if len(l.fails) != 0 {
		t.Fatalf("limiter keeps %d keys after reset", len(l.fails))
	}
}

// The hash an unknown e-mail's password is compared against costs what a real account's
// does (hashPassword), so a login takes as long whether or not the account exists; and it
// matches no password anyone could have chosen from the login form's view.
func TestDummyHashCostsAsARealOne(t *testing.T) {
	acct, err := hashPassword("một mật khẩu bất kỳ")
	if err != nil {
		t.Fatal(err)
	}
	want, err := bcrypt.Cost([]byte(acct))
	if err != nil {
		t.Fatal(err)
	}
	got, err := bcrypt.Cost(dummyHash)
	if err != nil {
		t.Fatalf("dummyHash is not a bcrypt hash: %v", err)
	}
	if got != want {
		t.Errorf("dummyHash has cost %d, accounts' hashes %d: logins of unknown e-mails would answer at another speed", got, want)
	}
	if bcrypt.CompareHashAndPassword(dummyHash, []byte("")) == nil {
		t.Error("dummyHash matches the empty password")
	}
}
