package alerts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"tintot/models"
	"tintot/report"
	"tintot/store"
)

// MailerOptions configure the outbox sender.
type MailerOptions struct {
	Store   store.Store
	SMTPURL string // "" : mail off, alerts are recorded only
	From    string
	// Quiet hours (local): mail is deferred to QuietEnd, never dropped. Equal hours: none.
	QuietStart, QuietEnd int
	MaxAttempts          int           // default 20
	BackoffBase          time.Duration // default 1m, doubled per attempt, capped at BackoffMax
	BackoffMax           time.Duration // default 1h
	Timeout              time.Duration // SMTP timeout, default 30s
	Clock                models.Clock
	Log                  *slog.Logger
	// Attachment supplies the file of an alert that names one (the weekly digest's XLSX).
	Attachment func(ctx context.Context, a models.Alert) (name string, data []byte, err error)
	// Reevaluate evaluates a unit's targets for a period (a day or an ISO week) as they
	// stand now (campaign.Service.EvaluateUnit). When set, a shortfall or an escalation is
	// checked again right before its mail goes: one whose period is no longer short (a
	// late post was read between the close and the send, often while quiet hours held
	// the mail) is canceled, not sent; so is an afternoon reminder whose day is met by the
	// time it can go (the mail server was down meanwhile).
	Reevaluate func(ctx context.Context, unitCode, period string) ([]models.Evaluation, error)
	// Refresh, when set, reads the feeds of the given units that were not read lately
	// (feeds.Poller.PollStale), once for the batch, before their shortfall, escalation and
	// reminder mails are checked again: a feed read every few hours, last read before
	// the unit's late post, would otherwise have the check confirm a shortfall the unit
	// has made good. Its failure leaves the check to what is stored.
	Refresh func(ctx context.Context, unitCodes []string) error
	// EscalateDays and EscalateWeeks are the runs of short periods an escalation tells of
	// (as Service's; default 3 and 2): each of the run's periods is checked again.
	EscalateDays, EscalateWeeks int
}

// Mailer sends due alerts from the outbox.
type Mailer struct {
	opts     MailerOptions
	newCli   func() (*mail.Client, error)
	location *time.Location
	idDomain string // right-hand side of Message-IDs: the sender's domain
}

// SendSummary is what one SendDue did.
type SendSummary struct {
	Sent, Failed, Deferred, Recorded int
	// Canceled counts at-risk reminders whose day ended before they could be sent (the
	// day's final result, short or met, replaces them), and shortfalls and escalations
	// whose period was no longer short when they were due.
	Canceled int
}

// dropStale cancels at-risk reminders for a day that is already over, so nobody is told
// in the morning that "today" still lacks a post.
func (m *Mailer) dropStale(ctx context.Context, due []models.Alert, now time.Time) ([]models.Alert, int, error) {
	today := models.LocalDay(now, m.location)
	keep := due[:0:0]
	n := 0
	var errs []error
	for _, a := range due {
		if a.Type == models.AlertAtRisk && a.Period != "" && a.Period < today {
			a.Status = models.AlertCanceled
			a.LastError = "Ngày " + dayVN(a.Period) + " đã kết thúc; kết quả của ngày thay cho thư nhắc"
			errs = append(errs, m.opts.Store.UpdateAlert(ctx, a))
			n++
			continue
		}
		keep = append(keep, a)
	}
	return keep, n, errors.Join(errs...)
}

// dropResolved cancels the shortfall and escalation mails whose period is no longer short
// now (Reevaluate): nobody is told of a shortfall a late post has already made good. An
// alert whose period cannot be evaluated again is sent as it was recorded.
func (m *Mailer) dropResolved(ctx context.Context, due []models.Alert) ([]models.Alert, int, error) {
	if m.opts.Reevaluate == nil {
		return due, 0, nil
	}
	rechecked := func(a models.Alert) bool {
		return (a.Type == models.AlertDailyShort || a.Type == models.AlertWeeklyShort || a.Type == models.AlertEscalation ||
			a.Type == models.AlertAtRisk) && a.Period != ""
	}
	if m.opts.Refresh != nil {
		var codes []string
		for _, a := range due {
			if rechecked(a) && !slices.Contains(codes, a.UnitCode) {
				codes = append(codes, a.UnitCode)
			}
		}
		if len(codes) > 0 {
			if err := m.opts.Refresh(ctx, codes); err != nil {
				m.opts.Log.Warn("feeds not read before shortfall mails were checked again", slog.Int("units", len(codes)), slog.Any("error", err))
			}
		}
	}
	keep := due[:0:0]
	n := 0
	var errs []error
	for _, a := range due {
		if !rechecked(a) {
			keep = append(keep, a)
			continue
		}
		pk := models.PeriodKindOf(a.Period)
		evals, err := m.opts.Reevaluate(ctx, a.UnitCode, a.Period)
		runBroken := false
		if err == nil && a.Type == models.AlertEscalation {
			// The run it tells of: every one of its periods must still be short.
			var short bool
			if short, err = m.runStillShort(ctx, a, pk); err == nil {
				runBroken = !short
			}
		}
		if err != nil {
			m.opts.Log.Warn("shortfall not checked again before its mail", slog.String("alert_id", a.ID),
				slog.String("unit", a.UnitCode), slog.String("period", a.Period), slog.Any("error", err))
			keep = append(keep, a)
			continue
		}
		still := false
		var now []string
		for _, e := range evals {
			if e.PeriodKind == pk && binding(e.Level, e.Obligatory) {
				now = append(now, targetVN(e.Target)+": "+strings.ToLower(e.Status.Label()))
				if a.Type == models.AlertAtRisk { // today, still open: a reminder stands while a quota is at risk
					still = still || e.Status == models.StatusAtRisk
				} else {
					still = still || alertable(e, pk)
				}
			}
		}
		if still && !runBroken {
			keep = append(keep, a)
			continue
		}
		a.Status = models.AlertCanceled
		// Shown on the alerts page: in Vietnamese.
		when := "ngày " + dayVN(a.Period)
		if pk == models.PeriodWeek {
			when = weekVN(a.Period)
		}
		a.LastError = "Không gửi: đến giờ gửi, " + when + " không còn chưa đạt (" + strings.Join(now, "; ") + ")"
		switch {
		case a.Type == models.AlertAtRisk:
			a.LastError = "Không gửi: đến giờ gửi, " + when + " đã đạt (" + strings.Join(now, "; ") + ")"
		case still && runBroken:
			a.LastError = "Không gửi: đến giờ gửi, một kỳ trước " + when + " của chuỗi không còn chưa đạt"
		}
		errs = append(errs, m.opts.Store.UpdateAlert(ctx, a))
		n++
	}
	return keep, n, errors.Join(errs...)
}

// runStillShort reports whether every period of the run an escalation tells of, before
// its last one, is still short (the last is checked by the caller).
func (m *Mailer) runStillShort(ctx context.Context, a models.Alert, pk models.PeriodKind) (bool, error) {
	n := m.opts.EscalateDays
	if pk == models.PeriodWeek {
		n = m.opts.EscalateWeeks
	}
	if n <= 0 {
		n = map[models.PeriodKind]int{models.PeriodDay: 3, models.PeriodWeek: 2}[pk]
	}
	period := a.Period
	for i := 1; i < n; i++ {
		p, err := previous(pk, period)
		if err != nil {
			return false, err
		}
		period = p
		evals, err := m.opts.Reevaluate(ctx, a.UnitCode, period)
		if err != nil {
			return false, err
		}
		if !slices.ContainsFunc(evals, func(e models.Evaluation) bool { return alertable(e, pk) }) {
			return false, nil
		}
	}
	return true, nil
}

// NewMailer validates the SMTP URL and builds the sender.
func NewMailer(o MailerOptions) (*Mailer, error) {
	if o.Store == nil {
		return nil, errors.New("alerts: mailer needs a store")
	}
	if o.Clock == nil {
		o.Clock = models.SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 20
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Minute
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = time.Hour
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	m := &Mailer{opts: o, location: models.Vietnam}
	if o.SMTPURL == "" {
		o.Log.Info("mail is off (TINTOT_SMTP_URL not set): alerts are recorded, not sent")
		return m, nil
	}
	u, err := url.Parse(o.SMTPURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("alerts: TINTOT_SMTP_URL is not a URL")
	}
	opts := []mail.Option{mail.WithTimeout(o.Timeout)}
	port := 587
	switch u.Scheme {
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	case "smtp":
		switch u.Query().Get("tls") {
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		case "mandatory":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		default:
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		}
	default:
		return nil, fmt.Errorf("alerts: TINTOT_SMTP_URL scheme %q: use smtp:// or smtps://", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("alerts: TINTOT_SMTP_URL port %q", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	if o.From == "" {
		return nil, errors.New("alerts: TINTOT_MAIL_FROM is empty: mail needs a sender address")
	}
	if err := mail.NewMsg().From(o.From); err != nil {
		return nil, fmt.Errorf("alerts: TINTOT_MAIL_FROM %q is not an address: %w", o.From, err)
	}
	m.idDomain = "tintot.invalid"
	if a, err := netmail.ParseAddress(o.From); err == nil {
		if _, dom, ok := strings.Cut(a.Address, "@"); ok && dom != "" {
			m.idDomain = dom
		}
	}
	host := u.Hostname()
	if _, err := mail.NewClient(host, opts...); err != nil {
		return nil, fmt.Errorf("alerts: TINTOT_SMTP_URL: %w", err)
	}
	m.newCli = func() (*mail.Client, error) { return mail.NewClient(host, opts...) }
	return m, nil
}

// Enabled reports whether SMTP is configured.
func (m *Mailer) Enabled() bool { return m.newCli != nil }

// quietUntil returns the end of quiet hours if t is inside them.
func (m *Mailer) quietUntil(t time.Time) (time.Time, bool) {
	qs, qe := m.opts.QuietStart, m.opts.QuietEnd
	if qs == qe {
		return time.Time{}, false
	}
	lt := t.In(m.location)
	h := lt.Hour()
	inside := (qs < qe && h >= qs && h < qe) || (qs > qe && (h >= qs || h < qe))
	if !inside {
		return time.Time{}, false
	}
	end := time.Date(lt.Year(), lt.Month(), lt.Day(), qe, 0, 0, 0, m.location)
	if !end.After(lt) {
		end = end.AddDate(0, 0, 1)
	}
	return end, true
}

// SendDue sends the alerts whose time has come, batch after batch until none is due.
// Without SMTP they are marked recorded. Every alert ends the call sent, recorded,
// deferred (quiet hours), canceled (a stale at-risk reminder), failed for good after
// MaxAttempts, or pending with a later NextTryAt: nothing is dropped.
func (m *Mailer) SendDue(ctx context.Context) (SendSummary, error) {
	var sum SendSummary
	seen := map[string]bool{}
	for range maxBatches {
		n, err := m.sendBatch(ctx, &sum, seen)
		if err != nil || n < batchSize || ctx.Err() != nil {
			return sum, err
		}
	}
	return sum, nil
}

const (
	batchSize  = 100
	maxBatches = 100 // one call handles at most 10,000 alerts; the next call goes on
)

// sendBatch handles one batch of due alerts. An alert already handled in this SendDue
// (its retry time came meanwhile, or its update did not stick) waits for the next call
// rather than being tried twice in one.
func (m *Mailer) sendBatch(ctx context.Context, sum *SendSummary, seen map[string]bool) (int, error) {
	now := m.opts.Clock.Now()
	due, err := m.opts.Store.DueAlerts(ctx, now, batchSize)
	if err != nil {
		return 0, fmt.Errorf("alerts: %w", err)
	}
	n := len(due)
	fresh := due[:0]
	for _, a := range due {
		if !seen[a.ID] {
			seen[a.ID] = true
			fresh = append(fresh, a)
		}
	}
	if due = fresh; len(due) == 0 {
		return 0, nil // only alerts handled already (retry time reached meanwhile): next call
	}
	if n == 0 {
		return 0, nil
	}
	if !m.Enabled() {
		var errs []error
		for _, a := range due {
			a.Status = models.AlertNoMail
			errs = append(errs, m.opts.Store.UpdateAlert(ctx, a))
			sum.Recorded++
		}
		return n, errors.Join(errs...)
	}
	due, canceled, err := m.dropStale(ctx, due, now)
	sum.Canceled += canceled
	if err != nil {
		return n, err
	}
	if end, quiet := m.quietUntil(now); quiet {
		var errs []error
		for _, a := range due {
			a.NextTryAt = end.UTC()
			errs = append(errs, m.opts.Store.UpdateAlert(ctx, a))
			sum.Deferred++
		}
		return n, errors.Join(errs...)
	}
	due, canceled, err = m.dropResolved(ctx, due)
	sum.Canceled += canceled
	if err != nil {
		return n, err
	}
	conn := &session{m: m}
	defer conn.close()
	var errs []error
	for _, a := range due {
		if ctx.Err() != nil {
			break
		}
		err := conn.send(ctx, a)
		a.Attempts++
		if err == nil {
			sent := m.opts.Clock.Now().UTC()
			a.Status, a.SentAt, a.LastError = models.AlertSent, &sent, ""
			sum.Sent++
		} else {
			a.LastError = err.Error()
			if a.Attempts >= m.opts.MaxAttempts {
				a.Status = models.AlertFailed
			} else {
				backoff := m.opts.BackoffBase << min(a.Attempts-1, 20)
				if backoff > m.opts.BackoffMax || backoff <= 0 {
					backoff = m.opts.BackoffMax
				}
				a.NextTryAt = now.Add(backoff).UTC()
			}
			sum.Failed++
			m.opts.Log.Warn("mail not sent", slog.String("alert_id", a.ID), slog.String("type", string(a.Type)),
				slog.String("unit", a.UnitCode), slog.Int("attempts", a.Attempts), slog.Any("error", err))
		}
		if uerr := m.opts.Store.UpdateAlert(ctx, a); uerr != nil {
			errs = append(errs, fmt.Errorf("alerts: %w", uerr))
		}
	}
	return n, errors.Join(errs...)
}

// session is one SMTP connection shared by a batch. When the server cannot be reached,
// the rest of the batch fails with the same error instead of waiting for a timeout each.
type session struct {
	m       *Mailer
	cli     *mail.Client
	sc      *smtp.Client
	dialErr error
}

func (s *session) send(ctx context.Context, a models.Alert) error {
	msg, err := s.m.message(ctx, a)
	if err != nil {
		return err
	}
	if s.dialErr != nil {
		return s.dialErr
	}
	if s.sc == nil {
		if s.cli, err = s.m.newCli(); err != nil {
			s.dialErr = err
			return err
		}
		if s.sc, err = s.cli.DialToSMTPClientWithContext(ctx); err != nil {
			s.dialErr = fmt.Errorf("dial failed: %w", err)
			return s.dialErr
		}
	}
	if err := s.cli.SendWithSMTPClient(s.sc, msg); err != nil {
		s.close() // a fresh connection for the next message
		return err
	}
	return nil
}

func (s *session) close() {
	if s.sc != nil {
		_ = s.cli.CloseWithSMTPClient(s.sc)
		s.sc = nil
	}
}

// message builds the MIME message of an alert: text and HTML alternatives, the
// Vietnamese subject (encoded by go-mail) and the attachment if the alert names one.
//
// The Message-ID is derived from the alert's ID, so the rare second delivery of one
// alert (the send went through but recording it failed, so it is tried again) carries
// the same Message-ID as the first and mail systems that deduplicate show it once.
// Auto-Submitted keeps vacation auto-replies away from the sender address.
func (m *Mailer) message(ctx context.Context, a models.Alert) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.opts.From); err != nil {
		return nil, fmt.Errorf("sender %q: %w", m.opts.From, err)
	}
	if err := msg.To(a.Recipients...); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	msg.Subject(a.Subject)
	msg.SetMessageIDWithValue("alert." + a.ID + "@" + m.idDomain)
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetDateWithValue(m.opts.Clock.Now().In(models.Vietnam)) // the service's clock, in the readers' zone
	msg.SetBodyString(mail.TypeTextPlain, a.BodyText)
	if a.BodyHTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, a.BodyHTML)
	}
	if a.Attachment != "" && m.opts.Attachment != nil {
		name, data, err := m.opts.Attachment(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("attachment: %w", err)
		}
		if err := msg.AttachReader(name, bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("attachment: %w", err)
		}
	}
	return msg, nil
}

// DigestAttachment renders a review as the digest's XLSX attachment.
func DigestAttachment(r models.Review) (string, []byte, error) {
	var buf bytes.Buffer
	if err := report.WriteXLSX(&buf, r); err != nil {
		return "", nil, err
	}
	return digestName(r), buf.Bytes(), nil
}
