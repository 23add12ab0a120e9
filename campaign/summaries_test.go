package campaign

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"tintot/models"
)

// TestReviewSummaries: the summaries of several weeks read at once are those of each
// week's own review, in the order asked, without rows.
func TestReviewSummaries(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-27 12:00"))
	for day := 2; day <= 27; day++ {
		if day%4 != 0 {
			f.post(t, "xa-a", fmt.Sprintf("2026-11-%02d 08:00", day), models.KindGoodNews)
		}
		if day%9 == 0 {
			f.post(t, "xa-b", fmt.Sprintf("2026-11-%02d 08:00", day), models.KindStory)
		}
	}
	f.post(t, "tinh", "2026-11-18 10:00", models.KindIdeology)
	weeks := []string{"2026-W49", "2026-W45", "2026-W46", "2026-W47", "2026-W48"}
	got, err := f.svc.ReviewSummaries(ctx, "tinh", weeks)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(weeks) {
		t.Fatalf("%d summaries for %d weeks", len(got), len(weeks))
	}
	for i, w := range weeks {
		want, err := f.svc.Review(ctx, w, "tinh")
		if err != nil {
			t.Fatal(err)
		}
		g := got[i]
		if g.Week != w || g.Rows != nil {
			t.Errorf("summary %d: week %s with %d rows, want %s without rows", i, g.Week, len(g.Rows), w)
		}
		if !reflect.DeepEqual(g.DaySummary, want.DaySummary) || !reflect.DeepEqual(g.WeekSummary, want.WeekSummary) {
			t.Errorf("%s: summaries %+v / %+v, review's %+v / %+v", w, g.DaySummary, g.WeekSummary, want.DaySummary, want.WeekSummary)
		}
	}
	if got[0].DaySummary[0].Upcoming != true {
		t.Errorf("the week not begun has begun days: %+v", got[0].DaySummary)
	}
	if _, err := f.svc.ReviewSummaries(ctx, "tinh", []string{"2026-W48", "2026-48"}); err == nil {
		t.Error("a bad week was accepted")
	}
	if _, err := f.svc.ReviewSummaries(ctx, "khong-co", weeks); err == nil {
		t.Error("an unknown parent was accepted")
	}
	if r, err := f.svc.ReviewSummaries(ctx, "tinh", nil); err != nil || r != nil {
		t.Errorf("no weeks: %v, %v", r, err)
	}
}

// TestPeriodReportByWeek: the report read with its weeks is PeriodReport's; the weeks
// cover the period, each with its days inside it, and add up to the report's total.
func TestPeriodReportByWeek(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-27 07:00")) // Friday: 26/11 is the last day over
	for day := 5; day <= 26; day++ {
		if day%5 != 0 {
			f.post(t, "xa-a", fmt.Sprintf("2026-11-%02d 09:00", day), models.KindGoodNews)
		}
	}
	f.post(t, "xa-a", "2026-11-11 20:00", models.KindStory)
	f.post(t, "tinh", "2026-11-17 10:00", models.KindIdeology)
	// From a Thursday to the Sunday after next week: W45 is cut, W48 not over, W49 not begun.
	for _, p := range []struct{ parent, from, to string }{
		{"tinh", "2026-11-05", "2026-12-06"}, {"huyen", "2026-11-05", "2026-12-06"}, {"", "2026-11-05", "2026-12-06"},
		{"tinh", "2026-11-27", "2026-12-31"}, // nothing over yet
		{"tinh", "2026-11-09", "2026-11-15"},
	} {
		whole, err := f.svc.PeriodReport(ctx, p.parent, p.from, p.to)
		if err != nil {
			t.Fatal(err)
		}
		got, weeks, err := f.svc.PeriodReportByWeek(ctx, p.parent, p.from, p.to)
		if err != nil {
			t.Fatal(err)
		}
		got.GeneratedAt = whole.GeneratedAt
		if !reflect.DeepEqual(got, whole) {
			t.Errorf("%+v: report by week\n%+v\nPeriodReport\n%+v", p, got, whole)
		}
		var sum models.PeriodRow
		for _, w := range weeks {
			sum.Add(w.Total)
			if len(w.Rows) != 0 {
				t.Errorf("week %s has rows", w.From)
			}
		}
		if sum.Days != whole.Total.Days || sum.Weeks != whole.Total.Weeks || len(sum.Posts) != len(whole.Total.Posts) {
			t.Errorf("%+v: weeks add up to %+v, the report's total is %+v", p, sum, whole.Total)
		}
		for k, n := range whole.Total.Posts {
			if sum.Posts[k] != n {
				t.Errorf("%+v: weeks count %d posts of %s, the report %d", p, sum.Posts[k], k, n)
			}
		}
	}
	_, weeks, err := f.svc.PeriodReportByWeek(ctx, "tinh", "2026-11-05", "2026-12-06")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, w := range weeks {
		keys = append(keys, fmt.Sprintf("%s..%s/%s/%s", w.From, w.To, w.Through, strings.Join(w.Weeks, ",")))
	}
	want := []string{
		"2026-11-05..2026-11-08/2026-11-08/",
		"2026-11-09..2026-11-15/2026-11-15/2026-W46",
		"2026-11-16..2026-11-22/2026-11-22/2026-W47",
		"2026-11-23..2026-11-29/2026-11-26/",
		"2026-11-30..2026-12-06//",
	}
	if strings.Join(keys, " ") != strings.Join(want, " ") {
		t.Errorf("weeks = %v\nwant    %v", keys, want)
	}
	if w := weeks[1].Total; w.Days.Met == 0 || w.Weeks.Met+w.Weeks.Short+w.Weeks.Unknown == 0 {
		t.Errorf("W46 total %+v, want days met and weekly statuses", w)
	}
	if w := weeks[4].Total; w.Days != (models.StatusCounts{}) || w.Weeks != (models.StatusCounts{}) {
		t.Errorf("the week not begun has figures: %+v", w)
	}
	if _, _, err := f.svc.PeriodReportByWeek(ctx, "tinh", "2026-11-30", "2026-11-01"); err == nil {
		t.Error("a period ending before it starts was accepted")
	}
}

// TestReviewSummariesOfClosedWeeksChangeThroughCorrections: the summaries of a week
// long over are kept between calls, and a late post shows in them once the re-check
// of the closed days makes its correction.
func TestReviewSummariesOfClosedWeeksChangeThroughCorrections(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-27 12:00"))
	for day := 9; day <= 15; day++ { // W46: xa-a posts every day but Thursday
		if day != 12 {
			f.post(t, "xa-a", fmt.Sprintf("2026-11-%02d 08:00", day), models.KindGoodNews)
		}
	}
	for day := 9; day <= 15; day++ {
		if _, _, err := f.svc.CloseDay(ctx, fmt.Sprintf("2026-11-%02d", day)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.svc.CloseWeek(ctx, "2026-W46"); err != nil {
		t.Fatal(err)
	}
	thursdayMet := func() int {
		t.Helper()
		got, err := f.svc.ReviewSummaries(ctx, "tinh", []string{"2026-W46", "2026-W48"})
		if err != nil {
			t.Fatal(err)
		}
		return got[0].DaySummary[3].Met
	}
	before := thursdayMet()

	// The late post is stored, but the closed week does not change until it is re-checked.
	f.post(t, "xa-a", "2026-11-12 09:00", models.KindGoodNews)
	if got := thursdayMet(); got != before {
		t.Fatalf("Thursday of W46 changed from %d to %d units met before any correction: the week was not kept", before, got)
	}
	corr, err := f.svc.Recheck(ctx, "2026-11-09", "2026-11-15")
	if err != nil {
		t.Fatal(err)
	}
	if len(corr) == 0 {
		t.Fatal("the late post made no correction")
	}
	if got := thursdayMet(); got != before+1 {
		t.Fatalf("after the correction Thursday of W46 has %d units met, want %d", got, before+1)
	}
	// What the summaries show agrees with the week's own review.
	r, err := f.svc.Review(ctx, "2026-W46", "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if r.DaySummary[3].Met != before+1 {
		t.Fatalf("the review has %d met on Thursday, the summaries %d", r.DaySummary[3].Met, before+1)
	}
}
