package campaign

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/quota"
)

// A unit first read on Monday 23/11 (its first read reaching back to that day only):
// W47 is unknown for it. The W48 table does not state its W47 as "0/7" days met, nor
// "Tỷ lệ đạt 0%" for a day on which no unit could be judged.
func TestBlindTablePreviousBlindWeek(t *testing.T) {
	e := quota.NewEngine(quota.DefaultPolicy())
	first := time.Date(2026, 11, 23, 0, 0, 0, 0, models.Vietnam)
	u := models.Unit{Code: "xa-new", Name: "Đoàn xã Mới đọc", Kind: models.UnitCommune, ParentCode: "tinh"}
	var counts []models.DayCount
	for d := 23; d <= 29; d++ {
		counts = append(counts, models.DayCount{UnitCode: "xa-new", Day: "2026-11-" + string(rune('0'+d/10)) + string(rune('0'+d%10)), Kind: models.KindGoodNews, Count: 1})
	}
	feeds := []models.Feed{{ID: "f", UnitCode: "xa-new", State: models.FeedOK, FirstReadAt: &first, CoveredFrom: &first}}
	now := time.Date(2026, 11, 30, 7, 0, 0, 0, models.Vietnam)
	r, err := e.Review("2026-W48", "tinh", []models.Unit{u}, quota.NewData(counts, nil, feeds), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteTable(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "xa-new") || strings.Contains(l, "Hạng") {
			t.Logf("%s", l)
		}
	}
	if row := r.Rows[0]; row.PrevDaysMet == 0 && regexp.MustCompile(`7/7\s+0/7`).MatchString(b.String()) {
		t.Errorf("W47, which tintot could not see, is stated as 0/7 days met")
	}
	r2, err := e.Review("2026-W47", "tinh", []models.Unit{u}, quota.NewData(counts, nil, feeds), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := WriteTable(&b, r2); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "Tỷ lệ") || strings.Contains(l, "Không xác định") {
			t.Logf("%s", l)
		}
	}
	if regexp.MustCompile(`Tỷ lệ đạt\s+0%`).MatchString(b.String()) {
		t.Errorf("days with no unit judged stated as 0%% met")
	}
}
