package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

// Service records alerts in the outbox from statuses the quota engine computed.
type Service struct {
	Store         store.Store
	Clock         models.Clock
	BaseURL       string
	EscalateDays  int // consecutive short days before the parent is told (default 3)
	EscalateWeeks int // consecutive short weeks before the parent is told (default 2)
	Log           *slog.Logger
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

func (s *Service) unitLink(code string) string {
	return s.BaseURL + "/units/" + url.PathEscape(code)
}

func (s *Service) reviewLink(week, parent string) string {
	return s.BaseURL + "/review?week=" + url.QueryEscape(week) + "&parent=" + url.QueryEscape(parent)
}

// enqueue renders the mail and writes the alert unless its dedup key exists.
func (s *Service) enqueue(ctx context.Context, a models.Alert, m Mail) error {
	text, html, err := m.Render()
	if err != nil {
		return err
	}
	now := s.Clock.Now().UTC().Truncate(time.Millisecond)
	a.Subject = m.Subject
	a.BodyText = text
	a.BodyHTML = html
	a.CreatedAt = now
	a.NextTryAt = now
	a.Status = models.AlertPending
	if len(a.Recipients) == 0 {
		a.Status = models.AlertNoMail
	}
	if a.DedupKey == "" {
		a.DedupKey = models.AlertDedupKey(a.Type, a.UnitCode, a.Period, a.Level)
	}
	stored, created, err := s.Store.EnqueueAlert(ctx, a)
	if err != nil {
		return fmt.Errorf("alerts: unable to enqueue %s: %w", a.DedupKey, err)
	}
	if created {
		s.log().Info("alert recorded", slog.String("type", string(a.Type)), slog.String("unit", a.UnitCode), slog.String("period", a.Period), slog.String("id", stored.ID))
	}
	return nil
}

func dayVN(day string) string { return models.DayText(day) }

func weekVN(week string) string { return models.WeekText(week) }

func kindsVN(ks []models.Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = strings.ToLower(k.Label())
	}
	return strings.Join(parts, " hoặc ")
}

// binding reports whether a level is an obligation in its period: the baseline always,
// the 2030 target once in force (obligatory).
func binding(lvl models.Level, obligatory bool) bool {
	return lvl == models.LevelBaseline || obligatory
}

// strictestDaily returns, for each daily target of sts, the status of its strictest
// obligatory level, in the order of sts.
func strictestDaily(sts []models.PeriodStatus) []models.PeriodStatus {
	var out []models.PeriodStatus
	at := map[string]int{}
	for _, ps := range sts {
		if ps.PeriodKind != models.PeriodDay || !binding(ps.Level, ps.Obligatory) {
			continue
		}
		if i, ok := at[ps.Target]; ok {
			if ps.Required > out[i].Required {
				out[i] = ps
			}
			continue
		}
		at[ps.Target] = len(out)
		out = append(out, ps)
	}
	return out
}

func hoursLeft(d time.Duration) string {
	if d <= 0 {
		return "đã hết giờ"
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h == 0 {
		return fmt.Sprintf("%d phút", m)
	}
	return fmt.Sprintf("%d giờ %d phút", h, m)
}

// AtRisk records the afternoon reminder for each unit whose daily obligation (the
// baseline; from its effective date the 2030 target, the stricter) is not met yet.
func (s *Service) AtRisk(ctx context.Context, day string, reports []models.UnitStatusReport, units map[string]models.Unit) error {
	var errs []error
	for _, r := range reports {
		var lines []string
		for _, ps := range strictestDaily(r.Day) {
			if ps.Status != models.StatusAtRisk {
				continue
			}
			lines = append(lines, fmt.Sprintf("Chỉ tiêu %s: đã có %d/%d bài, còn thiếu %d; còn %s đến hết ngày.",
				kindsVN(ps.Kinds), ps.Actual, ps.Required, ps.Missing, hoursLeft(ps.TimeLeft)))
		}
		if len(lines) == 0 {
			continue
		}
		u := r.Unit
		m := Mail{
			Subject:    fmt.Sprintf("[Nhắc việc] %s chưa đủ tin tốt hôm nay (%s)", u.Name, dayVN(day)),
			Greeting:   "Kính gửi Ban Chấp hành " + u.Name + ",",
			Paragraphs: append([]string{"Đến thời điểm này, hệ thống chưa ghi nhận đủ bài đăng của đơn vị trong ngày " + dayVN(day) + "."}, append(lines, "Nếu đơn vị đã đăng hoặc chia sẻ bài mà hệ thống chưa thấy, có thể nộp đường dẫn bài viết trên trang tổng quan.")...),
			Link:       s.unitLink(u.Code),
			LinkText:   "Xem trang tổng quan của đơn vị",
		}
		errs = append(errs, s.enqueue(ctx, models.Alert{Type: models.AlertAtRisk, UnitCode: u.Code, Period: day, Level: models.LevelBaseline, Recipients: u.Emails}, m))
	}
	return errors.Join(errs...)
}

// alertable reports whether an evaluation is a shortfall of an obligation (the baseline,
// or the 2030 target once in force) of period kind pk that may cause an alert or count
// toward an escalation: a retroactive one (the period began before tintot first read the
// unit) never does.
func alertable(e models.Evaluation, pk models.PeriodKind) bool {
	return e.PeriodKind == pk && binding(e.Level, e.Obligatory) && e.Status == models.StatusShort && !e.Retroactive
}

// shortByUnit groups, by unit, the shortfalls of each target's strictest obligation
// (from 2030 a commune owes two good news a day: "1/2", not also the baseline's "0/1").
func shortByUnit(evals []models.Evaluation, pk models.PeriodKind) map[string][]models.Evaluation {
	strictest := map[[2]string]models.Evaluation{}
	var order [][2]string
	for _, e := range evals {
		if e.PeriodKind != pk || !binding(e.Level, e.Obligatory) {
			continue
		}
		k := [2]string{e.UnitCode, e.Target}
		prev, seen := strictest[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || e.Required > prev.Required {
			strictest[k] = e
		}
	}
	out := map[string][]models.Evaluation{}
	for _, k := range order {
		if e := strictest[k]; alertable(e, pk) {
			out[e.UnitCode] = append(out[e.UnitCode], e)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DailyShort records the shortfall of a closed day for each unit whose baseline daily quota
// was not met, and an escalation to the parent after EscalateDays consecutive short days.
func (s *Service) DailyShort(ctx context.Context, day string, evals []models.Evaluation, units map[string]models.Unit) error {
	n := s.EscalateDays
	if n <= 0 {
		n = 3
	}
	return s.shortfalls(ctx, models.AlertDailyShort, models.PeriodDay, day, n, evals, units, func(u models.Unit, lines []string) Mail {
		return Mail{
			Subject: fmt.Sprintf("[Chưa đạt] %s chưa đạt chỉ tiêu ngày %s", u.Name, dayVN(day)),
			Paragraphs: append([]string{"Ngày " + dayVN(day) + " đơn vị chưa đạt chỉ tiêu của chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\":"},
				append(lines, "Bài đăng muộn của ngày này vẫn được tính khi hệ thống ghi nhận; khi đó kết quả sẽ được điều chỉnh và đơn vị nhận thư thông báo.")...),
		}
	})
}

// WeeklyShort records the shortfall of a closed week for each unit whose baseline weekly
// quota was not met, and an escalation after EscalateWeeks consecutive short weeks.
func (s *Service) WeeklyShort(ctx context.Context, week string, evals []models.Evaluation, units map[string]models.Unit) error {
	n := s.EscalateWeeks
	if n <= 0 {
		n = 2
	}
	return s.shortfalls(ctx, models.AlertWeeklyShort, models.PeriodWeek, week, n, evals, units, func(u models.Unit, lines []string) Mail {
		return Mail{
			Subject:    fmt.Sprintf("[Chưa đạt] %s chưa đạt chỉ tiêu %s", u.Name, weekVN(week)),
			Paragraphs: append([]string{"Trong " + weekVN(week) + " đơn vị chưa đạt chỉ tiêu tuần:"}, lines...),
		}
	})
}

// shortfalls records one shortfall alert per unit short in the period (the mail's subject
// and opening come from compose, given the per-target lines) and escalates to the parent
// after n consecutive short periods.
func (s *Service) shortfalls(ctx context.Context, typ models.AlertType, pk models.PeriodKind, period string, n int,
	evals []models.Evaluation, units map[string]models.Unit, compose func(u models.Unit, lines []string) Mail) error {
	var errs []error
	short := shortByUnit(evals, pk)
	codes := sortedKeys(short)
	periods, hist, herr := s.shortHistory(ctx, codes, pk, period, n)
	errs = append(errs, herr)
	for _, code := range codes {
		u, ok := units[code]
		if !ok {
			s.log().Warn("shortfall of an unknown unit not alerted", slog.String("unit", code))
			continue
		}
		var lines []string
		for _, e := range short[code] {
			lines = append(lines, fmt.Sprintf("%s: %d/%d bài.", targetVN(e.Target), e.Actual, e.Required))
		}
		m := compose(u, lines)
		m.Greeting = "Kính gửi Ban Chấp hành " + u.Name + ","
		m.Link, m.LinkText = s.unitLink(code), "Xem chi tiết"
		errs = append(errs, s.enqueue(ctx, models.Alert{Type: typ, UnitCode: code, Period: period, Level: models.LevelBaseline, Recipients: u.Emails}, m))
		if herr == nil {
			errs = append(errs, s.escalate(ctx, u, units, pk, periods, hist[code], n))
		}
	}
	return errors.Join(errs...)
}

// shortHistory loads, in a few queries, which of the n*4 periods up to period each unit
// was short in (baseline): history[unit][period]. The reported period counts as short.
func (s *Service) shortHistory(ctx context.Context, codes []string, pk models.PeriodKind, period string, n int) ([]string, map[string]map[string]bool, error) {
	periods := []string{period}
	for i := 1; i < 4*n; i++ {
		p, err := previous(pk, periods[len(periods)-1])
		if err != nil {
			return nil, nil, fmt.Errorf("alerts: period %q: %w", period, err)
		}
		periods = append(periods, p)
	}
	hist := map[string]map[string]bool{}
	for _, c := range codes {
		hist[c] = map[string]bool{period: true}
	}
	const chunk = 500
	for i := 0; i < len(codes); i += chunk {
		evals, err := s.Store.ListEvaluations(ctx, codes[i:min(i+chunk, len(codes))], periods)
		if err != nil {
			return nil, nil, fmt.Errorf("alerts: %w", err)
		}
		for _, e := range evals {
			if alertable(e, pk) && hist[e.UnitCode] != nil {
				hist[e.UnitCode][e.Period] = true
			}
		}
	}
	return periods, hist, nil
}

// escalate tells the parent unit when the unit has been short for exactly n, 2n, …
// consecutive periods ending at period (periods: newest first, short: from shortHistory).
func (s *Service) escalate(ctx context.Context, u models.Unit, units map[string]models.Unit, pk models.PeriodKind, periods []string, short map[string]bool, n int) error {
	parent, ok := units[u.ParentCode]
	if !ok {
		return nil
	}
	period := periods[0]
	run := 0
	for _, p := range periods {
		if !short[p] {
			break
		}
		run++
	}
	// Tell the parent at n, 2n, 3n… consecutive misses. A run as long as the whole look-back
	// is not counted precisely any more: stay silent rather than repeat every period.
	if run == 0 || run%n != 0 || run >= len(periods) {
		return nil
	}
	what := fmt.Sprintf("%d ngày liên tiếp (đến hết ngày %s)", run, dayVN(period))
	if pk == models.PeriodWeek {
		what = fmt.Sprintf("%d tuần liên tiếp (đến hết %s)", run, weekVN(period))
	}
	m := Mail{
		Subject:  fmt.Sprintf("[Báo cáo cấp trên] %s chưa đạt chỉ tiêu %s", u.Name, what),
		Greeting: "Kính gửi Ban Chấp hành " + parent.Name + ",",
		Paragraphs: []string{
			fmt.Sprintf("Đơn vị trực thuộc %s (mã %s) chưa đạt chỉ tiêu chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\" %s.", u.Name, u.Code, what),
			"Đề nghị đồng chí phụ trách đôn đốc, hỗ trợ đơn vị.",
		},
		Link:     s.unitLink(u.Code),
		LinkText: "Xem trang tổng quan của đơn vị",
	}
	return s.enqueue(ctx, models.Alert{Type: models.AlertEscalation, UnitCode: u.Code, Period: period, Level: models.LevelBaseline, Recipients: parent.Emails}, m)
}

func previous(pk models.PeriodKind, period string) (string, error) {
	if pk == models.PeriodWeek {
		start, err := models.WeekStart(period, models.Vietnam)
		if err != nil {
			return "", err
		}
		return models.ISOWeek(start.AddDate(0, 0, -7), models.Vietnam), nil
	}
	start, err := models.DayStart(period, models.Vietnam)
	if err != nil {
		return "", err
	}
	return start.AddDate(0, 0, -1).Format(models.DayLayout), nil
}

// Corrections tells a unit that a period reported short is now met (a post was found
// late). Only periods whose shortfall mail went out get a correction notice, and only
// once no obligation of the period is short any more: the strictest level of each target
// (from 2030 the baseline met at 1/1 while the target is still 1/2 is no "đạt").
func (s *Service) Corrections(ctx context.Context, corrections []models.Correction, units map[string]models.Unit) error {
	type key struct{ unit, period string }
	var order []key
	met := map[key][]models.Correction{}
	for _, c := range corrections {
		if c.OldStatus != models.StatusShort || c.NewStatus != models.StatusMet {
			continue
		}
		k := key{c.UnitCode, c.Period}
		if _, ok := met[k]; !ok {
			order = append(order, k)
		}
		met[k] = append(met[k], c)
	}
	var errs []error
	for _, k := range order {
		u, ok := units[k.unit]
		if !ok {
			continue
		}
		typ, pk := models.AlertDailyShort, models.PeriodKindOf(k.period)
		when := "ngày " + dayVN(k.period)
		if pk == models.PeriodWeek {
			typ = models.AlertWeeklyShort
			when = weekVN(k.period)
		}
		sent, err := s.Store.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{k.unit}, Types: []models.AlertType{typ}})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// Only a shortfall that was mailed (or recorded, mail being off) is corrected: one
		// canceled before it went, or still waiting, was never read as a shortfall.
		reported := false
		for _, a := range sent {
			if a.Period == k.period && (a.Status == models.AlertSent || a.Status == models.AlertNoMail) {
				reported = true
			}
		}
		if !reported {
			continue
		}
		// The period's evaluations as saved by the close that found the late posts.
		evals, err := s.Store.ListEvaluations(ctx, []string{k.unit}, []string{k.period})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(shortByUnit(evals, pk)[k.unit]) > 0 {
			continue // an obligation of the period is still short
		}
		// The message names the corrected level that is an obligation (the strictest).
		duty := map[[2]string]int{}
		for _, e := range evals {
			if binding(e.Level, e.Obligatory) {
				duty[[2]string{e.Target, string(e.Level)}] = e.Required
			}
		}
		c := met[k][0]
		best := -1
		for _, x := range met[k] {
			if r, ok := duty[[2]string{x.Target, string(x.Level)}]; ok && r > best {
				c, best = x, r
			}
		}
		m := Mail{
			Subject:  fmt.Sprintf("[Điều chỉnh] %s đã đạt chỉ tiêu %s", u.Name, when),
			Greeting: "Kính gửi Ban Chấp hành " + u.Name + ",",
			Paragraphs: []string{
				fmt.Sprintf("Hệ thống vừa ghi nhận bài đăng muộn của %s. Kết quả được điều chỉnh từ \"%s\" thành \"%s\" (%s: %d bài).",
					when, c.OldStatus.Label(), c.NewStatus.Label(), targetVN(c.Target), c.NewActual),
				"Thư báo chưa đạt trước đó không còn hiệu lực.",
			},
			Link:     s.unitLink(u.Code),
			LinkText: "Xem chi tiết",
		}
		errs = append(errs, s.enqueue(ctx, models.Alert{Type: models.AlertCorrection, UnitCode: u.Code, Period: k.period, Level: models.LevelBaseline, Recipients: u.Emails}, m))
	}
	return errors.Join(errs...)
}

// Digest records the weekly review for the parent's reviewers: a summary in the body and
// the full review as an XLSX attachment rendered at send time.
func (s *Service) Digest(ctx context.Context, parent models.Unit, r models.Review) error {
	if len(r.Rows) == 0 {
		return nil
	}
	t := &Table{Header: []string{"Ngày", "Đạt", "Không đạt", "Không xác định", "Tỷ lệ đạt"}}
	for _, d := range r.DaySummary {
		t.Rows = append(t.Rows, []string{dayVN(d.Day), fmt.Sprint(d.Met), fmt.Sprint(d.Short), fmt.Sprint(d.Unknown), d.ShareText()})
	}
	paras := []string{fmt.Sprintf("Tổng hợp kết quả chiến dịch \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\" %s của %d đơn vị trực thuộc.", weekVN(r.Week), len(r.Rows))}
	for _, ts := range r.WeekSummary {
		if ts.Level != models.LevelBaseline {
			continue
		}
		paras = append(paras, fmt.Sprintf("%s: %d đơn vị đạt, %d chưa đạt, %d không xác định (tỷ lệ đạt %s).", targetVN(ts.Target), ts.Met, ts.Short, ts.Unknown, ts.ShareText()))
	}
	if line := coverageLine(r.ChannelCoverage); line != "" {
		paras = append(paras, line)
	}
	// The units to urge: the weakest of those with a daily target that tintot could see
	// (an unseen unit is no unit seen to miss), with their days met of the days judged.
	var weakest []string
	for i := len(r.Rows) - 1; i >= 0 && len(weakest) < 10; i-- {
		row := r.Rows[i]
		if !row.HasDaily || row.Unranked() {
			continue
		}
		if n := row.DaysApplied(); row.DaysMet[models.LevelBaseline] < n {
			weakest = append(weakest, fmt.Sprintf("%s (%s ngày đạt)", row.Unit.Name, row.DaysMetText()))
		}
	}
	if len(weakest) > 0 {
		paras = append(paras, "Các đơn vị cần đôn đốc: "+strings.Join(weakest, "; ")+".")
	}
	paras = append(paras, "Bảng tổng hợp đầy đủ được đính kèm (tệp Excel).")
	m := Mail{
		Subject:    fmt.Sprintf("[Tổng hợp tuần] %s — %s", parent.Name, weekVN(r.Week)),
		Greeting:   "Kính gửi Ban Thường vụ " + parent.Name + ",",
		Paragraphs: paras,
		Table:      t,
		Link:       s.reviewLink(r.Week, parent.Code),
		LinkText:   "Mở bảng tổng hợp tuần",
	}
	return s.enqueue(ctx, models.Alert{Type: models.AlertWeeklyDigest, UnitCode: parent.Code, Period: r.Week, Recipients: parent.Emails, Attachment: digestName(r)}, m)
}

// coverageLine is the digest's sentence on channel coverage ("" when there is nothing to
// say): the share of commune-level units, schools and offices with a working channel,
// against 80 % (2025) and 100 % (2030).
func coverageLine(c *models.ChannelCoverage) string {
	if c == nil || c.Units == 0 {
		return ""
	}
	verdict := "chưa đạt mức 80% (năm 2025)"
	switch {
	case c.MeetsTarget():
		verdict = "đạt mức 100% (năm 2030)"
	case c.MeetsBaseline():
		verdict = "đạt mức 80% (năm 2025), chưa đạt mức 100% (năm 2030)"
	}
	return fmt.Sprintf("Kênh thông tin: %d/%d đơn vị cấp xã, trường học, cơ quan có kênh hoạt động trong 7 ngày qua (%.0f%%), %s.",
		c.Working, c.Units, c.Share*100, verdict)
}

func digestName(r models.Review) string {
	return "tong-hop-" + r.Week + "-" + r.Parent + ".xlsx"
}

// FeedStateChanged records "feed broken" when a feed becomes broken, and "feed recovered"
// when a feed whose breakage was reported works again. Neither is a quota failure.
func (s *Service) FeedStateChanged(ctx context.Context, f models.Feed, u models.Unit, old, cur models.FeedState) error {
	switch {
	case cur == models.FeedBroken && old != models.FeedBroken:
		since := s.Clock.Now()
		if f.FailingSince != nil {
			since = *f.FailingSince
		}
		episode := f.ID + "@" + since.UTC().Format(time.RFC3339)
		m := Mail{
			Subject:  fmt.Sprintf("[Nguồn tin lỗi] Không đọc được trang tin của %s", u.Name),
			Greeting: "Kính gửi Ban Chấp hành " + u.Name + ",",
			Paragraphs: []string{
				fmt.Sprintf("Từ %s hệ thống không đọc được nguồn tin %s.", since.In(models.Vietnam).Format("15:04 ngày 02/01/2006"), f.URL),
				"Lý do: " + orDash(f.LastError) + ".",
				"Đây KHÔNG phải là đơn vị chưa đạt chỉ tiêu: trong thời gian nguồn tin lỗi, các ngày không thấy bài được ghi \"không xác định\". Bài đăng trong thời gian này sẽ được tính khi nguồn tin hoạt động lại.",
				"Đề nghị kiểm tra lại địa chỉ nguồn tin, hoặc nộp bài thủ công trên trang tổng quan.",
			},
			Link:     s.unitLink(u.Code),
			LinkText: "Xem tình trạng nguồn tin",
		}
		return s.enqueue(ctx, models.Alert{Type: models.AlertFeedBroken, UnitCode: u.Code, Period: models.LocalDay(since, models.Vietnam),
			DedupKey: models.AlertDedupKey(models.AlertFeedBroken, u.Code, episode, ""), Recipients: u.Emails}, m)
	case cur == models.FeedOK && old != models.FeedOK && old != "":
		broken, err := s.Store.ListAlerts(ctx, store.AlertFilter{UnitCodes: []string{u.Code}, Types: []models.AlertType{models.AlertFeedBroken}})
		if err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		prefix := models.AlertDedupKey(models.AlertFeedBroken, u.Code, f.ID+"@", "")
		prefix = strings.TrimSuffix(prefix, "|")
		for _, b := range broken { // newest first
			if !strings.HasPrefix(b.DedupKey, prefix) {
				continue
			}
			episode := strings.TrimSuffix(strings.TrimPrefix(b.DedupKey, string(models.AlertFeedBroken)+"|"+u.Code+"|"), "|")
			m := Mail{
				Subject:  fmt.Sprintf("[Nguồn tin hoạt động lại] Trang tin của %s đã đọc được", u.Name),
				Greeting: "Kính gửi Ban Chấp hành " + u.Name + ",",
				Paragraphs: []string{
					fmt.Sprintf("Nguồn tin %s đã hoạt động trở lại lúc %s.", f.URL, s.Clock.Now().In(models.Vietnam).Format("15:04 ngày 02/01/2006")),
					"Các bài đăng trong thời gian nguồn tin lỗi đã được ghi nhận theo đúng ngày đăng.",
				},
				Link:     s.unitLink(u.Code),
				LinkText: "Xem trang tổng quan của đơn vị",
			}
			return s.enqueue(ctx, models.Alert{Type: models.AlertFeedRecovered, UnitCode: u.Code, Period: models.LocalDay(s.Clock.Now(), models.Vietnam),
				DedupKey: models.AlertDedupKey(models.AlertFeedRecovered, u.Code, episode, ""), Recipients: u.Emails}, m)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "không rõ"
	}
	return s
}

// targetVN names a policy target in Vietnamese.
func targetVN(name string) string {
	switch {
	case strings.Contains(name, "ideology"):
		return "Bài đấu tranh phản bác"
	case strings.Contains(name, "story"):
		return "Câu chuyện đẹp"
	case strings.Contains(name, "good_news"):
		return "Tin tốt"
	}
	return name
}
