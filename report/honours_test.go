package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

func TestHonoursXLSXHasVietnameseHeadersAndNoFormulas(t *testing.T) {
	rows := []models.HonourLine{{Name: "Nguyễn Thị Hoa", UnitName: "Đoàn xã Đông Hòa", UnitCode: "C1", Story: "Cô giáo vùng cao", Day: "24/11/2026", URL: "https://c1.example.vn/1", Reason: "Gương người tốt việc tốt", ProposedBy: "r@doan.vn"}}
	for _, p := range formulaPayloads {
		rows = append(rows, models.HonourLine{Name: p, UnitName: p, Reason: p, Story: p})
	}
	var buf bytes.Buffer
	if err := WriteHonoursXLSX(&buf, "Đề nghị tuyên dương năm 2026", rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows(SheetHonours)
	if err != nil || len(got) != len(rows)+2 {
		t.Fatalf("%d rows (%v), want title + header + %d", len(got), err, len(rows))
	}
	if got[0][0] != "Đề nghị tuyên dương năm 2026" || strings.Join(got[1], "|") != strings.Join(HonourHeaders, "|") {
		t.Errorf("title/header = %v / %v", got[0], got[1])
	}
	if got[2][1] != "Nguyễn Thị Hoa" || got[2][7] != "Gương người tốt việc tốt" {
		t.Errorf("first row = %v", got[2])
	}
	for i, p := range formulaPayloads {
		for _, col := range []int{2, 3, 5, 8} {
			cell, _ := excelize.CoordinatesToCellName(col, i+4)
			if fm, _ := f.GetCellFormula(SheetHonours, cell); fm != "" {
				t.Errorf("%s holds formula %q", cell, fm)
			}
			if typ, _ := f.GetCellType(SheetHonours, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("%s has type %v, want a string", cell, typ)
			}
			if v, _ := f.GetCellValue(SheetHonours, cell); v != p {
				t.Errorf("%s = %q, want %q as text", cell, v, p)
			}
		}
	}
}
