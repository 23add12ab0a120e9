package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/config"
	"tintot/models"
	"tintot/store"
)

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testNow is Friday 2026-11-27 10:00 in Vietnam (ISO week 2026-W48).
var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, models.Vietnam)

// countStatus is a StatusService built from store.CountPosts, for routing and scope tests only.
type countStatus struct {
	st    store.Store
	panic bool
}

func (c countStatus) UnitStatus(ctx context.Context, code, date string) (models.UnitStatusReport, error) {
	if c.panic {
		panic("status exploded")
	}
	u, err := c.st.GetUnit(ctx, code)
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	counts, err := c.st.CountPosts(ctx, store.CountQuery{UnitCodes: []string{code}, FromDay: date, ToDay: date})
	if err != nil {
		return models.UnitStatusReport{}, err
	}
	n := 0
	for _, dc := range counts {
		if dc.Kind == models.KindGoodNews || dc.Kind == models.KindStory {
			n += dc.Count
		}
	}
	st := models.StatusAtRisk
	if n >= 1 {
		st = models.StatusMet
	}
	return models.UnitStatusReport{Unit: u, Date: date, Day: []models.PeriodStatus{{Target: "daily", Period: date, Level: models.LevelBaseline, Required: 1, Actual: n, Status: st}}}, nil
}

func (c countStatus) Review(ctx context.Context, week, parent string) (models.Review, error) {
	var units []models.Unit
	var err error
	if parent == "" {
		units, err = c.st.ListUnits(ctx, store.UnitFilter{})
	} else {
		units, err = c.st.Descendants(ctx, parent)
	}
	if err != nil {
		return models.Review{}, err
	}
	r := models.Review{Week: week, Parent: parent}
	for _, u := range units {
		r.Rows = append(r.Rows, models.ReviewRow{Unit: u})
	}
	return r, nil
}

// fakeTitles returns a fixed title, or an error for URLs containing "broken".
type fakeTitles struct{}

func (fakeTitles) FetchTitle(_ context.Context, url string) (string, error) {
	if strings.Contains(url, "broken") {
		return "", errors.New("feeds: connection refused")
	}
	return "Tuổi trẻ xã Đông Hòa hiến máu", nil
}

// csvExporter writes a minimal CSV.
type csvExporter struct{}

func (csvExporter) WriteXLSX(w io.Writer, r models.Review) error {
	_, err := io.WriteString(w, "PK-fake-xlsx "+r.Week)
	return err
}
func (csvExporter) WriteCSV(w io.Writer, r models.Review) error {
	_, err := io.WriteString(w, "\ufeffĐơn vị\n")
	for _, row := range r.Rows {
		io.WriteString(w, row.Unit.Code+"\n")
	}
	return err
}

// testEnv is an app over a seeded store: province P with communes C1, C2; province Q
// with commune D1; users admin, reviewer of P, unit admins of C1 and C2, each with a token.
type testEnv struct {
	t      testing.TB
	app    *fiber.App
	st     store.Store
	clock  *testClock
	logs   *bytes.Buffer
	tokens map[string]string // user key -> bearer token
	users  map[string]models.User
	posts  map[string]models.Post // seeded posts by key
}

type envOption func(*Deps)

func newEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	ctx := context.Background()
	st := testStore(t)
	e := &testEnv{t: t, st: st, clock: &testClock{t: testNow}, logs: &bytes.Buffer{},
		tokens: map[string]string{}, users: map[string]models.User{}, posts: map[string]models.Post{}}
	created := testNow.Add(-24 * time.Hour).UTC()
	for _, u := range []models.Unit{
		{Code: "P", Name: "Tỉnh đoàn P", Kind: models.UnitProvince},
		{Code: "C1", Name: "Đoàn xã Đông Hòa", Kind: models.UnitCommune, ParentCode: "P"},
		{Code: "C2", Name: "Đoàn phường Tây Sơn", Kind: models.UnitCommune, ParentCode: "P"},
		{Code: "Q", Name: "Tỉnh đoàn Q", Kind: models.UnitProvince},
		{Code: "D1", Name: "Đoàn xã Bình Minh", Kind: models.UnitCommune, ParentCode: "Q"},
	} {
		u.CreatedAt, u.UpdatedAt = created, created
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("seed unit %s: %v", u.Code, err)
		}
	}
	for key, u := range map[string]struct {
		role models.Role
		unit string
	}{
		"admin": {models.RoleAdmin, ""}, "reviewerP": {models.RoleReviewer, "P"},
		"adminC1": {models.RoleUnitAdmin, "C1"}, "adminC2": {models.RoleUnitAdmin, "C2"},
	} {
		user, err := st.CreateUser(ctx, models.User{Email: key + "@doan.vn", Name: key, Role: u.role, UnitCode: u.unit,
			PasswordHash: "$2a$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva", CreatedAt: created, UpdatedAt: created})
		if err != nil {
			t.Fatalf("seed user %s: %v", key, err)
		}
		_, secret, err := newAPIToken(ctx, st, user.ID, "test", testNow)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[key] = secret
		e.users[key] = user
	}
	// Every feed was first read when it was registered, and that read showed a week of posts.
	reach := created.AddDate(0, 0, -7)
	for _, f := range []models.Feed{
		{UnitCode: "C1", URL: "https://c1.example.vn/rss", State: models.FeedOK},
		{UnitCode: "C2", URL: "https://c2.example.vn/rss", State: models.FeedBroken},
		{UnitCode: "D1", URL: "https://d1.example.vn/rss", State: models.FeedFailing},
	} {
		f.CreatedAt, f.UpdatedAt, f.NextCheckAt = created, created, created
		f.FirstReadAt, f.CoveredFrom = &created, &reach
		if _, err := st.CreateFeed(ctx, f); err != nil {
			t.Fatalf("seed feed: %v", err)
		}
	}
	pub := testNow.Add(-2 * time.Hour)
	var seed []models.Post
	for _, p := range []struct{ key, unit, title string }{
		{"c1-feed", "C1", "Thanh niên xã Đông Hòa dọn rác bãi biển"},
		{"c2-feed", "C2", "Chuyện người thầy ở phường Tây Sơn"},
	} {
		seed = append(seed, models.Post{UnitCode: p.unit, ItemKey: "https://" + p.key + ".vn/1", Source: models.SourceFeed,
			URL: "https://" + p.key + ".vn/1", Title: p.title, PublishedAt: pub.UTC(), LocalDay: models.LocalDay(pub, models.Vietnam),
			FirstSeenAt: pub.UTC(), RuleKind: models.KindOther, RuleReason: "không khớp quy tắc nào", UpdatedAt: pub.UTC()})
	}
	res, err := st.UpsertPosts(ctx, seed)
	if err != nil || len(res.Inserted) != 2 {
		t.Fatalf("seed posts: %v (%d inserted)", err, len(res.Inserted))
	}
	for _, p := range res.Inserted {
		e.posts[p.UnitCode+"-feed"] = p
	}
	manual, err := st.CreateManualPost(ctx, models.Post{UnitCode: "C2", ItemKey: "https://facebook.com/c2/posts/9", Source: models.SourceManual,
		URL: "https://facebook.com/c2/posts/9", Title: "Bài nộp tay", PublishedAt: pub.UTC(), LocalDay: models.LocalDay(pub, models.Vietnam),
		FirstSeenAt: pub.UTC(), RuleKind: models.KindGoodNews, RuleReason: "nộp thủ công", SubmittedBy: "adminC2@doan.vn", UpdatedAt: pub.UTC()})
	if err != nil {
		t.Fatalf("seed manual post: %v", err)
	}
	e.posts["C2-manual"] = manual
	for _, a := range []models.Alert{
		{DedupKey: "a1", Type: models.AlertDailyShort, UnitCode: "C1", Status: models.AlertSent, Subject: "C1 thiếu tin"},
		{DedupKey: "a2", Type: models.AlertFeedBroken, UnitCode: "C2", Status: models.AlertPending, Subject: "C2 hỏng nguồn"},
		{DedupKey: "a3", Type: models.AlertDailyShort, UnitCode: "D1", Status: models.AlertSent, Subject: "D1 thiếu tin"},
	} {
		if _, _, err := st.EnqueueAlert(ctx, a); err != nil {
			t.Fatalf("seed alert: %v", err)
		}
	}

	cfg := config.Config{Location: models.Vietnam}
	d := Deps{
		Store: st, Status: countStatus{st: st}, Titles: fakeTitles{}, Exports: csvExporter{},
		Config: cfg, Log: slog.New(slog.NewJSONHandler(e.logs, nil)), Clock: e.clock, Version: "test",
	}
	for _, o := range opts {
		o(&d)
	}
	app, err := New(d)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.app = app
	return e
}

// request builds a request; body may be a string (sent as is) or a value (JSON-encoded).
func request(method, path string, body any) *http.Request {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// do sends a request as a user ("" for anonymous) and returns the response and body.
func (e *testEnv) do(user, method, path string, body any) (*http.Response, []byte) {
	e.t.Helper()
	req := request(method, path, body)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	return e.send(req)
}

func (e *testEnv) send(req *http.Request) (*http.Response, []byte) {
	e.t.Helper()
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

// apiError decodes {"error", "field"}.
type apiError struct {
	Error     string `json:"error"`
	Field     string `json:"field"`
	RequestID string `json:"request_id"`
}

func decode[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, b, err)
	}
	return v
}

// wantStatus fails unless the response has the status.
func wantStatus(t testing.TB, resp *http.Response, body []byte, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, body)
	}
}
