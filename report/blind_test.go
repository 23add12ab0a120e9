package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tintot/models"
	"tintot/quota"
)

func blindAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, models.Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

// blindReview: W48 (23–29/11/2026), closed. xa-blind met every day of W47, then its only
// feed broke on Monday 00:00 of W48 and is still broken: all of W48 is unknown.
// xa-zero was seen all week and posted nothing in either week.
func blindReview(t *testing.T) models.Review {
	t.Helper()
	e := quota.NewEngine(quota.DefaultPolicy())
	long := time.Date(2020, 1, 1, 0, 0, 0, 0, models.Vietnam)
	blind := models.Unit{Code: "xa-blind", Name: "Đoàn xã Mù", Kind: models.UnitCommune, ParentCode: "tinh"}
	zero := models.Unit{Code: "xa-zero", Name: "Đoàn xã Không", Kind: models.UnitCommune, ParentCode: "tinh"}
	var counts []models.DayCount
	for d := 16; d <= 22; d++ {
		counts = append(counts, models.DayCount{UnitCode: "xa-blind", Day: "2026-11-" + itoa2(d), Kind: models.KindGoodNews, Count: 1})
	}
	feeds := []models.Feed{
		{ID: "f-blind", UnitCode: "xa-blind", State: models.FeedBroken, FirstReadAt: &long, CoveredFrom: &long},
		{ID: "f-zero", UnitCode: "xa-zero", State: models.FeedOK, FirstReadAt: &long, CoveredFrom: &long},
	}
	outages := []models.FeedOutage{{FeedID: "f-blind", UnitCode: "xa-blind", From: blindAt("2026-11-23 00:00")}}
	r, err := e.Review("2026-W48", "tinh", []models.Unit{blind, zero}, quota.NewData(counts, outages, feeds), nil, blindAt("2026-11-30 07:00"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func itoa2(d int) string { return string([]byte{byte('0' + d/10), byte('0' + d%10)}) }

// The comparison with last week does not count the blind week's 7 unknown days as 7
// lost days.
func TestBlindWeekComparedWithLastWeek(t *testing.T) {
	r := blindReview(t)
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
	for _, rec := range recs[1:] {
		t.Logf("%s: rank=%s days=%s T2=%s cmp=%q", rec[col["Mã đơn vị"]], rec[col["Hạng"]], rec[col["Ngày đạt (mức 2025)"]], rec[col["T2 23/11"]], rec[col["So với tuần trước"]])
		if rec[col["Mã đơn vị"]] == "xa-blind" {
			if got := rec[col["So với tuần trước"]]; strings.Contains(got, "giảm") {
				t.Errorf("blind week: comparison = %q, want \"?\" (its 7 days are unknown, not lost)", got)
			}
		}
	}
}

// A unit tintot could not see all week is not ranked level with a unit seen to miss all 7
// days: it is left out of the ranking.
func TestBlindUnitRankedAsMissingEveryDay(t *testing.T) {
	r := blindReview(t)
	rank := map[string]int{}
	for _, row := range r.Rows {
		rank[row.Unit.Code] = row.Rank
		t.Logf("%s rank %d days met %v daysMetText %q", row.Unit.Code, row.Rank, row.DaysMet, row.DaysMetText())
	}
	if rank["xa-blind"] == rank["xa-zero"] {
		t.Errorf("xa-blind (no day judged) has rank %d, the same as xa-zero (seen, missed 7/7): blind days ranked as misses", rank["xa-blind"])
	}
}

// The summary sheet of the review XLSX writes no "0%" for a day on which no unit could be
// judged.
func TestBlindSummarySheetShareOfUnknownDay(t *testing.T) {
	r := sampleReview()
	r.DaySummary = []models.DaySummary{{Day: r.Days[0], StatusCounts: models.StatusCounts{Unknown: 3}}}
	r.WeekSummary = []models.TargetSummary{{Target: "commune_weekly_story", Level: models.LevelBaseline, StatusCounts: models.StatusCounts{Unknown: 3}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	day, _ := f.GetCellValue(SheetSummary, "G4")
	week, _ := f.GetCellValue(SheetSummary, "G7")
	t.Logf("summary sheet: day share G4=%q, week share G7=%q", day, week)
	if day == "0%" {
		t.Errorf("day with 3 unknown units and none judged: share = %q, want ? or —", day)
	}
	if week == "0%" {
		t.Errorf("weekly target with 3 unknown units and none judged: share = %q, want ? or —", week)
	}
}

// The period report XLSX: a unit whose every day and week was unknown gets neither 0
// posts nor a 0.00% share of days and weeks met.
func TestBlindPeriodXLSXBlindUnit(t *testing.T) {
	row := models.PeriodRow{Unit: models.Unit{Code: "C9", Name: "Đoàn xã Mù", Kind: models.UnitCommune}, Posts: map[models.Kind]int{},
		Days: models.StatusCounts{Unknown: 31}, Weeks: models.StatusCounts{Unknown: 4}}
	r := models.PeriodReport{From: "2026-10-01", To: "2026-10-31", Through: "2026-10-31", Rows: []models.PeriodRow{row}, Total: row}
	var buf bytes.Buffer
	if err := WritePeriodXLSX(&buf, r); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(SheetPeriod)
	t.Logf("header %q", rows[1])
	t.Logf("row    %q", rows[2])
	t.Logf("total  %q", rows[3])
	for _, i := range []int{2, 3} {
		if rows[i][10] == "0.00%" || rows[i][15] == "0.00%" {
			t.Errorf("row %d: share of days %q, weeks %q for a unit no day of which was seen; want —", i, rows[i][10], rows[i][15])
		}
		if rows[i][3] == "0" {
			t.Errorf("row %d: good news %q for a unit tintot never saw; want ?", i, rows[i][3])
		}
	}
}
