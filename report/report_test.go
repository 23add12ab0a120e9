package report

import (
	"bytes"
	"strings"
	"testing"

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
	check("S2", "-2 ngày")
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
