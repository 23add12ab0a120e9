package alerts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tintot/models"
	"tintot/store"
)

func TestDailyShortIsMailedExactlyOnceInVietnamese(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	srv := newSMTPServer(t)
	m := f.mailer(t, srv.url(), nil)
	evals := []models.Evaluation{dayShort("P01", "2026-11-26", 0)}

	for range 2 { // the daily job re-runs after a restart
		if err := f.svc.DailyShort(ctx, "2026-11-26", evals, f.units); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		sum, err := m.SendDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 - i; sum.Sent != want {
			t.Errorf("run %d sent %d, want %d", i, sum.Sent, want)
		}
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want exactly 1", len(msgs))
	}
	got := msgs[0]
	if want := []string{"bch@hoankiem.example.vn", "bithu@hoankiem.example.vn"}; !slices.Equal(got.To, want) {
		t.Errorf("recipients = %v, want %v", got.To, want)
	}
	if want := "[Chưa đạt] Đoàn phường Hoàn Kiếm chưa đạt chỉ tiêu ngày 26/11/2026"; got.Subject != want {
		t.Errorf("subject = %q, want %q", got.Subject, want)
	}
	// Dated by the service's clock, in Vietnam time (not the server's zone).
	if want := "27 Nov 2026 08:00:00 +0700"; !strings.Contains(got.Date, want) {
		t.Errorf("Date = %q, want one of %s", got.Date, want)
	}
	if got.MessageID == "" {
		t.Error("no Message-ID")
	}
	for _, part := range []struct{ name, body string }{{"text", got.Text}, {"html", got.HTML}} {
		for _, want := range []string{"Kính gửi Ban Chấp hành Đoàn phường Hoàn Kiếm", "Tin tốt: 0/1 bài", "https://tintot.example.vn/units/P01"} {
			if !strings.Contains(part.body, want) {
				t.Errorf("%s body lacks %q:\n%s", part.name, want, part.body)
			}
		}
	}
	stored, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"P01"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Status != models.AlertSent || stored[0].SentAt == nil {
		t.Errorf("outbox = %+v, want one sent alert", stored)
	}
}

// An SMTP server that refuses or is unreachable for an hour of virtual time loses nothing:
// the alert is retried with growing pauses and delivered once after recovery.
func TestSMTPOutageOfAnHourThenDeliveredOnce(t *testing.T) {
	for _, mode := range []string{"451", "down"} {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			start := vn(2026, 11, 27, 8, 0)
			f := newFixture(t, start)
			srv := newSMTPServer(t)
			m := f.mailer(t, srv.url(), nil)
			if mode == "451" {
				srv.refuse.Store(true)
			} else {
				srv.down.Store(true)
			}
			if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{dayShort("P01", "2026-11-26", 0)}, f.units); err != nil {
				t.Fatal(err)
			}
			var failures []time.Duration // when each failed attempt happened, after start
			for minute := 0; minute <= 120; minute++ {
				f.clock.Set(start.Add(time.Duration(minute) * time.Minute))
				if minute == 60 {
					srv.refuse.Store(false)
					srv.down.Store(false)
				}
				sum, err := m.SendDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for range sum.Failed {
					failures = append(failures, time.Duration(minute)*time.Minute)
				}
			}
			want := []time.Duration{0, 1 * time.Minute, 3 * time.Minute, 7 * time.Minute, 15 * time.Minute, 31 * time.Minute}
			if !slices.Equal(failures, want) {
				t.Errorf("failed attempts at %v, want %v (backoff 1m, 2m, 4m…)", failures, want)
			}
			msgs := srv.messages()
			if len(msgs) != 1 {
				t.Fatalf("received %d messages after recovery, want 1", len(msgs))
			}
			a, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"P01"}})
			if err != nil {
				t.Fatal(err)
			}
			// Last failure at 31m, next try 31m+32m = 63m: after the server came back at 60m.
			if len(a) != 1 || a[0].Status != models.AlertSent || a[0].Attempts != 7 || !a[0].SentAt.Equal(start.Add(63*time.Minute)) {
				t.Errorf("alert = %+v, want sent at +63m after 7 attempts", a)
			}
		})
	}
}

func TestBackoffIsCappedAtAnHourAndGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	start := vn(2026, 11, 27, 8, 0)
	f := newFixture(t, start)
	srv := newSMTPServer(t)
	srv.refuse.Store(true)
	m := f.mailer(t, srv.url(), func(o *MailerOptions) { o.MaxAttempts = 9; o.QuietStart, o.QuietEnd = 0, 0 })
	if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{dayShort("P01", "2026-11-26", 0)}, f.units); err != nil {
		t.Fatal(err)
	}
	var gaps []time.Duration
	last := start
	for i := 0; i < 20; i++ {
		a, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"P01"}})
		if err != nil {
			t.Fatal(err)
		}
		if a[0].Status != models.AlertPending {
			if a[0].Status != models.AlertFailed || a[0].Attempts != 9 || !strings.Contains(a[0].LastError, "451") {
				t.Errorf("final alert = %+v, want failed after 9 attempts with the server's answer", a[0])
			}
			break
		}
		f.clock.Set(a[0].NextTryAt)
		gaps = append(gaps, a[0].NextTryAt.Sub(last))
		last = a[0].NextTryAt
		if _, err := m.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	if !slices.Equal(gaps, want) {
		t.Errorf("pauses between attempts = %v, want %v", gaps, want)
	}
	if srv.tries.Load() != 9 {
		t.Errorf("server saw %d attempts, want 9", srv.tries.Load())
	}
}

func TestQuietHoursDeferA2200AlertTo0700(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 22, 0))
	srv := newSMTPServer(t)
	m := f.mailer(t, srv.url(), nil)
	r := sampleReview()
	if err := f.svc.Digest(ctx, f.units["TD"], r); err != nil {
		t.Fatal(err)
	}
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Deferred != 1 || sum.Sent != 0 || len(srv.messages()) != 0 {
		t.Fatalf("at 22:00: %+v, %d messages; want deferred, none sent", sum, len(srv.messages()))
	}
	a, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"TD"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := vn(2026, 11, 28, 7, 0); !a[0].NextTryAt.Equal(want) || a[0].Status != models.AlertPending {
		t.Errorf("deferred alert = %s next %s, want pending until %s", a[0].Status, a[0].NextTryAt, want)
	}
	for _, tc := range []struct {
		at   time.Time
		sent int
	}{{vn(2026, 11, 28, 3, 0), 0}, {vn(2026, 11, 28, 6, 59), 0}, {vn(2026, 11, 28, 7, 0), 1}} {
		f.clock.Set(tc.at)
		if _, err := m.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := len(srv.messages()); got != tc.sent {
			t.Errorf("at %s: %d messages, want %d", tc.at.Format("15:04"), got, tc.sent)
		}
	}
}

func TestDigestCarriesTableAndXLSXAttachment(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 30, 8, 0))
	srv := newSMTPServer(t)
	r := sampleReview()
	m := f.mailer(t, srv.url(), func(o *MailerOptions) {
		o.Attachment = func(_ context.Context, a models.Alert) (string, []byte, error) {
			if a.Period != r.Week || a.UnitCode != "TD" {
				t.Errorf("attachment asked for %s/%s", a.Period, a.UnitCode)
			}
			return DigestAttachment(r)
		}
	})
	if err := f.svc.Digest(ctx, f.units["TD"], r); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if !slices.Equal(got.To, []string{"thuongvu@thanhdoan.example.vn"}) {
		t.Errorf("digest to %v, want the parent's reviewers", got.To)
	}
	if !strings.Contains(got.Subject, "Tổng hợp tuần") || !strings.Contains(got.Subject, "tuần 48 (23/11 – 29/11/2026)") {
		t.Errorf("subject = %q", got.Subject)
	}
	for _, want := range []string{"<th", "Tỷ lệ đạt", "Đoàn phường Hoàn Kiếm (3/6 ngày đạt)", "https://tintot.example.vn/review?week=2026-W48&amp;parent=TD"} {
		if !strings.Contains(got.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	data, ok := got.Attachments["tong-hop-2026-W48-TD.xlsx"]
	if !ok {
		t.Fatalf("attachments = %v, want tong-hop-2026-W48-TD.xlsx", keys(got.Attachments))
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("attachment is not an XLSX: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) < 2 || !slices.Contains(rows[0], "Mã đơn vị") || !slices.Contains(rows[1], "Đoàn phường Hoàn Kiếm") {
		t.Errorf("attachment rows = %v (%v)", rows, err)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestMailOffRecordsAlertsAndSaysSoOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	var logs bytes.Buffer
	m := f.mailer(t, "", func(o *MailerOptions) { o.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	if m.Enabled() {
		t.Fatal("mailer without SMTP URL says it is enabled")
	}
	for _, day := range []string{"2026-11-25", "2026-11-26"} {
		if err := f.svc.DailyShort(ctx, day, []models.Evaluation{dayShort("P01", day, 0)}, f.units); err != nil {
			t.Fatal(err)
		}
		sum, err := m.SendDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Recorded != 1 {
			t.Errorf("%s: %+v, want 1 recorded", day, sum)
		}
	}
	a, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"P01"}, Types: []models.AlertType{models.AlertDailyShort}})
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 || a[0].Status != models.AlertNoMail || a[1].Status != models.AlertNoMail {
		t.Errorf("alerts = %+v, want 2 recorded", a)
	}
	if n := strings.Count(logs.String(), "mail is off"); n != 1 {
		t.Errorf("log says mail is off %d times, want once:\n%s", n, logs.String())
	}
}

func TestStaleAtRiskReminderIsNotSentNextMorning(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 20, 30))
	srv := newSMTPServer(t)
	srv.refuse.Store(true)
	m := f.mailer(t, srv.url(), nil)
	rep := models.UnitStatusReport{Unit: f.units["P01"], Date: "2026-11-27", Day: []models.PeriodStatus{{
		Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Period: "2026-11-27",
		Level: models.LevelBaseline, Required: 1, Status: models.StatusAtRisk, Missing: 1, TimeLeft: 3*time.Hour + 30*time.Minute}}}
	if err := f.svc.AtRisk(ctx, "2026-11-27", []models.UnitStatusReport{rep}, f.units); err != nil {
		t.Fatal(err)
	}
	if sum, err := m.SendDue(ctx); err != nil || sum.Failed != 1 {
		t.Fatalf("20:30 with the server refusing: %+v %v", sum, err)
	}
	srv.refuse.Store(false)
	f.clock.Set(vn(2026, 11, 28, 7, 0))
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Canceled != 1 || len(srv.messages()) != 0 {
		t.Errorf("next morning: %+v, %d messages; want the reminder canceled, not sent", sum, len(srv.messages()))
	}
}

// TestShortfallCheckedAgainBeforeItsMail: at 07:00, a shortfall whose day is met by now
// is canceled, and one that cannot be evaluated again goes as recorded; the Reevaluate
// here answers from a table of each unit's present status.
func TestShortfallCheckedAgainBeforeItsMail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 28, 0, 10))
	srv := newSMTPServer(t)
	now := map[string]models.Status{"P01": models.StatusMet} // TD: cannot be evaluated
	var asked []string
	m := f.mailer(t, srv.url(), func(o *MailerOptions) {
		o.Reevaluate = func(_ context.Context, unit, period string) ([]models.Evaluation, error) {
			asked = append(asked, unit+" "+period)
			st, ok := now[unit]
			if !ok {
				return nil, errors.New("unit unknown to the engine")
			}
			e := dayShort(unit, period, 1)
			e.Status = st
			return []models.Evaluation{e}, nil
		}
	})
	var evals []models.Evaluation
	for code := range f.units {
		evals = append(evals, dayShort(code, "2026-11-27", 0))
	}
	if err := f.svc.DailyShort(ctx, "2026-11-27", evals, f.units); err != nil {
		t.Fatal(err)
	}
	if sum, err := m.SendDue(ctx); err != nil || sum.Deferred == 0 || len(asked) != 0 {
		t.Fatalf("00:10: %+v %v, asked %v; want every mail held by quiet hours, none checked yet", sum, err, asked)
	}
	f.clock.Set(vn(2026, 11, 28, 7, 0))
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byUnit := map[string]models.Alert{}
	for _, a := range listAlerts(t, f.st, models.AlertDailyShort) {
		byUnit[a.UnitCode] = a
	}
	if a := byUnit["P01"]; a.Status != models.AlertCanceled || !strings.Contains(a.LastError, "không còn chưa đạt") {
		t.Errorf("P01 met by 07:00: %s (%q), want canceled", a.Status, a.LastError)
	}
	if a := byUnit["TD"]; a.Status != models.AlertSent {
		t.Errorf("TD, not evaluated again: %s (%q), want sent as recorded", a.Status, a.LastError)
	}
	if sum.Canceled != 1 || sum.Sent != 1 || len(srv.messages()) != 1 {
		t.Errorf("07:00: %+v, %d messages; want TD's sent and P01's canceled", sum, len(srv.messages()))
	}
	for _, msg := range srv.messages() {
		if slices.Contains(msg.To, "bch@hoankiem.example.vn") {
			t.Errorf("P01 was mailed a shortfall its day no longer has: %q", msg.Subject)
		}
	}
}

// TestReminderOfADayMetMeanwhileIsNotSent: the 16:00 reminder could not go (the mail
// server refused); by 17:00 the unit has posted: the reminder is canceled, not sent.
func TestReminderOfADayMetMeanwhileIsNotSent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 16, 0))
	srv := newSMTPServer(t)
	srv.refuse.Store(true)
	status := models.StatusAtRisk
	m := f.mailer(t, srv.url(), func(o *MailerOptions) {
		o.Reevaluate = func(_ context.Context, unit, period string) ([]models.Evaluation, error) {
			e := dayShort(unit, period, 0)
			e.Status = status
			return []models.Evaluation{e}, nil
		}
	})
	rep := models.UnitStatusReport{Unit: f.units["P01"], Date: "2026-11-27", Day: []models.PeriodStatus{{
		Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Period: "2026-11-27",
		Level: models.LevelBaseline, Required: 1, Status: models.StatusAtRisk, Missing: 1, TimeLeft: 8 * time.Hour}}}
	if err := f.svc.AtRisk(ctx, "2026-11-27", []models.UnitStatusReport{rep}, f.units); err != nil {
		t.Fatal(err)
	}
	if sum, err := m.SendDue(ctx); err != nil || sum.Failed != 1 {
		t.Fatalf("16:00 with the server refusing: %+v %v", sum, err)
	}
	srv.refuse.Store(false)
	status = models.StatusMet
	f.clock.Set(vn(2026, 11, 27, 17, 0))
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Canceled != 1 || len(srv.messages()) != 0 {
		t.Errorf("17:00, the day met: %+v, %d messages; want the reminder canceled", sum, len(srv.messages()))
	}
}

// TestEscalationCheckedOverItsRun: "three days in a row" goes only if each of the three
// is still short when the mail is due; a late post that met the middle day cancels it.
func TestEscalationCheckedOverItsRun(t *testing.T) {
	ctx := context.Background()
	for _, metMeanwhile := range []string{"", "2026-11-25"} {
		f := newFixture(t, vn(2026, 11, 27, 0, 10))
		srv := newSMTPServer(t)
		m := f.mailer(t, srv.url(), func(o *MailerOptions) {
			o.EscalateDays = 3
			o.Reevaluate = func(_ context.Context, unit, period string) ([]models.Evaluation, error) {
				e := dayShort(unit, period, 0)
				if period == metMeanwhile {
					e.Status, e.Actual = models.StatusMet, 1
				}
				return []models.Evaluation{e}, nil
			}
		})
		for _, day := range []string{"2026-11-24", "2026-11-25", "2026-11-26"} {
			ev := dayShort("P01", day, 0)
			if _, err := f.st.SaveEvaluations(ctx, []models.Evaluation{ev}, f.clock.Now(), "test"); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.DailyShort(ctx, day, []models.Evaluation{ev}, f.units); err != nil {
				t.Fatal(err)
			}
		}
		esc := listAlerts(t, f.st, models.AlertEscalation)
		if len(esc) != 1 {
			t.Fatalf("escalations %+v, want one after three short days", esc)
		}
		f.clock.Set(vn(2026, 11, 27, 7, 0))
		if _, err := m.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		esc = listAlerts(t, f.st, models.AlertEscalation)
		switch {
		case metMeanwhile == "" && esc[0].Status != models.AlertSent:
			t.Errorf("every day still short: escalation %s (%q), want sent", esc[0].Status, esc[0].LastError)
		case metMeanwhile != "" && esc[0].Status != models.AlertCanceled:
			t.Errorf("the 25th met meanwhile: escalation %s, want canceled", esc[0].Status)
		}
	}
}

func TestNewMailerRejectsBadURLs(t *testing.T) {
	st := openStore(t)
	for _, tc := range []struct{ url, from, want string }{
		{"not a url", "a@b.vn", "not a URL"},
		{"http://mail.example.vn", "a@b.vn", "scheme"},
		{"smtp://mail.example.vn:abc", "a@b.vn", "not a URL"},
		{"smtp://", "a@b.vn", "not a URL"},
		{"smtp://mail.example.vn", "", "TINTOT_MAIL_FROM is empty"},
		{"smtp://mail.example.vn", "không phải địa chỉ", "TINTOT_MAIL_FROM"},
	} {
		_, err := NewMailer(MailerOptions{Store: st, SMTPURL: tc.url, From: tc.from, Log: quietLog()})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one mentioning %q", tc.url, err, tc.want)
		}
	}
	for _, ok := range []string{"smtp://user:p%40ss@mail.example.vn?tls=mandatory", "smtps://mail.example.vn", "smtp://mail.example.vn:2525"} {
		m, err := NewMailer(MailerOptions{Store: st, SMTPURL: ok, From: "tintot <no-reply@tintot.example.vn>", Log: quietLog()})
		if err != nil || !m.Enabled() {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// A morning's shortfalls for many units leave in one call, not 100 per scheduler tick.
func TestSendDueDrainsMoreThanOneBatch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	srv := newSMTPServer(t)
	m := f.mailer(t, srv.url(), nil)
	units := map[string]models.Unit{}
	var evals []models.Evaluation
	for i := range 250 {
		code := fmt.Sprintf("X%03d", i)
		units[code] = models.Unit{Code: code, Name: "Đoàn xã " + code, Kind: models.UnitCommune, Emails: []string{code + "@example.vn"}}
		evals = append(evals, dayShort(code, "2026-11-26", 0))
	}
	if err := f.svc.DailyShort(ctx, "2026-11-26", evals, units); err != nil {
		t.Fatal(err)
	}
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 250 || len(srv.messages()) != 250 {
		t.Errorf("sent %d, received %d; want 250", sum.Sent, len(srv.messages()))
	}
	seen := map[string]bool{}
	for _, msg := range srv.messages() {
		if seen[msg.To[0]] {
			t.Errorf("%s received twice", msg.To[0])
		}
		seen[msg.To[0]] = true
	}
}

// When the server is unreachable, a batch does not dial once per alert.
func TestUnreachableServerFailsTheBatchWithOneDial(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	srv := newSMTPServer(t)
	srv.down.Store(true)
	m := f.mailer(t, srv.url(), nil)
	for _, day := range []string{"2026-11-24", "2026-11-25", "2026-11-26"} {
		if err := f.svc.DailyShort(ctx, day, []models.Evaluation{dayShort("P01", day, 0)}, f.units); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := m.SendDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != 3 || srv.tries.Load() != 1 {
		t.Errorf("failed %d with %d connection attempts; want 3 failed after 1 attempt", sum.Failed, srv.tries.Load())
	}
}

// failingUpdates fails the first n UpdateAlert calls, as a store that drops its
// connection right after the mail went out.
type failingUpdates struct {
	store.Store
	n *int
}

func (f failingUpdates) UpdateAlert(ctx context.Context, a models.Alert) error {
	if *f.n > 0 {
		*f.n--
		return errors.New("store is gone")
	}
	return f.Store.UpdateAlert(ctx, a)
}

// When the send works but recording it fails, the alert is sent again on the next run
// (nothing is lost), and both copies carry one Message-ID derived from the alert, so mail
// systems that deduplicate show it once.
func TestResendAfterLostUpdateKeepsMessageID(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	srv := newSMTPServer(t)
	fails := 1
	m := f.mailer(t, srv.url(), func(o *MailerOptions) { o.Store = failingUpdates{Store: f.st, n: &fails} })
	if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{dayShort("P01", "2026-11-26", 0)}, f.units); err != nil {
		t.Fatal(err)
	}
	if _, err := m.SendDue(ctx); err == nil || !strings.Contains(err.Error(), "store is gone") {
		t.Errorf("first run error = %v, want the failed update reported", err)
	}
	if sum, err := m.SendDue(ctx); err != nil || sum.Sent != 1 {
		t.Fatalf("second run: %+v, %v; want the alert sent again", sum, err)
	}
	if sum, err := m.SendDue(ctx); err != nil || sum.Sent != 0 {
		t.Fatalf("third run: %+v, %v; want nothing left", sum, err)
	}
	msgs := srv.messages()
	if len(msgs) != 2 {
		t.Fatalf("received %d messages, want 2 (the first send was not recorded)", len(msgs))
	}
	stored, err := f.st.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{"P01"}})
	if err != nil || len(stored) != 1 {
		t.Fatalf("outbox = %+v, %v", stored, err)
	}
	want := "<alert." + stored[0].ID + "@tintot.example.vn>"
	for i, msg := range msgs {
		if msg.MessageID != want {
			t.Errorf("message %d Message-ID = %q, want %q", i, msg.MessageID, want)
		}
		if msg.Auto != "auto-generated" {
			t.Errorf("message %d Auto-Submitted = %q, want auto-generated", i, msg.Auto)
		}
	}
}

func TestDigestStatesChannelCoverage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 30, 8, 0))
	for i, tc := range []struct {
		name     string
		cov      *models.ChannelCoverage
		want     string
		notWant  string
		wantNone bool
	}{
		{"below 80%", &models.ChannelCoverage{Units: 10, Working: 7, Share: 0.7, Baseline: 0.8, Target: 1},
			"Kênh thông tin: 7/10 đơn vị cấp xã, trường học, cơ quan có kênh hoạt động trong 7 ngày qua (70%), chưa đạt mức 80% (năm 2025).", "", false},
		{"80%", &models.ChannelCoverage{Units: 10, Working: 8, Share: 0.8, Baseline: 0.8, Target: 1},
			"(80%), đạt mức 80% (năm 2025), chưa đạt mức 100% (năm 2030).", "", false},
		{"all", &models.ChannelCoverage{Units: 4, Working: 4, Share: 1, Baseline: 0.8, Target: 1},
			"(100%), đạt mức 100% (năm 2030).", "", false},
		{"none", nil, "", "Kênh thông tin", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sampleReview()
			r.Week = fmt.Sprintf("2026-W%02d", 40+i) // one digest per case
			r.ChannelCoverage = tc.cov
			if err := f.svc.Digest(ctx, f.units["TD"], r); err != nil {
				t.Fatal(err)
			}
			as, err := f.st.ListAlerts(ctx, store.AlertFilter{Types: []models.AlertType{models.AlertWeeklyDigest}})
			if err != nil {
				t.Fatal(err)
			}
			var body string
			for _, a := range as {
				if a.Period == r.Week {
					body = a.BodyText
				}
			}
			if tc.want != "" && !strings.Contains(body, tc.want) {
				t.Errorf("digest lacks %q:\n%s", tc.want, body)
			}
			if tc.wantNone && strings.Contains(body, tc.notWant) {
				t.Errorf("digest without coverage mentions it:\n%s", body)
			}
		})
	}
}
