package quota

import (
	"testing"
	"time"

	"tintot/models"
)

// TestObservationRule is DESIGN §7's rule of what tintot could see, day by day and week by
// week, for the daily good-news and weekly story targets of a commune.
func TestObservationRule(t *testing.T) {
	firstRead := at("2026-11-26 10:00")  // Thursday of 2026-W48
	oldestItem := at("2026-11-24 08:00") // the first read showed items back to Tuesday
	read := models.Feed{ID: "f-xa-a", UnitCode: "xa-a", State: models.FeedOK, FirstReadAt: &firstRead, CoveredFrom: &oldestItem}
	never := models.Feed{ID: "f-xa-a", UnitCode: "xa-a", State: models.FeedFailing}
	registered := at("2026-11-25 09:00")
	manual := models.Unit{Code: "xa-a", Name: "Đoàn xã A", Kind: models.UnitCommune, ParentCode: "tinh", CreatedAt: registered.UTC()}
	good := func(day string) post { return post{"xa-a", at(day + " 09:00"), models.KindGoodNews} }
	now := at("2026-11-28 15:00") // Saturday afternoon

	tests := []struct {
		name      string
		unit      models.Unit
		feeds     []models.Feed
		posts     []post
		day       string
		want      models.Status
		wantRetro bool
	}{
		{name: "feed never read: unknown, never short", feeds: []models.Feed{never}, day: "2026-11-25", want: models.StatusUnknown},
		{name: "feed never read, today: unknown, not at risk", feeds: []models.Feed{never}, day: "2026-11-28", want: models.StatusUnknown},
		{name: "feed never read but a manual post: met", feeds: []models.Feed{never}, posts: []post{good("2026-11-25")}, day: "2026-11-25", want: models.StatusMet},
		{name: "before the oldest item of the first read: unknown", feeds: []models.Feed{read}, day: "2026-11-23", want: models.StatusUnknown, wantRetro: true},
		{name: "the day of the oldest item began before it: unknown", feeds: []models.Feed{read}, day: "2026-11-24", want: models.StatusUnknown, wantRetro: true},
		{name: "covered, before the first read: short, retroactive", feeds: []models.Feed{read}, day: "2026-11-25", want: models.StatusShort, wantRetro: true},
		{name: "covered, before the first read, posted: met, retroactive", feeds: []models.Feed{read}, posts: []post{good("2026-11-25")}, day: "2026-11-25", want: models.StatusMet, wantRetro: true},
		{name: "the day of the first read: retroactive", feeds: []models.Feed{read}, day: "2026-11-26", want: models.StatusShort, wantRetro: true},
		{name: "after the first read: short", feeds: []models.Feed{read}, day: "2026-11-27", want: models.StatusShort},
		{name: "today after the first read: at risk", feeds: []models.Feed{read}, day: "2026-11-28", want: models.StatusAtRisk},
		{name: "tomorrow: upcoming, no count", feeds: []models.Feed{read}, day: "2026-11-29", want: models.StatusUpcoming},
		{name: "no feed, before registration: unknown", unit: manual, day: "2026-11-24", want: models.StatusUnknown},
		{name: "no feed, the day of registration began before it: unknown", unit: manual, day: "2026-11-25", want: models.StatusUnknown},
		{name: "no feed, after registration: short", unit: manual, day: "2026-11-26", want: models.StatusShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := commune
			if tt.unit.Code != "" {
				u = tt.unit
			}
			r, err := NewEngine(DefaultPolicy()).UnitStatus(u, tt.day, now, NewData(countsOf(tt.posts...), nil, tt.feeds))
			if err != nil {
				t.Fatal(err)
			}
			ps := statusOf(t, r, "commune_daily_good_news", models.LevelBaseline)
			if ps.Status != tt.want || ps.Retroactive != tt.wantRetro {
				t.Errorf("%s: %s retroactive=%v, want %s retroactive=%v (note %q)", tt.day, ps.Status, ps.Retroactive, tt.want, tt.wantRetro, ps.Note)
			}
			if ps.Status == models.StatusUnknown && ps.Note == "" {
				t.Errorf("unknown without a reason")
			}
		})
	}

	// The week of the first read began before what the feed showed: unknown, not short.
	r, _ := NewEngine(DefaultPolicy()).UnitStatus(commune, "2026-11-30", at("2026-12-01 08:00"), NewData(nil, nil, []models.Feed{read}))
	if ws := statusOf(t, r, "commune_weekly_story", models.LevelBaseline); ws.Status != models.StatusAtRisk || ws.Retroactive {
		t.Errorf("the week after the first read = %s retro %v, want at_risk", ws.Status, ws.Retroactive)
	}
	r, _ = NewEngine(DefaultPolicy()).UnitStatus(commune, "2026-11-28", at("2026-12-01 08:00"), NewData(nil, nil, []models.Feed{read}))
	if ws := statusOf(t, r, "commune_weekly_story", models.LevelBaseline); ws.Status != models.StatusUnknown {
		t.Errorf("the week of the first read = %s, want unknown (the feed showed nothing before Tuesday)", ws.Status)
	}

	// Of two feeds, the unit is seen from the earliest first read.
	other := time.Date(2026, 11, 20, 0, 0, 0, 0, models.Vietnam)
	second := models.Feed{ID: "f2-xa-a", UnitCode: "xa-a", State: models.FeedOK, FirstReadAt: &other, CoveredFrom: &other}
	r, _ = NewEngine(DefaultPolicy()).UnitStatus(commune, "2026-11-23", now, NewData(nil, nil, []models.Feed{read, second}))
	if ps := statusOf(t, r, "commune_daily_good_news", models.LevelBaseline); ps.Status != models.StatusShort || ps.Retroactive {
		t.Errorf("with a second feed read since 20/11: %s retro %v, want short", ps.Status, ps.Retroactive)
	}
}

// TestRetroactiveIsNeverAlerted: Evaluate carries the mark for the closes, and the
// afternoon reminder skips a unit first read today.
func TestRetroactiveIsNeverAlerted(t *testing.T) {
	firstRead := at("2026-11-26 10:00")
	oldest := at("2026-11-20 08:00")
	f := models.Feed{ID: "f-xa-a", UnitCode: "xa-a", State: models.FeedOK, FirstReadAt: &firstRead, CoveredFrom: &oldest}
	d := NewData(nil, nil, []models.Feed{f})
	e := NewEngine(DefaultPolicy())
	evals, err := e.Evaluate([]models.Unit{commune}, models.PeriodDay, "2026-11-25", d, at("2026-11-27 00:10"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evals {
		if ev.Status != models.StatusShort || !ev.Retroactive {
			t.Errorf("evaluation %+v, want short and retroactive", ev)
		}
	}
	if got := e.AtRisk([]models.Unit{commune}, d, at("2026-11-26 16:00")); len(got) != 0 {
		t.Errorf("a unit first read today is reminded: %+v", got)
	}
	if got := e.AtRisk([]models.Unit{commune}, d, at("2026-11-27 16:00")); len(got) != 1 {
		t.Errorf("the day after the first read, the reminder is due: %d reports", len(got))
	}
}

// TestReviewOfTheOpenWeek: days not begun are upcoming with no share, the previous week
// is compared over the same days, a unit kind without daily targets has no days met, and
// no two weekly summaries measure the same thing.
func TestReviewOfTheOpenWeek(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	prov := models.Unit{Code: "tinh", Name: "Tỉnh đoàn", Kind: models.UnitProvince}
	a := models.Unit{Code: "xa-a", Name: "Đoàn xã A", Kind: models.UnitCommune, ParentCode: "tinh"}
	var posts []post
	// This week (2026-W48) Monday and Tuesday met; last week every day met.
	for _, d := range []string{"2026-11-23", "2026-11-24", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"} {
		posts = append(posts, post{"xa-a", at(d + " 08:00"), models.KindGoodNews})
	}
	now := at("2026-11-25 15:00") // Wednesday
	r, err := e.Review("2026-W48", "tinh", []models.Unit{prov, a}, NewData(countsOf(posts...), nil, []models.Feed{feedOf("xa-a"), feedOf("tinh")}), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.CompareDays != 3 {
		t.Errorf("compare days = %d, want 3 (Monday to Wednesday)", r.CompareDays)
	}
	var row, provRow models.ReviewRow
	for _, x := range r.Rows {
		switch x.Unit.Code {
		case "xa-a":
			row = x
		case "tinh":
			provRow = x
		}
	}
	want := [7]models.Status{models.StatusMet, models.StatusMet, models.StatusAtRisk, models.StatusUpcoming, models.StatusUpcoming, models.StatusUpcoming, models.StatusUpcoming}
	if row.DailyStatus != want {
		t.Errorf("daily statuses = %v, want %v", row.DailyStatus, want)
	}
	if row.PrevDaysMet != 3 {
		t.Errorf("previous week's days met = %d, want 3 (Monday to Wednesday, not the whole week)", row.PrevDaysMet)
	}
	for _, ps := range row.Statuses {
		if ps.PeriodKind == models.PeriodDay && ps.Level == models.LevelBaseline && (ps.Required != 3 || ps.Actual != 2) {
			t.Errorf("days met so far = %d/%d, want 2/3", ps.Actual, ps.Required)
		}
	}
	for i, s := range r.DaySummary {
		if s.Upcoming != (i >= 3) {
			t.Errorf("day %s upcoming = %v", s.Day, s.Upcoming)
		}
	}
	if !row.HasDaily || provRow.HasDaily {
		t.Errorf("has daily: commune %v, province %v", row.HasDaily, provRow.HasDaily)
	}
	if _, ok := provRow.DaysMet[models.LevelBaseline]; ok {
		t.Errorf("province has days met %v without a daily target", provRow.DaysMet)
	}
	seen := map[string]bool{}
	for _, s := range r.WeekSummary {
		if len(s.Kinds) == 0 || len(s.UnitKinds) == 0 {
			t.Errorf("summary %s does not say what it measures: %+v", s.Target, s)
		}
		k := s.Target + "|" + string(s.Level)
		if seen[k] {
			t.Errorf("two summaries for %s", k)
		}
		seen[k] = true
	}
}

// TestNeverReadUnitInTheReview: a unit whose feed was never read has every day unknown,
// no day counted as judged ("?" days met, not 0/7), and no share against it.
func TestNeverReadUnitInTheReview(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	u := models.Unit{Code: "xa-n", Name: "Đoàn xã Mới", Kind: models.UnitCommune, ParentCode: "tinh"}
	never := models.Feed{ID: "f-xa-n", UnitCode: "xa-n", State: models.FeedFailing}
	r, err := e.Review("2026-W48", "tinh", []models.Unit{u}, NewData(nil, nil, []models.Feed{never}), nil, at("2026-11-30 07:00"))
	if err != nil {
		t.Fatal(err)
	}
	row := r.Rows[0]
	for i, st := range row.DailyStatus {
		if st != models.StatusUnknown || row.DayText(i) != "?" {
			t.Errorf("day %d: %s %q, want unknown shown as ?", i, st, row.DayText(i))
		}
	}
	if got := row.DaysMetText(); got != "?" {
		t.Errorf("days met = %q, want ?", got)
	}
	for _, s := range r.DaySummary {
		if s.Unknown != 1 || s.Short != 0 || s.ShareMet != 0 {
			t.Errorf("day summary %+v, want one unknown unit and no share", s)
		}
	}
}
