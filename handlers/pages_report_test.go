package handlers

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tintot/models"
	"tintot/report"
)

// reportExports adds the real period workbook to the test exporter.
type reportExports struct{ csvExporter }

func (reportExports) WritePeriodXLSX(w io.Writer, r models.PeriodReport) error {
	return report.WritePeriodXLSX(w, r)
}

func (reportExports) WriteHonoursXLSX(w io.Writer, title string, rows []models.HonourLine) error {
	return report.WriteHonoursXLSX(w, title, rows)
}

func withReports(d *Deps) {
	withCampaign(d)
	d.Exports = reportExports{}
}

// TestPeriodReport checks the period report as JSON, page and workbook: the reviewer's
// units only, counted posts and days, Vietnamese headers, clear refusals.
func TestPeriodReport(t *testing.T) {
	e := newEnv(t, withReports)
	pub := time.Date(2026, 11, 24, 9, 0, 0, 0, models.Vietnam)
	if _, err := e.st.UpsertPosts(t.Context(), []models.Post{{UnitCode: "C1", ItemKey: "https://c1.example.vn/24", Source: models.SourceFeed,
		URL: "https://c1.example.vn/24", Title: "Đoàn xã Đông Hòa trao quà cho hộ nghèo", PublishedAt: pub.UTC(), LocalDay: "2026-11-24",
		FirstSeenAt: pub.UTC(), RuleKind: models.KindGoodNews, RuleReason: `từ khoá tiêu đề "trao quà"`, UpdatedAt: pub.UTC()}}); err != nil {
		t.Fatal(err)
	}

	resp, body := e.do("reviewerP", "GET", "/api/v1/report?from=2026-11-23&to=2026-11-29", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.PeriodReport](t, body)
	if r.Parent != "P" || r.Through != "2026-11-26" {
		t.Errorf("parent %q through %q; want the reviewer's province, up to yesterday", r.Parent, r.Through)
	}
	rows := map[string]models.PeriodRow{}
	for _, row := range r.Rows {
		rows[row.Unit.Code] = row
	}
	if _, ok := rows["D1"]; ok {
		t.Error("the report of province P lists a unit of province Q")
	}
	c1 := rows["C1"]
	// C1's feed was first read on 26/11 and showed a week back: the days it showed are
	// judged in hindsight, as the weekly review does (24/11 met, 23, 25 and 26/11 short).
	if c1.Posts[models.KindGoodNews] != 1 || c1.Days != (models.StatusCounts{Met: 1, Short: 3, ShareMet: 0.25}) {
		t.Errorf("C1 = posts %v days %+v; want 1 good news, 1 day met and 3 short", c1.Posts, c1.Days)
	}

	resp, body = e.as("reviewerP", request("GET", "/report?from=2026-11-23&to=2026-11-29", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	for _, want := range []string{"Báo cáo kỳ", "Đoàn xã Đông Hòa", "Tổng cộng", "số liệu tính đến hết ngày 26/11/2026", "Quý 4", "/report.xlsx?from=2026-11-23"} {
		if !strings.Contains(html, want) {
			t.Errorf("report page lacks %q", want)
		}
	}

	resp, body = e.as("reviewerP", request("GET", "/report.xlsx?from=2026-11-23&to=2026-11-29", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''B%C3%A1o%20c%C3%A1o") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	sheet, err := f.GetRows(report.SheetPeriod)
	if err != nil || len(sheet) < 4 {
		t.Fatalf("sheet %q: %d rows, %v", report.SheetPeriod, len(sheet), err)
	}
	if !strings.Contains(sheet[0][0], "từ 23/11/2026 đến 29/11/2026") {
		t.Errorf("title = %q", sheet[0][0])
	}
	if strings.Join(sheet[1], "|") != strings.Join(report.PeriodHeaders, "|") {
		t.Errorf("headers = %v", sheet[1])
	}
	var c1Row []string
	for _, row := range sheet[2:] {
		if len(row) > 0 && row[0] == "C1" {
			c1Row = row
		}
	}
	if len(c1Row) < 11 || c1Row[3] != "1" || c1Row[6] != "1" || c1Row[7] != "3" || c1Row[10] != "25.00%" {
		t.Errorf("C1 row = %v; want 1 good news, 1 day met, 3 short, 25.00%%", c1Row)
	}
	if last := sheet[len(sheet)-1]; !strings.HasPrefix(last[1], "Tổng cộng") {
		t.Errorf("last row = %v, want the total", last)
	}

	for _, tt := range []struct {
		user, path string
		status     int
		want       string
	}{
		{"adminC1", "/api/v1/report", http.StatusForbidden, "người duyệt"},
		{"reviewerP", "/api/v1/report?from=2026-02-30", http.StatusBadRequest, "from"},
		{"reviewerP", "/api/v1/report?from=2026-11-29&to=2026-11-01", http.StatusBadRequest, "Ngày kết thúc phải sau ngày bắt đầu"},
		{"reviewerP", "/api/v1/report?from=2025-01-01&to=2026-06-30", http.StatusBadRequest, "366 ngày"},
		{"reviewerP", "/api/v1/report?parent=Q", http.StatusForbidden, ""},
	} {
		resp, body := e.do(tt.user, "GET", tt.path, nil)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s %s: %d %.200s; want %d naming %q", tt.user, tt.path, resp.StatusCode, body, tt.status, tt.want)
		}
	}
}
