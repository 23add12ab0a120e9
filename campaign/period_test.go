package campaign

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"tintot/models"
)

func TestPeriodReport(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-30 07:00")) // Monday: the period's last day is not over
	for day := 16; day <= 29; day++ {
		if day != 20 {
			f.post(t, "xa-a", fmt.Sprintf("2026-11-%02d 09:00", day), models.KindGoodNews)
		}
	}
	f.post(t, "xa-a", "2026-11-17 20:00", models.KindStory)
	f.post(t, "xa-a", "2026-11-25 20:00", models.KindStory)
	f.post(t, "xa-a", "2026-11-15 09:00", models.KindGoodNews) // before the period
	f.post(t, "tinh", "2026-11-24 10:00", models.KindIdeology)
	f.post(t, "tinh", "2026-11-26 10:00", models.KindIdeology)

	// A commune registered on 25/11 whose feed's first read (at 08:00 that day) showed
	// posts back to 20/11 09:00: days before that are unknown, the days it showed are
	// judged in hindsight.
	late := at("2026-11-25 08:00")
	oldest := at("2026-11-20 09:00")
	if err := f.st.CreateUnit(ctx, models.Unit{Code: "xa-d", Name: "Đoàn xã Đông Sơn", Kind: models.UnitCommune, ParentCode: "huyen", CreatedAt: late, UpdatedAt: late}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreateFeed(ctx, models.Feed{UnitCode: "xa-d", URL: "https://xa-d.example.vn/feed.xml", State: models.FeedOK, NextCheckAt: late, CreatedAt: late, UpdatedAt: late,
		FirstReadAt: &late, CoveredFrom: &oldest}); err != nil {
		t.Fatal(err)
	}
	f.post(t, "xa-d", "2026-11-20 09:00", models.KindGoodNews) // found in the feed's window
	f.post(t, "xa-d", "2026-11-26 09:00", models.KindGoodNews)

	r, err := f.svc.PeriodReport(ctx, "tinh", "2026-11-16", "2026-11-30")
	if err != nil {
		t.Fatal(err)
	}
	if r.Through != "2026-11-29" || strings.Join(r.Weeks, " ") != "2026-W47 2026-W48" {
		t.Fatalf("through %s weeks %v; want through 2026-11-29 and weeks W47, W48", r.Through, r.Weeks)
	}
	rows := map[string]models.PeriodRow{}
	for _, row := range r.Rows {
		rows[row.Unit.Code] = row
	}
	if _, ok := rows["huyen"]; ok || len(rows) != 5 {
		t.Errorf("rows = %v; want tinh and the four communes (the district has no quota)", len(rows))
	}
	type want struct {
		good, story, ideology  int
		dMet, dShort, dUnknown int
		wMet, wShort, wUnknown int
	}
	for code, w := range map[string]want{
		"xa-a": {good: 13, story: 2, dMet: 13, dShort: 1, wMet: 2},
		"xa-b": {dShort: 14, wShort: 2},
		"xa-c": {dUnknown: 14, wUnknown: 2}, // feed broken since 1 November
		"tinh": {ideology: 2, wMet: 1, wShort: 1},
		// 16–19/11 unknown (the feed did not reach back that far), 20/11 and 26/11 met,
		// the other days short; W47 unknown, W48 short (no story).
		"xa-d": {good: 2, dMet: 2, dShort: 8, dUnknown: 4, wShort: 1, wUnknown: 1},
	} {
		row := rows[code]
		got := want{row.Posts[models.KindGoodNews], row.Posts[models.KindStory], row.Posts[models.KindIdeology],
			row.Days.Met, row.Days.Short, row.Days.Unknown, row.Weeks.Met, row.Weeks.Short, row.Weeks.Unknown}
		if got != w {
			t.Errorf("%s = %+v, want %+v", code, got, w)
		}
	}
	if r.Total.Days.Met != 15 || r.Total.Days.Short != 23 || r.Total.Posts[models.KindGoodNews] != 15 {
		t.Errorf("total = %+v", r.Total)
	}
	if got := rows["xa-a"].Days.ShareMet; got < 0.928 || got > 0.929 {
		t.Errorf("xa-a share of days met = %.4f, want 13/14", got)
	}

	// A period not begun, a reversed one, one over a year: clear refusals or an empty report.
	if r, err := f.svc.PeriodReport(ctx, "", "2026-12-01", "2026-12-31"); err != nil || r.Through != "" || len(r.Rows) != 0 {
		t.Errorf("future period: %+v, %v; want an empty report", r, err)
	}
	for _, bad := range [][2]string{{"2026-11-30", "2026-11-01"}, {"2025-01-01", "2026-06-30"}, {"2026-13-01", "2026-12-31"}} {
		if _, err := f.svc.PeriodReport(ctx, "", bad[0], bad[1]); err == nil {
			t.Errorf("period %s..%s accepted", bad[0], bad[1])
		}
	}
}
