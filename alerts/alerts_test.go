package alerts

import (
	"context"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func sampleReview() models.Review {
	days := []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"}
	row := models.ReviewRow{
		Unit:        models.Unit{Code: "P01", Name: "Đoàn phường Hoàn Kiếm", Kind: models.UnitCommune, ParentCode: "TD"},
		DailyCounts: [7]int{1, 0, 2, 1, 1, 0, 0},
		DailyStatus: [7]models.Status{models.StatusMet, models.StatusShort, models.StatusMet, models.StatusUnknown, models.StatusMet, models.StatusShort, models.StatusShort},
		WeekCounts:  map[models.Kind]int{models.KindGoodNews: 5, models.KindStory: 1},
		Statuses: []models.PeriodStatus{
			{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Actual: 1, Status: models.StatusMet},
			// the daily target summarised: 3 days met of the 6 judged (Thursday unknown)
			{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: 6, Actual: 3, Status: models.StatusShort},
		},
		HasDaily:    true,
		DaysMet:     map[models.Level]int{models.LevelBaseline: 3},
		PrevDaysMet: 5,
		FeedState:   models.FeedOK,
		Rank:        1,
	}
	return models.Review{Week: "2026-W48", Parent: "TD", Days: days, Rows: []models.ReviewRow{row},
		DaySummary:  []models.DaySummary{{Day: days[0], StatusCounts: models.StatusCounts{Met: 1, ShareMet: 1}}, {Day: days[1], StatusCounts: models.StatusCounts{Short: 1}}},
		WeekSummary: []models.TargetSummary{{Target: "commune_weekly_story", Level: models.LevelBaseline, StatusCounts: models.StatusCounts{Met: 1, ShareMet: 1}}},
	}
}

// daysBefore lists the n days before day.
func daysBefore(day string, n int) []string {
	d, _ := time.Parse(models.DayLayout, day)
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, d.AddDate(0, 0, -i).Format(models.DayLayout))
	}
	return out
}

func listAlerts(t *testing.T, st store.Store, typ models.AlertType) []models.Alert {
	t.Helper()
	a, err := st.ListAlerts(context.Background(), store.AlertFilter{Types: []models.AlertType{typ}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestEscalationToParentAfterConsecutiveShortDays(t *testing.T) {
	for _, tc := range []struct {
		name      string
		history   []string // earlier short days stored for P01
		day       string
		escalated bool
	}{
		{"first short day", nil, "2026-11-26", false},
		{"second in a row", []string{"2026-11-25"}, "2026-11-26", false},
		{"third in a row", []string{"2026-11-24", "2026-11-25"}, "2026-11-26", true},
		{"three, but one day met in between", []string{"2026-11-23", "2026-11-24"}, "2026-11-26", false},
		{"three, but two known only in hindsight", []string{"2026-11-24", "2026-11-25"}, "2026-11-26", false},
		{"fourth in a row: already told at the third", []string{"2026-11-23", "2026-11-24", "2026-11-25"}, "2026-11-26", false},
		{"sixth in a row: told again", []string{"2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"}, "2026-11-26", true},
		{"fourteenth in a row: longer than the look-back, no daily repeats", daysBefore("2026-11-26", 13), "2026-11-26", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t, vn(2026, 11, 27, 8, 0))
			var hist []models.Evaluation
			for _, d := range tc.history {
				e := dayShort("P01", d, 0)
				e.Retroactive = strings.Contains(tc.name, "hindsight") // before tintot first read the unit
				hist = append(hist, e)
			}
			if tc.name == "three, but one day met in between" {
				met := dayShort("P01", "2026-11-25", 1)
				met.Status = models.StatusMet
				hist = append(hist, met)
			}
			if _, err := f.st.SaveEvaluations(ctx, hist, f.clock.Now(), "test"); err != nil {
				t.Fatal(err)
			}
			// Today's evaluation is reported before (or without) being stored.
			if err := f.svc.DailyShort(ctx, tc.day, []models.Evaluation{dayShort("P01", tc.day, 0)}, f.units); err != nil {
				t.Fatal(err)
			}
			esc := listAlerts(t, f.st, models.AlertEscalation)
			if got := len(esc) == 1; got != tc.escalated {
				t.Fatalf("escalations = %d, want escalated=%v", len(esc), tc.escalated)
			}
			if !tc.escalated {
				return
			}
			e := esc[0]
			if len(e.Recipients) != 1 || e.Recipients[0] != "thuongvu@thanhdoan.example.vn" {
				t.Errorf("escalation to %v, want the parent's contacts", e.Recipients)
			}
			if !strings.Contains(e.Subject, "Đoàn phường Hoàn Kiếm") || !strings.Contains(e.BodyText, "ngày liên tiếp") || !strings.Contains(e.BodyText, "Kính gửi Ban Chấp hành Thành đoàn Hà Nội") {
				t.Errorf("escalation mail:\n%s\n%s", e.Subject, e.BodyText)
			}
		})
	}
}

func TestEscalationAfterTwoShortWeeks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 30, 8, 0))
	weekShort := func(week string) models.Evaluation {
		return models.Evaluation{UnitCode: "P01", Target: "commune_weekly_story", Period: week, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Status: models.StatusShort}
	}
	if err := f.svc.WeeklyShort(ctx, "2026-W47", []models.Evaluation{weekShort("2026-W47")}, f.units); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveEvaluations(ctx, []models.Evaluation{weekShort("2026-W47")}, f.clock.Now(), "test"); err != nil {
		t.Fatal(err)
	}
	if n := len(listAlerts(t, f.st, models.AlertEscalation)); n != 0 {
		t.Fatalf("escalated after one week (%d)", n)
	}
	if err := f.svc.WeeklyShort(ctx, "2026-W48", []models.Evaluation{weekShort("2026-W48")}, f.units); err != nil {
		t.Fatal(err)
	}
	esc := listAlerts(t, f.st, models.AlertEscalation)
	if len(esc) != 1 || !strings.Contains(esc[0].Subject, "2 tuần liên tiếp") {
		t.Fatalf("escalations = %+v, want one for 2 weeks", esc)
	}
	if n := len(listAlerts(t, f.st, models.AlertWeeklyShort)); n != 2 {
		t.Errorf("weekly short alerts = %d, want 2", n)
	}
}

func TestUnitWithoutEmailIsRecordedNotQueued(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{dayShort("P02", "2026-11-26", 0)}, f.units); err != nil {
		t.Fatal(err)
	}
	a := listAlerts(t, f.st, models.AlertDailyShort)
	if len(a) != 1 || a[0].Status != models.AlertNoMail || a[0].UnitCode != "P02" {
		t.Fatalf("alerts = %+v, want one recorded for P02", a)
	}
	due, err := f.st.DueAlerts(ctx, f.clock.Now().Add(time.Hour), 10)
	if err != nil || len(due) != 0 {
		t.Errorf("due = %+v (%v), want nothing to send", due, err)
	}
}

func TestOnlyBaselineShortfallsAlert(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	target := dayShort("P01", "2026-11-26", 1)
	target.Level = models.LevelTarget // the 2030 level is shown, never alerted
	met := dayShort("P02", "2026-11-26", 1)
	met.Status = models.StatusMet
	unknown := dayShort("P02", "2026-11-26", 0)
	unknown.Status = models.StatusUnknown // feed was broken: not a failure
	retro := dayShort("P01", "2026-11-26", 0)
	retro.Retroactive = true // the day began before tintot first read the unit
	if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{target, met, unknown, retro}, f.units); err != nil {
		t.Fatal(err)
	}
	if a := listAlerts(t, f.st, models.AlertDailyShort); len(a) != 0 {
		t.Errorf("alerts = %+v, want none", a)
	}
}

func TestAtRiskReminderSaysWhatIsMissingAndTimeLeft(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 15, 0))
	rep := models.UnitStatusReport{Unit: f.units["P01"], Date: "2026-11-27", Day: []models.PeriodStatus{
		{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: 1, Status: models.StatusAtRisk, Missing: 1, TimeLeft: 9 * time.Hour},
		{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay, Level: models.LevelTarget, Required: 2, Status: models.StatusAtRisk, Missing: 2, TimeLeft: 9 * time.Hour},
	}}
	done := models.UnitStatusReport{Unit: f.units["P02"], Date: "2026-11-27", Day: []models.PeriodStatus{
		{Target: "commune_daily_good_news", PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: 1, Actual: 1, Status: models.StatusMet},
	}}
	for range 2 {
		if err := f.svc.AtRisk(ctx, "2026-11-27", []models.UnitStatusReport{rep, done}, f.units); err != nil {
			t.Fatal(err)
		}
	}
	a := listAlerts(t, f.st, models.AlertAtRisk)
	if len(a) != 1 || a[0].UnitCode != "P01" {
		t.Fatalf("at-risk alerts = %+v, want one for P01", a)
	}
	for _, want := range []string{"0/1 bài", "còn thiếu 1", "còn 9 giờ 0 phút", "https://tintot.example.vn/units/P01"} {
		if !strings.Contains(a[0].BodyText, want) {
			t.Errorf("reminder lacks %q:\n%s", want, a[0].BodyText)
		}
	}
	if strings.Contains(a[0].BodyText, "0/2") {
		t.Errorf("reminder mentions the 2030 level as missing:\n%s", a[0].BodyText)
	}
}

func TestFeedBrokenThenRecoveredIsNotAQuotaFailure(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 9, 0))
	since := vn(2026, 11, 26, 21, 15)
	feed := models.Feed{ID: "feed-1", UnitCode: "P01", URL: "https://hoankiem.example.vn/rss", FailingSince: &since, LastError: "Máy chủ trả về lỗi 503"}
	u := f.units["P01"]

	// Recovery of a feed whose breakage was never reported says nothing.
	if err := f.svc.FeedStateChanged(ctx, feed, u, models.FeedFailing, models.FeedOK); err != nil {
		t.Fatal(err)
	}
	if a := listAlerts(t, f.st, models.AlertFeedRecovered); len(a) != 0 {
		t.Fatalf("recovered without a broken alert: %+v", a)
	}
	for range 2 {
		if err := f.svc.FeedStateChanged(ctx, feed, u, models.FeedFailing, models.FeedBroken); err != nil {
			t.Fatal(err)
		}
	}
	broken := listAlerts(t, f.st, models.AlertFeedBroken)
	if len(broken) != 1 {
		t.Fatalf("broken alerts = %d, want 1", len(broken))
	}
	for _, want := range []string{"KHÔNG phải là đơn vị chưa đạt chỉ tiêu", "21:15 ngày 26/11/2026", "Máy chủ trả về lỗi 503", feed.URL} {
		if !strings.Contains(broken[0].BodyText, want) {
			t.Errorf("broken mail lacks %q:\n%s", want, broken[0].BodyText)
		}
	}
	if strings.Contains(broken[0].Subject, "Chưa đạt") {
		t.Errorf("broken feed subject reads like a quota failure: %q", broken[0].Subject)
	}
	f.clock.Add(5 * time.Hour)
	for range 2 {
		if err := f.svc.FeedStateChanged(ctx, feed, u, models.FeedBroken, models.FeedOK); err != nil {
			t.Fatal(err)
		}
	}
	rec := listAlerts(t, f.st, models.AlertFeedRecovered)
	if len(rec) != 1 || !strings.Contains(rec[0].BodyText, "hoạt động trở lại lúc 14:00 ngày 27/11/2026") {
		t.Fatalf("recovered alerts = %+v, want one", rec)
	}
	// A second breakage later is a new episode with its own alert.
	later := vn(2026, 11, 29, 10, 0)
	feed.FailingSince = &later
	if err := f.svc.FeedStateChanged(ctx, feed, u, models.FeedFailing, models.FeedBroken); err != nil {
		t.Fatal(err)
	}
	if n := len(listAlerts(t, f.st, models.AlertFeedBroken)); n != 2 {
		t.Errorf("broken alerts after a second episode = %d, want 2", n)
	}
}

func TestCorrectionOnlyForReportedShortfalls(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 10, 0))
	for _, day := range []string{"2026-11-24", "2026-11-26"} {
		if err := f.svc.DailyShort(ctx, day, []models.Evaluation{dayShort("P01", day, 0)}, f.units); err != nil {
			t.Fatal(err)
		}
	}
	// The 26th's shortfall was mailed; the 24th's is still waiting (quiet hours, the mail
	// server down): it was never read, so it is not corrected (the mailer cancels it).
	for _, a := range listAlerts(t, f.st, models.AlertDailyShort) {
		if a.Period == "2026-11-26" {
			sent := vn(2026, 11, 27, 7, 0)
			a.Status, a.SentAt = models.AlertSent, &sent
			if err := f.st.UpdateAlert(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	corr := []models.Correction{
		{UnitCode: "P01", Target: "commune_daily_good_news", Period: "2026-11-26", Level: models.LevelBaseline, OldStatus: models.StatusShort, NewStatus: models.StatusMet, NewActual: 1},
		// Never reported (no short alert for this day): no correction mail.
		{UnitCode: "P01", Target: "commune_daily_good_news", Period: "2026-11-25", Level: models.LevelBaseline, OldStatus: models.StatusShort, NewStatus: models.StatusMet, NewActual: 1},
		// Recorded but not mailed yet: no correction mail either.
		{UnitCode: "P01", Target: "commune_daily_good_news", Period: "2026-11-24", Level: models.LevelBaseline, OldStatus: models.StatusShort, NewStatus: models.StatusMet, NewActual: 1},
	}
	for range 2 {
		if err := f.svc.Corrections(ctx, corr, f.units); err != nil {
			t.Fatal(err)
		}
	}
	c := listAlerts(t, f.st, models.AlertCorrection)
	if len(c) != 1 || c[0].Period != "2026-11-26" {
		t.Fatalf("corrections = %+v, want one for 2026-11-26", c)
	}
	for _, want := range []string{"\"Không đạt\" thành \"Đạt\"", "ngày 26/11/2026", "không còn hiệu lực"} {
		if !strings.Contains(c[0].BodyText, want) {
			t.Errorf("correction lacks %q:\n%s", want, c[0].BodyText)
		}
	}
}

func TestBadPeriodIsAnErrorNotAPanic(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 8, 0))
	err := f.svc.DailyShort(ctx, "2026-13-45", []models.Evaluation{dayShort("P01", "2026-13-45", 0)}, f.units)
	if err == nil || !strings.Contains(err.Error(), "2026-13-45") {
		t.Errorf("error = %v, want one naming the bad day", err)
	}
	err = f.svc.WeeklyShort(ctx, "2026-W99", []models.Evaluation{{UnitCode: "P01", Period: "2026-W99", PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Status: models.StatusShort}}, f.units)
	if err == nil || !strings.Contains(err.Error(), "2026-W99") {
		t.Errorf("error = %v, want one naming the bad week", err)
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	text, html, err := Mail{Subject: "s", Paragraphs: []string{"Tên <b>đơn vị</b> & co"}}.Render()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<b>đơn vị</b>") || !strings.Contains(html, "&lt;b&gt;đơn vị&lt;/b&gt;") {
		t.Errorf("HTML not escaped:\n%s", html)
	}
	if !strings.Contains(text, "Tên <b>đơn vị</b> & co") {
		t.Errorf("text body altered:\n%s", text)
	}
}

// TestTheTargetLevelOnceInForce: from the day the 2030 level is an obligation (two good
// news a day), a commune with one is short and told so ("1/2"), with one line per target,
// not the baseline's too; before that day the same figures are no shortfall. Its
// afternoon reminder follows the same level.
func TestTheTargetLevelOnceInForce(t *testing.T) {
	ctx := context.Background()
	for _, inForce := range []bool{true, false} {
		f := newFixture(t, vn(2026, 11, 27, 0, 10))
		base := dayShort("P01", "2026-11-26", 1)
		base.Status, base.Obligatory = models.StatusMet, true
		target := dayShort("P01", "2026-11-26", 1)
		target.Level, target.Required, target.Obligatory = models.LevelTarget, 2, inForce
		if err := f.svc.DailyShort(ctx, "2026-11-26", []models.Evaluation{base, target}, f.units); err != nil {
			t.Fatal(err)
		}
		got := listAlerts(t, f.st, models.AlertDailyShort)
		switch {
		case inForce && (len(got) != 1 || !strings.Contains(got[0].BodyText, "1/2 bài") || strings.Contains(got[0].BodyText, "1/1")):
			t.Errorf("in force: %d shortfalls %+v, want one saying 1/2", len(got), got)
		case !inForce && len(got) != 0:
			t.Errorf("not in force: %d shortfalls, want none", len(got))
		}
		st := func(lvl models.Level, req int, obligatory bool) models.PeriodStatus {
			return models.PeriodStatus{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay,
				Period: "2026-11-27", Level: lvl, Required: req, Actual: 1, Missing: req - 1, Obligatory: obligatory, TimeLeft: 8 * time.Hour,
				Status: map[bool]models.Status{true: models.StatusMet, false: models.StatusAtRisk}[req == 1]}
		}
		rep := models.UnitStatusReport{Unit: f.units["P01"], Date: "2026-11-27", Day: []models.PeriodStatus{
			st(models.LevelBaseline, 1, true), st(models.LevelTarget, 2, inForce)}}
		if err := f.svc.AtRisk(ctx, "2026-11-27", []models.UnitStatusReport{rep}, f.units); err != nil {
			t.Fatal(err)
		}
		reminders := listAlerts(t, f.st, models.AlertAtRisk)
		switch {
		case inForce && (len(reminders) != 1 || !strings.Contains(reminders[0].BodyText, "1/2")):
			t.Errorf("in force: reminders %+v, want one saying 1/2", reminders)
		case !inForce && len(reminders) != 0:
			t.Errorf("not in force: %d reminders, want none", len(reminders))
		}
	}
}

// TestCorrectionWaitsForEveryObligation: once the 2030 level is in force, a late post that
// meets the baseline (1/1) but leaves the target short (1/2) is no "đạt" notice; the
// next one, meeting the target, is.
func TestCorrectionWaitsForEveryObligation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, vn(2026, 11, 27, 10, 0))
	eval := func(lvl models.Level, req, actual int) models.Evaluation {
		e := dayShort("P01", "2026-11-26", actual)
		e.Level, e.Required, e.Obligatory = lvl, req, true
		if actual >= req {
			e.Status = models.StatusMet
		}
		return e
	}
	save := func(evals ...models.Evaluation) []models.Correction {
		t.Helper()
		corr, err := f.st.SaveEvaluations(ctx, evals, f.clock.Now(), "test")
		if err != nil {
			t.Fatal(err)
		}
		return corr
	}
	closed := []models.Evaluation{eval(models.LevelBaseline, 1, 0), eval(models.LevelTarget, 2, 0)}
	save(closed...)
	if err := f.svc.DailyShort(ctx, "2026-11-26", closed, f.units); err != nil {
		t.Fatal(err)
	}
	for _, a := range listAlerts(t, f.st, models.AlertDailyShort) {
		sent := f.clock.Now()
		a.Status, a.SentAt = models.AlertSent, &sent
		if err := f.st.UpdateAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	corr := save(eval(models.LevelBaseline, 1, 1), eval(models.LevelTarget, 2, 1))
	if err := f.svc.Corrections(ctx, corr, f.units); err != nil {
		t.Fatal(err)
	}
	if c := listAlerts(t, f.st, models.AlertCorrection); len(c) != 0 {
		t.Fatalf("1/2 of the obligation: corrections %+v, want none", c)
	}
	corr = save(eval(models.LevelBaseline, 1, 2), eval(models.LevelTarget, 2, 2))
	if err := f.svc.Corrections(ctx, corr, f.units); err != nil {
		t.Fatal(err)
	}
	c := listAlerts(t, f.st, models.AlertCorrection)
	if len(c) != 1 || !strings.Contains(c[0].BodyText, "2 bài") {
		t.Fatalf("2/2: corrections %+v, want one naming the target's 2 posts", c)
	}
}
