package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// TrendService answers the trends (trào lưu) page and API: a parent's trends of a year
// with what tintot found of them, and its yearly trend target (campaign.Service does).
// TrendTarget is TrendYear for the summaries on the review, the report and the
// dashboard: without the trends' details, and a trend's count may be up to half a minute old.
type TrendService interface {
	TrendYear(ctx context.Context, parent string, year int) (models.TrendYear, error)
	TrendTarget(ctx context.Context, parent string, year int) (models.TrendYear, error)
	TrendReport(ctx context.Context, id string) (models.TrendReport, error)
}

// Limits of a trend registration.
const (
	maxTrendName        = 200
	maxTrendDescription = 2000
	maxTrendHashtags    = 10
	maxTrendHashtag     = 60 // letters and digits of one hashtag
	maxTrendDays        = 366
)

// trendInput is the body of POST /api/v1/trends and the fields of the page's form.
type trendInput struct {
	Name        string   `json:"name"`
	Hashtags    []string `json:"hashtags"`
	StartDay    string   `json:"start_day"`
	EndDay      string   `json:"end_day"`
	Description string   `json:"description"`
}

// trendService returns the trend service, or a 503 when the server runs without one.
func (s *server) trendService() (TrendService, error) {
	ts, ok := s.Status.(TrendService)
	if s.Status == nil || !ok {
		return nil, unavailable("trào lưu")
	}
	return ts, nil
}

// trendParams reads ?parent= (the caller's unit by default; an admin may leave it empty
// for every parent) and ?year= (this year by default). Trends are for reviewers and admins.
func (s *server) trendParams(c *fiber.Ctx) (parent string, year int, err error) {
	if principalOf(c).User.Role == models.RoleUnitAdmin {
		return "", 0, httpErr(fiber.StatusForbidden, "Trào lưu dành cho người duyệt và quản trị viên")
	}
	year, _ = strconv.Atoi(s.today()[:4])
	if v := strings.TrimSpace(c.Query("year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return "", 0, badField("year", fmt.Sprintf("Năm không hợp lệ %q (cần một năm như 2026)", v))
		}
		year = y
	}
	parent, err = s.parentParam(c)
	return parent, year, err
}

// apiTrends is GET /api/v1/trends?parent=&year=.
func (s *server) apiTrends(c *fiber.Ctx) error {
	_, _, ty, err := s.trendYearOf(c)
	if err != nil {
		return err
	}
	return c.JSON(ty)
}

// trendYearOf reads ?parent=&year= and returns the parent's trends of that year.
func (s *server) trendYearOf(c *fiber.Ctx) (string, int, models.TrendYear, error) {
	ts, err := s.trendService()
	if err != nil {
		return "", 0, models.TrendYear{}, err
	}
	parent, year, err := s.trendParams(c)
	if err != nil {
		return "", 0, models.TrendYear{}, err
	}
	ty, err := ts.TrendYear(c.UserContext(), parent, year)
	if err != nil {
		return "", 0, models.TrendYear{}, errorf("unable to list trends of %q in %d: %w", parent, year, err)
	}
	return parent, year, ty, nil
}

// apiTrend is GET /api/v1/trends/:id.
func (s *server) apiTrend(c *fiber.Ctx) error {
	r, err := s.trendInScope(c, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiCreateTrend is POST /api/v1/trends?parent=: a reviewer registers a trend of its unit.
func (s *server) apiCreateTrend(c *fiber.Ctx) error {
	var in trendInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.createTrend(c, in)
	if err != nil {
		return err
	}
	return s.trendAnswer(c, fiber.StatusCreated, t.ID)
}

// trendAnswer answers with a trend counted afresh.
func (s *server) trendAnswer(c *fiber.Ctx, status int, id string) error {
	ts, err := s.trendService()
	if err != nil {
		return err
	}
	r, err := ts.TrendReport(c.UserContext(), id)
	if err != nil {
		return errorf("unable to report trend %s: %w", id, err)
	}
	return c.Status(status).JSON(r)
}

// apiUpdateTrend is PUT /api/v1/trends/:id: its organiser's reviewer corrects a trend
// (name, hashtags, days, description); the answer is the trend counted afresh.
func (s *server) apiUpdateTrend(c *fiber.Ctx) error {
	var in trendInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	t, err := s.updateTrend(c, c.Params("id"), in)
	if err != nil {
		return err
	}
	return s.trendAnswer(c, fiber.StatusOK, t.ID)
}

// apiDeleteTrend is DELETE /api/v1/trends/:id.
func (s *server) apiDeleteTrend(c *fiber.Ctx) error {
	if _, err := s.deleteTrend(c, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// storedTrend reads a trend; 404 when there is none.
func (s *server) storedTrend(c *fiber.Ctx, id string) (models.Trend, error) {
	t, err := s.Store.GetTrend(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return models.Trend{}, httpErr(fiber.StatusNotFound, "Không tìm thấy trào lưu")
	}
	if err != nil {
		return models.Trend{}, errorf("unable to load trend %s: %w", id, err)
	}
	return t, nil
}

// editableTrend loads a trend the caller may change: a reviewer or admin whose scope
// holds the trend's organiser.
func (s *server) editableTrend(c *fiber.Ctx, id string) (models.Trend, error) {
	if _, err := s.trendService(); err != nil {
		return models.Trend{}, err
	}
	if principalOf(c).User.Role == models.RoleUnitAdmin {
		return models.Trend{}, httpErr(fiber.StatusForbidden, "Chỉ người duyệt và quản trị viên sửa hoặc xoá trào lưu")
	}
	t, err := s.storedTrend(c, id)
	if err != nil {
		return models.Trend{}, err
	}
	if _, err := s.unitInScope(c, t.ParentCode); err != nil {
		return models.Trend{}, err
	}
	return t, nil
}

// updateTrend validates and stores a correction of a trend; API and page share it.
func (s *server) updateTrend(c *fiber.Ctx, id string, in trendInput) (models.Trend, error) {
	old, err := s.editableTrend(c, id)
	if err != nil {
		return models.Trend{}, err
	}
	t, err := s.trendFrom(in)
	if err != nil {
		return models.Trend{}, err
	}
	t.ID, t.ParentCode, t.CreatedBy, t.CreatedAt = old.ID, old.ParentCode, old.CreatedBy, old.CreatedAt
	t, err = s.Store.UpdateTrend(c.UserContext(), t)
	switch {
	case errors.Is(err, store.ErrConflict):
		return models.Trend{}, &userError{Status: fiber.StatusConflict, Field: "name", Msg: fmt.Sprintf("Đơn vị đã có trào lưu %q trong năm %d", in.Name, t.Year())}
	case errors.Is(err, store.ErrNotFound):
		return models.Trend{}, httpErr(fiber.StatusNotFound, "Không tìm thấy trào lưu")
	case err != nil:
		return models.Trend{}, errorf("unable to update trend %s: %w", id, err)
	}
	s.audit(c.UserContext(), actor(c), "trend.update", "trend:"+t.ID, t.ParentCode, old, t, "")
	return t, nil
}

// deleteTrend removes a trend the caller may change and returns it as it was.
func (s *server) deleteTrend(c *fiber.Ctx, id string) (models.Trend, error) {
	old, err := s.editableTrend(c, id)
	if err != nil {
		return models.Trend{}, err
	}
	err = s.Store.DeleteTrend(c.UserContext(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return models.Trend{}, httpErr(fiber.StatusNotFound, "Không tìm thấy trào lưu")
	case err != nil:
		return models.Trend{}, errorf("unable to delete trend %s: %w", id, err)
	}
	s.audit(c.UserContext(), actor(c), "trend.delete", "trend:"+old.ID, old.ParentCode, old, nil, "")
	return old, nil
}

// createTrend validates and stores a trend of the request's parent; API and page share it.
func (s *server) createTrend(c *fiber.Ctx, in trendInput) (models.Trend, error) {
	if _, err := s.trendService(); err != nil {
		return models.Trend{}, err
	}
	if principalOf(c).User.Role == models.RoleUnitAdmin {
		return models.Trend{}, httpErr(fiber.StatusForbidden, "Chỉ người duyệt và quản trị viên đăng ký trào lưu")
	}
	parent, err := s.parentParam(c)
	if err != nil {
		return models.Trend{}, err
	}
	if parent == "" {
		return models.Trend{}, badField("parent", "Chọn đơn vị tổ chức trào lưu (Tỉnh đoàn, Thành đoàn…)")
	}
	u, err := s.unitInScope(c, parent)
	if err != nil {
		return models.Trend{}, err
	}
	if u.Kind == models.UnitCommune || u.Kind == models.UnitGrassroots {
		return models.Trend{}, badField("parent", "Trào lưu do Tỉnh đoàn, Thành đoàn hoặc đoàn cấp trên tổ chức, không phải "+u.Kind.Label())
	}
	t, err := s.trendFrom(in)
	if err != nil {
		return models.Trend{}, err
	}
	t.ParentCode, t.CreatedBy, t.CreatedAt = u.Code, actor(c), s.now().UTC()
	t, err = s.Store.CreateTrend(c.UserContext(), t)
	switch {
	case errors.Is(err, store.ErrConflict):
		return models.Trend{}, &userError{Status: fiber.StatusConflict, Field: "name", Msg: fmt.Sprintf("Đơn vị đã có trào lưu %q trong năm %d", in.Name, t.Year())}
	case errors.Is(err, store.ErrInvalid):
		return models.Trend{}, badField("parent", "Không có đơn vị mã "+u.Code)
	case err != nil:
		return models.Trend{}, errorf("unable to create trend: %w", err)
	}
	s.audit(c.UserContext(), actor(c), "trend.create", "trend:"+t.ID, t.ParentCode, nil, t, "")
	return t, nil
}

// trendFrom checks a trend's fields and names the first wrong one.
func (s *server) trendFrom(in trendInput) (models.Trend, error) {
	t := models.Trend{Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description),
		StartDay: strings.TrimSpace(in.StartDay), EndDay: strings.TrimSpace(in.EndDay)}
	switch {
	case t.Name == "":
		return t, badField("name", "Nhập tên trào lưu")
	case utf8.RuneCountInString(t.Name) > maxTrendName:
		return t, badField("name", fmt.Sprintf("Tên trào lưu dài quá %d ký tự", maxTrendName))
	case hasControl(t.Name):
		return t, badField("name", "Tên trào lưu có ký tự điều khiển")
	}
	seen := map[string]bool{}
	for _, h := range in.Hashtags {
		h = strings.Join(strings.Fields(strings.TrimLeft(strings.TrimSpace(h), "#＃")), "")
		if h == "" {
			continue
		}
		key := classify.NormalizeTag(h)
		switch {
		case key == "":
			return t, badField("hashtags", fmt.Sprintf("Hashtag %q không có chữ cái hay chữ số nào", h))
		case len([]rune(key)) > maxTrendHashtag:
			return t, badField("hashtags", fmt.Sprintf("Hashtag %q dài quá %d ký tự", h, maxTrendHashtag))
		case seen[key]:
			continue
		}
		seen[key] = true
		t.Hashtags = append(t.Hashtags, "#"+h)
	}
	switch {
	case len(t.Hashtags) == 0:
		return t, badField("hashtags", "Nhập ít nhất một hashtag của trào lưu, ví dụ #XanhHóaQuêHương")
	case len(t.Hashtags) > maxTrendHashtags:
		return t, badField("hashtags", fmt.Sprintf("Một trào lưu có tối đa %d hashtag", maxTrendHashtags))
	}
	start, err := models.DayStart(t.StartDay, s.loc)
	if err != nil {
		return t, badField("start_day", fmt.Sprintf("Ngày bắt đầu không hợp lệ %q (cần YYYY-MM-DD)", t.StartDay))
	}
	end, err := models.DayStart(t.EndDay, s.loc)
	switch {
	case err != nil:
		return t, badField("end_day", fmt.Sprintf("Ngày kết thúc không hợp lệ %q (cần YYYY-MM-DD)", t.EndDay))
	case end.Before(start):
		return t, badField("end_day", "Ngày kết thúc phải từ ngày bắt đầu trở đi")
	case end.Sub(start).Hours()/24 >= maxTrendDays:
		return t, badField("end_day", fmt.Sprintf("Một trào lưu kéo dài tối đa %d ngày", maxTrendDays))
	}
	if utf8.RuneCountInString(t.Description) > maxTrendDescription {
		return t, badField("description", fmt.Sprintf("Mô tả dài quá %d ký tự", maxTrendDescription))
	}
	return t, nil
}

// hasControl reports control characters (a line break in a name would break headers and exports).
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// splitHashtags reads the hashtags field of the form: hashtags separated by commas,
// semicolons, line breaks, or spaces before a '#' ("#A #B, #C").
func splitHashtags(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		for _, h := range strings.Split(strings.ReplaceAll(part, "＃", "#"), "#") {
			if h = strings.TrimSpace(h); h != "" {
				out = append(out, h)
			}
		}
	}
	return out
}

// trendInScope reads a trend whose organiser the caller may see.
func (s *server) trendInScope(c *fiber.Ctx, id string) (models.TrendReport, error) {
	ts, err := s.trendService()
	if err != nil {
		return models.TrendReport{}, err
	}
	if principalOf(c).User.Role == models.RoleUnitAdmin {
		return models.TrendReport{}, httpErr(fiber.StatusForbidden, "Trào lưu dành cho người duyệt và quản trị viên")
	}
	t, err := s.storedTrend(c, id)
	if err != nil {
		return models.TrendReport{}, err
	}
	if err := s.mustSee(c, t.ParentCode); err != nil {
		return models.TrendReport{}, err
	}
	r, err := ts.TrendReport(c.UserContext(), id)
	if err != nil {
		return models.TrendReport{}, errorf("unable to report trend %s: %w", id, err)
	}
	return r, nil
}

// trendSummary is the yearly trend target of a parent, as the review and the report show it.
type trendSummary struct {
	Parent   string
	Year     int
	Counted  int
	MinUnits int
	Trends   int
	Status   []models.PeriodStatus
}

// yearTrends returns the parent's yearly trend target for the review and the report, or
// nil when there is nothing to show (no parent, no target for it, no trend service). A
// failure is logged and leaves the summary out: the rest of the page still shows.
func (s *server) yearTrends(c *fiber.Ctx, parent string, year int) *trendSummary {
	ts, ok := s.Status.(TrendService)
	if !ok || parent == "" {
		return nil
	}
	ty, err := ts.TrendTarget(c.UserContext(), parent, year)
	if err != nil {
		s.Log.Error("unable to compute the yearly trend target", slog.String("parent", parent), slog.Int("year", year), slog.Any("error", err))
		return nil
	}
	if len(ty.Status) == 0 {
		return nil
	}
	return &trendSummary{Parent: parent, Year: year, Counted: ty.Counted, MinUnits: ty.MinUnits, Trends: len(ty.Trends), Status: ty.Status}
}

// trendsPage is the data of /trends.
type trendsPage struct {
	Year     models.TrendYear
	Parents  []models.Unit
	Parent   string
	Name     string // the parent's name
	CanAdd   bool   // the parent may register trends
	Form     trendForm
	Err      formErr
	Prev     int
	Next     int
	Today    string
	Chart    template.HTML // on the detail page
	Trend    *models.TrendReport
	ListURL  template.URL
	MinUnits int
	CanEdit  bool // on the detail page: the caller may correct or delete the trend
}

// trendForm is what the registration form shows back.
type trendForm struct {
	Name, Hashtags, StartDay, EndDay, Description string
}

// trendsPageView is GET /trends?parent=&year=.
func (s *server) trendsPageView(c *fiber.Ctx) error {
	return s.renderTrends(c, fiber.StatusOK, page{}, trendForm{}, formErr{})
}

// renderTrends draws the list of a parent's trends of a year with the registration form.
func (s *server) renderTrends(c *fiber.Ctx, status int, p page, form trendForm, ferr formErr) error {
	parent, year, ty, err := s.trendYearOf(c)
	if err != nil {
		return err
	}
	d := trendsPage{Year: ty, Parent: parent, Form: form, Err: ferr, Prev: year - 1, Next: year + 1, Today: s.today(), MinUnits: ty.MinUnits}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	for _, u := range d.Parents {
		if u.Code == parent {
			d.Name, d.CanAdd = u.Name, true
		}
	}
	p.Title, p.Nav, p.Data = "Trào lưu", "trends", d
	return s.render(c, status, "trends", p)
}

// trendFormOf reads the trend form of a request.
func trendFormOf(c *fiber.Ctx) trendForm {
	return trendForm{Name: c.FormValue("name"), Hashtags: c.FormValue("hashtags"), StartDay: c.FormValue("start_day"),
		EndDay: c.FormValue("end_day"), Description: c.FormValue("description")}
}

// input is the form as the API's body.
func (f trendForm) input() trendInput {
	return trendInput{Name: f.Name, Hashtags: splitHashtags(f.Hashtags), StartDay: f.StartDay, EndDay: f.EndDay, Description: f.Description}
}

// trendsPageSubmit is POST /trends?parent=&year=: the registration form.
func (s *server) trendsPageSubmit(c *fiber.Ctx) error {
	form := trendFormOf(c)
	t, err := s.createTrend(c, form.input())
	if err != nil {
		status, msg, field, ok := formError(err)
		if !ok || status == fiber.StatusForbidden || status == fiber.StatusNotFound || status == fiber.StatusServiceUnavailable {
			return err
		}
		return s.renderTrends(c, status, page{Error: msg, Field: field}, form, formErr{Form: "trend", Field: field, Msg: msg})
	}
	return redirect(c, "/trends/"+url.PathEscape(t.ID)+"?ok=trend_add")
}

// trendPageView is GET /trends/:id: one trend with its units, posts per day and top posts.
func (s *server) trendPageView(c *fiber.Ctx) error {
	return s.renderTrend(c, fiber.StatusOK, page{}, nil, formErr{})
}

// renderTrend draws one trend; form is what the correction form shows back (the trend
// as stored when nil).
func (s *server) renderTrend(c *fiber.Ctx, status int, p page, form *trendForm, ferr formErr) error {
	r, err := s.trendInScope(c, c.Params("id"))
	if err != nil {
		return err
	}
	l := langOf(c)
	d := trendsPage{Trend: &r, Chart: trendChart(l, r).render(), Today: s.today(), Err: ferr,
		ListURL: template.URL("/trends?" + url.Values{"parent": {r.ParentCode}, "year": {strconv.Itoa(r.Year())}}.Encode())}
	// trendInScope let only reviewers and admins who see the organiser this far; they
	// may correct the trend while its organiser exists (as editableTrend asks).
	if u, err := s.Store.GetUnit(c.UserContext(), r.ParentCode); err == nil {
		d.Name, d.CanEdit = u.Name, true
	}
	if form != nil {
		d.Form = *form
	} else {
		d.Form = trendForm{Name: r.Name, Hashtags: strings.Join(r.Hashtags, ", "), StartDay: r.StartDay, EndDay: r.EndDay, Description: r.Description}
	}
	p.Title, p.Nav, p.Data = r.Name, "trends", d
	return s.render(c, status, "trends", p)
}

// trendPageSubmit is POST /trends/:id: the correction form of one trend.
func (s *server) trendPageSubmit(c *fiber.Ctx) error {
	form := trendFormOf(c)
	t, err := s.updateTrend(c, c.Params("id"), form.input())
	if err != nil {
		status, msg, field, ok := formError(err)
		if !ok || status == fiber.StatusForbidden || status == fiber.StatusNotFound || status == fiber.StatusServiceUnavailable {
			return err
		}
		return s.renderTrend(c, status, page{Error: msg, Field: field}, &form, formErr{Form: "trend", Field: field, Msg: msg})
	}
	return redirect(c, "/trends/"+url.PathEscape(t.ID)+"?ok=trend_edit")
}

// trendPageDelete is POST /trends/:id/delete: removes the trend once the box saying so is ticked.
func (s *server) trendPageDelete(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		if _, err := s.editableTrend(c, c.Params("id")); err != nil {
			return err
		}
		msg := "Đánh dấu ô xác nhận để xoá trào lưu"
		return s.renderTrend(c, fiber.StatusUnprocessableEntity, page{Error: msg, Field: "confirm"}, nil, formErr{Form: "trend-delete", Field: "confirm", Msg: msg})
	}
	t, err := s.deleteTrend(c, c.Params("id"))
	if err != nil {
		return err
	}
	return redirect(c, "/trends?"+url.Values{"parent": {t.ParentCode}, "year": {strconv.Itoa(t.Year())}, "ok": {"trend_delete"}}.Encode())
}

// trendChart draws a trend's posts per day as columns.
func trendChart(l lang, r models.TrendReport) barChart {
	c := barChart{ID: "chart-trend", XLabel: l.T("Ngày"), YLabel: l.T("Số bài"),
		Title: fmt.Sprintf(l.T("Số bài mang hashtag của trào lưu theo ngày, từ %s đến %s"), dateText(r.StartDay), dateText(r.EndDay)),
		Desc:  l.T("Mỗi cột là số bài của các đơn vị mang một trong các hashtag của trào lưu trong ngày đó."),
	}
	step := tickStep(len(r.PerDay), 8)
	for i, d := range r.PerDay {
		label := ""
		if i%step == 0 {
			label = dateText(d.Day)[:5]
		}
		c.Bars = append(c.Bars, chartBar{Key: d.Day, Label: label, Count: d.Posts, Title: fmt.Sprintf("%s: %d %s", dateText(d.Day), d.Posts, l.T("bài"))})
	}
	c.Compact = len(r.PerDay) > 14
	if len(r.PerDay) == 0 {
		c.Note = l.T("Trào lưu chưa bắt đầu.")
	}
	return c
}
