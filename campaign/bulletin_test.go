package campaign

import (
	"context"
	"testing"

	"tintot/models"
	"tintot/store"
)

func TestBulletin(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-12-02 10:00"))
	// Q4 2026: xa-a posts every day of a week in November, xa-b two days; a post of
	// 30/09 23:30 (Q3) and one of 01/10 00:10 (Q4) in Vietnam time.
	for _, d := range []string{"2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"} {
		f.post(t, "xa-a", d+" 08:00", models.KindGoodNews)
	}
	f.post(t, "xa-a", "2026-11-18 09:00", models.KindStory)
	f.post(t, "xa-b", "2026-11-16 08:00", models.KindGoodNews)
	f.post(t, "xa-b", "2026-11-17 08:00", models.KindGoodNews)
	f.post(t, "xa-a", "2026-09-30 23:30", models.KindStory)
	f.post(t, "xa-a", "2026-10-01 00:10", models.KindStory)

	posts, err := f.st.ListPosts(ctx, store.PostFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byDay := map[string]models.Post{}
	for _, p := range posts {
		byDay[p.UnitCode+" "+p.PublishedAt.In(models.Vietnam).Format("2006-01-02 15:04")] = p
	}
	pick := func(key string, pos int, omit bool) string {
		p, ok := byDay[key]
		if !ok {
			t.Fatalf("no post %s", key)
		}
		if err := f.st.SavePick(ctx, models.Pick{PostID: p.ID, UnitCode: p.UnitCode, LocalDay: p.LocalDay, Position: pos, Omitted: omit, Note: "ghi chú " + key}); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	q3 := pick("xa-a 2026-09-30 23:30", 0, false)
	first := pick("xa-a 2026-10-01 00:10", 0, false)
	second := pick("xa-a 2026-11-18 09:00", 0, false)
	out := pick("xa-b 2026-11-16 08:00", 0, true)

	q, _ := models.ParseQuarter("2026-Q4")
	b, err := f.svc.Bulletin(ctx, "tinh", q)
	if err != nil {
		t.Fatal(err)
	}
	if b.ParentName != "Tỉnh đoàn Thử nghiệm" || b.From != "2026-10-01" || b.To != "2026-12-31" || b.Report.Through != "2026-12-01" {
		t.Errorf("bulletin = %q %s..%s through %s", b.ParentName, b.From, b.To, b.Report.Through)
	}
	if got := storyIDs(b.Stories); len(got) != 2 || got[0] != first || got[1] != second {
		t.Errorf("stories = %v, want the 01/10 story then the 18/11 one (the 30/09 one is Q3)", got)
	}
	if len(b.Omitted) != 1 || b.Omitted[0].Pick.PostID != out || b.Omitted[0].UnitName != "Đoàn xã Bình Minh" {
		t.Errorf("omitted = %+v", b.Omitted)
	}
	if len(b.Best) != 2 || b.Best[0].Unit.Code != "xa-a" || b.Best[1].Unit.Code != "xa-b" {
		t.Errorf("best = %v, want xa-a then xa-b (xa-c never met a day)", bestCodes(b.Best))
	}
	if b.Report.ChannelCoverage == nil || len(b.Weeks) == 0 {
		t.Error("no coverage or weekly split for the chart")
	}
	b3, err := f.svc.Bulletin(ctx, "tinh", q.Prev())
	if err != nil {
		t.Fatal(err)
	}
	if got := storyIDs(b3.Stories); len(got) != 1 || got[0] != q3 {
		t.Errorf("Q3 stories = %v, want the post of 30/09 23:30 Vietnam time", got)
	}
	// Other subtrees do not see the picks.
	bh, err := f.svc.Bulletin(ctx, "huyen", q)
	if err != nil {
		t.Fatal(err)
	}
	if len(bh.Stories) != 2 || bh.Best[0].Unit.Code != "xa-a" {
		t.Errorf("huyen stories %v best %v", storyIDs(bh.Stories), bestCodes(bh.Best))
	}
}

func storyIDs(ss []models.BulletinStory) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Pick.PostID)
	}
	return out
}

func bestCodes(rs []models.PeriodRow) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Unit.Code)
	}
	return out
}
