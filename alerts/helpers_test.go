package alerts

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"tintot/models"
	"tintot/store/sqlite"
)

// received is one message the test SMTP server accepted, decoded.
type received struct {
	From        string
	To          []string
	Subject     string // decoded
	MessageID   string
	Auto        string // Auto-Submitted header
	Date        string
	Text, HTML  string
	Attachments map[string][]byte
}

// smtpServer is an in-process SMTP server on 127.0.0.1 that keeps mail in memory. While
// refuse is set it answers MAIL FROM with 451; while down it drops every connection.
type smtpServer struct {
	t      *testing.T
	addr   string
	refuse atomic.Bool
	down   atomic.Bool

	mu   sync.Mutex
	msgs []received
	// tries counts MAIL FROM commands and dropped connections: every delivery attempt.
	tries atomic.Int64
}

type flakyListener struct {
	net.Listener
	s *smtpServer
}

func (l flakyListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || !l.s.down.Load() {
			return c, err
		}
		l.s.tries.Add(1)
		c.Close()
	}
}

type smtpSession struct {
	s    *smtpServer
	from string
	to   []string
}

func (ss *smtpSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *smtpSession) Logout() error { return nil }
func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.tries.Add(1)
	if ss.s.refuse.Load() {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.from = from
	return nil
}
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}
func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parseMessage(raw)
	if err != nil {
		ss.s.t.Errorf("unreadable message: %v\n%s", err, raw)
		return err
	}
	m.From, m.To = ss.from, ss.to
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	return nil
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{t: t, addr: l.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go srv.Serve(flakyListener{Listener: l, s: s})
	t.Cleanup(func() { srv.Close() })
	return s
}

// url is the server's address with the default TLS policy: STARTTLS if offered (it is not).
func (s *smtpServer) url() string { return "smtp://" + s.addr }

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

// parseMessage decodes headers and walks the MIME tree.
func parseMessage(raw []byte) (received, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return received{}, err
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return received{}, err
	}
	r := received{Subject: subj, MessageID: msg.Header.Get("Message-Id"), Auto: msg.Header.Get("Auto-Submitted"), Date: msg.Header.Get("Date"), Attachments: map[string][]byte{}}
	err = walkPart(msg.Header, msg.Body, &r)
	return r, err
}

type header interface{ Get(string) string }

func walkPart(h header, body io.Reader, r *received) error {
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return err
	}
	if strings.HasPrefix(ct, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p.Header, p, r); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && dp["filename"] != "" {
		name, _ := new(mime.WordDecoder).DecodeHeader(dp["filename"])
		r.Attachments[name] = data
		return nil
	}
	switch ct {
	case "text/plain":
		r.Text = string(data)
	case "text/html":
		r.HTML = string(data)
	}
	return nil
}

// vclock is a settable virtual clock.
type vclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *vclock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *vclock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// vn builds a Vietnamese local time.
func vn(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, models.Vietnam)
}

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixture is a store, a clock, a service and a few units: Thành đoàn TD with two communes.
type fixture struct {
	st    *sqlite.Store
	clock *vclock
	svc   *Service
	units map[string]models.Unit
}

func newFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	st := openStore(t)
	clock := &vclock{t: now}
	units := map[string]models.Unit{
		"TD":  {Code: "TD", Name: "Thành đoàn Hà Nội", Kind: models.UnitProvince, Emails: []string{"thuongvu@thanhdoan.example.vn"}},
		"P01": {Code: "P01", Name: "Đoàn phường Hoàn Kiếm", Kind: models.UnitCommune, ParentCode: "TD", Emails: []string{"bch@hoankiem.example.vn", "bithu@hoankiem.example.vn"}},
		"P02": {Code: "P02", Name: "Đoàn xã Đông Anh", Kind: models.UnitCommune, ParentCode: "TD"},
	}
	ctx := context.Background()
	for _, code := range []string{"TD", "P01", "P02"} {
		if err := st.CreateUnit(ctx, units[code]); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{st: st, clock: clock, units: units,
		svc: &Service{Store: st, Clock: clock, BaseURL: "https://tintot.example.vn", EscalateDays: 3, EscalateWeeks: 2, Log: quietLog()}}
}

func (f *fixture) mailer(t *testing.T, smtpURL string, tweak func(*MailerOptions)) *Mailer {
	t.Helper()
	o := MailerOptions{Store: f.st, SMTPURL: smtpURL, From: "tintot <no-reply@tintot.example.vn>", QuietStart: 21, QuietEnd: 7, MaxAttempts: 20, Clock: f.clock, Log: quietLog()}
	if tweak != nil {
		tweak(&o)
	}
	m, err := NewMailer(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func dayShort(unit, day string, actual int) models.Evaluation {
	return models.Evaluation{UnitCode: unit, Target: "commune_daily_good_news", Period: day, PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: 1, Actual: actual, Status: models.StatusShort}
}
