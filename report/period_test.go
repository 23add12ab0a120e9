package report

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

// The period report's workbook carries the year's trends (trào lưu) and the yearly
// trend target on their own sheet; names typed by reviewers stay text.
func TestPeriodXLSXHasTheTrendsSheet(t *testing.T) {
	for _, name := range append([]string{"Xanh hóa quê hương"}, formulaPayloads...) {
		r := models.PeriodReport{Parent: "TD", From: "2026-01-01", To: "2026-12-31", Through: "2026-12-02",
			Rows: []models.PeriodRow{{Unit: models.Unit{Code: "X1", Name: "Đoàn xã A", Kind: models.UnitCommune}}},
			Trends: &models.TrendYear{Parent: "TD", Year: 2026, MinUnits: 3, Counted: 1,
				Trends: []models.TrendReport{
					{Trend: models.Trend{Name: name, Hashtags: []string{"#XanhHóaQuêHương", "#xhqh"}, StartDay: "2026-03-01", EndDay: "2026-03-31"},
						JoinedUnits: []models.TrendUnit{{Code: "X1"}, {Code: "X2"}, {Code: "X3"}}, Posts: 12, Counts: true},
					{Trend: models.Trend{Name: "Áo xanh", Hashtags: []string{"#AoXanh"}, StartDay: "2026-07-01", EndDay: "2026-07-31"}, Posts: 1},
				},
				Status: []models.PeriodStatus{
					{Level: models.LevelBaseline, Obligatory: true, Required: 2, Actual: 1, Status: models.StatusAtRisk},
					{Level: models.LevelTarget, Required: 5, Actual: 1, Status: models.StatusAtRisk},
				}}}
		var buf bytes.Buffer
		if err := WritePeriodXLSX(&buf, r); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(SheetTrends)
		if err != nil {
			t.Fatalf("no sheet %q: %v", SheetTrends, err)
		}
		want := [][]string{
			{"Trào lưu năm 2026 của TD: 1 trào lưu được tính (từ 3 đơn vị tham gia trở lên)"},
			{"Chỉ tiêu năm, mức cơ bản: 1/2 trào lưu — Đang có nguy cơ"},
			{"Chỉ tiêu năm, mức phấn đấu: 1/5 trào lưu — Đang có nguy cơ (chưa bắt buộc)"},
			TrendHeaders,
			{name, "#XanhHóaQuêHương #xhqh", "01/03/2026", "31/03/2026", "3", "12", "Có"},
			{"Áo xanh", "#AoXanh", "01/07/2026", "31/07/2026", "0", "1", "Chưa"},
		}
		if len(rows) != len(want) {
			t.Fatalf("%q: trends sheet has %d rows %q, want %d", name, len(rows), rows, len(want))
		}
		for i := range want {
			if len(rows[i]) != len(want[i]) {
				t.Errorf("%q: row %d = %q, want %q", name, i+1, rows[i], want[i])
				continue
			}
			for j := range want[i] {
				if i == 1 || i == 2 {
					continue // the status label's wording is the model's; checked below
				}
				if rows[i][j] != want[i][j] {
					t.Errorf("%q: row %d = %q, want %q", name, i+1, rows[i], want[i])
					break
				}
			}
		}
		if rows[1][0] != "Chỉ tiêu năm, mức cơ bản: 1/2 trào lưu — "+models.StatusAtRisk.Label() {
			t.Errorf("target line = %q", rows[1][0])
		}
		if fm, _ := f.GetCellFormula(SheetTrends, "A5"); fm != "" {
			t.Errorf("trend name %q became formula %q", name, fm)
		}
		f.Close()
	}
	// Without trends the workbook has the report's sheet alone.
	var buf bytes.Buffer
	if err := WritePeriodXLSX(&buf, models.PeriodReport{From: "2026-01-01", To: "2026-12-31"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != SheetPeriod {
		t.Errorf("sheets = %q, want only %q", sheets, SheetPeriod)
	}
}
