package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"tintot/models"
	"tintot/store"
)

// Cookie names and lifetimes.
const (
	SessionCookie   = "tintot_session" // holds the session secret; the store keeps its sha256
	loginCSRFCookie = "tintot_login_csrf"
	CSRFHeader      = "X-CSRF-Token" // API calls made with a session cookie send the token here
	CSRFField       = "_csrf"        // HTML forms send the token in this field
	sessionLifetime = 7 * 24 * time.Hour
	tokenPrefix     = "tt_"
)

// Login rate limit: this many failures per IP and e-mail within the window → 429.
// Failures from one IP across all e-mails are capped too (password spraying).
const (
	loginMaxFailures   = 5
	loginMaxIPFailures = 50
	loginWindow        = 15 * time.Minute
)

// Principal is the authenticated user of a request and how they authenticated.
type Principal struct {
	User    models.User
	Session *models.Session // nil for bearer-token requests
}

// principalOf returns the request's principal, or nil when anonymous.
func principalOf(c *fiber.Ctx) *Principal {
	p, _ := c.Locals(localPrincipal).(*Principal)
	return p
}

// hashSecret returns the sha256 hex of a secret, as stored for sessions and tokens.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// newSecret returns 32 random bytes, URL-safe base64.
func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("handlers: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// authenticate identifies the user from a bearer token or the session cookie. It never
// rejects: routes that need a user use requireAPIUser / requirePageUser.
func (s *server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			if isAPI(c) {
				return httpErr(fiber.StatusUnauthorized, "Tiêu đề Authorization phải có dạng 'Bearer <token>'")
			}
			return c.Next()
		}
		t, err := s.Store.GetAPITokenByHash(ctx, hashSecret(strings.TrimSpace(tok)))
		if errors.Is(err, store.ErrNotFound) {
			return httpErr(fiber.StatusUnauthorized, "API token không hợp lệ hoặc đã bị thu hồi")
		}
		if err != nil {
			return errorf("unable to look up API token: %w", err)
		}
		u, err := s.Store.GetUser(ctx, t.UserID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
			return httpErr(fiber.StatusUnauthorized, "Tài khoản của token này không còn hoạt động")
		}
		if err != nil {
			return errorf("unable to load token user: %w", err)
		}
		c.Locals(localPrincipal, &Principal{User: u})
		return c.Next()
	}
	if secret := c.Cookies(SessionCookie); secret != "" {
		sess, err := s.Store.GetSession(ctx, hashSecret(secret), s.now())
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Expired or logged out: anonymous.
		case err != nil:
			return errorf("unable to load session: %w", err)
		default:
			u, err := s.Store.GetUser(ctx, sess.UserID)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return errorf("unable to load session user: %w", err)
			case !u.Disabled:
				c.Locals(localPrincipal, &Principal{User: u, Session: &sess})
			}
		}
	}
	return c.Next()
}

// requireAPIUser rejects anonymous API calls with 401 JSON, and checks the CSRF header of
// non-GET calls authenticated by a session cookie.
func (s *server) requireAPIUser(c *fiber.Ctx) error {
	p := principalOf(c)
	if p == nil {
		return errUnauthorized
	}
	if p.Session != nil && !safeMethod(c.Method()) {
		if !tokenEqual(c.Get(CSRFHeader), p.Session.CSRFToken) {
			return errCSRF
		}
	}
	return c.Next()
}

// requirePageUser redirects anonymous page requests to /login and checks the CSRF token
// of every non-GET form post.
func (s *server) requirePageUser(c *fiber.Ctx) error {
	p := principalOf(c)
	if p == nil {
		return errUnauthorized // the error handler redirects pages to /login
	}
	if !safeMethod(c.Method()) {
		if err := checkCSRF(c, p); err != nil {
			return err
		}
	}
	return c.Next()
}

// checkCSRF checks the per-session token of a form post (field or header).
func checkCSRF(c *fiber.Ctx, p *Principal) error {
	if p.Session == nil {
		return nil // bearer tokens are not sent by browsers on their own
	}
	got := c.FormValue(CSRFField)
	if got == "" {
		got = c.Get(CSRFHeader)
	}
	if !tokenEqual(got, p.Session.CSRFToken) {
		return errCSRF
	}
	return nil
}

// CSRFToken returns the token that forms of this request must carry ("" if anonymous).
func CSRFToken(c *fiber.Ctx) string {
	if p := principalOf(c); p != nil && p.Session != nil {
		return p.Session.CSRFToken
	}
	return ""
}

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func tokenEqual(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// requireRole lets only the given roles through (403 otherwise).
func requireRole(roles ...models.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p := principalOf(c)
		if p == nil {
			return errUnauthorized
		}
		for _, r := range roles {
			if p.User.Role == r {
				return c.Next()
			}
		}
		return errForbidden
	}
}

// dummyHash is compared against when the e-mail is unknown, so a login takes as long
// whether or not the account exists: the bcrypt hash, at the cost hashPassword uses, of a
// password no account has. It is written out rather than computed at start, which cost
// every tintot command (a poll, a CLI listing) ~60 ms of bcrypt before doing anything.
var dummyHash = []byte("$2a$10$AcTGfbJwd6wkM43V.JLUk.4dspHb.43SiIa8F0JoYRMCAdyM4vItC")

// login checks credentials under the rate limit and opens a session. It returns the
// cookie secret and the session.
func (s *server) login(ctx context.Context, ip, email, password string) (models.User, string, models.Session, error) {
	email = strings.TrimSpace(email)
	key := ip + "|" + strings.ToLower(email)
	ipKey := ip + "|*"
	if s.limiter.blocked(key, loginMaxFailures) || s.limiter.blocked(ipKey, loginMaxIPFailures) {
		s.Log.Warn("login rate limited", slog.String("ip", ip))
		return models.User{}, "", models.Session{}, httpErr(fiber.StatusTooManyRequests,
			"Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.")
	}
	if email == "" {
		return models.User{}, "", models.Session{}, badField("email", "Vui lòng nhập e-mail")
	}
	if password == "" {
		return models.User{}, "", models.Session{}, badField("password", "Vui lòng nhập mật khẩu")
	}
	u, err := s.Store.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return models.User{}, "", models.Session{}, errorf("unable to look up user: %w", err)
	}
	hash := dummyHash
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || u.Disabled {
		s.limiter.fail(key)
		s.limiter.fail(ipKey)
		return models.User{}, "", models.Session{}, httpErr(fiber.StatusUnauthorized, "E-mail hoặc mật khẩu không đúng")
	}
	s.limiter.reset(key)
	secret := newSecret()
	now := s.now()
	sess := models.Session{
		ID:        hashSecret(secret),
		UserID:    u.ID,
		CSRFToken: randomHex(32),
		CreatedAt: now,
		ExpiresAt: now.Add(sessionLifetime),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return models.User{}, "", models.Session{}, errorf("unable to create session: %w", err)
	}
	return u, secret, sess, nil
}

// setSessionCookie sends the session secret.
func (s *server) setSessionCookie(c *fiber.Ctx, secret string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name:     SessionCookie,
		Value:    secret,
		Path:     "/",
		Expires:  expires,
		HTTPOnly: true,
		Secure:   s.Config.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// logout deletes the current session and clears the cookie.
func (s *server) logout(c *fiber.Ctx) error {
	if p := principalOf(c); p != nil && p.Session != nil {
		if err := s.Store.DeleteSession(c.UserContext(), p.Session.ID); err != nil {
			return errorf("unable to delete session: %w", err)
		}
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: s.Config.SecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
	return nil
}

// loginLimiter counts login failures per key in a sliding window.
type loginLimiter struct {
	mu    sync.Mutex
	clock models.Clock
	fails map[string][]time.Time
}

func newLoginLimiter(clock models.Clock) *loginLimiter {
	return &loginLimiter{clock: clock, fails: map[string][]time.Time{}}
}

// recent drops failures older than the window; the caller holds mu.
func (l *loginLimiter) recent(key string) []time.Time {
	cut := l.clock.Now().Add(-loginWindow)
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

func (l *loginLimiter) blocked(key string, max int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(key)) >= max
}

func (l *loginLimiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) > 100000 { // bound memory under a spray of keys
		for k := range l.fails {
			l.recent(k)
		}
	}
	l.fails[key] = append(l.recent(key), l.clock.Now())
}

func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
