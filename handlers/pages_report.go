package handlers

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
)

// PeriodReporter sums up a stretch of days for a parent's subtree (campaign.Service does).
type PeriodReporter interface {
	PeriodReport(ctx context.Context, parent, fromDay, toDay string) (models.PeriodReport, error)
}

// PeriodExporter writes a period report as a workbook (the report package does).
type PeriodExporter interface {
	WritePeriodXLSX(w io.Writer, r models.PeriodReport) error
}

// reportParams reads from, to and parent: by default the current year up to today, and
// the caller's own unit for reviewers. Only reviewers and admins have reports.
func (s *server) reportParams(c *fiber.Ctx) (from, to, parent string, err error) {
	p := principalOf(c)
	if p.User.Role == models.RoleUnitAdmin {
		return "", "", "", httpErr(fiber.StatusForbidden, "Báo cáo kỳ dành cho người duyệt và quản trị viên")
	}
	today := s.today()
	from, to = strings.TrimSpace(c.Query("from")), strings.TrimSpace(c.Query("to"))
	if from == "" {
		from = today[:4] + "-01-01"
	}
	if to == "" {
		to = today
	}
	if _, err := models.DayStart(from, s.loc); err != nil {
		return "", "", "", badField("from", fmt.Sprintf("Ngày bắt đầu không hợp lệ %q (cần YYYY-MM-DD)", from))
	}
	if _, err := models.DayStart(to, s.loc); err != nil {
		return "", "", "", badField("to", fmt.Sprintf("Ngày kết thúc không hợp lệ %q (cần YYYY-MM-DD)", to))
	}
	if to < from {
		return "", "", "", badField("to", "Ngày kết thúc phải sau ngày bắt đầu")
	}
	f, _ := models.DayStart(from, s.loc)
	if t, _ := models.DayStart(to, s.loc); t.Sub(f) >= 366*24*time.Hour {
		return "", "", "", badField("to", "Một báo cáo tính tối đa 366 ngày")
	}
	parent, err = s.parentParam(c)
	return from, to, parent, err
}

// buildPeriodReport computes the report the request asks for.
func (s *server) buildPeriodReport(c *fiber.Ctx) (models.PeriodReport, error) {
	pr, ok := s.Status.(PeriodReporter)
	if s.Status == nil || !ok {
		return models.PeriodReport{}, unavailable("báo cáo kỳ")
	}
	from, to, parent, err := s.reportParams(c)
	if err != nil {
		return models.PeriodReport{}, err
	}
	r, err := pr.PeriodReport(c.UserContext(), parent, from, to)
	if err != nil {
		return models.PeriodReport{}, errorf("unable to build report %s..%s/%s: %w", from, to, parent, err)
	}
	if err := s.addCoverage(c, &r); err != nil {
		return models.PeriodReport{}, err
	}
	return r, s.addTrends(c, &r)
}

// addTrends sets the report's trends of the year it ends in, with the parent's yearly
// trend target, when the status service has them and there is something to show.
func (s *server) addTrends(c *fiber.Ctx, r *models.PeriodReport) error {
	ts, ok := s.Status.(TrendService)
	if !ok || r.Parent == "" || len(r.To) < 4 {
		return nil
	}
	year, err := strconv.Atoi(r.To[:4])
	if err != nil {
		return nil
	}
	ty, err := ts.TrendYear(c.UserContext(), r.Parent, year)
	if err != nil {
		return errorf("unable to list trends of %q in %d: %w", r.Parent, year, err)
	}
	if len(ty.Trends) == 0 && len(ty.Status) == 0 {
		return nil
	}
	for i := range ty.Trends {
		ty.Trends[i].PerDay, ty.Trends[i].TopPosts = []models.TrendDay{}, []models.Post{}
	}
	r.Trends = &ty
	return nil
}

// CoverageReporter counts the units with a working information channel in a parent's
// subtree (campaign.Service does).
type CoverageReporter interface {
	ChannelCoverage(ctx context.Context, parent string) (models.ChannelCoverage, error)
}

// addCoverage sets the report's channel coverage when the status service counts it.
func (s *server) addCoverage(c *fiber.Ctx, r *models.PeriodReport) error {
	cr, ok := s.Status.(CoverageReporter)
	if !ok {
		return nil
	}
	cov, err := cr.ChannelCoverage(c.UserContext(), r.Parent)
	if err != nil {
		return errorf("unable to count channel coverage of %q: %w", r.Parent, err)
	}
	r.ChannelCoverage = &cov
	return nil
}

// apiPeriodReport is GET /api/v1/report?from=&to=&parent=.
func (s *server) apiPeriodReport(c *fiber.Ctx) error {
	r, err := s.buildPeriodReport(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// periodReportXLSX is GET /report.xlsx (page link) and /api/v1/report.xlsx.
func (s *server) periodReportXLSX(c *fiber.Ctx) error {
	ex, ok := s.Exports.(PeriodExporter)
	if s.Exports == nil || !ok {
		return unavailable("xuất báo cáo kỳ")
	}
	r, err := s.buildPeriodReport(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ex.WritePeriodXLSX(&buf, r); err != nil {
		return errorf("unable to export report %s..%s: %w", r.From, r.To, err)
	}
	name := "Báo cáo " + r.From + " đến " + r.To
	if r.Parent != "" {
		name += " " + r.Parent
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// PeriodWeekReporter gives a period report together with its split by ISO week, for
// the report page's chart, at the cost of one report (campaign.Service does). Without
// it the page shows the report without the chart.
type PeriodWeekReporter interface {
	PeriodReportByWeek(ctx context.Context, parent, fromDay, toDay string) (models.PeriodReport, []models.PeriodReport, error)
}

// reportPage is the data of the period report page.
type reportPage struct {
	Report     models.PeriodReport
	Parents    []models.Unit
	ParentName string
	XLSX       template.URL
	Presets    []reportPreset
	ShareChart template.HTML // "" when the status service cannot split the report by week
	Trends     *trendSummary // the parent's yearly trend target in the year the report ends (nil: none)
}

// reportPreset is a one-click period: the year, its quarters, the month.
type reportPreset struct {
	Label    string
	From, To string
}

// reportPageView is GET /report?from=&to=&parent=.
func (s *server) reportPageView(c *fiber.Ctx) error {
	var r models.PeriodReport
	var weeks []models.PeriodReport
	var err error
	if pw, ok := s.Status.(PeriodWeekReporter); ok {
		from, to, parent, perr := s.reportParams(c)
		if perr != nil {
			return perr
		}
		if r, weeks, err = pw.PeriodReportByWeek(c.UserContext(), parent, from, to); err != nil {
			return errorf("unable to build report %s..%s/%s: %w", from, to, parent, err)
		}
		if err = s.addCoverage(c, &r); err != nil {
			return err
		}
	} else if r, err = s.buildPeriodReport(c); err != nil {
		return err
	}
	d := reportPage{Report: r}
	if y, err := strconv.Atoi(r.To[:min(4, len(r.To))]); err == nil {
		d.Trends = s.yearTrends(c, r.Parent, y)
	}
	if len(weeks) > 0 {
		d.ShareChart = reportShareChart(langOf(c), r, weeks).render()
	}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	for _, u := range d.Parents {
		if u.Code == r.Parent {
			d.ParentName = u.Name
		}
	}
	q := url.Values{"from": {r.From}, "to": {r.To}}
	if r.Parent != "" {
		q.Set("parent", r.Parent)
	}
	d.XLSX = template.URL("/report.xlsx?" + q.Encode())
	today := s.today()
	year := today[:4]
	d.Presets = append(d.Presets, reportPreset{"Năm " + year, year + "-01-01", year + "-12-31"})
	for i, q := range [][2]string{{"01-01", "03-31"}, {"04-01", "06-30"}, {"07-01", "09-30"}, {"10-01", "12-31"}} {
		if year+"-"+q[0] <= today {
			d.Presets = append(d.Presets, reportPreset{fmt.Sprintf("Quý %d", i+1), year + "-" + q[0], year + "-" + q[1]})
		}
	}
	t, _ := models.DayStart(today, s.loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, s.loc)
	d.Presets = append(d.Presets, reportPreset{"Tháng " + first.Format("01/2006"),
		models.LocalDay(first, s.loc), models.LocalDay(first.AddDate(0, 1, -1), s.loc)})
	return s.render(c, fiber.StatusOK, "report", page{Title: "Báo cáo kỳ", Nav: "report", Data: d})
}

// reportShareChart draws the period's shares met week by week: the baseline daily quota
// (the share of unit-days met in the week) and the baseline weekly quotas combined (the
// share of units that met them). Weeks not begun, weeks cut by the period (for the
// weekly line) and weeks nobody could be judged in are gaps.
func reportShareChart(l lang, r models.PeriodReport, weeks []models.PeriodReport) shareChart {
	n := len(weeks)
	c := shareChart{ID: "chart-report", Slots: n,
		Title:  fmt.Sprintf(l.T("Tỉ lệ đạt chỉ tiêu theo tuần, từ %s đến %s"), dateText(r.From), dateText(r.To)),
		Desc:   l.T("Chỉ tiêu ngày: tỉ lệ số ngày đạt trên số ngày xác định được của các đơn vị trong tuần. Chỉ tiêu tuần: tỉ lệ đơn vị đạt mọi chỉ tiêu tuần mức cơ bản, chỉ với tuần trọn vẹn trong kỳ."),
		XLabel: l.T("Tuần (ngày thứ Hai)"), YLabel: l.T("Tỉ lệ đạt"),
		Note: l.T("Chỗ trống: tuần chưa kết thúc ngày nào, tuần không trọn trong kỳ (chỉ tiêu tuần), hoặc không đơn vị nào xác định được (không phải 0%)."),
	}
	daily := chartSeries{Key: "daily", Label: l.T("Chỉ tiêu ngày") + " · " + l.Level(models.LevelBaseline), Markers: true}
	weekly := chartSeries{Key: "weekly", Label: l.T("Chỉ tiêu tuần") + " · " + l.Level(models.LevelBaseline), Markers: true}
	step := tickStep(n, 8)
	for k, w := range weeks {
		x := float64(k) + 0.5
		if (n-1-k)%step == 0 {
			// a whole week's first day is its Monday; a cut week's, the period's first day
			c.Ticks = append(c.Ticks, chartTick{X: x, Label: dateText(w.From)[:5]})
		}
		span := dateText(w.From) + "–" + dateText(w.To)
		dp := chartPoint{X: x}
		if known := w.Total.Days.Met + w.Total.Days.Short + w.Total.Days.AtRisk; w.Through != "" && known > 0 {
			dp.OK, dp.Share = true, w.Total.Days.ShareMet
			dp.Title = fmt.Sprintf("%s: %s (%d/%d %s)", span, pctText(dp.Share), w.Total.Days.Met, known, l.T("ngày-đơn vị"))
		}
		wp := chartPoint{X: x}
		if known := w.Total.Weeks.Met + w.Total.Weeks.Short + w.Total.Weeks.AtRisk; len(w.Weeks) > 0 && known > 0 {
			wp.OK, wp.Share = true, w.Total.Weeks.ShareMet
			wp.Title = fmt.Sprintf("%s: %s (%d/%d %s)", span, pctText(wp.Share), w.Total.Weeks.Met, known, l.T("đơn vị"))
		}
		daily.Points = append(daily.Points, dp)
		weekly.Points = append(weekly.Points, wp)
	}
	c.Series = []chartSeries{daily, weekly}
	return c
}

// dateText is a day key as people write it, "24/11/2026".
func dateText(day string) string {
	if len(day) != 10 {
		return day
	}
	return day[8:10] + "/" + day[5:7] + "/" + day[:4]
}
