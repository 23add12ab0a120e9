package campaign

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// titled stores a feed post (or a manual one) with a title, categories and a summary.
func (f *fixture) titled(t *testing.T, unit, published, title, summary string, cats ...string) models.Post {
	t.Helper()
	f.n++
	pub := at(published)
	p := models.Post{UnitCode: unit, ItemKey: unit + "-t-" + string(rune('a'+f.n%26)) + published, Title: title, Summary: summary, Categories: cats,
		PublishedAt: pub, LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub, RuleKind: models.KindGoodNews, RuleReason: "test", UpdatedAt: pub}
	ctx := context.Background()
	if fd, ok := f.feeds[unit]; ok {
		p.Source, p.FeedID = models.SourceFeed, fd.ID
		res, err := f.st.UpsertPosts(ctx, []models.Post{p})
		if err != nil {
			t.Fatal(err)
		}
		return res.Inserted[0]
	}
	p.Source, p.SubmittedBy = models.SourceManual, "admin@xa.vn"
	out, err := f.st.CreateManualPost(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTrendYear(t *testing.T) {
	f := newFixture(t, at("2026-11-27 10:00"))
	ctx := context.Background()
	green, err := f.st.CreateTrend(ctx, models.Trend{ParentCode: "tinh", Name: "Xanh hóa quê hương", Hashtags: []string{"#XanhHóaQuêHương"}, StartDay: "2026-11-20", EndDay: "2026-12-05"})
	if err != nil {
		t.Fatal(err)
	}
	small, err := f.st.CreateTrend(ctx, models.Trend{ParentCode: "tinh", Name: "Áo xanh", Hashtags: []string{"#AoXanh"}, StartDay: "2026-03-01", EndDay: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	// Three units join the green trend, in every written form; one post is outside its days,
	// one carries another tag, one a reviewer excluded, one is the organiser's own.
	f.titled(t, "xa-a", "2026-11-21 08:00", norm.NFD.String("Ra quân #XanhHóaQuêHương"), "")
	f.titled(t, "xa-a", "2026-11-25 08:00", "Trồng cây", "… #xanh_hoa_que_huong")
	f.titled(t, "xa-b", "2026-11-25 09:00", "Dọn rác", "", "Xanh hóa quê hương")
	f.titled(t, "xa-c", "2026-11-26 09:00", "#XANHHOAQUEHUONG nhé", "")
	f.titled(t, "xa-c", "2026-11-19 09:00", "#XanhHoaQueHuong sớm một ngày", "")
	f.titled(t, "huyen", "2026-11-26 10:00", "#MoiNgayMotTinTot", "")
	ex := f.titled(t, "huyen", "2026-11-26 11:00", "#XanhHoaQueHuong", "")
	if err := f.st.SetOverride(ctx, ex.ID, &models.Override{Excluded: true, By: "duyet", At: at("2026-11-26 12:00")}); err != nil {
		t.Fatal(err)
	}
	f.titled(t, "tinh", "2026-11-22 10:00", "Phát động #XanhHoaQueHuong", "")
	// Two units join the small one.
	f.titled(t, "xa-a", "2026-03-02 08:00", "#AoXanh", "")
	f.titled(t, "xa-c", "2026-03-03 08:00", "#ÁoXanh", "")

	ty, err := f.svc.TrendYear(ctx, "tinh", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(ty.Trends) != 2 || ty.Trends[0].ID != small.ID || ty.Trends[1].ID != green.ID {
		t.Fatalf("trends = %+v", ty.Trends)
	}
	g := ty.Trends[1]
	if g.Posts != 4 || len(g.JoinedUnits) != 3 || !g.Counts {
		t.Errorf("green: %d posts, %d units, counts %v; want 4, 3, true (%+v)", g.Posts, len(g.JoinedUnits), g.Counts, g.JoinedUnits)
	}
	if ju := g.JoinedUnits[0]; ju.Code != "xa-a" || ju.Posts != 2 || ju.FirstDay != "2026-11-21" || ju.Name != "Đoàn xã An Bình" {
		t.Errorf("first joined unit = %+v, want xa-a with 2 posts from 21/11", ju)
	}
	// Every day from its first to today (27/11), not the days still to come.
	if n := len(g.PerDay); n != 8 || g.PerDay[0].Day != "2026-11-20" || g.PerDay[7].Day != "2026-11-27" || g.PerDay[5].Posts != 2 {
		t.Errorf("per day = %+v", g.PerDay)
	}
	if len(g.TopPosts) != 4 || g.TopPosts[0].UnitCode != "xa-c" {
		t.Errorf("top posts = %d, first of %s; want 4, newest first", len(g.TopPosts), g.TopPosts[0].UnitCode)
	}
	if s := ty.Trends[0]; s.Counts || len(s.JoinedUnits) != 2 {
		t.Errorf("small trend counts %v with %d units; want false with 2", s.Counts, len(s.JoinedUnits))
	}
	if ty.Counted != 1 || ty.MinUnits != 3 || len(ty.Status) != 2 || ty.Status[0].Status != models.StatusAtRisk || ty.Status[0].Actual != 1 || ty.Status[0].Missing != 1 {
		t.Errorf("year: counted %d (min %d), status %+v; want 1 of 3, at_risk 1 of 2", ty.Counted, ty.MinUnits, ty.Status)
	}

	// The province's status carries it; a commune's does not.
	rep, err := f.svc.UnitStatus(ctx, "tinh", "2026-11-27")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.YearSt) != 2 || rep.YearSt[0].Period != "2026" || rep.YearSt[0].Status != models.StatusAtRisk {
		t.Errorf("province year status = %+v", rep.YearSt)
	}
	if rep, _ := f.svc.UnitStatus(ctx, "xa-a", "2026-11-27"); len(rep.YearSt) != 0 {
		t.Errorf("commune year status = %+v", rep.YearSt)
	}

	// A second trend with three units meets the baseline of 2026; after the year it stays met.
	if _, err := f.st.CreateTrend(ctx, models.Trend{ParentCode: "tinh", Name: "Ba đơn vị", Hashtags: []string{"#BaDonVi"}, StartDay: "2026-03-01", EndDay: "2026-03-31"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"xa-a", "xa-b", "xa-c"} {
		f.titled(t, u, "2026-03-10 08:00", "#BaDonVi", "")
	}
	f.clock.t = at("2027-01-02 08:00")
	ty, err = f.svc.TrendYear(ctx, "tinh", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if ty.Counted != 2 || ty.Status[0].Status != models.StatusMet || ty.Status[1].Status != models.StatusShort {
		t.Errorf("after the year: counted %d, status %+v; want 2, met baseline, short target", ty.Counted, ty.Status)
	}
	if all, err := f.svc.TrendYear(ctx, "", 2026); err != nil || len(all.Trends) != 3 || len(all.Status) != 0 {
		t.Errorf("all parents: %d trends, status %+v, %v", len(all.Trends), all.Status, err)
	}
	if _, err := f.svc.TrendReport(ctx, "missing"); err == nil {
		t.Error("TrendReport of a missing trend: no error")
	} else if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TrendReport missing: %v, want ErrNotFound", err)
	}
}

// TestTrendTargetReusesCounts: the summaries reuse a trend's count for a short while;
// TrendYear counts afresh.
func TestTrendTargetReusesCounts(t *testing.T) {
	f := newFixture(t, at("2026-11-27 10:00"))
	ctx := context.Background()
	if _, err := f.st.CreateTrend(ctx, models.Trend{ParentCode: "tinh", Name: "Áo xanh", Hashtags: []string{"#AoXanh"}, StartDay: "2026-11-01", EndDay: "2026-11-30"}); err != nil {
		t.Fatal(err)
	}
	f.titled(t, "xa-a", "2026-11-02 08:00", "#AoXanh", "")
	f.titled(t, "xa-b", "2026-11-03 08:00", "#AoXanh", "")
	counted := func(reuse bool) int {
		t.Helper()
		get := f.svc.TrendYear
		if reuse {
			get = f.svc.TrendTarget
		}
		ty, err := get(ctx, "tinh", 2026)
		if err != nil {
			t.Fatal(err)
		}
		return ty.Counted
	}
	if n := counted(true); n != 0 {
		t.Fatalf("two units: %d trends count, want 0", n)
	}
	f.titled(t, "xa-c", "2026-11-26 08:00", "#AoXanh", "") // the third unit joins
	if n := counted(true); n != 0 {
		t.Errorf("within %v the summary reuses the count: %d, want 0", TrendTallyOpenTTL, n)
	}
	f.clock.t = f.clock.t.Add(TrendTallyOpenTTL)
	if n := counted(true); n != 1 {
		t.Errorf("after %v the summary counts again: %d, want 1", TrendTallyOpenTTL, n)
	}
	f.titled(t, "xa-c", "2026-11-26 09:00", "#XanhKhac", "")
	if n := counted(false); n != 1 {
		t.Errorf("TrendYear counts afresh: %d, want 1", n)
	}
	rep, err := f.svc.UnitStatus(ctx, "tinh", "2026-11-27")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.YearSt) == 0 || rep.YearSt[0].Actual != 1 {
		t.Errorf("province status = %+v, want 1 trend", rep.YearSt)
	}
}

// A trend whose hashtags or days a reviewer changes is counted again at once, not after
// the reuse window: the reused count belongs to the trend as it was.
func TestTrendTargetCountsAnEditedTrendAgain(t *testing.T) {
	f := newFixture(t, at("2026-11-27 10:00"))
	ctx := context.Background()
	tr, err := f.st.CreateTrend(ctx, models.Trend{ParentCode: "tinh", Name: "Áo xanh", Hashtags: []string{"#AoXanhSai"}, StartDay: "2026-11-01", EndDay: "2026-11-30"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"xa-a", "xa-b", "xa-c"} {
		f.titled(t, u, "2026-11-02 08:00", "#AoXanh", "")
	}
	ty, err := f.svc.TrendTarget(ctx, "tinh", 2026)
	if err != nil || ty.Counted != 0 {
		t.Fatalf("with the mistyped hashtag: %d trends count (%v), want 0", ty.Counted, err)
	}
	tr.Hashtags = []string{"#AoXanh"}
	if _, err := f.st.UpdateTrend(ctx, tr); err != nil {
		t.Fatal(err)
	}
	if ty, err = f.svc.TrendTarget(ctx, "tinh", 2026); err != nil || ty.Counted != 1 {
		t.Errorf("right after the hashtag was corrected: %d trends count (%v), want 1", ty.Counted, err)
	}
	if err := f.st.DeleteTrend(ctx, tr.ID); err != nil {
		t.Fatal(err)
	}
	if ty, err = f.svc.TrendTarget(ctx, "tinh", 2026); err != nil || ty.Counted != 0 || len(ty.Trends) != 0 {
		t.Errorf("after deleting it: %d trends count, %d listed (%v), want none", ty.Counted, len(ty.Trends), err)
	}
}

// TestTrendReportReadsOnlyTaggedPosts compares each trend's report, read through the
// posts' hashtag terms, with the report made from every post of the units in the
// trend's days (how trends were counted before): the same posts, units, days and top
// posts, on varied posts in both normal forms, any case, split or spanning words,
// in categories, excluded by a reviewer, re-polled with a new text.
func TestTrendReportReadsOnlyTaggedPosts(t *testing.T) {
	f := newFixture(t, at("2026-11-27 10:00"))
	ctx := context.Background()
	pieces := []string{
		"#XanhHóaQuêHương", "#xanh_hoa_que_huong", "#Xanh hóa quê hương nhé", "#Xanh hóa", "#XANHHOAQUEHUONG", "#XanhHóaQuêHươngEm",
		norm.NFD.String("#XanhHóaQuêHương"), "#MùaHèXanh 2026", "#MùaHèXanh2026", "#mua_he_xanh", "# Mùa hè xanh", "#ÁoXanh.",
		"#Mỗi ngày một tin tốt", "#tin tốt nghiệp", "#Xanh", "&#35;AoXanh", "<b>#ao_xanh</b>", "Ra quân", "đoàn viên", "tin tốt", "-",
	}
	cats := []string{"Mùa hè xanh", "#XanhHoaQueHuong", "Áo xanh", "Tin tốt", ""}
	units := []string{"tinh", "huyen", "xa-a", "xa-b", "xa-c"}
	r := rand.New(rand.NewPCG(27, 11))
	text := func() string {
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(pieces[r.IntN(len(pieces))])
			b.WriteString([]string{" ", ", ", "\n", ""}[r.IntN(4)])
		}
		return b.String()
	}
	var repoll []models.Post
	for i := 0; i < 600; i++ {
		var cs []string
		if r.IntN(4) == 0 {
			cs = append(cs, cats[r.IntN(len(cats))])
		}
		day := fmt.Sprintf("2026-11-%02d %02d:%02d", 1+r.IntN(30), 6+r.IntN(12), r.IntN(60))
		p := f.titled(t, units[r.IntN(len(units))], day, text(), text(), cs...)
		switch r.IntN(10) {
		case 0:
			if err := f.st.SetOverride(ctx, p.ID, &models.Override{Excluded: true, By: "duyet", At: at("2026-11-27 09:00")}); err != nil {
				t.Fatal(err)
			}
		case 1:
			if p.Source == models.SourceFeed {
				p.Title, p.Summary = text(), text()
				repoll = append(repoll, p)
			}
		}
	}
	if _, err := f.st.UpsertPosts(ctx, repoll); err != nil {
		t.Fatal(err)
	}
	trends := [][]string{{"#XanhHóaQuêHương"}, {"#MùaHèXanh", "#AoXanh"}, {"mỗi ngày một tin tốt"}, {"#Xanh"}, {"#TinTot"}, {"#!!"}}
	found := 0
	for i, tags := range trends {
		tr := models.Trend{ID: fmt.Sprint("t", i), ParentCode: "tinh", Name: tags[0], Hashtags: tags, StartDay: "2026-11-03", EndDay: "2026-11-30"}
		us, err := f.st.Descendants(ctx, "tinh")
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.trendReport(ctx, tr, us)
		if err != nil {
			t.Fatal(err)
		}
		codes := []string{}
		for _, u := range us {
			codes = append(codes, u.Code)
		}
		all, err := f.st.ListPosts(ctx, store.PostFilter{UnitCodes: codes, FromDay: tr.StartDay, ToDay: "2026-11-27"})
		if err != nil {
			t.Fatal(err)
		}
		want := models.TrendReport{Trend: tr, JoinedUnits: []models.TrendUnit{}, PerDay: []models.TrendDay{}, TopPosts: []models.Post{}}
		f.svc.tallyTrend(&want, classify.NewTagMatcher(tags), all, us, "2026-11-27")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("trend %q: read by terms %d posts of %d units, from every post %d of %d\n got %+v\nwant %+v",
				tags, got.Posts, len(got.JoinedUnits), want.Posts, len(want.JoinedUnits), got.JoinedUnits, want.JoinedUnits)
		}
		found += want.Posts
	}
	if found < 200 {
		t.Errorf("only %d trend posts in all: the generator tests too little", found)
	}
}
