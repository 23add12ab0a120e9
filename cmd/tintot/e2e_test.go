package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"tintot/models"
)

// The end-to-end tests run the tintot binary as users do: import a registry, serve with
// the scheduler on a fast clock (cron every second), poll feeds from a local server,
// send alerts to an in-process SMTP server and answer the API. They run on the embedded
// SQLite store always, and on MongoDB (FerretDB in CI) when TINTOT_TEST_MONGO_URI is
// set, where two instances share the database.

const adminToken = "tok-e2e-admin-0123456789abcdef"

// buildTintot builds the binary once per test run.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "tintot-e2e-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "tintot")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func tintotBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds and runs the binary")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// feedServer serves the fixture feeds of last week and records every fetch. A path in
// once is served (an empty feed) to its first request only, then fails: adding the feed
// checks it, and the polls that follow fail.
type feedServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string][]time.Time
	fail map[string]bool
	docs map[string]string
	once map[string]bool
}

func newFeedServer(t *testing.T, now time.Time) *feedServer {
	fs := &feedServer{hits: map[string][]time.Time{}, fail: map[string]bool{"/x2.rss": true, "/x4.rss": true}, docs: map[string]string{}, once: map[string]bool{}}
	monday, _ := models.WeekStart(models.ISOWeek(now.AddDate(0, 0, -7), models.Vietnam), models.Vietnam)
	item := func(guid, title string, at time.Time) string {
		return fmt.Sprintf(`<item><title>%s</title><link>https://xa.example.vn/%s</link><guid>%s</guid><pubDate>%s</pubDate></item>`,
			title, guid, guid, at.Format(time.RFC1123Z))
	}
	var x1, x3 strings.Builder
	x1.WriteString(item("x1-old", "Đoàn xã Một ra quân dọn vệ sinh #MoiNgayMotTinTot", monday.AddDate(0, 0, -10)))
	for d := 0; d < 7; d++ {
		at := monday.AddDate(0, 0, d).Add(9 * time.Hour)
		x1.WriteString(item(fmt.Sprintf("x1-%d", d), fmt.Sprintf("Đoàn xã Một trao quà ngày %d #MoiNgayMotTinTot", d+1), at))
		if d < 3 {
			x3.WriteString(item(fmt.Sprintf("x3-%d", d), fmt.Sprintf("Thanh niên xã Ba hiến máu đợt %d #MoiNgayMotTinTot", d+1), at))
		}
	}
	x1.WriteString(item("x1-story", "Chuyện cô giáo cắm bản #CauChuyenDep", monday.AddDate(0, 0, 2).Add(15*time.Hour)))
	x3.WriteString(item("x3-old", "Xã Ba khánh thành cầu #MoiNgayMotTinTot", monday.AddDate(0, 0, -10)))
	wrap := func(items string) string {
		return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Đoàn xã</title>` + items + `</channel></rss>`
	}
	fs.docs["/x1.rss"], fs.docs["/x3.rss"] = wrap(x1.String()), wrap(x3.String())
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.hits[r.URL.Path] = append(fs.hits[r.URL.Path], time.Now())
		failing, doc := fs.fail[r.URL.Path], fs.docs[r.URL.Path]
		if fs.once[r.URL.Path] {
			delete(fs.once, r.URL.Path)
			failing, doc = false, wrap("")
		}
		fs.mu.Unlock()
		if failing || doc == "" {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, doc)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) fetches(path string) []time.Time {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]time.Time(nil), fs.hits[path]...)
}

// mailbox is an in-process SMTP server that keeps the subjects it receives.
type mailbox struct {
	addr string
	mu   sync.Mutex
	msgs []string
}

type mailSession struct{ box *mailbox }

func (s *mailSession) AuthPlain(string, string) error       { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, string(raw))
	s.box.mu.Unlock()
	return nil
}

func newMailbox(t *testing.T) *mailbox {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{addr: l.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	srv.Domain, srv.AllowInsecureAuth = "localhost", true
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return box
}

// count is the number of messages whose raw text contains s.
func (b *mailbox) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, m := range b.msgs {
		if strings.Contains(m, s) {
			n++
		}
	}
	return n
}

// instance is one running `tintot serve`.
type instance struct {
	name string
	base string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	mu   *sync.Mutex
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// env is the environment of every tintot process of a scenario.
func scenarioEnv(dbURL string, box *mailbox, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"TINTOT_DATABASE_URL=" + dbURL,
		"TINTOT_ALLOW_PRIVATE_FEEDS=true",
		"TINTOT_ADMIN_TOKEN=" + adminToken,
		"TINTOT_ADMIN_PASSWORD=mat-khau-e2e-du-dai",
		"TINTOT_SMTP_URL=smtp://" + box.addr,
		"TINTOT_QUIET_START=0", "TINTOT_QUIET_END=0",
		"TINTOT_CRON_POLL=@every 1s", "TINTOT_CRON_MAIL=@every 1s",
		"TINTOT_CRON_DAILY_CLOSE=@every 2s", "TINTOT_CRON_HEALTH=@every 5s",
		"TINTOT_BROKEN_AFTER_FAILURES=1",
		"TINTOT_LEADER_LEASE=3s",
		"TINTOT_LOG_LEVEL=debug",
	}
	return append(env, extra...)
}

func runCLI(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tintot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func startInstance(t *testing.T, bin, name string, env []string) *instance {
	t.Helper()
	addr := freePort(t)
	in := &instance{name: name, base: "http://" + addr, log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	in.cmd = exec.Command(bin, "serve")
	in.cmd.Env = append(append([]string(nil), env...), "TINTOT_ADDR="+addr, "TINTOT_INSTANCE_ID="+name)
	pr, pw := io.Pipe()
	in.cmd.Stdout, in.cmd.Stderr = pw, pw
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			in.mu.Lock()
			in.log.WriteString(sc.Text() + "\n")
			in.mu.Unlock()
		}
	}()
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if in.cmd.ProcessState == nil {
			in.cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { in.cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				in.cmd.Process.Kill()
			}
		}
		pw.Close()
		if t.Failed() {
			t.Logf("log of %s:\n%s", name, in.logText())
		}
	})
	waitFor(t, 30*time.Second, name+" ready", func() bool {
		resp, err := http.Get(in.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return in
}

func (in *instance) logText() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.log.String()
}

func (in *instance) get(t *testing.T, path string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", in.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func (in *instance) post(t *testing.T, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", in.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// importRegistry writes the registry CSV (a province and four communes; X2's feed fails,
// X4 has no feed yet) and imports it.
func importRegistry(t *testing.T, bin string, env []string, fs *feedServer) {
	t.Helper()
	csv := "code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn Thử,Thành đoàn,,td@doan.example.vn,\n" +
		"X1,Đoàn xã Một,xã,TD,x1@doan.example.vn," + fs.URL + "/x1.rss\n" +
		"X2,Đoàn xã Hai,xã,TD,x2@doan.example.vn," + fs.URL + "/x2.rss\n" +
		"X3,Đoàn xã Ba,xã,TD,x3@doan.example.vn," + fs.URL + "/x3.rss\n" +
		"X4,Đoàn xã Bốn,xã,TD,x4@doan.example.vn,\n"
	path := filepath.Join(t.TempDir(), "units.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, bin, env, "import", "units", path)
}

// reviewFigures is what must agree between backends: per unit, the day statuses and
// counts, days met, weekly counts and target statuses of last week's review.
func reviewFigures(t *testing.T, in *instance) string {
	t.Helper()
	week := models.ISOWeek(time.Now().AddDate(0, 0, -7), models.Vietnam)
	var r models.Review
	in.get(t, "/api/v1/review?week="+week+"&parent=TD", &r)
	var b strings.Builder
	for _, row := range r.Rows {
		fmt.Fprintf(&b, "%s rank=%d days=%v counts=%v met=%v week=%v", row.Unit.Code, row.Rank, row.DailyStatus, row.DailyCounts, row.DaysMet[models.LevelBaseline], row.WeekCounts)
		for _, ps := range row.Statuses {
			fmt.Fprintf(&b, " %s/%s=%s:%d/%d", ps.Target, ps.Level, ps.Status, ps.Actual, ps.Required)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// scenario runs the common part: wait for the polls to store X1's and X3's posts and for
// X2's broken-feed mail, then return last week's review figures.
func scenario(t *testing.T, in *instance, box *mailbox) string {
	t.Helper()
	waitFor(t, 30*time.Second, "X1 and X3 posts", func() bool {
		var p1, p3 []json.RawMessage
		in.get(t, "/api/v1/units/X1/posts?from=2000-01-01", &p1)
		in.get(t, "/api/v1/units/X3/posts?from=2000-01-01", &p3)
		return len(p1) == 9 && len(p3) == 4
	})
	waitFor(t, 30*time.Second, "the broken-feed mail for X2", func() bool { return box.count("x2@doan.example.vn") > 0 })
	return reviewFigures(t, in)
}

func TestEndToEndSQLite(t *testing.T) {
	bin := tintotBinary(t)
	fs := newFeedServer(t, time.Now())
	box := newMailbox(t)
	env := scenarioEnv("sqlite://"+filepath.Join(t.TempDir(), "tintot.db"), box)
	importRegistry(t, bin, env, fs)
	in := startInstance(t, bin, "solo", env)
	figures := scenario(t, in, box)
	for _, want := range []string{"X1 rank=1 days=[met met met met met met met]", "X3 rank=2 days=[met met met short short short short]"} {
		if !strings.Contains(figures, want) {
			t.Errorf("review figures lack %q:\n%s", want, figures)
		}
	}
	t.Logf("last week's review:\n%s", figures)
	e2eSQLiteFigures.Store(figures)
}

// e2eSQLiteFigures holds the SQLite run's figures for the MongoDB run to compare with.
var e2eSQLiteFigures figuresBox

type figuresBox struct {
	mu sync.Mutex
	v  string
}

func (f *figuresBox) Store(s string) { f.mu.Lock(); f.v = s; f.mu.Unlock() }
func (f *figuresBox) Load() string   { f.mu.Lock(); defer f.mu.Unlock(); return f.v }

// TestEndToEndMongoTwoInstances runs two `tintot serve` processes on one MongoDB
// database: both poll, each feed is fetched once per cycle, one leader runs the closes
// and sends the mail, every alert is sent once, and when an instance is killed the other
// carries on (the leader lease passes within its TTL). The review figures equal SQLite's.
func TestEndToEndMongoTwoInstances(t *testing.T) {
	uri := os.Getenv("TINTOT_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("TINTOT_TEST_MONGO_URI is not set")
	}
	bin := tintotBinary(t)
	db := fmt.Sprintf("tintot_e2e_%d", time.Now().UnixNano())
	dbURL := strings.TrimSuffix(uri, "/") + "/" + db
	if i := strings.Index(uri, "?"); i >= 0 {
		dbURL = strings.TrimSuffix(uri[:i], "/") + "/" + db + uri[i:]
	}
	fs := newFeedServer(t, time.Now())
	box := newMailbox(t)
	env := scenarioEnv(dbURL, box, "TINTOT_POLL_BATCH=1")
	importRegistry(t, bin, env, fs)
	a := startInstance(t, bin, "a", env)
	b := startInstance(t, bin, "b", env)
	figures := scenario(t, a, box)
	if sq := e2eSQLiteFigures.Load(); sq != "" && sq != figures {
		t.Errorf("review figures differ:\nSQLite:\n%s\nMongoDB:\n%s", sq, figures)
	} else if !strings.Contains(figures, "X1 rank=1 days=[met met met met met met met]") {
		t.Errorf("review figures:\n%s", figures)
	}

	// Each feed fetched once in the cycle (the poll interval is 30 minutes).
	time.Sleep(3 * time.Second) // several more poll ticks on both instances
	for _, p := range []string{"/x1.rss", "/x3.rss"} {
		if n := len(fs.fetches(p)); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	// Both instances polled (one feed claimed per tick each), one led.
	for _, in := range []*instance{a, b} {
		if !strings.Contains(in.logText(), "msg=poll ") {
			t.Errorf("instance %s never polled a feed", in.name)
		}
	}
	ran := 0
	for _, in := range []*instance{a, b} {
		if strings.Contains(in.logText(), `msg="job done" job=mail`) {
			ran++
		}
	}
	if ran != 1 {
		t.Errorf("%d instances ran the mail job, want exactly one leader", ran)
	}
	if n := box.count("x2@doan.example.vn"); n != 1 {
		t.Errorf("the broken-feed alert of X2 was mailed %d times, want once", n)
	}

	// Kill the leader (without releasing its lease). A new broken feed polled by the
	// survivor is mailed once the lease has expired: within its TTL (3 s) and a few ticks.
	leader, other := a, b
	if strings.Contains(b.logText(), `msg="job done" job=mail`) {
		leader, other = b, a
	}
	if err := leader.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	leader.cmd.Wait()
	killed := time.Now()
	fs.mu.Lock()
	fs.once["/x4.rss"] = true // the check when the feed is added reads it; the polls fail
	fs.mu.Unlock()
	other.post(t, "/api/v1/units/X4/feeds", `{"url":"`+fs.URL+`/x4.rss"}`)
	waitFor(t, 20*time.Second, "the broken-feed mail for X4 from the surviving instance", func() bool { return box.count("x4@doan.example.vn") > 0 })
	if took := time.Since(killed); took > 3*time.Second+8*time.Second {
		t.Errorf("hand-over took %s", took)
	} else {
		t.Logf("after killing %s, %s sent the next alert %s later", leader.name, other.name, took.Round(100*time.Millisecond))
	}
	time.Sleep(2 * time.Second)
	if n := box.count("x4@doan.example.vn"); n != 1 {
		t.Errorf("the broken-feed alert of X4 was mailed %d times, want once", n)
	}
}
