package handlers

import (
	"errors"
	"fmt"
	"sort"
	"strings"

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
}

// alertsPage is GET /alerts: what is pending, then what was sent, to whom and when.
func (s *server) alertsPage(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	names, _, err := s.unitNames(c, sc)
	if err != nil {
		return err
	}
	var pending, done []alertRow
	if !sc.Empty() {
		f := store.AlertFilter{Limit: 300}
		if !sc.All {
			f.UnitCodes = sc.List()
		}
		alerts, err := s.Store.ListAlerts(c.UserContext(), f)
		if err != nil {
			return errorf("unable to list alerts: %w", err)
		}
		l := langOf(c)
		for _, a := range alerts {
			if !sc.Has(a.UnitCode) {
				continue
			}
			r := alertRow{Alert: a, UnitName: names[a.UnitCode], TypeLabel: l.T(alertTypeLabels[a.Type]), StatusLabel: l.T(alertStatusLabels[a.Status])}
			if r.TypeLabel == "" {
				r.TypeLabel = string(a.Type)
			}
			if a.Status == models.AlertPending {
				pending = append(pending, r)
			} else {
				done = append(done, r)
			}
		}
	}
	return s.render(c, fiber.StatusOK, "alerts", page{Title: "Cảnh báo", Nav: "alerts", Data: map[string]any{"Pending": pending, "Done": done}})
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
}

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
		if d.Edit.Code == u.Code && d.Edit.Name == "" {
			d.Edit = u
		}
	}
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

// adminFail re-renders the admin page with a user error, or passes a server error on.
func (s *server) adminFail(c *fiber.Ctx, err error, d adminData) error {
	status, msg, field, ok := formError(err)
	if !ok || status == fiber.StatusForbidden {
		return err
	}
	return s.renderAdmin(c, status, page{Error: msg, Field: field}, d)
}

// adminSaveUnit is POST /admin/units: create a unit, or update it when "existing" is set.
func (s *server) adminSaveUnit(c *fiber.Ctx) error {
	in := unitInput{
		Code: c.FormValue("code"), Name: c.FormValue("name"), Kind: models.UnitKind(c.FormValue("kind")),
		ParentCode: c.FormValue("parent_code"), ActiveFrom: formPtr(c, "active_from"), ActiveTo: formPtr(c, "active_to"), Emails: strings.FieldsFunc(c.FormValue("emails"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }),
	}
	var err error
	if c.FormValue("existing") != "" {
		_, err = s.editUnit(c, strings.TrimSpace(in.Code), fullPatch(in))
	} else {
		_, err = s.addUnit(c, in)
	}
	if err != nil {
		return s.adminFail(c, err, adminData{Edit: in.unit()})
	}
	return redirect(c, "/admin?ok=unit_save#units")
}

// adminAddFeed is POST /admin/feeds (addFeed: validation, scope, audit).
func (s *server) adminAddFeed(c *fiber.Ctx) error {
	_, err := s.addFeed(c, c.FormValue("unit_code"), feedInput{URL: c.FormValue("url"), Title: c.FormValue("title"), DefaultKind: models.Kind(c.FormValue("default_kind"))})
	if err != nil {
		return s.adminFail(c, err, adminData{})
	}
	return redirect(c, "/admin?ok=feed_add#feeds")
}

// adminDeleteFeed is POST /admin/feeds/:id/delete (removeFeed).
func (s *server) adminDeleteFeed(c *fiber.Ctx) error {
	if err := s.removeFeed(c, c.Params("id")); err != nil {
		return s.adminFail(c, err, adminData{})
	}
	return redirect(c, "/admin?ok=feed_del#feeds")
}

// adminAddUser is POST /admin/users (addUser); a generated password is shown once.
func (s *server) adminAddUser(c *fiber.Ctx) error {
	u, pw, err := s.addUser(c, userInput{
		Email: c.FormValue("email"), Name: c.FormValue("name"), Role: models.Role(c.FormValue("role")),
		UnitCode: c.FormValue("unit_code"), Password: c.FormValue("password"),
	})
	if err != nil {
		return s.adminFail(c, err, adminData{})
	}
	return s.renderAdmin(c, fiber.StatusOK, page{Flash: langOf(c).T(flashes["user_add"])}, adminData{Password: pw, NewUser: u.Email})
}

// adminImport is POST /admin/import: a registry CSV through registry.Import, with the
// per-row error report (nothing is written when a row is wrong).
func (s *server) adminImport(c *fiber.Ctx) error {
	fh, err := c.FormFile("file")
	if err != nil {
		return s.adminFail(c, badField("file", "Vui lòng chọn tệp CSV danh sách đơn vị"), adminData{})
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
			return s.adminFail(c, err, adminData{})
		}
		return s.adminFail(c, badField("file", "Không đọc được tệp: "+err.Error()), adminData{})
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
