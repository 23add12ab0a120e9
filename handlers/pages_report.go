package handlers

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"net/url"
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
	return r, nil
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

// reportPage is the data of the period report page.
type reportPage struct {
	Report     models.PeriodReport
	Parents    []models.Unit
	ParentName string
	XLSX       template.URL
	Presets    []reportPreset
}

// reportPreset is a one-click period: the year, its quarters, the month.
type reportPreset struct {
	Label    string
	From, To string
}

// reportPageView is GET /report?from=&to=&parent=.
func (s *server) reportPageView(c *fiber.Ctx) error {
	r, err := s.buildPeriodReport(c)
	if err != nil {
		return err
	}
	d := reportPage{Report: r}
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
