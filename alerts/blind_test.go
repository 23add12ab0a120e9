package alerts

import (
	"context"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/quota"
	"tintot/store"
)

func digestBody(t *testing.T, f *fixture, r models.Review) string {
	t.Helper()
	if err := f.svc.Digest(context.Background(), f.units["TD"], r); err != nil {
		t.Fatal(err)
	}
	as, err := f.st.ListAlerts(context.Background(), store.AlertFilter{Types: []models.AlertType{models.AlertWeeklyDigest}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if a.Period == r.Week {
			return a.BodyText
		}
	}
	t.Fatalf("no digest for %s", r.Week)
	return ""
}

// The weekly digest does not name a unit tintot could not see all week among "the units
// to urge" (it said "0/7 ngày đạt"), and a day or target nobody could be judged on has no
// share met (it said "0%").
func TestBlindDigestBlindUnits(t *testing.T) {
	f := newFixture(t, vn(2026, 11, 30, 8, 0))
	e := quota.NewEngine(quota.DefaultPolicy())
	long := time.Date(2020, 1, 1, 0, 0, 0, 0, models.Vietnam)
	var counts []models.DayCount
	for d := 23; d <= 29; d++ {
		counts = append(counts, models.DayCount{UnitCode: "P01", Day: "2026-11-" + string(rune('0'+d/10)) + string(rune('0'+d%10)), Kind: models.KindGoodNews, Count: 1})
	}
	counts = append(counts, models.DayCount{UnitCode: "P01", Day: "2026-11-28", Kind: models.KindStory, Count: 1})
	feeds := []models.Feed{
		{ID: "f1", UnitCode: "P01", State: models.FeedOK, FirstReadAt: &long, CoveredFrom: &long},
		{ID: "f2", UnitCode: "P02", State: models.FeedBroken, FirstReadAt: &long, CoveredFrom: &long},
	}
	outages := []models.FeedOutage{{FeedID: "f2", UnitCode: "P02", From: vn(2026, 11, 20, 0, 0)}}
	units := []models.Unit{f.units["P01"], f.units["P02"]}
	r, err := e.Review("2026-W48", "TD", units, quota.NewData(counts, outages, feeds), nil, vn(2026, 11, 30, 7, 0))
	if err != nil {
		t.Fatal(err)
	}
	body := digestBody(t, f, r)
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, "đôn đốc") {
			t.Logf("digest W48: %s", strings.TrimSpace(l))
		}
	}
	if strings.Contains(body, "Đoàn xã Đông Anh (0/7 ngày đạt)") {
		t.Errorf("digest lists the blind unit P02 as having met 0/7 days (its 7 days are unknown)")
	}

	// W47: both units blind (P01's feed first read on 30/11, reaching back only to 25/11).
	late := vn(2026, 11, 25, 0, 0)
	feeds[0].CoveredFrom, feeds[0].FirstReadAt = &late, &late
	outages[0].From = vn(2026, 11, 10, 0, 0)
	r, err = e.Review("2026-W47", "TD", units, quota.NewData(nil, outages, feeds), nil, vn(2026, 11, 30, 7, 0))
	if err != nil {
		t.Fatal(err)
	}
	body = digestBody(t, f, r)
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, "16/11") || strings.Contains(l, "tỷ lệ đạt") || strings.Contains(l, "đôn đốc") {
			t.Logf("digest W47: %s", strings.TrimSpace(l))
		}
	}
	if strings.Contains(body, "| 0%") {
		t.Errorf("day with no unit judged stated as 0%% met in the digest table")
	}
	if strings.Contains(body, "tỷ lệ đạt 0%") {
		t.Errorf("weekly target with no unit judged stated as 'tỷ lệ đạt 0%%'")
	}
}

// The province parent (no daily target, weekly ideology met) is not listed with
// "0/7 ngày đạt" among the units to urge.
func TestBlindDigestUnitWithoutDailyTarget(t *testing.T) {
	f := newFixture(t, vn(2026, 11, 30, 8, 0))
	e := quota.NewEngine(quota.DefaultPolicy())
	long := time.Date(2020, 1, 1, 0, 0, 0, 0, models.Vietnam)
	counts := []models.DayCount{{UnitCode: "TD", Day: "2026-11-24", Kind: models.KindIdeology, Count: 3}}
	feeds := []models.Feed{{ID: "f0", UnitCode: "TD", State: models.FeedOK, FirstReadAt: &long, CoveredFrom: &long}}
	r, err := e.Review("2026-W48", "TD", []models.Unit{f.units["TD"]}, quota.NewData(counts, nil, feeds), nil, vn(2026, 11, 30, 7, 0))
	if err != nil {
		t.Fatal(err)
	}
	body := digestBody(t, f, r)
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, "đôn đốc") {
			t.Logf("digest: %s", strings.TrimSpace(l))
		}
	}
	if strings.Contains(body, "Thành đoàn Hà Nội (0/7 ngày đạt)") {
		t.Errorf("a unit without a daily target is listed as 0/7 days met")
	}
}
