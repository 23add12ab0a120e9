package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/classify"
	"tintot/models"
	"tintot/registry"
	"tintot/store"
)

// feedRow is one feed with its unit's name.
type feedRow struct {
	models.Feed
	UnitName string
}

// unitNames maps the codes in scope to unit names (all units for an admin).
func (s *server) unitNames(c *fiber.Ctx, sc Scope) (map[string]string, []models.Unit, error) {
	f := store.UnitFilter{}
	if !sc.All {
		if sc.Empty() {
			return map[string]string{}, nil, nil
		}
		f.Codes = sc.List()
	}
	units, err := s.Store.ListUnits(c.UserContext(), f)
	if err != nil {
		return nil, nil, errorf("unable to list units: %w", err)
	}
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.Code] = u.Name
	}
	return names, units, nil
}

// feedStateOrder puts broken feeds first, then failing, then healthy ones.
var feedStateOrder = map[models.FeedState]int{models.FeedBroken: 0, models.FeedFailing: 1, models.FeedOK: 3}

// feedsPage is GET /feeds?state=: the health of the feeds in scope, worst first.
func (s *server) feedsPage(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	names, _, err := s.unitNames(c, sc)
	if err != nil {
		return err
	}
	f := store.FeedFilter{}
	state := models.FeedState(c.Query("state"))
	if state != "" {
		if _, ok := feedStateOrder[state]; !ok {
			return badField("state", fmt.Sprintf("Trạng thái nguồn tin không hợp lệ: %q (ok, failing, broken)", state))
		}
		f.States = []models.FeedState{state}
	}
	var rows []feedRow
	if !sc.Empty() {
		if !sc.All {
			f.UnitCodes = sc.List()
		}
		feeds, err := s.Store.ListFeeds(c.UserContext(), f)
		if err != nil {
			return errorf("unable to list feeds: %w", err)
		}
		for _, fd := range feeds {
			if sc.Has(fd.UnitCode) {
				rows = append(rows, feedRow{Feed: fd, UnitName: names[fd.UnitCode]})
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := feedStateOrder[rows[i].State], feedStateOrder[rows[j].State]
		if rows[i].State == "" {
			a = 2
		}
		if rows[j].State == "" {
			b = 2
		}
		return a < b
	})
	counts := map[models.FeedState]int{}
	for _, r := range rows {
		counts[r.State]++
	}
	data := map[string]any{"Rows": rows, "State": string(state), "OK": counts[models.FeedOK], "Failing": counts[models.FeedFailing], "Broken": counts[models.FeedBroken]}
	return s.render(c, fiber.StatusOK, "feeds", page{Title: "Nguồn tin", Nav: "feeds", Data: data})
}

// alertTypeLabels names alert types for people.
var alertTypeLabels = map[models.AlertType]string{
	models.AlertAtRisk:        "Nhắc: hôm nay chưa đạt",
	models.AlertDailyShort:    "Không đạt chỉ tiêu ngày",
	models.AlertWeeklyShort:   "Không đạt chỉ tiêu tuần",
	models.AlertFeedBroken:    "Nguồn tin hỏng",
	models.AlertFeedRecovered: "Nguồn tin đã phục hồi",
	models.AlertEscalation:    "Báo cấp trên",
	models.AlertCorrection:    "Điều chỉnh kết quả",
	models.AlertWeeklyDigest:  "Tổng hợp tuần",
	models.AlertBulletin:      "Bản tin quý",
}

// alertStatusLabels names alert states for people.
var alertStatusLabels = map[models.AlertStatus]string{
	models.AlertPending:  "Đang chờ gửi",
	models.AlertSent:     "Đã gửi",
	models.AlertFailed:   "Gửi thất bại",
	models.AlertNoMail:   "Chỉ ghi nhận (không gửi thư)",
	models.AlertCanceled: "Đã huỷ",
}

// alertRow is one alert as the page shows it.
type alertRow struct {
	models.Alert
	UnitName    string
	TypeLabel   string
	StatusLabel string
	Addrs       []emailParts
}

// PeriodText is the alert's period as people read it: "27/11/2026", or "tuần 48
// (23/11 – 29/11/2026)".
func (r alertRow) PeriodText() string { return models.PeriodText(r.Period) }

// ErrorText is why the alert was not sent: the mailer's own reasons are Vietnamese; a
// mail server's answer is technical, and says so.
func (r alertRow) ErrorText() string {
	if r.LastError == "" || r.Status == models.AlertCanceled {
		return r.LastError
	}
	return "Lỗi gửi thư: " + r.LastError
}

// emailParts is an address split at its "@", so that a line too narrow for the whole
// address breaks it there and nowhere else first.
type emailParts struct{ Local, Domain string }

// splitEmails splits addresses at their last "@".
func splitEmails(addrs []string) []emailParts {
	out := make([]emailParts, 0, len(addrs))
	for _, a := range addrs {
		if i := strings.LastIndex(a, "@"); i > 0 {
			out = append(out, emailParts{Local: a[:i], Domain: a[i+1:]})
		} else {
			out = append(out, emailParts{Local: a})
		}
	}
	return out
}

// alertsShown is how many alerts the alerts page lists at most.
const alertsShown = 300

// alertsScan is how many alerts of a closed period the page reads before it keeps those
// created in the period (the store filters by start only).
const alertsScan = 5000

// alertsFilter is the alerts page's filters (?type=&unit=&status=&from=&to=, or
// ?week= for the days of an ISO week).
type alertsFilter struct {
	Type   models.AlertType
	Unit   string
	Status models.AlertStatus
	From   string // first local day of creation, inclusive
	To     string // last local day of creation, inclusive
}

// query is the filter as a query string, with the period replaced by from and to.
func (f alertsFilter) query(from, to string) string {
	q := url.Values{}
	if f.Type != "" {
		q.Set("type", string(f.Type))
	}
	if f.Unit != "" {
		q.Set("unit", f.Unit)
	}
	if f.Status != "" {
		q.Set("status", string(f.Status))
	}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	return q.Encode()
}

// Any reports whether any filter is set.
func (f alertsFilter) Any() bool { return f != alertsFilter{} }

// alertPreset is a quick period link of the alerts page.
type alertPreset struct {
	Label string
	URL   string
	On    bool
}

// alertsData is the alerts page's data.
type alertsData struct {
	Pending, Done []alertRow
	F             alertsFilter
	Units         []models.Unit
	Types         []models.AlertType
	Statuses      []models.AlertStatus
	TypeNames     map[models.AlertType]string
	StatusNames   map[models.AlertStatus]string
	Presets       []alertPreset
	More          bool
	Shown         int
	Err           formErr
}

// parseAlertsFilter reads the alerts page's filters; a bad value is a user error naming
// its field, and the filter returned keeps the values that were valid.
func (s *server) parseAlertsFilter(c *fiber.Ctx, sc Scope) (alertsFilter, error) {
	var f alertsFilter
	var bad error
	if t := models.AlertType(strings.TrimSpace(c.Query("type"))); t != "" {
		if contains(alertTypes, t) {
			f.Type = t
		} else {
			bad = badField("type", fmt.Sprintf("Loại cảnh báo không hợp lệ: %q", t))
		}
	}
	if st := models.AlertStatus(strings.TrimSpace(c.Query("status"))); st != "" {
		if contains(alertStatuses, st) {
			f.Status = st
		} else {
			bad = badField("status", fmt.Sprintf("Trạng thái cảnh báo không hợp lệ: %q", st))
		}
	}
	if u := strings.TrimSpace(c.Query("unit")); u != "" {
		if sc.Has(u) {
			f.Unit = u
		} else {
			bad = &userError{Status: fiber.StatusForbidden, Field: "unit", Msg: "Bạn không có quyền với đơn vị " + u}
		}
	}
	day := func(field, v string) string {
		v = strings.TrimSpace(v)
		if v == "" {
			return ""
		}
		if _, err := models.DayStart(v, s.loc); err != nil || len(v) != len(models.DayLayout) {
			bad = badField(field, fmt.Sprintf("Ngày không hợp lệ: %q (YYYY-MM-DD)", v))
			return ""
		}
		return v
	}
	if w := strings.TrimSpace(c.Query("week")); w != "" {
		days, err := models.WeekDays(w, s.loc)
		if err != nil || len(days) != 7 {
			bad = badField("week", fmt.Sprintf("Tuần không hợp lệ: %q (YYYY-Www)", w))
		} else {
			f.From, f.To = days[0], days[6]
		}
	} else {
		f.From, f.To = day("from", c.Query("from")), day("to", c.Query("to"))
		if f.From != "" && f.To != "" && f.From > f.To {
			bad = badField("to", "Ngày kết thúc phải không trước ngày bắt đầu")
			f.To = ""
		}
	}
	return f, bad
}

// alertsPage is GET /alerts: what is pending, then what was sent, to whom and when,
// filtered by type, unit, status and the days the alerts were created.
func (s *server) alertsPage(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	names, units, err := s.unitNames(c, sc)
	if err != nil {
		return err
	}
	l := langOf(c)
	d := alertsData{Units: units, Types: alertTypes, Statuses: alertStatuses, Shown: alertsShown,
		TypeNames: map[models.AlertType]string{}, StatusNames: map[models.AlertStatus]string{}}
	for t, n := range alertTypeLabels {
		d.TypeNames[t] = l.T(n)
	}
	for st, n := range alertStatusLabels {
		d.StatusNames[st] = l.T(n)
	}
	p := page{Title: "Cảnh báo", Nav: "alerts"}
	status := fiber.StatusOK
	f, ferr := s.parseAlertsFilter(c, sc)
	if ferr != nil {
		var msg, field string
		var ok bool
		if status, msg, field, ok = formError(ferr); !ok {
			return ferr
		}
		p.Error, p.Field, d.Err = msg, field, formErr{Form: "filter", Field: field, Msg: msg}
	}
	d.F = f
	today := s.today()
	now := s.now().In(s.loc)
	thisWeek := models.ISOWeek(now, s.loc)
	lastWeek := models.ISOWeek(now.AddDate(0, 0, -7), s.loc)
	for _, pr := range []struct{ label, week, from, to string }{
		{"Hôm nay", "", today, today},
		{"Tuần này", thisWeek, "", ""},
		{"Tuần trước", lastWeek, "", ""},
		{"30 ngày qua", "", models.LocalDay(now.AddDate(0, 0, -29), s.loc), today},
	} {
		from, to := pr.from, pr.to
		if pr.week != "" {
			if days, err := models.WeekDays(pr.week, s.loc); err == nil && len(days) == 7 {
				from, to = days[0], days[6]
			}
		}
		d.Presets = append(d.Presets, alertPreset{Label: l.T(pr.label), URL: "/alerts?" + f.query(from, to), On: f.From == from && f.To == to})
	}
	if !sc.Empty() {
		af := store.AlertFilter{Limit: alertsShown + 1, Status: f.Status}
		if f.Type != "" {
			af.Types = []models.AlertType{f.Type}
		}
		switch {
		case f.Unit != "":
			af.UnitCodes = []string{f.Unit}
		case !sc.All:
			af.UnitCodes = sc.List()
		}
		if f.From != "" {
			since, _ := models.DayStart(f.From, s.loc)
			af.Since = &since
		}
		var until time.Time
		if f.To != "" && f.To < today {
			t, _ := models.DayStart(f.To, s.loc)
			until = t.AddDate(0, 0, 1)
			af.Limit = alertsScan
		}
		alerts, err := s.Store.ListAlerts(c.UserContext(), af)
		if err != nil {
			return errorf("unable to list alerts: %w", err)
		}
		n := 0
		for _, a := range alerts {
			if !sc.Has(a.UnitCode) || !until.IsZero() && !a.CreatedAt.Before(until) {
				continue
			}
			if n == alertsShown {
				d.More = true
				break
			}
			n++
			r := alertRow{Alert: a, UnitName: names[a.UnitCode], TypeLabel: l.T(alertTypeLabels[a.Type]), StatusLabel: l.T(alertStatusLabels[a.Status]), Addrs: splitEmails(a.Recipients)}
			if r.TypeLabel == "" {
				r.TypeLabel = string(a.Type)
			}
			if a.Status == models.AlertPending {
				d.Pending = append(d.Pending, r)
			} else {
				d.Done = append(d.Done, r)
			}
		}
		if af.Limit == alertsScan && len(alerts) == alertsScan {
			d.More = true
		}
	}
	p.Data = d
	return s.render(c, status, "alerts", p)
}

// adminData is the admin page's data.
type adminData struct {
	Units    []models.Unit
	Names    map[string]string
	Users    []models.User
	Feeds    []feedRow
	Edit     models.Unit
	Password string // a generated password, shown once
	NewUser  string
	Import   *registry.Report
	DryRun   bool
	Model    *classify.ModelInfo // the classification model in use, if recorded
	Existing bool                // the unit form edits a stored unit
	FeedIn   feedForm            // the feed form's values, kept when it failed
	UserIn   userForm            // the user form's values (never the password), kept when it failed
	Err      formErr             // the form that failed, its field and message
}

// feedForm is what the admin's feed form sent.
type feedForm struct{ UnitCode, URL, DefaultKind string }

// userForm is what the admin's user form sent, without the password.
type userForm struct{ Email, Name, Role, UnitCode string }

// Pct formats a share as a percentage for the model figures.
func (adminData) Pct(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

// Of reads a per-kind figure.
func (adminData) Of(m map[models.Kind]float64, k string) float64 { return m[models.Kind(k)] }

// adminPage is GET /admin (admins): units, feeds, users and the registry import.
func (s *server) adminPage(c *fiber.Ctx) error {
	return s.renderAdmin(c, fiber.StatusOK, page{}, adminData{Edit: models.Unit{Code: c.Query("edit")}})
}

// renderAdmin renders the admin page with a message, a form error or an import report.
func (s *server) renderAdmin(c *fiber.Ctx, status int, p page, d adminData) error {
	ctx := c.UserContext()
	units, err := s.Store.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		return errorf("unable to list units: %w", err)
	}
	if info, ok, err := classify.LoadModelInfo(ctx, s.Store); err != nil {
		return err
	} else if ok {
		d.Model = &info
	}
	d.Units, d.Names = units, map[string]string{}
	for _, u := range units {
		d.Names[u.Code] = u.Name
		if d.Edit.Code == u.Code && d.Edit.Name == "" && d.Err.Msg == "" {
			d.Edit = u
		}
	}
	d.Existing = d.Existing || !d.Edit.CreatedAt.IsZero()
	if d.Users, err = s.Store.ListUsers(ctx); err != nil {
		return errorf("unable to list users: %w", err)
	}
	feeds, err := s.Store.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return errorf("unable to list feeds: %w", err)
	}
	for _, f := range feeds {
		d.Feeds = append(d.Feeds, feedRow{Feed: f, UnitName: d.Names[f.UnitCode]})
	}
	p.Title, p.Nav, p.Data = "Quản trị", "admin", d
	return s.render(c, status, "admin", p)
}

// adminFail re-renders the admin page with a user error beside the field of the form
// that failed (d.Err.Form), or passes a server error or a refusal on.
func (s *server) adminFail(c *fiber.Ctx, err error, d adminData) error {
	status, msg, field, ok := formError(err)
	if !ok || status == fiber.StatusForbidden {
		return err
	}
	d.Err.Field, d.Err.Msg = field, msg
	return s.renderAdmin(c, status, page{Error: msg, Field: field}, d)
}

// adminSaveUnit is POST /admin/units: create a unit, or update it when "existing" is set.
func (s *server) adminSaveUnit(c *fiber.Ctx) error {
	in := unitInput{
		Code: c.FormValue("code"), Name: c.FormValue("name"), Kind: models.UnitKind(c.FormValue("kind")),
		ParentCode: c.FormValue("parent_code"), ActiveFrom: formPtr(c, "active_from"), ActiveTo: formPtr(c, "active_to"), Emails: strings.FieldsFunc(c.FormValue("emails"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }),
	}
	var err error
	existing := c.FormValue("existing") != ""
	if existing {
		_, err = s.editUnit(c, strings.TrimSpace(in.Code), fullPatch(in))
	} else {
		_, err = s.addUnit(c, in)
	}
	if err != nil {
		return s.adminFail(c, err, adminData{Edit: in.unit(), Existing: existing, Err: formErr{Form: "unit"}})
	}
	return redirect(c, "/admin?ok=unit_save#units")
}

// adminAddFeed is POST /admin/feeds (addFeed: validation, scope, audit).
func (s *server) adminAddFeed(c *fiber.Ctx) error {
	in := feedForm{UnitCode: c.FormValue("unit_code"), URL: c.FormValue("url"), DefaultKind: c.FormValue("default_kind")}
	_, err := s.addFeed(c, in.UnitCode, feedInput{URL: in.URL, Title: c.FormValue("title"), DefaultKind: models.Kind(in.DefaultKind)})
	if err != nil {
		if in.UnitCode == "" { // no unit chosen: say so beside the unit, not as a missing page
			err = badField("unit_code", "Vui lòng chọn đơn vị")
		}
		return s.adminFail(c, err, adminData{FeedIn: in, Err: formErr{Form: "feed"}})
	}
	return redirect(c, "/admin?ok=feed_add#feeds")
}

// adminDeleteFeed is POST /admin/feeds/:id/delete (removeFeed).
func (s *server) adminDeleteFeed(c *fiber.Ctx) error {
	if err := s.removeFeed(c, c.Params("id")); err != nil {
		return s.adminFail(c, err, adminData{Err: formErr{Form: "feed-delete"}})
	}
	return redirect(c, "/admin?ok=feed_del#feeds")
}

// adminAddUser is POST /admin/users (addUser); a generated password is shown once.
func (s *server) adminAddUser(c *fiber.Ctx) error {
	in := userForm{Email: c.FormValue("email"), Name: c.FormValue("name"), Role: c.FormValue("role"), UnitCode: c.FormValue("unit_code")}
	u, pw, err := s.addUser(c, userInput{
		Email: in.Email, Name: in.Name, Role: models.Role(in.Role), UnitCode: in.UnitCode, Password: c.FormValue("password"),
	})
	if err != nil {
		return s.adminFail(c, err, adminData{UserIn: in, Err: formErr{Form: "user"}})
	}
	return s.renderAdmin(c, fiber.StatusOK, page{Flash: langOf(c).T(flashes["user_add"])}, adminData{Password: pw, NewUser: u.Email})
}

// adminImport is POST /admin/import: a registry CSV through registry.Import, with the
// per-row error report (nothing is written when a row is wrong).
func (s *server) adminImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.adminFail(c, badField("file", "Vui lòng chọn tệp CSV danh sách đơn vị"), adminData{Err: formErr{Form: "import"}})
	}
	f, err := fh.Open()
	if err != nil {
		return errorf("unable to open upload: %w", err)
	}
	defer f.Close()
	dry := c.FormValue("dry_run") != ""
	rep, err := registry.Import(c.UserContext(), s.Store, f, registry.ImportOptions{DryRun: dry})
	if err != nil {
		var fe *models.FieldError
		if errors.As(err, &fe) {
			return s.adminFail(c, err, adminData{Err: formErr{Form: "import"}})
		}
		return s.adminFail(c, badField("file", "Không đọc được tệp: "+err.Error()), adminData{Err: formErr{Form: "import"}})
	}
	status := fiber.StatusOK
	if len(rep.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	} else if !dry {
		s.audit(c.UserContext(), actor(c), "registry.import", "registry", "", nil, rep.Changes, fh.Filename)
	}
	return s.renderAdmin(c, status, page{}, adminData{Import: &rep, DryRun: dry})
}

// formPtr returns a form field, or nil when it is empty.
func formPtr(c *fiber.Ctx, name string) *string {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return nil
	}
	return &v
}
