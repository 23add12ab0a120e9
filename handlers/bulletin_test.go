package handlers

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/xuri/excelize/v2"

	"tintot/alerts"
	"tintot/models"
	"tintot/report"
	"tintot/store"
)

// mailbox is an in-process SMTP server on 127.0.0.1 that keeps the raw messages.
type mailbox struct {
	addr string
	mu   sync.Mutex
	raw  [][]byte
	rcpt [][]string
}

type mailboxSession struct {
	m  *mailbox
	to []string
}

func (s *mailboxSession) Reset()                               { s.to = nil }
func (s *mailboxSession) Logout() error                        { return nil }
func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.raw = append(s.m.raw, b)
	s.m.rcpt = append(s.m.rcpt, s.to)
	return nil
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailbox{addr: l.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m: m}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return m
}

func (e *testEnv) pick(user, post, note string) (*http.Response, []byte) {
	e.t.Helper()
	return e.do(user, "PUT", "/api/v1/posts/"+post+"/pick", map[string]string{"note": note})
}

// TestBulletinPickArrangeSendAndKeep follows an issue from the picks to the mail: scope
// and bounds of a pick, the quarter's figures and stories, reordering and leaving out,
// the HTML e-mail through the mailer to the parent's list, and the issue kept as sent.
func TestBulletinPickArrangeSendAndKeep(t *testing.T) {
	e := newEnv(t, withReports)
	ctx := t.Context()
	c1, c2, d1 := e.posts["C1-feed"].ID, e.posts["C2-feed"].ID, ""
	other, err := e.st.UpsertPosts(ctx, []models.Post{{UnitCode: "D1", ItemKey: "https://d1.vn/1", Source: models.SourceFeed, URL: "https://d1.vn/1",
		Title: "Tin của tỉnh Q", PublishedAt: testNow.UTC(), LocalDay: "2026-11-27", FirstSeenAt: testNow.UTC(), RuleKind: models.KindStory, UpdatedAt: testNow.UTC()}})
	if err != nil {
		t.Fatal(err)
	}
	d1 = other.Inserted[0].ID

	// Who may pick what, and what a note may hold.
	for _, tc := range []struct {
		user, post, note string
		status           int
		want             string
	}{
		{"adminC1", c1, "", http.StatusForbidden, ""},
		{"reviewerP", d1, "", http.StatusForbidden, ""},
		{"reviewerP", c1, strings.Repeat("ư", models.MaxPickNote+1), http.StatusBadRequest, `"field":"note"`},
		{"reviewerP", c1, "Thanh niên Đông Hòa làm sạch 3 km bờ biển", http.StatusOK, `"note":"Thanh niên Đông Hòa làm sạch 3 km bờ biển"`},
		{"reviewerP", c2, "", http.StatusOK, ""},
		{"reviewerP", e.posts["C2-manual"].ID, "Bài nộp tay", http.StatusOK, ""},
	} {
		resp, body := e.pick(tc.user, tc.post, tc.note)
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s picks %s: %d %.300s; want %d with %q", tc.user, tc.post, resp.StatusCode, body, tc.status, tc.want)
		}
	}
	resp, body := e.do("reviewerP", "DELETE", "/api/v1/posts/"+e.posts["C2-manual"].ID+"/pick", nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	resp, body = e.do("reviewerP", "DELETE", "/api/v1/posts/"+e.posts["C2-manual"].ID+"/pick", nil)
	wantStatus(t, resp, body, http.StatusNotFound)

	// The quarter's issue: both picks, in day order (same day: by post ID), with unit, date and link.
	resp, body = e.do("reviewerP", "GET", "/api/v1/bulletin?quarter=2026-Q4", nil)
	wantStatus(t, resp, body, http.StatusOK)
	b := decode[models.Bulletin](t, body)
	if b.Parent != "P" || b.From != "2026-10-01" || b.To != "2026-12-31" || b.Label != "Quý IV/2026" || len(b.Stories) != 2 {
		t.Fatalf("bulletin = %s %s..%s %q, %d stories", b.Parent, b.From, b.To, b.Label, len(b.Stories))
	}
	for _, st := range b.Stories {
		if st.UnitName == "" || st.Pick.LocalDay != "2026-11-27" || !strings.HasPrefix(st.URL, "https://") {
			t.Errorf("story = %+v", st)
		}
	}
	if b.Report.ChannelCoverage == nil || len(b.Report.Rows) == 0 {
		t.Errorf("bulletin figures: coverage %v, %d rows", b.Report.ChannelCoverage, len(b.Report.Rows))
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/bulletin?quarter=2026-Q5", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"quarter"`) {
		t.Errorf("bad quarter: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do("adminC1", "GET", "/api/v1/bulletin?quarter=2026-Q4", nil)
	wantStatus(t, resp, body, http.StatusForbidden)

	// Reorder: C2 first, C1 left out; then C1 back in second place.
	arrange := func(vals url.Values) {
		t.Helper()
		resp, body := e.as("reviewerP", form("/bulletin/arrange?parent=P&quarter=2026-Q4", vals))
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
	arrange(url.Values{"pos." + c1: {"2"}, "pos." + c2: {"1"}, "omit." + c1: {"1"}})
	b = decode[models.Bulletin](t, mustGet(t, e, "/api/v1/bulletin?quarter=2026-Q4"))
	if len(b.Stories) != 1 || b.Stories[0].Pick.PostID != c2 || len(b.Omitted) != 1 || b.Omitted[0].Pick.PostID != c1 {
		t.Fatalf("after leaving C1 out: stories %v omitted %v", storyIDs(b.Stories), storyIDs(b.Omitted))
	}
	arrange(url.Values{"pos." + c1: {"2"}, "pos." + c2: {"1"}})
	b = decode[models.Bulletin](t, mustGet(t, e, "/api/v1/bulletin?quarter=2026-Q4"))
	if got := storyIDs(b.Stories); len(got) != 2 || got[0] != c2 || got[1] != c1 {
		t.Fatalf("order = %v, want C2 then C1", got)
	}
	// A story picked after the order was set comes last.
	if resp, body := e.pick("reviewerP", e.posts["C2-manual"].ID, ""); resp.StatusCode != http.StatusOK {
		t.Fatal(resp.StatusCode, string(body))
	}
	b = decode[models.Bulletin](t, mustGet(t, e, "/api/v1/bulletin?quarter=2026-Q4"))
	if got := storyIDs(b.Stories); len(got) != 3 || got[2] != e.posts["C2-manual"].ID {
		t.Errorf("after a late pick, order = %v, want it last", got)
	}
	if resp, body := e.do("reviewerP", "DELETE", "/api/v1/posts/"+e.posts["C2-manual"].ID+"/pick", nil); resp.StatusCode != http.StatusNoContent {
		t.Fatal(resp.StatusCode, string(body))
	}
	resp, body = e.as("reviewerP", form("/bulletin/arrange?parent=P&quarter=2026-Q4", url.Values{"pos." + c1: {"x"}}))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Thứ tự") {
		t.Errorf("bad position: %d %.300s", resp.StatusCode, body)
	}

	// The page: figures, chart, best units, stories in order, print button, no inline style.
	resp, body = e.as("reviewerP", request("GET", "/bulletin?quarter=2026-Q4", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	for _, want := range []string{"Quý IV/2026", "Kết quả thực hiện trong quý", `id="chart-report"`, `id="coverage"`, "Đơn vị tiêu biểu",
		"Thanh niên Đông Hòa làm sạch 3 km bờ biển", "data-print", `action="/bulletin/send?parent=P&amp;quarter=2026-Q4"`} {
		if !strings.Contains(html, want) {
			t.Errorf("bulletin page lacks %q", want)
		}
	}
	if i, j := strings.Index(html, `data-post="`+c2+`"`), strings.Index(html, `data-post="`+c1+`"`); i < 0 || j < 0 || i > j {
		t.Errorf("page order: C2 at %d, C1 at %d", i, j)
	}
	checkNoInline(t, "/bulletin", html)
	req := request("GET", "/bulletin?quarter=2026-Q4", nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	resp, body = e.as("reviewerP", req)
	wantStatus(t, resp, body, http.StatusOK)
	for _, want := range []string{"Results of the quarter", "Quarter IV/2026", "Best units", "Send the bulletin"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("English bulletin page lacks %q", want)
		}
	}

	// Send: the parent's list gets the HTML e-mail through the mailer.
	pu, _ := e.st.GetUnit(ctx, "P")
	pu.Emails = []string{"thuongvu@tinhdoan-p.vn", "banbientap@tinhdoan-p.vn"}
	if err := e.st.UpdateUnit(ctx, pu); err != nil {
		t.Fatal(err)
	}
	resp, body = e.do("reviewerP", "POST", "/api/v1/bulletin/send?quarter=2026-Q4", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"parent"`) {
		// the reviewer's default parent is P: this send goes through instead
		wantStatus(t, resp, body, http.StatusCreated)
	}
	sent := decode[models.SentBulletin](t, body)
	if sent.Parent != "P" || len(sent.Items) != 2 || sent.Items[0].PostID != c2 || !strings.Contains(sent.HTML, "Thanh niên Đông Hòa làm sạch 3 km bờ biển") {
		t.Fatalf("sent = %+v", sent)
	}
	if strings.Contains(sent.HTML, "style=") || strings.Contains(sent.HTML, "<script") {
		t.Error("the e-mail carries style attributes or script")
	}
	resp, body = e.do("reviewerP", "POST", "/api/v1/bulletin/send?quarter=2026-Q4&parent=P", nil)
	wantStatus(t, resp, body, http.StatusConflict)

	mb := newMailbox(t)
	m, err := alerts.NewMailer(alerts.MailerOptions{Store: e.st, SMTPURL: "smtp://" + mb.addr + "?tls=none", From: "tintot <no-reply@tintot.example.vn>",
		Clock: e.clock, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var bulletinMail []byte
	for i, raw := range mb.raw {
		if bytes.Contains(raw, []byte("text/html")) && strings.Join(mb.rcpt[i], ",") == strings.Join(pu.Emails, ",") {
			bulletinMail = raw
		}
	}
	if bulletinMail == nil {
		t.Fatalf("no HTML e-mail to %v among %d sent (%+v)", pu.Emails, len(mb.raw), sum)
	}
	as, err := e.st.ListAlerts(ctx, store.AlertFilter{Types: []models.AlertType{models.AlertBulletin}})
	if err != nil || len(as) != 1 || as[0].Status != models.AlertSent || as[0].BodyHTML != sent.HTML {
		t.Errorf("bulletin alert = %+v (%v)", as, err)
	}

	// The issue as sent stays as it was: a later pick does not change it, arranging is refused.
	if resp, body := e.pick("reviewerP", e.posts["C2-manual"].ID, "muộn"); resp.StatusCode != http.StatusOK {
		t.Fatalf("late pick: %d %s", resp.StatusCode, body)
	}
	resp, body = e.as("reviewerP", request("GET", "/bulletin?quarter=2026-Q4", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html = string(body)
	if !strings.Contains(html, `id="sent"`) || strings.Contains(html, "Bài nộp tay") || strings.Contains(html, `id="send"`) || strings.Contains(html, `id="arrange"`) {
		t.Errorf("sent issue page shows a changed issue or its forms")
	}
	resp, body = e.as("reviewerP", request("GET", "/bulletin/sent?parent=P&quarter=2026-Q4", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if string(body) != sent.HTML {
		t.Error("/bulletin/sent is not the HTML as sent")
	}
	resp, body = e.as("reviewerP", form("/bulletin/arrange?parent=P&quarter=2026-Q4", url.Values{"pos." + c1: {"1"}}))
	wantStatus(t, resp, body, http.StatusConflict)
	if got, err := e.st.GetSentBulletin(ctx, "P", "2026-Q4"); err != nil || got.HTML != sent.HTML || len(got.Items) != 2 {
		t.Errorf("stored issue changed: %v", err)
	}
}

func mustGet(t *testing.T, e *testEnv, path string) []byte {
	t.Helper()
	resp, body := e.do("reviewerP", "GET", path, nil)
	wantStatus(t, resp, body, http.StatusOK)
	return body
}

func storyIDs(ss []models.BulletinStory) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Pick.PostID)
	}
	return out
}

// TestPickFromUnitDashboard checks the reviewer's pick form on a unit's page.
func TestPickFromUnitDashboard(t *testing.T) {
	e := newEnv(t, withReports)
	c1 := e.posts["C1-feed"].ID
	resp, body := e.as("reviewerP", request("GET", "/units/C1", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `action="/posts/`+c1+`/pick"`) {
		t.Fatal("the unit page has no pick form for a reviewer")
	}
	resp, body = e.as("adminC1", request("GET", "/units/C1", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "/pick\"") {
		t.Error("a unit admin sees the pick form")
	}
	resp, body = e.as("reviewerP", form("/posts/"+c1+"/pick", url.Values{"unit": {"C1"}, "note": {strings.Repeat("a", models.MaxPickNote+1)}}))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `id="err-pick-`+c1+`"`) {
		t.Errorf("long note: %d, want the message beside the form", resp.StatusCode)
	}
	resp, body = e.as("reviewerP", form("/posts/"+c1+"/pick", url.Values{"unit": {"C1"}, "note": {"Gương sáng"}}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = e.as("reviewerP", request("GET", "/units/C1", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Đã chọn đăng bản tin") || !strings.Contains(string(body), `value="Gương sáng"`) {
		t.Error("the unit page does not show the pick")
	}
	resp, body = e.as("reviewerP", form("/posts/"+c1+"/unpick", url.Values{"unit": {"C1"}}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	if ps, _ := e.st.ListPicks(t.Context(), store.PickFilter{}); len(ps) != 0 {
		t.Errorf("picks after unpick = %v", ps)
	}
}

// TestHonourRoll checks proposals: linked to a picked story in scope, fields named when
// bad, listed and exported with Vietnamese headers, deleted in scope only.
func TestHonourRoll(t *testing.T) {
	e := newEnv(t, withReports)
	c1, c2 := e.posts["C1-feed"].ID, e.posts["C2-feed"].ID
	if resp, body := e.pick("reviewerP", c1, "Dọn rác bãi biển"); resp.StatusCode != http.StatusOK {
		t.Fatal(resp.StatusCode, string(body))
	}
	for _, tc := range []struct {
		user   string
		in     map[string]string
		status int
		field  string
	}{
		{"reviewerP", map[string]string{"post_id": c2, "reason": "x"}, http.StatusBadRequest, "post_id"}, // not picked
		{"reviewerP", map[string]string{"post_id": c1, "reason": " "}, http.StatusBadRequest, "reason"},
		{"reviewerP", map[string]string{"post_id": c1, "reason": "x", "name": "A\nBcc: b@x.vn"}, http.StatusBadRequest, "name"},
		{"adminC1", map[string]string{"post_id": c1, "reason": "x"}, http.StatusForbidden, ""},
		{"reviewerP", map[string]string{"post_id": c1, "name": "=HYPERLINK(\"http://evil\")", "reason": "Tổ chức 12 buổi dọn rác"}, http.StatusCreated, ""},
		{"reviewerP", map[string]string{"post_id": c1, "reason": "Đơn vị tiêu biểu của quý"}, http.StatusCreated, ""},
	} {
		resp, body := e.do(tc.user, "POST", "/api/v1/honours", tc.in)
		if resp.StatusCode != tc.status || (tc.field != "" && !strings.Contains(string(body), `"field":"`+tc.field+`"`)) {
			t.Errorf("%s %v: %d %.300s; want %d naming %q", tc.user, tc.in, resp.StatusCode, body, tc.status, tc.field)
		}
	}
	resp, body := e.do("reviewerP", "GET", "/api/v1/honours?year=2026", nil)
	wantStatus(t, resp, body, http.StatusOK)
	roll := decode[honourRoll](t, body)
	if len(roll.Entries) != 2 || len(roll.Candidates) != 1 || roll.Entries[0].UnitName != "Đoàn xã Đông Hòa" {
		t.Fatalf("roll = %+v", roll)
	}

	resp, body = e.as("reviewerP", request("GET", "/honours.xlsx?year=2026", nil))
	wantStatus(t, resp, body, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(report.SheetHonours)
	if len(rows) != 4 || strings.Join(rows[1], "|") != strings.Join(report.HonourHeaders, "|") {
		t.Fatalf("sheet rows = %v", rows)
	}
	names := rows[2][1] + "|" + rows[3][1]
	if !strings.Contains(names, "Đoàn xã Đông Hòa") || !strings.Contains(names, `=HYPERLINK("http://evil")`) {
		t.Errorf("names = %q (the unit itself when no name, the typed name as text)", names)
	}
	for _, cell := range []string{"B3", "B4"} {
		if fm, _ := f.GetCellFormula(report.SheetHonours, cell); fm != "" {
			t.Errorf("%s holds a formula %q", cell, fm)
		}
	}

	resp, body = e.as("reviewerP", request("GET", "/honours?year=2026", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), "Tổ chức 12 buổi dọn rác") || !strings.Contains(string(body), `id="dl-honours"`) {
		t.Error("honours page lacks the proposal or the download")
	}
	checkNoInline(t, "/honours", string(body))
	resp, body = e.as("reviewerP", form("/honours?year=2026", url.Values{"post_id": {c1}, "reason": {""}}))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `name="reason" rows="3" maxlength="1000" required aria-invalid="true"`) {
		t.Errorf("page form without reason: %d", resp.StatusCode)
	}

	id := roll.Entries[0].ID
	resp, body = e.do("adminC1", "DELETE", "/api/v1/honours/"+id, nil)
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.as("reviewerP", form("/honours/"+id+"/delete?year=2026", url.Values{}))
	wantStatus(t, resp, body, http.StatusSeeOther)
	if _, err := e.st.GetHonour(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted honour: %v", err)
	}
}

// TestBulletinMailNamesBestUnitsAndStories renders an issue with best units, a story
// without a safe link and a note, as the e-mail and the kept copy show it.
func TestBulletinMailNamesBestUnitsAndStories(t *testing.T) {
	b := models.Bulletin{Parent: "P", ParentName: "Tỉnh đoàn P", Quarter: "2026-Q3", Label: "Quý III/2026", From: "2026-07-01", To: "2026-09-30",
		Report: models.PeriodReport{Through: "2026-09-30", Total: models.PeriodRow{Posts: map[models.Kind]int{models.KindGoodNews: 80, models.KindStory: 12},
			Days: models.StatusCounts{Met: 150, Short: 34, ShareMet: 150.0 / 184}}},
		Best: []models.PeriodRow{{Unit: models.Unit{Code: "C1", Name: "Đoàn xã Đông Hòa"}, Posts: map[models.Kind]int{models.KindGoodNews: 88, models.KindStory: 13},
			Days: models.StatusCounts{Met: 90, Short: 2, ShareMet: 90.0 / 92}}},
		Stories: []models.BulletinStory{{Pick: models.Pick{PostID: "p1", UnitCode: "C1", LocalDay: "2026-09-02", Note: "Lời giới thiệu <b>đậm</b>"},
			UnitName: "Đoàn xã Đông Hòa", Title: "Cô giáo vùng cao", URL: ""}},
	}
	html, text, err := renderBulletinMail(b, testNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<strong>Đoàn xã Đông Hòa</strong>: 98% ngày đạt chỉ tiêu, 88 tin tốt, 13 câu chuyện đẹp", "Quý III/2026", "82% (150/184 ngày-đơn vị)",
		"<h3>Cô giáo vùng cao</h3>", "02/09/2026", "Lời giới thiệu &lt;b&gt;đậm&lt;/b&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("mail HTML lacks %q", want)
		}
	}
	for _, want := range []string{"1. Đoàn xã Đông Hòa: 98% ngày đạt chỉ tiêu", "1. Cô giáo vùng cao", "Tin tốt: 80"} {
		if !strings.Contains(text, want) {
			t.Errorf("mail text lacks %q:\n%s", want, text)
		}
	}
}
