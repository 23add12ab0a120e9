package scheduler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/emersion/go-smtp"

	"tintot/alerts"
	"tintot/campaign"
	"tintot/classify"
	"tintot/feeds"
	"tintot/models"
	"tintot/quota"
	"tintot/store"
	"tintot/store/sqlite"
)

// The fortnight simulation: a small province runs for two virtual weeks on the real cron
// schedule, real feeds over HTTP, the SQLite store and a real SMTP server. Virtual time
// starts at 2000-01-01 (testing/synctest); the scenario begins on Monday 2000-01-03.

var vn = models.Vietnam

func at(day, hour, minute int) time.Time {
	return time.Date(2000, time.January, day, hour, minute, 0, 0, vn)
}

// scenarioPost is one post a unit publishes at Published that its feed shows from Visible.
type scenarioPost struct {
	guid, title, category string
	published, visible    time.Time
}

// scenario builds each unit's posts for 2000-01-03..2000-01-16.
func scenario() map[string][]scenarioPost {
	posts := map[string][]scenarioPost{}
	add := func(unit, title, cat string, published, visible time.Time) {
		posts[unit] = append(posts[unit], scenarioPost{
			guid: fmt.Sprintf("%s-%d", unit, len(posts[unit])), title: title, category: cat,
			published: published, visible: visible,
		})
	}
	for d := 3; d <= 16; d++ {
		pub := at(d, 9, 0)
		good := "Đoàn viên ra quân dọn vệ sinh môi trường #MoiNgayMotTinTot"
		add("A", good, "", pub, pub)
		if d < 5 || d > 7 { // B misses 5, 6 and 7 January: three days in a row
			add("B", good, "", pub, pub)
		}
		add("C", good, "", pub, pub)
		if d == 4 { // D's post of the 4th shows up in its feed only on the 5th at noon
			add("D", good, "", at(4, 10, 0), at(5, 12, 0))
		} else {
			add("D", good, "", pub, pub)
		}
		wd := at(d, 0, 0).Weekday()
		story := "Gương người tốt việc tốt: trả lại ví cho người đánh rơi #CauChuyenDep"
		if wd == time.Tuesday {
			add("A", story, "", at(d, 10, 0), at(d, 10, 0))
			add("E", story, "", at(d, 10, 0), at(d, 10, 0))
		}
		if wd == time.Wednesday {
			add("C", story, "", at(d, 10, 0), at(d, 10, 0))
			add("D", story, "", at(d, 10, 0), at(d, 10, 0))
		}
		if wd == time.Saturday && d < 10 { // B tells no story in the second week
			add("B", story, "", at(d, 10, 0), at(d, 10, 0))
		}
		// E posts every day; on the 12th only at 23:55, after the evening's last boost poll
		// (23:45): the post is read after the 00:10 close, while quiet hours hold the
		// shortfall mail until 07:00. No shortfall mail goes, and no correction.
		if d == 12 {
			add("E", good, "", at(d, 23, 55), at(d, 23, 56))
		} else {
			add("E", good, "", pub, pub)
		}
		if wd == time.Monday || wd == time.Wednesday || wd == time.Friday {
			add("TD", "Đấu tranh phản bác quan điểm sai trái trên mạng xã hội", "", at(d, 8, 0), at(d, 8, 0))
		}
	}
	return posts
}

// feedServer serves each unit's RSS as it looks at the scenario's virtual now; C's feed
// answers 500 from 10 January 10:00 to 11 January 12:00.
type feedServer struct {
	posts map[string][]scenarioPost
	now   atomic.Int64 // virtual unix seconds, advanced by a goroutine in the bubble
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	unit := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")
	now := time.Unix(s.now.Load(), 0)
	if unit == "C" && !now.Before(at(10, 10, 0)) && now.Before(at(11, 12, 0)) {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>` + unit + `</title>`)
	for _, p := range s.posts[unit] {
		if p.visible.After(now) {
			continue
		}
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>https://example.vn/%s</link><pubDate>%s</pubDate></item>",
			p.guid, p.title, p.guid, p.published.Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = io.WriteString(w, b.String())
}

// mailbox is an in-process SMTP server's received mail; refuse makes it answer 451.
type mailbox struct {
	mu     sync.Mutex
	mails  []receivedMail
	refuse atomic.Bool
}

type receivedMail struct {
	to   []string
	data string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if s.box.refuse.Load() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.mails = append(s.box.mails, receivedMail{to: s.to, data: string(b)})
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

func startSMTP(t *testing.T) (*mailbox, string) {
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return box, "smtp://" + ln.Addr().String() + "?tls=none"
}

// instance is one running tintot: tasks plus its scheduler.
type instance struct {
	tasks *Tasks
	sched *Scheduler
}

func startInstance(t *testing.T, st store.Store, smtpURL string, log *slog.Logger) *instance {
	t.Helper()
	clock := models.SystemClock{} // virtual inside the bubble
	cls, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	client := feeds.NewClient(feeds.ClientOptions{ConnectTimeout: 5 * time.Second, Timeout: 10 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 5, UserAgent: "tintot/test", AllowPrivate: true, DisableKeepAlives: true})
	camp := &campaign.Service{Store: st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: vn}, Clock: clock}
	al := &alerts.Service{Store: st, Clock: clock, BaseURL: "https://tintot.example.vn", EscalateDays: 3, EscalateWeeks: 2, Log: log}
	var tasks *Tasks
	mailer, err := alerts.NewMailer(alerts.MailerOptions{
		Store: st, SMTPURL: smtpURL, From: "tintot <no-reply@tintot.example.vn>", QuietStart: 21, QuietEnd: 7, Clock: clock, Log: log,
		Attachment: func(ctx context.Context, a models.Alert) (string, []byte, error) {
			r, err := camp.Review(ctx, a.Period, a.UnitCode)
			if err != nil {
				return "", nil, err
			}
			return alerts.DigestAttachment(r)
		},
		Reevaluate: camp.EvaluateUnit,
		Refresh: func(ctx context.Context, units []string) error { // as cmd/tintot wires it
			_, err := tasks.Poller.PollStale(ctx, units, 15*time.Minute)
			return err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tasks = &Tasks{Store: st, Campaign: camp, Alerts: al, Mailer: mailer, Clock: clock, Log: log}
	tasks.Poller = feeds.NewPoller(st, client, cls, clock, feeds.PollerOptions{
		Workers: 4, PerHost: 2, Interval: 30 * time.Minute, MaxInterval: 2 * time.Hour,
		BrokenAfterFails: 6, BrokenAfter: 12 * time.Hour, Holder: "test", Log: log,
		OnStateChange: func(ctx context.Context, f models.Feed, old, cur models.FeedState) {
			u, err := st.GetUnit(ctx, f.UnitCode)
			if err == nil {
				err = al.FeedStateChanged(ctx, f, u, old, cur)
			}
			if err != nil {
				t.Errorf("feed state change: %v", err)
			}
		},
	})
	sched := New(Options{Location: vn, Leases: st, Holder: "test", Clock: clock, Log: log})
	for _, j := range tasks.Jobs(Specs{
		Poll: "@every 1m", Boost: "*/15 16-23 * * *", AtRisk: "0 16 * * *", DailyClose: "10 0 * * *",
		WeeklyClose: "0 7 * * 1", Health: "*/30 * * * *", Mail: "@every 1m",
	}) {
		if err := sched.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	sched.Start()
	return &instance{tasks: tasks, sched: sched}
}

func (in *instance) stop(t *testing.T) {
	if err := in.sched.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFortnight(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates two weeks")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/fortnight.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs := &feedServer{posts: scenario()}
	feedSrv := httptest.NewServer(fs)
	defer feedSrv.Close()
	box, smtpURL := startSMTP(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	var entries []store.RegistryEntry
	since := at(3, 0, 0).UTC()
	for _, u := range []models.Unit{
		{Code: "TD", Name: "Thành đoàn Thử nghiệm", Kind: models.UnitProvince, Emails: []string{"bch@td.vn"}},
		{Code: "A", Name: "Phường An Khánh", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"a@td.vn"}},
		{Code: "B", Name: "Xã Bình Minh", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"b@td.vn"}},
		{Code: "C", Name: "Xã Cẩm Lệ", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"c@td.vn"}},
		{Code: "D", Name: "Phường Định Công", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"d@td.vn"}},
		{Code: "E", Name: "Xã Ea Tiêu", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"e@td.vn"}},
	} {
		u.ActiveFrom = &since
		entries = append(entries, store.RegistryEntry{Unit: u, FeedURLs: []string{feedSrv.URL + "/" + u.Code + ".xml"}})
	}
	if _, err := st.ApplyRegistry(ctx, entries); err != nil {
		t.Fatal(err)
	}

	synctest.Test(t, func(t *testing.T) {
		done := make(chan struct{})
		go func() { // tell the feed server the virtual time
			for {
				fs.now.Store(time.Now().Unix())
				select {
				case <-done:
					return
				case <-time.After(time.Minute):
				}
			}
		}()
		sleepUntil := func(tm time.Time) { time.Sleep(time.Until(tm)) }

		sleepUntil(at(3, 0, 0))
		in := startInstance(t, st, smtpURL, log)

		// The mail server refuses for an hour when the first daily shortfall is due.
		sleepUntil(at(5, 6, 45))
		box.refuse.Store(true)
		sleepUntil(at(5, 7, 45))
		box.refuse.Store(false)

		// A restart in the middle, and a re-run of a close: nothing is sent twice.
		sleepUntil(at(8, 12, 0))
		in.stop(t)
		in = startInstance(t, st, smtpURL, log)
		if err := in.tasks.DailyClose(context.Background()); err != nil {
			t.Errorf("re-run of the daily close: %v", err)
		}

		sleepUntil(at(17, 8, 0))
		in.stop(t)
		close(done)
	})

	all, err := st.ListAlerts(ctx, store.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		typ    models.AlertType
		unit   string
		period string
	}
	got := map[key]models.Alert{}
	var lines []string
	for _, a := range all {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s", a.Type, a.UnitCode, a.Period, a.Level, a.Status))
		if a.Level == models.LevelTarget {
			t.Errorf("an alert for the 2030 target level, not an obligation yet: %+v", a.DedupKey)
		}
		k := key{a.Type, a.UnitCode, a.Period}
		if a.Type == models.AlertFeedBroken || a.Type == models.AlertFeedRecovered {
			k.period = ""
		}
		if prev, dup := got[k]; dup {
			t.Errorf("two alerts for %v: %s and %s", k, prev.DedupKey, a.DedupKey)
		}
		got[k] = a
	}
	sort.Strings(lines)
	t.Logf("alerts:\n%s", strings.Join(lines, "\n"))

	want := []key{
		{models.AlertAtRisk, "D", "2000-01-04"},
		{models.AlertDailyShort, "D", "2000-01-04"},
		{models.AlertCorrection, "D", "2000-01-04"},
		{models.AlertAtRisk, "B", "2000-01-05"},
		{models.AlertAtRisk, "B", "2000-01-06"},
		{models.AlertAtRisk, "B", "2000-01-07"},
		{models.AlertDailyShort, "B", "2000-01-05"},
		{models.AlertDailyShort, "B", "2000-01-06"},
		{models.AlertDailyShort, "B", "2000-01-07"},
		{models.AlertEscalation, "B", "2000-01-07"},
		{models.AlertFeedBroken, "C", ""},
		{models.AlertFeedRecovered, "C", ""},
		{models.AlertWeeklyDigest, "TD", "2000-W01"},
		{models.AlertWeeklyShort, "B", "2000-W02"},
		{models.AlertWeeklyDigest, "TD", "2000-W02"},
		{models.AlertAtRisk, "E", "2000-01-12"},
	}
	// E's shortfall of the 12th was recorded at the close and canceled at 07:00, its
	// post having been read meanwhile: no mail, and so no correction either.
	if a, ok := got[key{models.AlertDailyShort, "E", "2000-01-12"}]; !ok || a.Status != models.AlertCanceled || a.SentAt != nil {
		t.Errorf("E's shortfall of the 12th: %+v, want one canceled before its mail", a)
	} else {
		delete(got, key{models.AlertDailyShort, "E", "2000-01-12"})
	}
	for _, k := range want {
		a, ok := got[k]
		if !ok {
			t.Errorf("missing alert %v", k)
			continue
		}
		if a.Status != models.AlertSent {
			t.Errorf("alert %v is %s (attempts %d, last error %q), want sent", k, a.Status, a.Attempts, a.LastError)
		}
		if a.SentAt != nil {
			h := a.SentAt.In(vn).Hour()
			if h >= 21 || h < 7 {
				t.Errorf("alert %v sent at %s, inside quiet hours", k, a.SentAt.In(vn))
			}
		}
		if k.typ == models.AlertDailyShort && k.unit == "D" {
			// Due at 07:00 on the 5th while the SMTP server refused: retried, sent once.
			if a.Attempts < 2 || a.SentAt == nil || a.SentAt.Before(at(5, 7, 45)) {
				t.Errorf("D's shortfall: attempts %d, sent %v; want retries past the SMTP outage", a.Attempts, a.SentAt)
			}
		}
		delete(got, k)
	}
	for k, a := range got {
		t.Errorf("unexpected alert %v (%s, status %s)", k, a.Subject, a.Status)
	}

	// Every sent alert reached the SMTP server exactly once, to its recipients.
	box.mu.Lock()
	defer box.mu.Unlock()
	sent := 0
	for _, a := range all {
		if a.Status == models.AlertSent {
			sent++
		}
	}
	if len(box.mails) != sent {
		t.Errorf("SMTP server received %d mails, outbox says %d sent", len(box.mails), sent)
	}
	seen := map[string]bool{}
	for _, m := range box.mails {
		id := strings.Join(m.to, ",") + "|" + header(m.data, "Subject")
		if seen[id] {
			t.Errorf("mail sent twice: %s", id)
		}
		if !strings.Contains(id, "ạ") && !strings.Contains(id, "ổ") && !strings.Contains(id, "ồ") && !strings.Contains(id, "ư") {
			t.Errorf("subject without Vietnamese diacritics: %q", id)
		}
		seen[id] = true
	}
	for _, a := range all {
		if a.Type == models.AlertEscalation && (len(a.Recipients) != 1 || a.Recipients[0] != "bch@td.vn") {
			t.Errorf("escalation went to %v, want the parent's contact", a.Recipients)
		}
		if a.Type == models.AlertWeeklyDigest && !strings.Contains(findMail(box.mails, a.Recipients), "xlsx") {
			t.Errorf("digest %s has no XLSX attachment", a.Period)
		}
	}
	if err := errors.Join(); err != nil {
		t.Fatal(err)
	}
}

func header(data, name string) string {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		return ""
	}
	v, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get(name))
	if err != nil {
		return msg.Header.Get(name)
	}
	return v
}

func findMail(mails []receivedMail, to []string) string {
	var out strings.Builder
	for _, m := range mails {
		if strings.Join(m.to, ",") == strings.Join(to, ",") {
			out.WriteString(m.data)
		}
	}
	return out.String()
}
