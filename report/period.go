package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

// SheetPeriod is the sheet name of a period report.
const SheetPeriod = "Báo cáo kỳ"

// PeriodHeaders are the column headers of a period report.
var PeriodHeaders = []string{
	"Mã đơn vị", "Đơn vị", "Loại đơn vị",
	"Tin tốt", "Câu chuyện đẹp", "Bài đấu tranh phản bác",
	"Ngày đạt", "Ngày chưa đạt", "Ngày không xác định", "Ngày được miễn", "Tỉ lệ ngày đạt",
	"Tuần đạt", "Tuần chưa đạt", "Tuần không xác định", "Tuần được miễn", "Tỉ lệ tuần đạt",
}

// periodCells is one row of a period report; ratios are fractions (0.93), shown as %.
func periodCells(code, name, kind string, row models.PeriodRow) []any {
	ratio := func(c models.StatusCounts) any {
		if !c.Known() {
			return "—" // nothing judged: no share, not 0 %
		}
		return c.ShareMet
	}
	return []any{code, name, kind,
		number(row.Posts[models.KindGoodNews], row.CountText(models.KindGoodNews)), number(row.Posts[models.KindStory], row.CountText(models.KindStory)),
		number(row.Posts[models.KindIdeology], row.CountText(models.KindIdeology)),
		row.Days.Met, row.Days.Short, row.Days.Unknown, row.Days.Excused, ratio(row.Days),
		row.Weeks.Met, row.Weeks.Short, row.Weeks.Unknown, row.Weeks.Excused, ratio(row.Weeks),
	}
}

// WritePeriodXLSX writes a period report as an Excel workbook: a title line naming the
// period, the header, a row per unit and a total row.
func WritePeriodXLSX(w io.Writer, r models.PeriodReport) error {
	f, head, err := newWorkbook(SheetPeriod)
	if err != nil {
		return err
	}
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	boldPct, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 10})

	sw, err := f.NewStreamWriter(SheetPeriod)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_ = sw.SetColWidth(1, 1, 14)
	_ = sw.SetColWidth(2, 2, 34)
	_ = sw.SetColWidth(3, 3, 14)
	_ = sw.SetColWidth(4, len(PeriodHeaders), 12)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{Value: PeriodTitle(r), StyleID: bold}}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	hs := make([]any, len(PeriodHeaders))
	for i, h := range PeriodHeaders {
		hs[i] = excelize.Cell{Value: h, StyleID: head}
	}
	if err := sw.SetRow("A2", hs, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	styled := func(vals []any, base, ratio int) []any {
		for i, v := range vals {
			st := base
			if i == 10 || i == 15 {
				st = ratio
			}
			vals[i] = excelize.Cell{Value: v, StyleID: st}
		}
		return vals
	}
	n := 3
	for _, row := range r.Rows {
		ref, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(ref, styled(periodCells(row.Unit.Code, row.Unit.Name, row.Unit.Kind.Label(), row), 0, pct)); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		n++
	}
	ref, _ := excelize.CoordinatesToCellName(1, n)
	if err := sw.SetRow(ref, styled(periodCells("", fmt.Sprintf("Tổng cộng (%d đơn vị)", len(r.Rows)), "", r.Total), bold, boldPct)); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if r.Trends != nil {
		if err := writeTrendsSheet(f, *r.Trends, head, bold); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: unable to write XLSX: %w", err)
	}
	return nil
}

// SheetTrends is the sheet name of the trends (trào lưu) of a period report's year.
const SheetTrends = "Trào lưu"

// TrendHeaders are the column headers of the trends sheet.
var TrendHeaders = []string{"Trào lưu", "Hashtag", "Từ ngày", "Đến ngày", "Đơn vị tham gia", "Số bài", "Được tính vào chỉ tiêu năm"}

// writeTrendsSheet adds the year's trends and the yearly trend target as their own sheet.
func writeTrendsSheet(f *excelize.File, ty models.TrendYear, head, bold int) error {
	if _, err := f.NewSheet(SheetTrends); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetTrends)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_ = sw.SetColWidth(1, 1, 34)
	_ = sw.SetColWidth(2, 2, 30)
	_ = sw.SetColWidth(3, len(TrendHeaders), 14)
	title := fmt.Sprintf("Trào lưu năm %d của %s: %d trào lưu được tính (từ %d đơn vị tham gia trở lên)", ty.Year, ty.Parent, ty.Counted, ty.MinUnits)
	if err := sw.SetRow("A1", []any{excelize.Cell{Value: title, StyleID: bold}}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	n := 2
	for _, st := range ty.Status {
		line := fmt.Sprintf("Chỉ tiêu năm, %s: %s/%d trào lưu — %s", strings.ToLower(st.Level.Label()), st.ActualText(), st.Required, st.Status.Label())
		if !st.Obligatory {
			line += " (chưa bắt buộc)"
		}
		ref, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(ref, []any{line}); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		n++
	}
	hs := make([]any, len(TrendHeaders))
	for i, h := range TrendHeaders {
		hs[i] = excelize.Cell{Value: h, StyleID: head}
	}
	ref, _ := excelize.CoordinatesToCellName(1, n)
	if err := sw.SetRow(ref, hs, excelize.RowOpts{Height: 32}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, t := range ty.Trends {
		n++
		counts := "Chưa"
		if t.Counts {
			counts = "Có"
		}
		ref, _ := excelize.CoordinatesToCellName(1, n)
		// Names and hashtags are typed by people: strings, never formulas.
		row := []any{t.Name, strings.Join(t.Hashtags, " "), vnDay(t.StartDay), vnDay(t.EndDay), len(t.JoinedUnits), t.Posts, counts}
		if err := sw.SetRow(ref, row); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if len(ty.Trends) == 0 {
		ref, _ := excelize.CoordinatesToCellName(1, n+1)
		if err := sw.SetRow(ref, []any{"Chưa có trào lưu nào trong năm này."}); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// vnDay writes a day key (2026-11-27) as Vietnamese dates are written (27/11/2026).
func vnDay(day string) string {
	if len(day) != 10 {
		return day
	}
	return day[8:10] + "/" + day[5:7] + "/" + day[0:4]
}

// PeriodTitle is the report's title line, in Vietnamese.
func PeriodTitle(r models.PeriodReport) string {
	vn := func(day string) string {
		if len(day) != 10 {
			return day
		}
		return day[8:10] + "/" + day[5:7] + "/" + day[0:4]
	}
	s := fmt.Sprintf("Kết quả thực hiện \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\" từ %s đến %s", vn(r.From), vn(r.To))
	switch {
	case r.Through == "":
		s += " (kỳ báo cáo chưa có ngày nào kết thúc)"
	case r.Through != r.To:
		s += " (số liệu tính đến hết ngày " + vn(r.Through) + ")"
	}
	return s
}

// PeriodFilename is the download name of a period report, e.g. "bao-cao-2026-01-01-2026-12-31-TD.xlsx".
func PeriodFilename(r models.PeriodReport) string {
	name := "bao-cao-" + r.From + "-" + r.To
	if r.Parent != "" {
		name += "-" + r.Parent
	}
	return name + ".xlsx"
}
