package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tintot/models"
)

func sampleReview() models.Review {
	days := []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"}
	row := models.ReviewRow{
		Unit:        models.Unit{Code: "P01", Name: "Phường Hoàn Kiếm", Kind: models.UnitCommune},
		DailyCounts: [7]int{1, 0, 2, 1, 1, 0, 0},
		DailyStatus: [7]models.Status{models.StatusMet, models.StatusShort, models.StatusMet, models.StatusUnknown, models.StatusMet, models.StatusAtRisk, models.StatusNA},
		WeekCounts:  map[models.Kind]int{models.KindGoodNews: 4, models.KindStory: 1},
		Statuses: []models.PeriodStatus{
			{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Actual: 1, Status: models.StatusMet},
			{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelTarget, Required: 2, Actual: 1, Status: models.StatusAtRisk},
			{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: 5, Actual: 3},
		},
		DaysMet:     map[models.Level]int{models.LevelBaseline: 3},
		PrevDaysMet: 5,
		Streak:      1,
		FeedState:   models.FeedOK,
		Rank:        1,
		HasDaily:    true,
	}
	return models.Review{Week: "2026-W48", Parent: "TD", Days: days, Rows: []models.ReviewRow{row},
		DaySummary:  []models.DaySummary{{Day: days[0], StatusCounts: models.StatusCounts{Met: 1, ShareMet: 1}}},
		WeekSummary: []models.TargetSummary{{Target: "commune_weekly_story", Level: models.LevelBaseline, StatusCounts: models.StatusCounts{Met: 1, ShareMet: 1}}},
	}
}

func TestXLSXHasVietnameseHeadersColoursAndFrozenHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sampleReview()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	check := func(cell, want string) {
		t.Helper()
		got, err := f.GetCellValue(SheetReview, cell)
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", cell, got, err, want)
		}
	}
	check("B1", "Mã đơn vị")
	check("C1", "Tên đơn vị")
	check("E1", "T2 23/11")
	check("K1", "CN 29/11")
	check("C2", "Phường Hoàn Kiếm")
	check("E2", "1")
	check("F2", "0")
	check("L2", "3/5")
	check("P2", "Câu chuyện đẹp 1/1: Đạt")
	check("S2", "giảm 2 ngày")
	check("T2", "Hoạt động tốt")
	panes, err := f.GetPanes(SheetReview)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}
	for cell, st := range map[string]models.Status{"E2": models.StatusMet, "F2": models.StatusShort, "J2": models.StatusAtRisk} {
		id, err := f.GetCellStyle(SheetReview, cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil || len(style.Fill.Color) == 0 || style.Fill.Color[0] != StatusColor[st] {
			t.Errorf("%s fill = %+v, want %s for %s", cell, style.Fill, StatusColor[st], st)
		}
	}
	if v, _ := f.GetCellValue(SheetSummary, "A1"); !strings.Contains(v, "2026-W48") {
		t.Errorf("summary title = %q", v)
	}
}

func TestCSVHasBOMAndVietnamese(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sampleReview()); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeff") {
		t.Fatal("CSV has no UTF-8 BOM: Excel would show broken Vietnamese")
	}
	lines := strings.Split(strings.TrimPrefix(s, "\ufeff"), "\r\n")
	if !strings.HasPrefix(lines[0], "Hạng,Mã đơn vị,Tên đơn vị,Loại,T2 23/11") {
		t.Errorf("header = %q", lines[0])
	}
	if !strings.Contains(lines[1], "0 (Không đạt)") || !strings.Contains(lines[1], "Phường Hoàn Kiếm") {
		t.Errorf("row = %q", lines[1])
	}
}

// formulaPayloads are unit names a unit admin or a CSV import could set.
var formulaPayloads = []string{
	`=HYPERLINK("http://evil/","click")`, `+cmd|' /C calc'!A0`, `-2+3+cmd|' /C calc'!A0`, `@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1", "\r=1+1",
}

func TestSafeCell(t *testing.T) {
	for _, p := range formulaPayloads {
		if got := SafeCell(p); got != "'"+p {
			t.Errorf("SafeCell(%q) = %q", p, got)
		}
	}
	for _, s := range []string{"", "Phường Hoàn Kiếm", "3/5", "-3", "+2.5", "0 (Không đạt)", "'quoted"} {
		if got := SafeCell(s); got != s {
			t.Errorf("SafeCell(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestExportsNeverCarryFormulas(t *testing.T) {
	for _, p := range formulaPayloads {
		r := sampleReview()
		r.Rows[0].Unit.Name = p
		r.Rows[0].Unit.Code = p
		var buf bytes.Buffer
		if err := WriteCSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			for _, c := range rec {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					if _, err := strconv.ParseFloat(c, 64); err != nil {
						t.Errorf("CSV cell %q would run as a formula", c)
					}
				}
			}
		}
		// encoding/csv drops a lone CR when it writes CRLF lines.
		want := "'" + strings.ReplaceAll(p, "\r", "")
		if recs[1][1] != want || recs[1][2] != want {
			t.Errorf("CSV row = %q, want the neutralised payload", recs[1][:3])
		}

		buf.Reset()
		if err := WriteXLSX(&buf, r); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range []string{"B2", "C2"} {
			if fm, _ := f.GetCellFormula(SheetReview, cell); fm != "" {
				t.Errorf("XLSX %s holds formula %q", cell, fm)
			}
			if typ, _ := f.GetCellType(SheetReview, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
				t.Errorf("XLSX %s has type %v, want a string", cell, typ)
			}
			if v, _ := f.GetCellValue(SheetReview, cell); v != p {
				t.Errorf("XLSX %s = %q, want the name as text %q", cell, v, p)
			}
		}
		f.Close()
	}
}

// TestEveryCSVGoesThroughCSVWriter keeps CSVWriter the only CSV writer in the module.
func TestEveryCSVGoesThroughCSVWriter(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if filepath.Base(path) == "csvsafe.go" && filepath.Base(filepath.Dir(path)) == "report" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("csv.NewWriter(")) {
			t.Errorf("%s writes CSV with encoding/csv directly; use report.NewCSVWriter", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExportsShowOnlyWhatIsKnown: a day not begun has no count, an unknown day with
// nothing seen is "?", a day judged in hindsight says so, an open week's comparison
// names its days, and a unit without a daily target shows no days met.
func TestExportsShowOnlyWhatIsKnown(t *testing.T) {
	r := sampleReview()
	r.CompareDays = 4
	row := &r.Rows[0]
	row.DailyCounts = [7]int{1, 0, 0, 2, 0, 0, 0}
	row.DailyStatus = [7]models.Status{models.StatusMet, models.StatusShort, models.StatusUnknown, models.StatusAtRisk, models.StatusUpcoming, models.StatusUpcoming, models.StatusUpcoming}
	row.DailyRetro = [7]bool{false, true}
	prov := models.ReviewRow{Unit: models.Unit{Code: "TD", Name: "Thành đoàn", Kind: models.UnitProvince}, WeekCounts: map[models.Kind]int{models.KindIdeology: 2},
		Statuses: []models.PeriodStatus{{Target: "province_weekly_ideology", PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 2, Actual: 2, Status: models.StatusMet}}}
	for i := range prov.DailyStatus {
		prov.DailyStatus[i] = models.StatusNA
	}
	r.Rows = append(r.Rows, prov)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := recs[0][18]; h != "So với cùng kỳ tuần trước (T2–T5)" {
		t.Errorf("comparison header = %q", h)
	}
	days := recs[1][4:11]
	want := []string{"1 (Đạt)", "0 (Không đạt, hồi tố)", "?", "2 (Chưa đạt)", "", "", ""}
	if strings.Join(days, "|") != strings.Join(want, "|") {
		t.Errorf("day cells = %q, want %q", days, want)
	}
	if p := recs[2]; p[11] != "—" || p[17] != "—" {
		t.Errorf("province days met %q streak %q, want —", p[11], p[17])
	}
}

// TestBlindWeekCountsAreNotZero: a unit whose feed was broken all week shows "?" in the
// week's count columns, as in its day cells, not "0" posts it may well have made.
func TestBlindWeekCountsAreNotZero(t *testing.T) {
	r := sampleReview()
	blind := r.Rows[0]
	blind.Unit = models.Unit{Code: "P02", Name: "Xã Cẩm Lệ", Kind: models.UnitCommune}
	blind.DailyCounts = [7]int{}
	blind.DailyStatus = [7]models.Status{models.StatusUnknown, models.StatusUnknown, models.StatusUnknown, models.StatusUnknown, models.StatusUnknown, models.StatusUnknown, models.StatusUnknown}
	blind.WeekCounts = map[models.Kind]int{}
	blind.Statuses = []models.PeriodStatus{
		{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Status: models.StatusUnknown},
	}
	// A unit seen all week that made no story: its 0 is known.
	seen := r.Rows[0]
	seen.Unit = models.Unit{Code: "P03", Name: "Xã Bình Minh", Kind: models.UnitCommune}
	seen.WeekCounts = map[models.Kind]int{models.KindGoodNews: 4}
	seen.DailyStatus = [7]models.Status{models.StatusMet, models.StatusShort, models.StatusMet, models.StatusMet, models.StatusMet, models.StatusMet, models.StatusMet}
	seen.Statuses = []models.PeriodStatus{
		{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Status: models.StatusShort},
	}
	r.Rows = []models.ReviewRow{blind, seen}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, c := range []struct {
		row                   int
		good, story, ideology string
	}{{1, "?", "?", "?"}, {2, "4", "0", "0"}} {
		got := [3]string{recs[c.row][col["Tin tốt (tuần)"]], recs[c.row][col["Câu chuyện đẹp (tuần)"]], recs[c.row][col["Đấu tranh phản bác (tuần)"]]}
		if got != [3]string{c.good, c.story, c.ideology} {
			t.Errorf("%s week counts = %v, want [%s %s %s]", recs[c.row][col["Mã đơn vị"]], got, c.good, c.story, c.ideology)
		}
	}
}

// TestSummarySheetSpeaksVietnamese: the review workbook's summary sheet (also the weekly
// digest's attachment) names weekly targets by what they count and whom they bind, and
// writes days as the rest of the export does, not policy names and ISO dates.
func TestSummarySheetSpeaksVietnamese(t *testing.T) {
	r := sampleReview()
	r.WeekSummary[0].Kinds, r.WeekSummary[0].UnitKinds = []models.Kind{models.KindStory}, []models.UnitKind{models.UnitCommune}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(rows)
	for _, want := range []string{"23/11/2026", "Câu chuyện đẹp / tuần (" + models.UnitCommune.Label() + ")"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary sheet lacks %q: %v", want, rows)
		}
	}
	for _, bad := range []string{"commune_weekly_story", "2026-11-23"} {
		if strings.Contains(text, bad) {
			t.Errorf("summary sheet shows %q: %v", bad, rows)
		}
	}
	// The file says it was made by tintot, now (not excelize's "xuri", 2006).
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "tintot" || !strings.HasPrefix(props.Created, time.Now().UTC().Format("2006")) {
		t.Errorf("document properties %+v, want made by tintot this year", props)
	}
}
