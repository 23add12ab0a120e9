package quota

import (
	"testing"
	"time"

	"tintot/models"
)

// at returns a local Vietnamese instant.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, models.Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr(t time.Time) *time.Time { return &t }

// post is a published post as the feed reader sees it, before bucketing.
type post struct {
	unit      string
	published time.Time
	kind      models.Kind
}

// countsOf buckets posts by local Vietnamese day, as the store does.
func countsOf(posts ...post) []models.DayCount {
	var out []models.DayCount
	for _, p := range posts {
		out = append(out, models.DayCount{UnitCode: p.unit, Day: models.LocalDay(p.published, models.Vietnam), Kind: p.kind, Count: 1})
	}
	return out
}

var commune = models.Unit{Code: "xa-a", Name: "Đoàn xã A", Kind: models.UnitCommune, ParentCode: "tinh"}

// longAgo is when test feeds were first read, reaching back before every test period.
var longAgo = time.Date(2020, 1, 1, 0, 0, 0, 0, models.Vietnam)

func feedOf(unit string) models.Feed {
	return readFeed(models.Feed{ID: "f-" + unit, UnitCode: unit, State: models.FeedOK})
}

// readFeed marks a test feed as read since longAgo.
func readFeed(f models.Feed) models.Feed {
	f.FirstReadAt, f.CoveredFrom = &longAgo, &longAgo
	return f
}

func statusOf(t *testing.T, r models.UnitStatusReport, target string, lvl models.Level) models.PeriodStatus {
	t.Helper()
	for _, ps := range append(append([]models.PeriodStatus{}, r.Day...), r.WeekSt...) {
		if ps.Target == target && ps.Level == lvl {
			return ps
		}
	}
	t.Fatalf("no status for %s/%s in %+v", target, lvl, r)
	return models.PeriodStatus{}
}

func TestLocalDayBuckets(t *testing.T) {
	tests := []struct {
		instant time.Time
		want    string
	}{
		{at("2026-11-25 23:59"), "2026-11-25"},
		{at("2026-11-26 00:01"), "2026-11-26"},
		{time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC), "2026-11-26"}, // 00:30 local, next day
		{time.Date(2026, 11, 25, 16, 59, 0, 0, time.UTC), "2026-11-25"},
	}
	for _, tt := range tests {
		if got := countsOf(post{"u", tt.instant, models.KindGoodNews})[0].Day; got != tt.want {
			t.Errorf("%v buckets to %s, want %s", tt.instant, got, tt.want)
		}
	}
}

func TestUnitStatusDaily(t *testing.T) {
	const target = "commune_daily_good_news"
	closed := at("2026-11-26 08:00") // the 25th is over
	outageAllDay := models.FeedOutage{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-24 10:00")}
	noStory := DefaultPolicy()
	noStory.StoryCountsAsGoodNews = false
	tests := []struct {
		name     string
		policy   *models.Policy
		unit     models.Unit
		posts    []post
		outages  []models.FeedOutage
		noFeeds  bool
		now      time.Time
		want     models.Status
		wantMiss int
		wantLeft time.Duration
	}{
		{name: "post at 23:59 local counts for the day", posts: []post{{"xa-a", at("2026-11-25 23:59"), models.KindGoodNews}}, now: closed, want: models.StatusMet},
		{name: "post at 00:01 local counts for the next day", posts: []post{{"xa-a", at("2026-11-26 00:01"), models.KindGoodNews}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "post at 17:30 UTC is the next local day", posts: []post{{"xa-a", time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC), models.KindGoodNews}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "post at 16:30 UTC is the same local day", posts: []post{{"xa-a", time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC), models.KindGoodNews}}, now: closed, want: models.StatusMet},
		{name: "other kinds do not count", posts: []post{{"xa-a", at("2026-11-25 09:00"), models.KindOther}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "story counts toward daily good news", posts: []post{{"xa-a", at("2026-11-25 09:00"), models.KindStory}}, now: closed, want: models.StatusMet},
		{name: "story does not count when the policy says so", policy: &noStory, posts: []post{{"xa-a", at("2026-11-25 09:00"), models.KindStory}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "open day not yet met is at risk", now: at("2026-11-25 16:00"), want: models.StatusAtRisk, wantMiss: 1, wantLeft: 8 * time.Hour},
		{name: "feed broken all day, no posts: unknown, not short", outages: []models.FeedOutage{outageAllDay}, now: closed, want: models.StatusUnknown, wantMiss: 1},
		{name: "feed broken now, open day: unknown", outages: []models.FeedOutage{outageAllDay}, now: at("2026-11-25 16:00"), want: models.StatusUnknown, wantMiss: 1},
		{name: "feed broken all day but a manual post: met", outages: []models.FeedOutage{outageAllDay}, posts: []post{{"xa-a", at("2026-11-25 10:00"), models.KindGoodNews}}, now: closed, want: models.StatusMet},
		{name: "feed broken in the morning, read again before close: short", outages: []models.FeedOutage{{FeedID: "f-xa-a", From: at("2026-11-25 01:00"), To: ptr(at("2026-11-25 12:00"))}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "feed broken in the morning, the read that ended it reaching back over it: short", outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-25 01:00"), To: ptr(at("2026-11-25 12:00")), CoveredFrom: ptr(at("2026-11-23 08:00"))}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "feed broken in the morning, the read that ended it showing posts only from 11:00: unknown", outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-25 01:00"), To: ptr(at("2026-11-25 12:00")), CoveredFrom: ptr(at("2026-11-25 11:00"))}}, now: closed, want: models.StatusUnknown, wantMiss: 1},
		{name: "the same the day before: the 25th is seen", outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-24 01:00"), To: ptr(at("2026-11-24 12:00")), CoveredFrom: ptr(at("2026-11-24 11:00"))}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "the only feed deleted while broken: unknown for the days it was failing", noFeeds: true, outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-20 10:00"), To: ptr(at("2026-11-26 09:00")), CoveredFrom: ptr(at("2026-11-26 09:00"))}}, now: closed, want: models.StatusUnknown, wantMiss: 1},
		{name: "the only feed deleted while broken, before the day: short, the unit submits by hand", noFeeds: true, outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-20 10:00"), To: ptr(at("2026-11-24 09:00")), CoveredFrom: ptr(at("2026-11-24 09:00"))}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "a deleted feed's outage that a read had seen over: short", noFeeds: true, outages: []models.FeedOutage{{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-25 01:00"), To: ptr(at("2026-11-25 12:00")), CoveredFrom: ptr(at("2026-11-20 08:00"))}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "outage of another unit's feed does not matter", outages: []models.FeedOutage{{FeedID: "f-xa-b", From: at("2026-11-24 00:00")}}, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "no feed and no posts: short, the unit must submit by hand", noFeeds: true, now: closed, want: models.StatusShort, wantMiss: 1},
		{name: "unit created the next day: n/a", unit: models.Unit{Code: "xa-a", Kind: models.UnitCommune, ActiveFrom: ptr(at("2026-11-26 00:00"))}, now: closed, want: models.StatusNA},
		{name: "a day not begun yet: upcoming", now: at("2026-11-24 23:00"), want: models.StatusUpcoming},
		{name: "unit dissolved before: n/a", unit: models.Unit{Code: "xa-a", Kind: models.UnitCommune, ActiveTo: ptr(at("2026-11-25 00:00"))}, now: closed, want: models.StatusNA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			if tt.policy != nil {
				p = *tt.policy
			}
			u := commune
			if tt.unit.Code != "" {
				u = tt.unit
			}
			var feeds []models.Feed
			if !tt.noFeeds {
				feeds = []models.Feed{feedOf("xa-a")}
			}
			d := NewData(countsOf(tt.posts...), tt.outages, feeds)
			r, err := NewEngine(p).UnitStatus(u, "2026-11-25", tt.now, d)
			if err != nil {
				t.Fatal(err)
			}
			ps := statusOf(t, r, target, models.LevelBaseline)
			if ps.Status != tt.want || ps.Missing != tt.wantMiss || ps.TimeLeft != tt.wantLeft {
				t.Errorf("status = %s missing %d left %v, want %s missing %d left %v (note %q)", ps.Status, ps.Missing, ps.TimeLeft, tt.want, tt.wantMiss, tt.wantLeft, ps.Note)
			}
			if r.Week != "2026-W48" {
				t.Errorf("week = %s", r.Week)
			}
		})
	}
}

func TestUnitStatusTargetLevel(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	one := countsOf(post{"xa-a", at("2026-11-25 09:00"), models.KindGoodNews})
	r, _ := e.UnitStatus(commune, "2026-11-25", at("2026-11-26 08:00"), NewData(one, nil, nil))
	base := statusOf(t, r, "commune_daily_good_news", models.LevelBaseline)
	tgt := statusOf(t, r, "commune_daily_good_news", models.LevelTarget)
	if base.Status != models.StatusMet || !base.Obligatory {
		t.Errorf("baseline = %+v, want met and obligatory", base)
	}
	if tgt.Status != models.StatusShort || tgt.Obligatory || tgt.Required != 2 || tgt.Missing != 1 {
		t.Errorf("2030 target in 2026 = %+v, want short 1/2, not obligatory", tgt)
	}
	one2030 := countsOf(post{"xa-a", at("2030-01-02 09:00"), models.KindGoodNews})
	r, _ = e.UnitStatus(commune, "2030-01-02", at("2030-01-03 08:00"), NewData(one2030, nil, nil))
	if tgt := statusOf(t, r, "commune_daily_good_news", models.LevelTarget); !tgt.Obligatory {
		t.Errorf("2030 target on 2030-01-02 not obligatory: %+v", tgt)
	}
	r, _ = e.UnitStatus(commune, "2029-12-31", at("2030-01-03 08:00"), NewData(nil, nil, nil))
	if tgt := statusOf(t, r, "commune_daily_good_news", models.LevelTarget); tgt.Obligatory {
		t.Errorf("2030 target on 2029-12-31 obligatory: %+v", tgt)
	}
}

func TestUnitStatusWeekly(t *testing.T) {
	const target = "commune_weekly_story"
	peak := DefaultPolicy()
	peak.Peaks = []models.PeakPeriod{{Name: "Tháng Thanh niên", From: at("2026-03-23 00:00"), To: at("2026-03-30 00:00"), Minimums: map[string]int{target: 3}}}
	exempt := DefaultPolicy()
	exempt.Exemptions = []models.Exemption{
		{UnitCode: "xa-a", From: at("2026-02-16 00:00"), To: at("2026-02-19 00:00"), Reason: "Nghỉ Tết"},
		{From: at("2026-02-19 00:00"), To: at("2026-02-23 00:00"), Reason: "Nghỉ Tết (toàn tỉnh)"},
	}
	partial := DefaultPolicy()
	partial.Exemptions = []models.Exemption{{UnitCode: "xa-a", From: at("2026-02-16 00:00"), To: at("2026-02-19 00:00"), Reason: "Nghỉ Tết"}}
	tests := []struct {
		name   string
		policy models.Policy
		unit   models.Unit
		date   string
		posts  []post
		now    time.Time
		want   models.Status
		req    int
		note   string
	}{
		{name: "one story met", policy: DefaultPolicy(), date: "2026-11-25", posts: []post{{"xa-a", at("2026-11-29 23:59"), models.KindStory}}, now: at("2026-11-30 08:00"), want: models.StatusMet, req: 1},
		{name: "story on next Monday 00:01 is next week", policy: DefaultPolicy(), date: "2026-11-25", posts: []post{{"xa-a", at("2026-11-30 00:01"), models.KindStory}}, now: at("2026-11-30 08:00"), want: models.StatusShort, req: 1},
		{name: "good news does not count as a story", policy: DefaultPolicy(), date: "2026-11-25", posts: []post{{"xa-a", at("2026-11-25 10:00"), models.KindGoodNews}}, now: at("2026-11-30 08:00"), want: models.StatusShort, req: 1},
		{name: "open week", policy: DefaultPolicy(), date: "2026-11-25", now: at("2026-11-25 08:00"), want: models.StatusAtRisk, req: 1},
		{name: "peak week raises the minimum", policy: peak, date: "2026-03-25", posts: []post{{"xa-a", at("2026-03-24 10:00"), models.KindStory}, {"xa-a", at("2026-03-25 10:00"), models.KindStory}}, now: at("2026-03-30 08:00"), want: models.StatusShort, req: 3, note: "Cao điểm: Tháng Thanh niên"},
		{name: "week after the peak is back to normal", policy: peak, date: "2026-04-01", posts: []post{{"xa-a", at("2026-04-01 10:00"), models.KindStory}}, now: at("2026-04-06 08:00"), want: models.StatusMet, req: 1},
		{name: "exemptions covering the week excuse it", policy: exempt, date: "2026-02-18", now: at("2026-02-23 08:00"), want: models.StatusExcused, req: 1, note: "Miễn: Nghỉ Tết"},
		{name: "exemption of part of the week does not", policy: partial, date: "2026-02-18", now: at("2026-02-23 08:00"), want: models.StatusShort, req: 1},
		{name: "unit created mid-week is evaluated for the week", policy: DefaultPolicy(), unit: models.Unit{Code: "xa-a", Kind: models.UnitCommune, ActiveFrom: ptr(at("2026-11-25 00:00"))}, date: "2026-11-25", now: at("2026-11-30 08:00"), want: models.StatusShort, req: 1, note: "Đơn vị bắt đầu hoạt động từ 25/11/2026"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := commune
			if tt.unit.Code != "" {
				u = tt.unit
			}
			r, err := NewEngine(tt.policy).UnitStatus(u, tt.date, tt.now, NewData(countsOf(tt.posts...), nil, []models.Feed{feedOf("xa-a")}))
			if err != nil {
				t.Fatal(err)
			}
			ps := statusOf(t, r, target, models.LevelBaseline)
			if ps.Status != tt.want || ps.Required != tt.req || ps.Note != tt.note {
				t.Errorf("got %s required %d note %q, want %s required %d note %q", ps.Status, ps.Required, ps.Note, tt.want, tt.req, tt.note)
			}
		})
	}
}

func TestMidWeekUnitDays(t *testing.T) {
	u := models.Unit{Code: "xa-a", Kind: models.UnitCommune, ActiveFrom: ptr(at("2026-11-25 00:00"))}
	e := NewEngine(DefaultPolicy())
	rv, err := e.Review("2026-W48", "", []models.Unit{u}, NewData(countsOf(post{"xa-a", at("2026-11-25 10:00"), models.KindGoodNews}), nil, nil), nil, at("2026-11-30 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	got := rv.Rows[0].DailyStatus
	want := [7]models.Status{models.StatusNA, models.StatusNA, models.StatusMet, models.StatusShort, models.StatusShort, models.StatusShort, models.StatusShort}
	if got != want {
		t.Errorf("daily statuses = %v, want %v", got, want)
	}
	if rv.DaySummary[0].NA != 1 || rv.DaySummary[0].ShareMet != 0 || rv.DaySummary[2].ShareMet != 1 {
		t.Errorf("day summary = %+v", rv.DaySummary)
	}
}

func TestISOWeeksAcrossYearEnd(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	tests := []struct {
		date, week string
	}{
		{"2026-12-31", "2026-W53"},
		{"2027-01-03", "2026-W53"},
		{"2027-01-04", "2027-W01"},
		{"2026-12-28", "2026-W53"},
		{"2026-12-27", "2026-W52"},
	}
	for _, tt := range tests {
		r, err := e.UnitStatus(commune, tt.date, at("2027-02-01 00:00"), NewData(nil, nil, nil))
		if err != nil {
			t.Fatal(err)
		}
		if r.Week != tt.week {
			t.Errorf("%s is in %s, want %s", tt.date, r.Week, tt.week)
		}
	}
	// A story on 2027-01-02 (Saturday) counts for 2026-W53; one on 2027-01-04 does not.
	d := NewData(countsOf(post{"xa-a", at("2027-01-02 10:00"), models.KindStory}, post{"xa-b", at("2027-01-04 10:00"), models.KindStory}), nil, nil)
	xb := commune
	xb.Code = "xa-b"
	rv, err := e.Review("2026-W53", "", []models.Unit{commune, xb}, d, nil, at("2027-01-05 00:00"))
	if err != nil {
		t.Fatal(err)
	}
	if rv.Days[0] != "2026-12-28" || rv.Days[6] != "2027-01-03" {
		t.Errorf("days = %v", rv.Days)
	}
	for _, row := range rv.Rows {
		want := map[string]models.Status{"xa-a": models.StatusMet, "xa-b": models.StatusShort}[row.Unit.Code]
		var got models.Status
		for _, ps := range row.Statuses {
			if ps.Target == "commune_weekly_story" && ps.Period == "2026-W53" && ps.Level == models.LevelBaseline {
				got = ps.Status
			}
		}
		if got != want {
			t.Errorf("%s week story = %s, want %s", row.Unit.Code, got, want)
		}
	}
	if _, err := e.Review("2027-W53", "", nil, d, nil, at("2027-01-05 00:00")); err == nil {
		t.Error("2027-W53 does not exist but was accepted")
	}
	if _, err := e.UnitStatus(commune, "2026-13-01", at("2027-01-05 00:00"), d); err == nil {
		t.Error("bad date accepted")
	}
}

func TestStreak(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	var posts []post
	for _, d := range []string{"2026-11-20", "2026-11-22", "2026-11-23", "2026-11-24"} {
		posts = append(posts, post{"xa-a", at(d + " 09:00"), models.KindGoodNews})
	}
	tests := []struct {
		name  string
		date  string
		now   time.Time
		extra []post
		want  int
	}{
		{"today not met yet does not break", "2026-11-25", at("2026-11-25 12:00"), nil, 3},
		{"today met counts", "2026-11-25", at("2026-11-25 12:00"), []post{{"xa-a", at("2026-11-25 10:00"), models.KindGoodNews}}, 4},
		{"a closed short day is 0", "2026-11-25", at("2026-11-26 12:00"), nil, 0},
		{"gap breaks", "2026-11-22", at("2026-11-26 12:00"), nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := e.UnitStatus(commune, tt.date, tt.now, NewData(countsOf(append(posts, tt.extra...)...), nil, nil))
			if r.Streak != tt.want {
				t.Errorf("streak = %d, want %d", r.Streak, tt.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	prov := models.Unit{Code: "tinh", Kind: models.UnitProvince}
	late := models.Unit{Code: "xa-new", Kind: models.UnitCommune, ActiveFrom: ptr(at("2026-12-01 00:00"))}
	d := NewData(countsOf(post{"xa-a", at("2026-11-25 09:00"), models.KindGoodNews}), nil, nil)
	evals, err := e.Evaluate([]models.Unit{prov, commune, late}, models.PeriodDay, "2026-11-25", d, at("2026-11-26 00:10"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.Status{}
	for _, ev := range evals {
		got[ev.Key()] = ev.Status
	}
	want := map[string]models.Status{
		"xa-a|commune_daily_good_news|2026-11-25|baseline": models.StatusMet,
		"xa-a|commune_daily_good_news|2026-11-25|target":   models.StatusShort,
	}
	if len(got) != len(want) {
		t.Errorf("evaluations = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
	if _, err := e.Evaluate(nil, models.PeriodWeek, "2026-11-25", d, time.Now()); err == nil {
		t.Error("a day key as week accepted")
	}
}

func TestAtRisk(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	xb := commune
	xb.Code = "xa-b"
	prov := models.Unit{Code: "tinh", Kind: models.UnitProvince}
	d := NewData(countsOf(post{"xa-a", at("2026-11-25 09:00"), models.KindGoodNews}), nil, nil)
	got := e.AtRisk([]models.Unit{prov, commune, xb}, d, at("2026-11-25 16:00"))
	if len(got) != 1 || got[0].Unit.Code != "xa-b" {
		t.Errorf("at risk = %+v, want only xa-b", got)
	}
}

func TestStreakNeedsOlderDays(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	var posts []post
	for d := at("2026-11-01 09:00"); d.Before(at("2026-11-26 00:00")); d = d.AddDate(0, 0, 1) {
		posts = append(posts, post{"xa-a", d, models.KindGoodNews})
	}
	d := NewData(countsOf(posts...), nil, nil)
	d.Since("2026-11-16")
	n, complete, err := e.Streak(commune, "2026-11-25", at("2026-11-26 08:00"), d)
	if err != nil || complete || n != 10 {
		t.Errorf("bounded streak = %d complete %v err %v, want 10, incomplete", n, complete, err)
	}
	d.Since("2026-10-01")
	n, complete, _ = e.Streak(commune, "2026-11-25", at("2026-11-26 08:00"), d)
	if !complete || n != 25 {
		t.Errorf("streak = %d complete %v, want 25 complete", n, complete)
	}
	if got := e.StreakDay("2026-W48", at("2026-11-25 10:00")); got != "2026-11-25" {
		t.Errorf("streak day of open week = %s", got)
	}
	if got := e.StreakDay("2026-W48", at("2026-12-25 10:00")); got != "2026-11-29" {
		t.Errorf("streak day of past week = %s", got)
	}
}

// TestWeekBlindForMostDays: the unit's only feed fails from Monday 00:05 to Sunday 20:00
// and the unit tells no story. The week is judged by what the read that ended the outage
// showed: when it reached back only to Sunday 18:00, the week is unknown (stories of the
// other days may have left the feed unseen), not short; when it reached back over the
// whole outage, the week is short.
func TestWeekBlindForMostDays(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	good := countsOf(post{"xa-a", at("2026-11-29 19:00"), models.KindGoodNews})
	for _, c := range []struct {
		name    string
		covered time.Time
		want    models.Status
	}{
		{"the read showed posts only from Sunday 18:00", at("2026-11-29 18:00"), models.StatusUnknown},
		{"the read reached back to the week before", at("2026-11-20 08:00"), models.StatusShort},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := models.FeedOutage{FeedID: "f-xa-a", UnitCode: "xa-a", From: at("2026-11-23 00:05"), To: ptr(at("2026-11-29 20:00")), CoveredFrom: ptr(c.covered)}
			d := NewData(good, []models.FeedOutage{o}, []models.Feed{feedOf("xa-a")})
			evals, err := e.Evaluate([]models.Unit{commune}, models.PeriodWeek, "2026-W48", d, at("2026-11-30 07:00"))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, ev := range evals {
				if ev.Target == "commune_weekly_story" && ev.Level == models.LevelBaseline {
					found = true
					if ev.Status != c.want {
						t.Errorf("weekly story = %s (%d/%d), want %s", ev.Status, ev.Actual, ev.Required, c.want)
					}
				}
			}
			if !found {
				t.Fatalf("no weekly story evaluation in %+v", evals)
			}
			day, err := e.Evaluate([]models.Unit{commune}, models.PeriodDay, "2026-11-26", d, at("2026-11-30 07:00"))
			if err != nil {
				t.Fatal(err)
			}
			// A day the feed was failing at its end stays unknown either way.
			for _, ev := range day {
				if ev.Target == "commune_daily_good_news" && ev.Level == models.LevelBaseline && ev.Status != models.StatusUnknown {
					t.Errorf("Thursday = %s, want unknown", ev.Status)
				}
			}
		})
	}
}

// TestEvaluationsSayWhichLevelIsAnObligation: the stored evaluations carry whether their
// level is an obligation in the period — the 2030 target only from its effective date —
// so alerts can follow it.
func TestEvaluationsSayWhichLevelIsAnObligation(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	for _, c := range []struct {
		day        string
		targetDuty bool
	}{{"2026-11-25", false}, {"2030-01-07", true}} {
		start, _ := models.DayStart(c.day, models.Vietnam)
		d := NewData(countsOf(post{"xa-a", start.Add(9 * time.Hour), models.KindGoodNews}), nil, []models.Feed{feedOf("xa-a")})
		evals, err := e.Evaluate([]models.Unit{commune}, models.PeriodDay, c.day, d, start.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evals {
			if want := ev.Level == models.LevelBaseline || c.targetDuty; ev.Obligatory != want {
				t.Errorf("%s %s %s: obligatory %v, want %v", c.day, ev.Target, ev.Level, ev.Obligatory, want)
			}
		}
		if len(evals) == 0 {
			t.Fatalf("%s: no evaluations", c.day)
		}
	}
}
