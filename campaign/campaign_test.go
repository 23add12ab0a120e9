package campaign

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/quota"
	"tintot/store"
)

// at returns a local Vietnamese instant.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, models.Vietnam)
	if err != nil {
		panic(err)
	}
	return t
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// fixture is a small province: tinh (province) > huyen (district) > xa-a, xa-b (communes);
// xa-c (commune) directly under tinh, with a broken feed; xa-b has no feed (submits by hand).
type fixture struct {
	st    store.Store
	svc   *Service
	clock *clock
	feeds map[string]models.Feed
	n     int
}

func newFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	f := &fixture{st: st, clock: &clock{now}, feeds: map[string]models.Feed{}}
	f.svc = &Service{Store: st, Engine: quota.NewEngine(quota.DefaultPolicy()), Clock: f.clock}
	created := at("2026-01-01 00:00")
	for _, u := range []models.Unit{
		{Code: "tinh", Name: "Tỉnh đoàn Thử nghiệm", Kind: models.UnitProvince},
		{Code: "huyen", Name: "Huyện đoàn Đông", Kind: models.UnitDistrict, ParentCode: "tinh"},
		{Code: "xa-a", Name: "Đoàn xã An Bình", Kind: models.UnitCommune, ParentCode: "huyen"},
		{Code: "xa-b", Name: "Đoàn xã Bình Minh", Kind: models.UnitCommune, ParentCode: "huyen"},
		{Code: "xa-c", Name: "Đoàn phường Cẩm Lệ", Kind: models.UnitCommune, ParentCode: "tinh"},
	} {
		u.CreatedAt, u.UpdatedAt = created, created
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Code, err)
		}
	}
	for _, code := range []string{"tinh", "xa-a", "xa-c"} {
		fd, err := st.CreateFeed(ctx, models.Feed{UnitCode: code, URL: "https://" + code + ".example.vn/feed.xml", State: models.FeedOK, NextCheckAt: created, CreatedAt: created, UpdatedAt: created,
			FirstReadAt: &created, CoveredFrom: &created})
		if err != nil {
			t.Fatalf("create feed %s: %v", code, err)
		}
		f.feeds[code] = fd
	}
	fc := f.feeds["xa-c"]
	fc.State = models.FeedBroken
	if err := st.UpdateFeed(ctx, fc); err != nil {
		t.Fatal(err)
	}
	if err := st.OpenOutage(ctx, models.FeedOutage{FeedID: fc.ID, UnitCode: "xa-c", From: at("2026-11-01 00:00"), Reason: "HTTP 500"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// post stores a feed post (or a manual one for units without a feed) published at local s.
func (f *fixture) post(t *testing.T, unit, published string, kind models.Kind) {
	t.Helper()
	f.n++
	pub := at(published)
	p := models.Post{
		UnitCode: unit, ItemKey: unit + "-" + published + "-" + string(kind) + "-" + string(rune('a'+f.n%26)),
		Title: "Bài " + published, PublishedAt: pub, LocalDay: models.LocalDay(pub, models.Vietnam),
		FirstSeenAt: f.clock.t, RuleKind: kind, RuleReason: "test", UpdatedAt: f.clock.t,
	}
	ctx := context.Background()
	if fd, ok := f.feeds[unit]; ok {
		p.Source, p.FeedID = models.SourceFeed, fd.ID
		if _, err := f.st.UpsertPosts(ctx, []models.Post{p}); err != nil {
			t.Fatal(err)
		}
		return
	}
	p.Source, p.SubmittedBy = models.SourceManual, "admin@xa.vn"
	if _, err := f.st.CreateManualPost(ctx, p); err != nil {
		t.Fatal(err)
	}
}

func dayStatus(t *testing.T, r models.UnitStatusReport) models.PeriodStatus {
	t.Helper()
	for _, ps := range r.Day {
		if ps.Level == models.LevelBaseline {
			return ps
		}
	}
	t.Fatalf("no baseline day status in %+v", r)
	return models.PeriodStatus{}
}

func TestUnitStatus(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-25 16:00"))
	for _, d := range []string{"2026-11-22", "2026-11-23", "2026-11-24"} {
		f.post(t, "xa-a", d+" 08:00", models.KindGoodNews)
	}
	f.post(t, "xa-b", "2026-11-25 23:59", models.KindGoodNews) // counted for the 25th
	f.post(t, "xa-b", "2026-11-26 00:01", models.KindGoodNews) // the 26th

	tests := []struct {
		code, date string
		want       models.Status
		streak     int
	}{
		{"xa-a", "", models.StatusAtRisk, 3},
		{"xa-a", "2026-11-24", models.StatusMet, 3},
		{"xa-b", "2026-11-25", models.StatusMet, 1},
		{"xa-c", "", models.StatusUnknown, 0},
	}
	for _, tt := range tests {
		r, err := f.svc.UnitStatus(ctx, tt.code, tt.date)
		if err != nil {
			t.Fatalf("%s: %v", tt.code, err)
		}
		if ps := dayStatus(t, r); ps.Status != tt.want || r.Streak != tt.streak {
			t.Errorf("%s %q: %s streak %d, want %s streak %d", tt.code, tt.date, ps.Status, r.Streak, tt.want, tt.streak)
		}
	}
	if r, _ := f.svc.UnitStatus(ctx, "xa-a", ""); r.Date != "2026-11-25" || r.Week != "2026-W48" {
		t.Errorf("today = %s %s, want 2026-11-25 2026-W48", r.Date, r.Week)
	}
	if _, err := f.svc.UnitStatus(ctx, "xa-z", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown unit: err = %v, want ErrNotFound", err)
	}
	if _, err := f.svc.UnitStatus(ctx, "xa-a", "25/11/2026"); err == nil || !strings.Contains(err.Error(), "25/11/2026") {
		t.Errorf("bad date: err = %v", err)
	}
}

func TestCloseDayLatePostCorrection(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-26 00:10"))
	f.post(t, "xa-a", "2026-11-25 09:00", models.KindGoodNews)

	if _, _, err := f.svc.CloseDay(ctx, "2026-11-26"); err == nil {
		t.Error("closing a day that is not over succeeded")
	}
	evals, corr, err := f.svc.CloseDay(ctx, "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	if len(corr) != 0 {
		t.Errorf("first close made corrections: %+v", corr)
	}
	got := map[string]models.Status{}
	for _, e := range evals {
		got[e.UnitCode+"|"+string(e.Level)] = e.Status
	}
	want := map[string]models.Status{
		"xa-a|baseline": models.StatusMet, "xa-a|target": models.StatusShort,
		"xa-b|baseline": models.StatusShort, "xa-b|target": models.StatusShort,
		"xa-c|baseline": models.StatusUnknown, "xa-c|target": models.StatusUnknown,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %s", k, got[k], v)
		}
	}
	if len(evals) != len(want) {
		t.Errorf("%d evaluations, want %d (province has no daily target)", len(evals), len(want))
	}

	// Next morning xa-b submits its post of the 25th by hand; the daily close re-closes the 25th.
	f.clock.t = at("2026-11-26 09:00")
	f.post(t, "xa-b", "2026-11-25 20:00", models.KindGoodNews)
	f.clock.t = at("2026-11-27 00:10")
	_, corr, err = f.svc.CloseDay(ctx, "2026-11-25")
	if err != nil {
		t.Fatal(err)
	}
	// Both levels of xa-b changed count (0 → 1); only the baseline changed status.
	if len(corr) != 2 {
		t.Fatalf("corrections = %+v, want two for xa-b", corr)
	}
	c := corr[0]
	if c.Level != models.LevelBaseline {
		c = corr[1]
	}
	if c.UnitCode != "xa-b" || c.Period != "2026-11-25" || c.Level != models.LevelBaseline || c.OldStatus != models.StatusShort ||
		c.NewStatus != models.StatusMet || c.OldActual != 0 || c.NewActual != 1 || !c.At.Equal(at("2026-11-27 00:10")) || c.Why != RecheckWhy {
		t.Errorf("correction = %+v", c)
	}

	// A late story found by Recheck changes the day too (xa-a: 1 → 2 posts, 2030 level met).
	f.post(t, "xa-a", "2026-11-25 21:00", models.KindStory)
	f.clock.t = at("2026-11-27 10:00")
	corr, err = f.svc.Recheck(ctx, "2026-11-20", "2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	var gotCorr []string
	for _, c := range corr {
		gotCorr = append(gotCorr, c.UnitCode+" "+c.Period+" "+string(c.Level)+" "+string(c.OldStatus)+"→"+string(c.NewStatus))
	}
	if strings.Join(gotCorr, ";") != "xa-a 2026-11-25 baseline met→met;xa-a 2026-11-25 target short→met" {
		t.Errorf("recheck corrections = %v", gotCorr)
	}

	// The week's review shows both corrections.
	f.clock.t = at("2026-11-30 08:00")
	r, err := f.svc.Review(ctx, "2026-W48", "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Corrections) != 4 {
		t.Errorf("review corrections = %+v, want 4", r.Corrections)
	}
	for _, row := range r.Rows {
		if row.Unit.Code == "xa-b" && len(row.Corrections) != 2 {
			t.Errorf("xa-b row corrections = %+v", row.Corrections)
		}
	}
}

func TestCloseWeek(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-30 07:00"))
	f.post(t, "xa-a", "2026-11-29 23:59", models.KindStory)
	f.post(t, "xa-b", "2026-11-30 00:01", models.KindStory) // next week
	f.post(t, "tinh", "2026-11-24 10:00", models.KindIdeology)
	f.post(t, "tinh", "2026-11-26 10:00", models.KindIdeology)
	if _, _, err := f.svc.CloseWeek(ctx, "2026-W49"); err == nil {
		t.Error("closing the open week succeeded")
	}
	evals, _, err := f.svc.CloseWeek(ctx, "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.Status{}
	for _, e := range evals {
		if e.Level == models.LevelBaseline {
			got[e.UnitCode] = e.Status
		}
	}
	want := map[string]models.Status{"tinh": models.StatusMet, "xa-a": models.StatusMet, "xa-b": models.StatusShort, "xa-c": models.StatusUnknown}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %s", k, got[k], v)
		}
	}
	if _, _, err := f.svc.CloseWeek(ctx, "2026-W60"); err == nil {
		t.Error("bad week accepted")
	}
}

func TestReview(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-27 12:00"))
	for _, d := range []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"} {
		f.post(t, "xa-a", d+" 08:00", models.KindGoodNews)
	}
	f.post(t, "xa-b", "2026-11-23 08:00", models.KindGoodNews)
	f.post(t, "xa-b", "2026-11-17 08:00", models.KindGoodNews) // previous week
	r, err := f.svc.Review(ctx, "", "huyen")
	if err != nil {
		t.Fatal(err)
	}
	if r.Week != "2026-W48" || len(r.Rows) != 2 {
		t.Fatalf("review %s with %d rows, want 2026-W48 with xa-a and xa-b (district has no target)", r.Week, len(r.Rows))
	}
	a, b := r.Rows[0], r.Rows[1]
	if a.Unit.Code != "xa-a" || a.Rank != 1 || a.DaysMet[models.LevelBaseline] != 5 || a.Streak != 5 || a.FeedState != models.FeedOK {
		t.Errorf("first row = %s rank %d days %v streak %d feed %s", a.Unit.Code, a.Rank, a.DaysMet, a.Streak, a.FeedState)
	}
	if b.Unit.Code != "xa-b" || b.PrevDaysMet != 1 || b.DailyStatus[4] != models.StatusAtRisk || b.DailyStatus[3] != models.StatusShort || b.DailyStatus[5] != models.StatusUpcoming || b.FeedState != "" {
		t.Errorf("second row = %+v", b)
	}
	all, err := f.svc.Review(ctx, "2026-W48", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Rows) != 4 {
		t.Errorf("whole review has %d rows, want 4", len(all.Rows))
	}
	top, err := f.svc.Review(ctx, "2026-W48", "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Rows) != 4 || top.DaySummary[0].Met != 2 || top.DaySummary[0].Unknown != 1 {
		t.Errorf("province review: %d rows, Monday %+v", len(top.Rows), top.DaySummary[0])
	}
	if _, err := f.svc.Review(ctx, "2026-W48", "khong-co"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown parent: err = %v", err)
	}
	if _, err := f.svc.Review(ctx, "2026-48", ""); err == nil {
		t.Error("bad week accepted")
	}

	var sb strings.Builder
	if err := WriteTable(&sb, top); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, want := range []string{"Tổng hợp tuần 2026-W48 (23/11/2026 – 29/11/2026) — đơn vị tinh", "Hạng", "Đơn vị", "Đoàn xã An Bình", "5/5", "Tỷ lệ đạt", "Hỏng", "Không có (nộp thủ công)", "Câu chuyện đẹp mỗi tuần"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestLongStreak(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-27 12:00"))
	for d := at("2026-10-01 08:00"); d.Before(at("2026-11-28 00:00")); d = d.AddDate(0, 0, 1) {
		f.post(t, "xa-a", d.Format("2006-01-02 15:04"), models.KindGoodNews)
	}
	r, err := f.svc.Review(ctx, "2026-W48", "huyen")
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows[0].Unit.Code != "xa-a" || r.Rows[0].Streak != 58 {
		t.Errorf("streak = %d, want 58 (1 Oct – 27 Nov)", r.Rows[0].Streak)
	}
	st, _ := f.svc.UnitStatus(ctx, "xa-a", "")
	if st.Streak != 58 {
		t.Errorf("unit status streak = %d, want 58", st.Streak)
	}
}

func TestAtRisk(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-25 16:00"))
	f.post(t, "xa-a", "2026-11-25 08:00", models.KindGoodNews)
	f.post(t, "xa-b", "2026-11-24 08:00", models.KindGoodNews)
	reports, err := f.svc.AtRisk(ctx, f.clock.t)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range reports {
		codes = append(codes, r.Unit.Code)
	}
	if strings.Join(codes, ",") != "xa-b" {
		t.Errorf("at risk = %v, want xa-b only (xa-a met, xa-c feed broken)", codes)
	}
	if len(reports) == 1 && (reports[0].Streak != 1 || dayStatus(t, reports[0]).Missing != 1) {
		t.Errorf("report = %+v", reports[0])
	}
}

func TestRecheckInput(t *testing.T) {
	f := newFixture(t, at("2026-11-27 12:00"))
	tests := []struct{ from, to, want string }{
		{"2026-11-25", "2026-11-20", "is empty"},
		{"2026/11/20", "2026-11-25", "2026/11/20"},
		{"2026-11-20", "x", `"x"`},
		{"2024-01-01", "2026-11-25", "longer than a year"},
	}
	for _, tt := range tests {
		if _, err := f.svc.Recheck(context.Background(), tt.from, tt.to); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Recheck(%s, %s) err = %v, want it to mention %s", tt.from, tt.to, err, tt.want)
		}
	}
	// Nothing closed yet: nothing to recheck, no error.
	if corr, err := f.svc.Recheck(context.Background(), "2026-11-20", "2026-11-26"); err != nil || len(corr) != 0 {
		t.Errorf("recheck of unclosed days = %v, %v", corr, err)
	}
}

// TestDayStatuses: the dashboard calendar shows a day seen through a broken feed as
// unknown, never short, and days not yet begun as upcoming.
func TestDayStatuses(t *testing.T) {
	f := newFixture(t, at("2026-11-27 18:00"))
	f.post(t, "xa-a", "2026-10-30 09:00", models.KindGoodNews)
	f.post(t, "xa-c", "2026-10-30 09:00", models.KindStory) // story counts as good news
	ctx := context.Background()
	got, err := f.svc.DayStatuses(ctx, "xa-a", "2026-10-30", "2026-11-28")
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]models.Status{
		"2026-10-30": models.StatusMet, "2026-10-31": models.StatusShort,
		"2026-11-27": models.StatusAtRisk, "2026-11-28": models.StatusUpcoming,
	} {
		if got[day].Status != want || got[day].Retroactive {
			t.Errorf("xa-a %s = %+v, want %s", day, got[day], want)
		}
	}
	got, err = f.svc.DayStatuses(ctx, "xa-c", "2026-10-30", "2026-11-05")
	if err != nil {
		t.Fatal(err)
	}
	if got["2026-10-30"].Status != models.StatusMet || got["2026-10-31"].Status != models.StatusShort || got["2026-11-03"].Status != models.StatusUnknown {
		t.Errorf("xa-c (feed broken since 1 Nov) = %v; want met, short, then unknown", got)
	}
	if _, err := f.svc.DayStatuses(ctx, "nope", "2026-11-01", "2026-11-02"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := f.svc.DayStatuses(ctx, "xa-a", "01/11/2026", "2026-11-02"); err == nil {
		t.Error("a bad day was accepted")
	}
}

// TestGrassrootsIdeologyOnlyUnderABloc: the weekly ideology target of grassroots Đoàn
// (seed 004 §II.2) binds those under a bloc, not a school Đoàn under a district.
func TestGrassrootsIdeologyOnlyUnderABloc(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-30 07:00"))
	created := at("2026-01-01 00:00")
	for _, u := range []models.Unit{
		{Code: "khoi", Name: "Đoàn Khối các cơ quan tỉnh", Kind: models.UnitBloc, ParentCode: "tinh"},
		{Code: "cs-so", Name: "Chi đoàn Sở Tư pháp", Kind: models.UnitGrassroots, ParentCode: "khoi"},
		{Code: "cs-thpt", Name: "Đoàn trường THPT Đông", Kind: models.UnitGrassroots, ParentCode: "huyen"},
	} {
		u.CreatedAt, u.UpdatedAt = created, created
		if err := f.st.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	f.post(t, "cs-so", "2026-11-25 10:00", models.KindIdeology)

	evals, _, err := f.svc.CloseWeek(ctx, "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]models.Status{}
	for _, e := range evals {
		if e.Target == "grassroots_weekly_ideology" {
			got[e.UnitCode] = e.Status
		}
	}
	if got["cs-so"] != models.StatusShort {
		t.Errorf("grassroots under the bloc: %q, want short (1 of 2 articles)", got["cs-so"])
	}
	if st, ok := got["cs-thpt"]; ok {
		t.Errorf("grassroots under a district was evaluated (%q); it owes no ideology articles", st)
	}

	r, err := f.svc.UnitStatus(ctx, "cs-so", "2026-11-27")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.WeekSt) != 1 || r.WeekSt[0].Target != "grassroots_weekly_ideology" || r.WeekSt[0].Actual != 1 {
		t.Errorf("unit status of the bloc's grassroots = %+v, want the ideology target with 1 article", r.WeekSt)
	}
	if r, err := f.svc.UnitStatus(ctx, "cs-thpt", "2026-11-27"); err != nil || len(r.WeekSt)+len(r.Day) != 0 {
		t.Errorf("unit status of the district's school = %+v, %v; want no targets", r, err)
	}

	rev, err := f.svc.Review(ctx, "2026-W48", "tinh")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]bool{}
	for _, row := range rev.Rows {
		rows[row.Unit.Code] = true
	}
	if !rows["cs-so"] || rows["cs-thpt"] {
		t.Errorf("review rows = %v; want the bloc's grassroots in, the district's school out", rows)
	}
	// Reviewing the bloc alone still knows the bloc is the parent.
	rev, err = f.svc.Review(ctx, "2026-W48", "khoi")
	if err != nil {
		t.Fatal(err)
	}
	rows = map[string]bool{}
	for _, row := range rev.Rows {
		rows[row.Unit.Code] = true
	}
	if !rows["cs-so"] || !rows["khoi"] {
		t.Errorf("bloc review rows = %v; want the bloc and its grassroots", rows)
	}
}
