package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

// StatusColor is the fill colour of a status in exports and pages.
var StatusColor = map[models.Status]string{
	models.StatusMet:     "C6EFCE", // green
	models.StatusShort:   "FFC7CE", // red
	models.StatusAtRisk:  "FFEB9C", // amber
	models.StatusUnknown: "D9D9D9", // grey
	models.StatusExcused: "BDD7EE", // blue
	models.StatusNA:      "F2F2F2",
}

// Sheet names.
const (
	SheetReview  = "Tổng hợp tuần"
	SheetSummary = "Tổng hợp"
)

// WriteXLSX writes the review as an Excel workbook: the review table (frozen header,
// status colours) and a summary sheet with the share of units that met, per day and target.
func WriteXLSX(w io.Writer, r models.Review) error {
	f, white, err := newWorkbook(SheetReview)
	if err != nil {
		return err
	}
	defer f.Close()
	styles := map[models.Status]int{}
	for st, color := range StatusColor {
		id, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}, Alignment: &excelize.Alignment{Horizontal: "center"}})
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		styles[st] = id
	}

	sw, err := f.NewStreamWriter(SheetReview)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	hs := Headers(r)
	_ = sw.SetColWidth(1, 1, 6)
	_ = sw.SetColWidth(2, 2, 14)
	_ = sw.SetColWidth(3, 3, 34)
	_ = sw.SetColWidth(4, 4, 14)
	_ = sw.SetColWidth(5, 11, 8)
	_ = sw.SetColWidth(12, len(hs), 18)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	row := make([]any, len(hs))
	for i, h := range hs {
		row[i] = excelize.Cell{Value: h, StyleID: white}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for i, cells := range rows(r) {
		vals := make([]any, len(cells))
		for j, c := range cells {
			if c.status != "" {
				vals[j] = excelize.Cell{Value: c.value, StyleID: styles[c.status]}
			} else {
				vals[j] = c.value
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, vals); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := writeSummary(f, r, white); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: unable to write XLSX: %w", err)
	}
	return nil
}

func writeSummary(f *excelize.File, r models.Review, header int) error {
	if _, err := f.NewSheet(SheetSummary); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	set := func(cell string, v any) { _ = f.SetCellValue(SheetSummary, cell, v) }
	title := "Tổng hợp tuần " + r.Week
	if r.Parent != "" {
		title += " — đơn vị " + r.Parent
	}
	set("A1", title)
	heads := []string{"Ngày", "Đạt", "Không đạt", "Chưa đạt", "Không xác định", "Miễn", "Tỷ lệ đạt"}
	for i, h := range heads {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(c, h)
		_ = f.SetCellStyle(SheetSummary, c, c, header)
	}
	for i, d := range r.DaySummary {
		y := 4 + i
		for j, v := range []any{models.DayText(d.Day), d.Met, d.Short, d.AtRisk, d.Unknown, d.Excused, d.ShareText()} {
			c, _ := excelize.CoordinatesToCellName(j+1, y)
			set(c, v)
		}
	}
	y := 5 + len(r.DaySummary)
	for i, h := range []string{"Chỉ tiêu tuần", "Mức", "Đạt", "Không đạt", "Chưa đạt", "Không xác định", "Tỷ lệ đạt"} {
		c, _ := excelize.CoordinatesToCellName(i+1, y)
		set(c, h)
		_ = f.SetCellStyle(SheetSummary, c, c, header)
	}
	for i, t := range r.WeekSummary {
		lvl := "Mức 2025"
		if t.Level == models.LevelTarget {
			lvl = "Mức 2030"
		}
		for j, v := range []any{t.Label(), lvl, t.Met, t.Short, t.AtRisk, t.Unknown, t.ShareText()} {
			c, _ := excelize.CoordinatesToCellName(j+1, y+1+i)
			set(c, v)
		}
	}
	_ = f.SetColWidth(SheetSummary, "A", "A", 28)
	return nil
}

// WriteCSV writes the review table as CSV in UTF-8 with a BOM, status words in Vietnamese.
func WriteCSV(w io.Writer, r models.Review) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	cw := NewCSVWriter(w)
	if err := cw.Write(Headers(r)); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, cells := range rows(r) {
		rec := make([]string, len(cells))
		for i, c := range cells {
			rec[i] = fmt.Sprint(c.value)
			if c.status != "" && c.status != models.StatusNA {
				if _, isCount := c.value.(int); isCount {
					rec[i] = fmt.Sprintf("%v (%s)", c.value, c.status.Label())
					if c.retro {
						rec[i] = fmt.Sprintf("%v (%s, hồi tố)", c.value, c.status.Label())
					}
				}
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return cw.Flush()
}

// newWorkbook starts a workbook whose first sheet is named sheet, with the header style
// (white bold on dark blue) every export uses.
func newWorkbook(sheet string) (*excelize.File, int, error) {
	f := excelize.NewFile()
	// The file's own properties say who made it and when, not the library's defaults.
	now := time.Now().UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "tintot", LastModifiedBy: "tintot", Created: now, Modified: now, Language: "vi-VN"}); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("report: %w", err)
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("report: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E79"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
	})
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("report: %w", err)
	}
	return f, head, nil
}
