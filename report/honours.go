package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

// SheetHonours is the sheet name of the yearly honour roll.
const SheetHonours = "Đề nghị tuyên dương"

// HonourHeaders are the column headers of the honour roll.
var HonourHeaders = []string{
	"STT", "Tập thể, cá nhân được đề nghị", "Đơn vị", "Mã đơn vị", "Câu chuyện", "Ngày đăng", "Đường dẫn", "Lý do đề nghị", "Người đề xuất",
}

// WriteHonoursXLSX writes the year's honour roll for the yearly commendation (seed 003,
// appendix III.1): a title line, the Vietnamese header and one row per proposal. Every
// text is written as a string cell, never as a formula.
func WriteHonoursXLSX(w io.Writer, title string, rows []models.HonourLine) error {
	f, head, err := newWorkbook(SheetHonours)
	if err != nil {
		return err
	}
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	sw, err := f.NewStreamWriter(SheetHonours)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i, width := range []float64{6, 30, 30, 14, 40, 12, 36, 50, 24} {
		_ = sw.SetColWidth(i+1, i+1, width)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{Value: title, StyleID: bold}}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	hs := make([]any, len(HonourHeaders))
	for i, h := range HonourHeaders {
		hs[i] = excelize.Cell{Value: h, StyleID: head}
	}
	if err := sw.SetRow("A2", hs, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i, r := range rows {
		vals := []any{i + 1}
		for _, s := range []string{r.Name, r.UnitName, r.UnitCode, r.Story, r.Day, r.URL, r.Reason, r.ProposedBy} {
			vals = append(vals, excelize.Cell{Value: s, StyleID: wrap}) // a Go string: a string cell, never a formula
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+3), vals); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: unable to write XLSX: %w", err)
	}
	return nil
}
