package feeds

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

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
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// kindByFeed is a tiny real classifier: the feed's default kind, else a hashtag, else other.
type kindByFeed struct{}

func (kindByFeed) Classify(p models.Post, f models.Feed) (models.Kind, string) {
	if f.DefaultKind != "" {
		return f.DefaultKind, "chuyên mục của trang"
	}
	if strings.Contains(strings.ToLower(p.Summary), "#moingaymottintot") {
		return models.KindGoodNews, "hashtag"
	}
	return models.KindOther, ""
}

// feedServer serves RSS documents from a map path → body that tests may change; it
// answers conditional requests with 304 when the ETag matches.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	bodies   map[string]string
	status   map[string]int
	headers  map[string]http.Header
	requests atomic.Int64
	full     atomic.Int64 // 200 responses
	etags    bool
}

func newFeedServer(t testing.TB, etags bool) *feedServer {
	fs := &feedServer{bodies: map[string]string{}, status: map[string]int{}, headers: map[string]http.Header{}, etags: etags}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.requests.Add(1)
		fs.mu.Lock()
		body, ok := fs.bodies[r.URL.Path]
		st := fs.status[r.URL.Path]
		h := fs.headers[r.URL.Path]
		fs.mu.Unlock()
		for k, v := range h {
			w.Header()[k] = v
		}
		if st != 0 {
			w.WriteHeader(st)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if fs.etags {
			etag := fmt.Sprintf(`"%x"`, len(body)*31+int(body[len(body)/2]))
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
		}
		fs.full.Add(1)
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) set(path, body string) {
	fs.mu.Lock()
	fs.bodies[path] = body
	fs.mu.Unlock()
}

func (fs *feedServer) fail(path string, status int, h http.Header) {
	fs.mu.Lock()
	fs.status[path] = status
	fs.headers[path] = h
	fs.mu.Unlock()
}

type rssItem struct{ guid, title, date, summary string }

func rssDoc(title string, items ...rssItem) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>%s</title><link>https://example.vn/</link>`, title)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>https://example.vn/tin/%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>`,
			it.title, it.guid, it.guid, it.date, it.summary)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

type pollEnv struct {
	st     *countingStore
	clock  *testClock
	poller *Poller
	srv    *feedServer
	states []string
}

func newPollEnv(t *testing.T, etags bool, opts PollerOptions) *pollEnv {
	t.Helper()
	env := &pollEnv{clock: &testClock{t: testNow}, srv: newFeedServer(t, etags)}
	env.st = newSQLiteStore(t)
	client := testClient(ClientOptions{AllowPrivate: true})
	opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.OnStateChange = func(_ context.Context, f models.Feed, old, cur models.FeedState) {
		env.states = append(env.states, fmt.Sprintf("%s:%s->%s", f.ID, old, cur))
	}
	env.poller = NewPoller(env.st, client, kindByFeed{}, env.clock, opts)
	return env
}

func (env *pollEnv) addFeed(t *testing.T, unit, path string, kind models.Kind) models.Feed {
	t.Helper()
	if _, err := env.st.GetUnit(context.Background(), unit); err != nil {
		if err := env.st.CreateUnit(context.Background(), models.Unit{Code: unit, Name: "Đơn vị " + unit, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
	}
	f, err := env.st.CreateFeed(context.Background(), models.Feed{UnitCode: unit, URL: env.srv.URL + path, DefaultKind: kind, NextCheckAt: env.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (env *pollEnv) feed(t *testing.T, id string) models.Feed {
	t.Helper()
	f, err := env.st.GetFeed(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (env *pollEnv) posts(t *testing.T, unit string) []models.Post {
	t.Helper()
	ps, err := env.st.ListPosts(context.Background(), store.PostFilter{UnitCode: unit})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func (env *pollEnv) pollDue(t *testing.T) Summary {
	t.Helper()
	s, err := env.poller.PollDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPollConditionalGET(t *testing.T) {
	env := newPollEnv(t, true, PollerOptions{})
	env.srv.set("/a.rss", rssDoc("Đoàn xã An Phú",
		rssItem{"a1", "Ra quân tình nguyện", "Fri, 27 Nov 2026 07:00:00 +0700", "#MoiNgayMotTinTot"},
		rssItem{"a2", "Họp chi đoàn", "Thu, 26 Nov 2026 20:00:00 +0700", ""}))
	f := env.addFeed(t, "XA01", "/a.rss", "")

	s := env.pollDue(t)
	if s.Feeds != 1 || s.OK != 1 || s.NewPosts != 2 || s.Failed != 0 {
		t.Fatalf("first poll: %s", s)
	}
	got := env.feed(t, f.ID)
	if got.ETag == "" || got.Title != "Đoàn xã An Phú" || got.State != models.FeedOK || got.LeaseHolder != "" {
		t.Errorf("feed after first poll: %+v", got)
	}
	if want := testNow.Add(30 * time.Minute); !got.NextCheckAt.Equal(want) {
		t.Errorf("next check %s, want %s", got.NextCheckAt, want)
	}
	ps := env.posts(t, "XA01")
	if len(ps) != 2 || ps[0].RuleKind != models.KindGoodNews || ps[0].LocalDay != "2026-11-27" || ps[0].FeedID != f.ID {
		t.Errorf("posts: %+v", ps)
	}

	// Not due yet: nothing polled.
	if s := env.pollDue(t); s.Feeds != 0 {
		t.Errorf("feed polled before it was due: %s", s)
	}
	env.clock.Add(31 * time.Minute)
	upserts := env.st.upserts.Load()
	s = env.pollDue(t)
	if s.NotModified != 1 || s.NewPosts != 0 || s.OK != 0 {
		t.Errorf("second poll: %s, want one 304", s)
	}
	if env.st.upserts.Load() != upserts {
		t.Error("a 304 was parsed and written again")
	}
	if env.srv.full.Load() != 1 {
		t.Errorf("server sent %d full bodies, want 1", env.srv.full.Load())
	}
	if got := env.feed(t, f.ID); got.LastSuccessAt == nil || !got.LastSuccessAt.Equal(env.clock.Now()) {
		t.Errorf("304 not recorded as success: %+v", got.LastSuccessAt)
	}
}

func TestPollIdempotent(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	items := []rssItem{
		{"b1", "Tin một", "Fri, 27 Nov 2026 07:00:00 +0700", ""},
		{"b2", "Tin hai", "Fri, 27 Nov 2026 08:00:00 +0700", ""},
		{"b3", "Tin ba", "Fri, 27 Nov 2026 09:00:00 +0700", ""},
	}
	env.srv.set("/b.rss", rssDoc("Phường B", items...))
	f := env.addFeed(t, "PB", "/b.rss", models.KindGoodNews)
	if s := env.poller.PollFeeds(context.Background(), []models.Feed{f}); s.NewPosts != 3 {
		t.Fatalf("first poll: %s", s)
	}
	// Same body again: nothing new, nothing rewritten.
	f = env.feed(t, f.ID)
	upserts := env.st.upserts.Load()
	if s := env.poller.PollFeeds(context.Background(), []models.Feed{f}); s.OK != 1 || s.NewPosts != 0 || s.UpdatedPosts != 0 {
		t.Errorf("unchanged re-poll: %s", s)
	}
	if env.st.upserts.Load() != upserts {
		t.Error("an unchanged body was written again")
	}
	// A new poller (another process) knows the body from the feed's stored state: still
	// nothing written.
	fresh := NewPoller(env.st, env.poller.client, kindByFeed{}, env.clock, PollerOptions{Log: env.poller.log})
	if s := fresh.PollFeeds(context.Background(), []models.Feed{env.feed(t, f.ID)}); s.OK != 1 || s.NewPosts != 0 || s.UpdatedPosts != 0 {
		t.Errorf("re-poll after restart: %s", s)
	}
	if env.st.upserts.Load() != upserts {
		t.Error("an unchanged body was written again by a new poller")
	}
	// b1 drops out of the window, b2 gets an edited title, b4 is new.
	env.clock.Add(time.Hour)
	env.srv.set("/b.rss", rssDoc("Phường B",
		rssItem{"b2", "Tin hai (đã sửa)", "Fri, 27 Nov 2026 08:00:00 +0700", ""},
		items[2],
		rssItem{"b4", "Tin bốn", "Fri, 27 Nov 2026 12:30:00 +0700", ""}))
	f = env.feed(t, f.ID)
	if s := env.poller.PollFeeds(context.Background(), []models.Feed{f}); s.NewPosts != 1 {
		t.Errorf("third poll: %s, want 1 new post", s)
	}
	ps := env.posts(t, "PB")
	titles := map[string]string{}
	for _, p := range ps {
		titles[p.ItemKey] = p.Title
	}
	want := map[string]string{"b1": "Tin một", "b2": "Tin hai (đã sửa)", "b3": "Tin ba", "b4": "Tin bốn"}
	if fmt.Sprint(titles) != fmt.Sprint(want) {
		t.Errorf("posts = %v, want %v", titles, want)
	}
}

func TestPollSameItemTwoFeedsOneUnit(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	doc := rssDoc("Đoàn xã C", rssItem{"https://example.vn/tin/c1", "Ngày hội hiến máu", "Fri, 27 Nov 2026 07:00:00 +0700", ""})
	env.srv.set("/c-all.rss", doc)
	env.srv.set("/c-tintot.rss", doc)
	env.srv.set("/d.rss", doc)
	f1 := env.addFeed(t, "XC", "/c-all.rss", "")
	f2 := env.addFeed(t, "XC", "/c-tintot.rss", models.KindGoodNews)
	f3 := env.addFeed(t, "XD", "/d.rss", "")
	s := env.poller.PollFeeds(context.Background(), []models.Feed{f1, f2, f3})
	if s.OK != 3 || s.NewPosts != 2 {
		t.Errorf("summary %s, want 3 ok and 2 new posts (one per unit)", s)
	}
	if n := len(env.posts(t, "XC")); n != 1 {
		t.Errorf("unit XC has %d posts, want 1", n)
	}
	if n := len(env.posts(t, "XD")); n != 1 {
		t.Errorf("unit XD has %d posts, want 1", n)
	}
}

func TestPollFailuresBackoffBrokenRecovery(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{Interval: 30 * time.Minute, MaxInterval: 4 * time.Hour, BrokenAfterFails: 4, BrokenAfter: 12 * time.Hour})
	env.srv.fail("/e.rss", http.StatusServiceUnavailable, nil)
	f := env.addFeed(t, "XE", "/e.rss", "")

	var waits []time.Duration
	for i := 1; i <= 5; i++ {
		s := env.pollDue(t)
		if s.Failed != 1 {
			t.Fatalf("poll %d: %s, want a failure", i, s)
		}
		got := env.feed(t, f.ID)
		if got.ConsecutiveFailures != i || got.LastError != "Máy chủ báo lỗi 503" || got.LastErrorDetail == "" || got.LastStatus != 503 {
			t.Errorf("poll %d health: failures=%d error=%q detail=%q", i, got.ConsecutiveFailures, got.LastError, got.LastErrorDetail)
		}
		wantState := models.FeedFailing
		if i >= 4 {
			wantState = models.FeedBroken
		}
		if got.State != wantState {
			t.Errorf("poll %d state %s, want %s", i, got.State, wantState)
		}
		if got.FailingSince == nil || !got.FailingSince.Equal(testNow) {
			t.Errorf("failing since %v, want first failure time", got.FailingSince)
		}
		wait := got.NextCheckAt.Sub(env.clock.Now())
		waits = append(waits, wait)
		env.clock.Add(wait)
	}
	want := []time.Duration{15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("backoff waits %v, want %v", waits, want)
	}
	outs, _ := env.st.ListOutages(context.Background(), nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	if len(outs) != 1 || outs[0].To != nil || !outs[0].From.Equal(testNow) {
		t.Errorf("outages %+v, want one open from the first failure", outs)
	}

	env.srv.fail("/e.rss", 0, nil)
	env.srv.set("/e.rss", rssDoc("Xã E", rssItem{"e1", "Đã hoạt động lại", "Fri, 27 Nov 2026 07:00:00 +0700", ""},
		rssItem{"e0", "Bài cũ hơn", "Thu, 26 Nov 2026 09:00:00 +0700", ""}, rssItem{"e2", "Bài không có ngày", "", ""}))
	if s := env.pollDue(t); s.OK != 1 || s.NewPosts != 3 {
		t.Fatalf("recovery poll: %s", s)
	}
	got := env.feed(t, f.ID)
	if got.State != models.FeedOK || got.ConsecutiveFailures != 0 || got.LastError != "" || got.FailingSince != nil {
		t.Errorf("after recovery: %+v", got)
	}
	outs, _ = env.st.ListOutages(context.Background(), nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	if len(outs) != 1 || outs[0].To == nil || !outs[0].To.Equal(env.clock.Now()) {
		t.Errorf("outage not closed at recovery: %+v", outs)
	}
	// How far back the recovery read reached: its oldest dated item (the undated one says
	// nothing of the past).
	if want := time.Date(2026, 11, 26, 9, 0, 0, 0, models.Vietnam); len(outs) == 1 && (outs[0].CoveredFrom == nil || !outs[0].CoveredFrom.Equal(want)) {
		t.Errorf("outage covered from %v, want %v", outs[0].CoveredFrom, want)
	}
	wantStates := []string{f.ID + ":->failing", f.ID + ":failing->broken", f.ID + ":broken->ok"}
	if fmt.Sprint(env.states) != fmt.Sprint(wantStates) {
		t.Errorf("state changes %v, want %v", env.states, wantStates)
	}
}

// TestRecoveryWith304CoversTheOutage: a feed that answers 304 after an outage has not
// changed since its last good read, so nothing was published meanwhile: the outage is
// covered from that read.
func TestRecoveryWith304CoversTheOutage(t *testing.T) {
	env := newPollEnv(t, true, PollerOptions{Interval: 30 * time.Minute, MaxInterval: 4 * time.Hour})
	env.srv.set("/h.rss", rssDoc("Xã H", rssItem{"h1", "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	f := env.addFeed(t, "XH", "/h.rss", "")
	if s := env.pollDue(t); s.OK != 1 {
		t.Fatalf("first poll: %s", s)
	}
	poll := func() Summary { return env.poller.PollFeeds(context.Background(), []models.Feed{env.feed(t, f.ID)}) }
	read := env.clock.Now()
	env.clock.Add(time.Hour)
	env.srv.fail("/h.rss", http.StatusBadGateway, nil)
	if s := poll(); s.Failed != 1 {
		t.Fatalf("failing poll: %s", s)
	}
	env.clock.Add(time.Hour)
	env.srv.fail("/h.rss", 0, nil)
	if s := poll(); s.NotModified != 1 {
		t.Fatalf("recovery poll: %s, want a 304", s)
	}
	outs, _ := env.st.ListOutages(context.Background(), nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	if len(outs) != 1 || outs[0].To == nil || outs[0].CoveredFrom == nil || !outs[0].CoveredFrom.Equal(read) {
		t.Errorf("outages %+v, want one closed and covered from the last good read %v", outs, read)
	}
}

func TestPollBrokenAfterHours(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{BrokenAfterFails: 100, BrokenAfter: 12 * time.Hour})
	env.srv.fail("/g.rss", http.StatusNotFound, nil)
	f := env.addFeed(t, "XG", "/g.rss", "")
	env.pollDue(t)
	env.clock.Add(12 * time.Hour)
	env.pollDue(t)
	if got := env.feed(t, f.ID); got.State != models.FeedBroken || got.ConsecutiveFailures != 2 || got.LastError != "Không tìm thấy trang tin (lỗi 404)" {
		t.Errorf("after 12h failing: state %s failures %d error %q", got.State, got.ConsecutiveFailures, got.LastError)
	}
}

func TestPollHonoursRetryAfterAndMaxAge(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{Interval: 30 * time.Minute, MaxInterval: 3 * time.Hour})
	env.srv.fail("/h.rss", http.StatusTooManyRequests, http.Header{"Retry-After": {"7200"}})
	env.srv.set("/i.rss", rssDoc("I", rssItem{"i1", "x", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	env.srv.mu.Lock()
	env.srv.headers["/i.rss"] = http.Header{"Cache-Control": {"max-age=86400"}}
	env.srv.mu.Unlock()
	fh := env.addFeed(t, "XH", "/h.rss", "")
	fi := env.addFeed(t, "XI", "/i.rss", "")
	env.pollDue(t)
	if got := env.feed(t, fh.ID).NextCheckAt.Sub(testNow); got != 2*time.Hour {
		t.Errorf("Retry-After 7200: next check in %s, want 2h", got)
	}
	if got := env.feed(t, fi.ID).NextCheckAt.Sub(testNow); got != 3*time.Hour {
		t.Errorf("max-age 1 day: next check in %s, want the 3h cap", got)
	}
}

// panicky panics on one feed's posts.
type panicky struct{}

func (panicky) Classify(p models.Post, f models.Feed) (models.Kind, string) {
	if f.UnitCode == "BAD" {
		panic("unexpected item shape")
	}
	return models.KindOther, ""
}

func TestPollRecoversPanic(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	env.poller.cls = panicky{}
	env.srv.set("/ok.rss", rssDoc("OK", rssItem{"o1", "x", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	bad := env.addFeed(t, "BAD", "/ok.rss", "")
	good := env.addFeed(t, "GOOD", "/ok.rss", "")
	s := env.pollDue(t)
	if s.Failed != 1 || s.OK != 1 || s.NewPosts != 1 {
		t.Errorf("summary %s, want one failure and one success", s)
	}
	if got := env.feed(t, bad.ID); got.State != models.FeedFailing || got.LastError != "Lỗi nội bộ khi xử lý trang tin" || got.LeaseHolder != "" {
		t.Errorf("panicking feed: %+v", got)
	}
	if got := env.feed(t, good.ID); got.State != models.FeedOK {
		t.Errorf("other feed: %+v", got)
	}
}

func TestPollValidatorsOnlyAfterParse(t *testing.T) {
	env := newPollEnv(t, true, PollerOptions{})
	env.srv.set("/j.rss", "<html><body>Bảo trì hệ thống</body></html>")
	f := env.addFeed(t, "XJ", "/j.rss", "")
	if s := env.pollDue(t); s.Failed != 1 {
		t.Fatalf("HTML page parsed as a feed: %s", s)
	}
	got := env.feed(t, f.ID)
	if got.ETag != "" || got.LastError != "Không đọc được định dạng tin (XML/JSON lỗi)" {
		t.Errorf("after parse failure: etag %q error %q", got.ETag, got.LastError)
	}
}

func TestPollPerHostLimit(t *testing.T) {
	var inflight, peak atomic.Int64
	release := make(chan struct{})
	two := make(chan struct{}, 1)
	body := rssDoc("K", rssItem{"k1", "x", "Fri, 27 Nov 2026 07:00:00 +0700", ""})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if n == 2 {
			select {
			case two <- struct{}{}:
			default:
			}
		}
		<-release
		inflight.Add(-1)
		io.WriteString(w, body)
	}))
	defer srv.Close()
	st := newSQLiteStore(t)
	var fs []models.Feed
	for i := range 8 {
		if err := st.CreateUnit(context.Background(), models.Unit{Code: fmt.Sprintf("U%d", i), Name: "Xã", Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
		f, _ := st.CreateFeed(context.Background(), models.Feed{UnitCode: fmt.Sprintf("U%d", i), URL: fmt.Sprintf("%s/k%d.rss", srv.URL, i)})
		fs = append(fs, f)
	}
	p := NewPoller(st, testClient(ClientOptions{AllowPrivate: true}), kindByFeed{}, &testClock{t: testNow}, PollerOptions{Workers: 8, PerHost: 2, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	done := make(chan Summary)
	go func() { done <- p.PollFeeds(context.Background(), fs) }()
	<-two
	close(release)
	s := <-done
	if s.OK != 8 {
		t.Errorf("summary %s", s)
	}
	if peak.Load() > 2 {
		t.Errorf("%d fetches to one host at once, limit is 2", peak.Load())
	}
}

// TestPollFeedDeletedWhilePolled checks that a feed removed while it was being polled
// neither comes back nor keeps the other feeds of its batch from being recorded.
func TestPollFeedDeletedWhilePolled(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	env.srv.set("/ok.rss", rssDoc("Xã C", rssItem{"c1", "Tin một", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	env.srv.fail("/down.rss", http.StatusServiceUnavailable, nil)
	env.srv.fail("/gone.rss", http.StatusServiceUnavailable, nil)
	ok := env.addFeed(t, "XC", "/ok.rss", "")
	down := env.addFeed(t, "XD", "/down.rss", "")
	gone := env.addFeed(t, "XG", "/gone.rss", "")
	if err := env.st.DeleteFeed(context.Background(), gone.ID); err != nil {
		t.Fatal(err)
	}

	s := env.poller.PollFeeds(context.Background(), []models.Feed{ok, down, gone})
	if s.OK != 1 || s.Failed != 2 || s.NewPosts != 1 {
		t.Errorf("summary: %s, want 1 ok with 1 new post and 2 failed", s)
	}
	if got := env.feed(t, ok.ID); got.State != models.FeedOK || got.LastSuccessAt == nil || got.Title != "Xã C" {
		t.Errorf("working feed not recorded: %+v", got)
	}
	if got := env.feed(t, down.ID); got.State != models.FeedFailing || got.ConsecutiveFailures != 1 || got.LastStatus != http.StatusServiceUnavailable {
		t.Errorf("failing feed not recorded: %+v", got)
	}
	if _, err := env.st.GetFeed(context.Background(), gone.ID); err == nil {
		t.Error("the deleted feed came back")
	}
	if want := []string{down.ID + ":->failing"}; fmt.Sprint(env.states) != fmt.Sprint(want) {
		t.Errorf("state changes reported: %v, want %v (none for the deleted feed)", env.states, want)
	}
}

// TestPollStoresFullBatches checks that the writer waits for full batches: 200 feeds are
// stored in as few transactions as batches of maxBatchFeeds allow, not in as many as
// happened to be ready at once, and every feed and post is recorded.
func TestPollStoresFullBatches(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	var fs []models.Feed
	for i := range 200 {
		path := fmt.Sprintf("/x%d.rss", i)
		env.srv.set(path, rssDoc("Xã", rssItem{fmt.Sprintf("x%d", i), "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
		fs = append(fs, env.addFeed(t, fmt.Sprintf("X%03d", i), path, models.KindGoodNews))
	}
	s := env.poller.PollFeeds(context.Background(), fs)
	if s.OK != 200 || s.NewPosts != 200 {
		t.Fatalf("poll: %s, want 200 ok and 200 new posts", s)
	}
	if n, want := env.st.upserts.Load(), int64((200+maxBatchFeeds-1)/maxBatchFeeds); n != want {
		t.Errorf("posts of 200 feeds were written in %d transactions, want %d", n, want)
	}
	for _, f := range fs {
		if got := env.feed(t, f.ID); got.State != models.FeedOK || got.LeaseHolder != "" || got.LastSuccessAt == nil {
			t.Errorf("feed %s not recorded: %+v", f.URL, got)
		}
		if n := len(env.posts(t, f.UnitCode)); n != 1 {
			t.Errorf("unit %s has %d posts, want 1", f.UnitCode, n)
		}
	}
}

// refusingStore fails every UpsertPosts call that holds the post with item key refuse.
type refusingStore struct {
	store.Store
	refuse string
}

func (s refusingStore) UpsertPosts(ctx context.Context, posts []models.Post) (store.UpsertResult, error) {
	for _, p := range posts {
		if p.ItemKey == s.refuse {
			return store.UpsertResult{}, fmt.Errorf("test: post %s refused: %w", p.ItemKey, store.ErrInvalid)
		}
	}
	return s.Store.UpsertPosts(ctx, posts)
}

// TestPollOneUnstorableFeedFailsAlone checks that a feed whose posts cannot be stored does
// not keep the other feeds of its batch from being stored, and is read again next time.
func TestPollOneUnstorableFeedFailsAlone(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	env.srv.set("/good.rss", rssDoc("Xã G", rssItem{"g1", "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	env.srv.set("/bad.rss", rssDoc("Xã B", rssItem{"b1", "Tin hỏng", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	good := env.addFeed(t, "XG", "/good.rss", "")
	bad := env.addFeed(t, "XB", "/bad.rss", "")
	p := NewPoller(refusingStore{Store: env.st, refuse: "b1"}, env.poller.client, kindByFeed{}, env.clock, PollerOptions{Log: env.poller.log})

	s := p.PollFeeds(context.Background(), []models.Feed{good, bad})
	if s.OK != 1 || s.Failed != 1 || s.NewPosts != 1 {
		t.Errorf("summary: %s, want the good feed stored and the other failed", s)
	}
	if n := len(env.posts(t, "XG")); n != 1 {
		t.Errorf("the good feed's unit has %d posts, want 1", n)
	}
	if got := env.feed(t, good.ID); got.State != models.FeedOK {
		t.Errorf("good feed state %q, want ok", got.State)
	}
	if got := env.feed(t, bad.ID); got.State != models.FeedFailing || got.LastError == "" {
		t.Errorf("unstorable feed recorded as %+v, want failing with an error", got)
	}
	// Same body again: it is not taken as already stored.
	if s := p.PollFeeds(context.Background(), []models.Feed{env.feed(t, bad.ID)}); s.Failed != 1 {
		t.Errorf("second poll of the unstorable feed: %s, want failed again", s)
	}
}

// cancelingClassifier cancels the poll (a shutdown) once a feed has been read.
type cancelingClassifier struct{ cancel context.CancelFunc }

func (c cancelingClassifier) Classify(p models.Post, f models.Feed) (models.Kind, string) {
	c.cancel()
	return kindByFeed{}.Classify(p, f)
}

// TestPollShutdownBeforeStoringKeepsFeedUnread checks that a feed read but not stored
// when the process shuts down is not recorded as read (no new validators): its posts are
// stored by the next poll instead of being lost behind a 304.
func TestPollShutdownBeforeStoringKeepsFeedUnread(t *testing.T) {
	env := newPollEnv(t, true, PollerOptions{})
	env.srv.set("/s.rss", rssDoc("Xã S", rssItem{"s1", "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	f := env.addFeed(t, "XS", "/s.rss", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := NewPoller(env.st, env.poller.client, cancelingClassifier{cancel}, env.clock, PollerOptions{Log: env.poller.log})
	p.PollFeeds(ctx, []models.Feed{f})
	got := env.feed(t, f.ID)
	if got.ETag != "" || got.State == models.FeedOK || got.LeaseHolder != "" {
		t.Errorf("feed after a shutdown before storing: ETag %q, state %q, lease %q; want no validators, no ok, lease released",
			got.ETag, got.State, got.LeaseHolder)
	}
	if n := len(env.posts(t, "XS")); n != 0 {
		t.Fatalf("%d posts stored after the shutdown, want 0", n)
	}
	s := env.poller.PollFeeds(context.Background(), []models.Feed{got})
	if s.NewPosts != 1 || s.NotModified != 0 {
		t.Errorf("poll after the restart: %s, want the post stored", s)
	}
}

// signallingStore reports each UpsertPosts call on upserted and each finished
// UpdateFeeds call on updated (when it is set).
type signallingStore struct {
	store.Store
	upserted chan int
	updated  chan int
}

func (s signallingStore) UpsertPosts(ctx context.Context, posts []models.Post) (store.UpsertResult, error) {
	res, err := s.Store.UpsertPosts(ctx, posts)
	s.upserted <- len(posts)
	return res, err
}

func (s signallingStore) UpdateFeeds(ctx context.Context, feeds []models.Feed) error {
	err := s.Store.UpdateFeeds(ctx, feeds)
	if s.updated != nil {
		s.updated <- len(feeds)
	}
	return err
}

// TestPollSlowHostDoesNotHoldBackReadFeeds stores what was read while a slow host still
// keeps one feed's fetch open, instead of waiting for it to fill the batch.
func TestPollSlowHostDoesNotHoldBackReadFeeds(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow.rss" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		io.WriteString(w, rssDoc("Xã", rssItem{strings.TrimSuffix(r.URL.Path[1:], ".rss"), "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	}))
	defer srv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	st := signallingStore{Store: newSQLiteStore(t), upserted: make(chan int, 4), updated: make(chan int, 4)}
	clock := &testClock{t: testNow}
	var fs []models.Feed
	for _, u := range []string{"fast", "slow"} {
		if err := st.CreateUnit(context.Background(), models.Unit{Code: u, Name: "Xã " + u, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
		f, err := st.CreateFeed(context.Background(), models.Feed{UnitCode: u, URL: srv.URL + "/" + u + ".rss", NextCheckAt: testNow})
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	p := NewPoller(st, testClient(ClientOptions{AllowPrivate: true, Timeout: time.Minute}), kindByFeed{}, clock,
		PollerOptions{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	done := make(chan Summary, 1)
	go func() { done <- p.PollFeeds(context.Background(), fs) }()

	select {
	case n := <-st.upserted:
		if n != 1 {
			t.Errorf("first write held %d posts, want the fast feed's 1", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("nothing was stored while the slow host kept its feed open")
	}
	// The feed states are written right after the posts; wait for that write.
	select {
	case n := <-st.updated:
		if n != 1 {
			t.Errorf("first feed-state write held %d feeds, want the fast one", n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the fast feed's state was not written while the slow host kept its feed open")
	}
	if got, err := st.GetFeed(context.Background(), fs[0].ID); err != nil || got.LastSuccessAt == nil {
		t.Errorf("the fast feed is not recorded as read while the slow one is open: %+v, %v", got, err)
	}
	close(release)
	if s := <-done; s.OK != 2 || s.NewPosts != 2 {
		t.Errorf("poll: %s, want both feeds stored", s)
	}
}

// TestPollSummaryListsFailures: the summary names each feed that failed, with its unit,
// address and the Vietnamese reason stored in its health, and none that was read.
func TestPollSummaryListsFailures(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	env.srv.fail("/hong.rss", http.StatusNotFound, nil)
	env.srv.set("/tot.rss", rssDoc("Xã Tốt", rssItem{"t1", "Tin tốt", "Fri, 27 Nov 2026 07:00:00 +0700", ""}))
	bad := env.addFeed(t, "XH", "/hong.rss", "")
	env.addFeed(t, "XT", "/tot.rss", "")
	s := env.pollDue(t)
	if s.Failed != 1 || s.OK != 1 || len(s.Failures) != 1 {
		t.Fatalf("summary %s with failures %+v, want one failure", s, s.Failures)
	}
	f := s.Failures[0]
	want := Failure{FeedID: bad.ID, UnitCode: "XH", URL: env.srv.URL + "/hong.rss", Reason: "Không tìm thấy trang tin (lỗi 404)"}
	if f.FeedID != want.FeedID || f.UnitCode != want.UnitCode || f.URL != want.URL || f.Reason != want.Reason || !strings.Contains(f.Detail, "404") {
		t.Errorf("failure %+v, want %+v with the technical detail", f, want)
	}
	if got := env.feed(t, bad.ID); got.LastError != f.Reason {
		t.Errorf("the summary says %q, the feed's health %q", f.Reason, got.LastError)
	}
}

// TestSubmittedByHandThenInTheFeed: the admin submits an article the feed had not shown
// yet; the feed then brings it under its own GUID ("?p=123") and its link written another
// way. It counts once, as the submitted post, in this poll and the next.
func TestSubmittedByHandThenInTheFeed(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	f := env.addFeed(t, "XM", "/m.rss", "")
	ctx := context.Background()
	published := time.Date(2026, 11, 26, 20, 0, 0, 0, models.Vietnam)
	if _, err := env.st.CreateManualPost(ctx, models.Post{UnitCode: "XM", ItemKey: "https://c1.example.vn/2026/11/thanh-nien-hien-mau",
		URL: "https://c1.example.vn/2026/11/thanh-nien-hien-mau/", Title: "Thanh niên hiến máu", RuleKind: models.KindGoodNews,
		PublishedAt: published, LocalDay: "2026-11-26", SubmittedBy: "admin@xm.vn"}); err != nil {
		t.Fatal(err)
	}
	doc := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Xã M</title>
<item><title>Thanh niên hiến máu</title><link>http://www.c1.example.vn/2026/11/thanh-nien-hien-mau?utm_source=rss</link><guid isPermaLink="false">https://c1.example.vn/?p=123</guid><pubDate>Thu, 26 Nov 2026 20:05:00 +0700</pubDate></item>
<item><title>Trao quà</title><link>https://c1.example.vn/2026/11/trao-qua</link><guid>https://c1.example.vn/?p=124</guid><pubDate>Thu, 26 Nov 2026 09:00:00 +0700</pubDate></item>
</channel></rss>`
	env.srv.set("/m.rss", doc)
	for i := range 2 {
		s := env.poller.PollFeeds(ctx, []models.Feed{env.feed(t, f.ID)})
		if s.OK != 1 {
			t.Fatalf("poll %d: %s", i, s)
		}
		counts, err := env.st.CountPosts(ctx, store.CountQuery{UnitCodes: []string{"XM"}, FromDay: "2026-11-26", ToDay: "2026-11-26"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range counts {
			n += c.Count
		}
		if n != 2 || len(env.posts(t, "XM")) != 2 {
			t.Errorf("poll %d: %d posts counted, %d stored; want 2 (the submitted one and the other item)", i, n, len(env.posts(t, "XM")))
		}
		env.clock.Add(time.Hour)
	}
}

// TestLegacyCharsetFromHTTP: a Vietnamese site serves its feed in windows-1258 with no XML
// declaration, naming the charset only in Content-Type: the titles read as written (they
// were read as windows-1252, every accented letter wrong). A UTF-8 body whose server
// names another charset is read as UTF-8.
func TestLegacyCharsetFromHTTP(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	title := "Đoàn viên dọn rác"
	doc := `<rss version="2.0"><channel><title>Xã</title><item><title>%s</title><link>https://xa.example.vn/tin/1</link>` +
		`<pubDate>Thu, 26 Nov 2026 09:00:00 +0700</pubDate></item></channel></rss>`
	// windows-1258: Đ D0, à E0, ê EA, the dot below a combining mark (F2) after its vowel, á E1.
	legacy := fmt.Sprintf(doc, "\xd0o\xe0n vi\xean do\xf2n r\xe1c")
	if utf8.ValidString(legacy) {
		t.Fatal("the windows-1258 body is valid UTF-8")
	}
	doc = fmt.Sprintf(doc, title)
	env.srv.set("/w.rss", legacy)
	env.srv.fail("/w.rss", 0, http.Header{"Content-Type": {"application/rss+xml; charset=windows-1258"}})
	env.srv.set("/u.rss", doc)
	env.srv.fail("/u.rss", 0, http.Header{"Content-Type": {"text/xml; charset=ISO-8859-1"}})
	env.addFeed(t, "XW", "/w.rss", "")
	env.addFeed(t, "XU", "/u.rss", "")
	if s := env.pollDue(t); s.OK != 2 {
		t.Fatalf("poll: %s", s)
	}
	for _, unit := range []string{"XW", "XU"} {
		ps := env.posts(t, unit)
		if len(ps) != 1 || ps[0].Title != title {
			t.Errorf("%s: posts %+v, want one titled %q", unit, ps, title)
		}
	}
}

// TestRejectedSubmissionLetsTheFeedCount: a reviewer refused the hand-submitted copy (a
// link that did not open, say); when the feed brings the article, its copy counts.
func TestRejectedSubmissionLetsTheFeedCount(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	f := env.addFeed(t, "XR", "/r.rss", "")
	ctx := context.Background()
	m, err := env.st.CreateManualPost(ctx, models.Post{UnitCode: "XR", ItemKey: "https://r.example.vn/tin/1", URL: "https://r.example.vn/tin/1",
		Title: "Tin tốt", RuleKind: models.KindGoodNews, PublishedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, models.Vietnam), LocalDay: "2026-11-26"})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.st.SetRejected(ctx, m.ID, true); err != nil {
		t.Fatal(err)
	}
	env.srv.set("/r.rss", `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Xã R</title>`+
		`<item><title>Tin tốt</title><link>http://www.r.example.vn/tin/1/</link><guid>https://r.example.vn/?p=7</guid>`+
		`<pubDate>Thu, 26 Nov 2026 09:00:00 +0700</pubDate></item></channel></rss>`)
	if s := env.poller.PollFeeds(ctx, []models.Feed{env.feed(t, f.ID)}); s.OK != 1 || s.NewPosts != 1 {
		t.Fatalf("poll: %s, want the feed's copy stored", s)
	}
}

// TestEmptyChannelIsAnOutage: a feed that listed items serves an empty channel (a cache
// or plugin glitch): the read is a failure with its reason, the unit's days unseen
// rather than empty; a feed that never listed anything is read as before.
func TestEmptyChannelIsAnOutage(t *testing.T) {
	env := newPollEnv(t, false, PollerOptions{})
	f := env.addFeed(t, "XE2", "/e2.rss", "")
	poll := func() Summary { return env.poller.PollFeeds(context.Background(), []models.Feed{env.feed(t, f.ID)}) }
	env.srv.set("/e2.rss", rssDoc("Xã E", rssItem{"e1", "Tin tốt", "Thu, 26 Nov 2026 09:00:00 +0700", ""}))
	if s := poll(); s.OK != 1 {
		t.Fatalf("first read: %s", s)
	}
	env.clock.Add(time.Hour)
	env.srv.set("/e2.rss", rssDoc("Xã E"))
	if s := poll(); s.Failed != 1 {
		t.Fatalf("empty channel: %s, want a failure", s)
	}
	got := env.feed(t, f.ID)
	if got.LastError != "Nguồn tin trả về danh sách trống (trước đó có bài)" || got.FailingSince == nil {
		t.Errorf("after the empty channel: error %q, failing since %v", got.LastError, got.FailingSince)
	}
	outs, _ := env.st.ListOutages(context.Background(), nil, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	if len(outs) != 1 || outs[0].To != nil {
		t.Errorf("outages %+v, want one open", outs)
	}
	// A new site's feed with nothing in it yet is no failure.
	g := env.addFeed(t, "XE3", "/e3.rss", "")
	env.srv.set("/e3.rss", rssDoc("Xã mới"))
	if s := env.poller.PollFeeds(context.Background(), []models.Feed{env.feed(t, g.ID)}); s.OK != 1 {
		t.Errorf("a feed never listing anything: %s, want read", s)
	}
}
