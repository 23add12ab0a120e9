package classify_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

// openSQLite opens a fresh database file, closed when the test ends.
func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestReclassifySQLite runs Reclassify against the embedded backend: posts without an
// override get the new rule kind and reason, posts with an override are untouched.
func TestReclassifySQLite(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	for _, u := range []models.Unit{
		{Code: "TD", Name: "Tỉnh đoàn", Kind: models.UnitProvince, CreatedAt: now, UpdatedAt: now},
		{Code: "XA01", Name: "Đoàn xã A", Kind: models.UnitCommune, ParentCode: "TD", CreatedAt: now, UpdatedAt: now},
		{Code: "XA02", Name: "Đoàn xã B", Kind: models.UnitCommune, ParentCode: "TD", CreatedAt: now, UpdatedAt: now},
	} {
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("CreateUnit %s: %v", u.Code, err)
		}
	}
	feed, err := st.CreateFeed(ctx, models.Feed{UnitCode: "XA01", URL: "https://xa01.example.vn/tin-tot.rss", DefaultKind: models.KindGoodNews, State: models.FeedOK, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatalf("CreateFeed: %v", err)
	}
	post := func(unit, key, title, day string) models.Post {
		at, _ := models.DayStart(day, models.Vietnam)
		at = at.Add(9 * time.Hour)
		return models.Post{UnitCode: unit, ItemKey: key, Source: models.SourceFeed, Title: title,
			PublishedAt: at, LocalDay: day, FirstSeenAt: at, RuleKind: models.KindOther, RuleReason: "cũ", UpdatedAt: at}
	}
	p1 := post("XA01", "k1", "Trao quà cho hộ nghèo #TinTot", "2026-11-20")
	p2 := post("XA01", "k2", "Anh Nam cứu người #CauChuyenDep", "2026-11-20")
	p3 := post("XA01", "k3", "Họp chi đoàn", "2026-11-19")
	p3.FeedID = feed.ID
	p4 := post("XA01", "k4", "#DauTranhPhanBac luận điệu xuyên tạc", "2026-11-01")
	p5 := post("XA02", "k5", "#CauChuyenDep", "2026-11-20")
	res, err := st.UpsertPosts(ctx, []models.Post{p1, p2, p3, p4, p5})
	if err != nil {
		t.Fatalf("UpsertPosts: %v", err)
	}
	ids := map[string]string{}
	for _, p := range res.Inserted {
		ids[p.ItemKey] = p.ID
	}
	if len(ids) != 5 {
		t.Fatalf("inserted %d posts, want 5", len(ids))
	}
	ov := &models.Override{Kind: models.KindOther, Note: "không phải câu chuyện", By: "reviewer@tinhdoan.vn", At: now}
	if err := st.SetOverride(ctx, ids["k2"], ov); err != nil {
		t.Fatalf("SetOverride: %v", err)
	}

	got, err := classify.Reclassify(ctx, st, defaultClassifier(t), "XA01", "2026-11-15")
	if err != nil {
		t.Fatalf("Reclassify: %v", err)
	}
	if got.Checked != 2 || got.Changed != 2 {
		t.Errorf("checked %d changed %d, want 2 and 2", got.Checked, got.Changed)
	}
	want := map[string]struct {
		kind   models.Kind
		reason string
	}{
		"k1": {models.KindGoodNews, "hashtag #tintot"},
		"k2": {models.KindOther, "cũ"}, // override: untouched
		"k3": {models.KindGoodNews, "mặc định của nguồn tin: Tin tốt"},
		"k4": {models.KindOther, "cũ"}, // before since
		"k5": {models.KindOther, "cũ"}, // other unit
	}
	for key, w := range want {
		p, err := st.GetPost(ctx, ids[key])
		if err != nil {
			t.Fatalf("GetPost %s: %v", key, err)
		}
		if p.RuleKind != w.kind || p.RuleReason != w.reason {
			t.Errorf("post %s: rule %s %q, want %s %q", key, p.RuleKind, p.RuleReason, w.kind, w.reason)
		}
		if key == "k2" && (p.Override == nil || p.Override.Note != ov.Note || p.Kind() != models.KindOther) {
			t.Errorf("post k2 lost its override: %+v", p.Override)
		}
	}

	// A second run finds nothing to change.
	again, err := classify.Reclassify(ctx, st, defaultClassifier(t), "", "")
	if err != nil {
		t.Fatalf("Reclassify again: %v", err)
	}
	if again.Checked != 4 || again.Changed != 2 { // k4 and k5 change now; k2 still skipped
		t.Errorf("second run: checked %d changed %d, want 4 and 2", again.Checked, again.Changed)
	}
	var _ store.Store = st
}

// TestReclassifyIfRulesChanged reclassifies the open period once per change of rules:
// not again on a restart with the same rules, again after the rules change, and never
// the days before since.
func TestReclassifyIfRulesChanged(t *testing.T) {
	ctx := context.Background()
	st := openSQLite(t)
	if err := st.CreateUnit(ctx, models.Unit{Code: "XA01", Name: "Đoàn xã A", Kind: models.UnitCommune}); err != nil {
		t.Fatal(err)
	}
	post := func(key, day string) models.Post {
		at, _ := models.DayStart(day, models.Vietnam)
		at = at.Add(9 * time.Hour)
		return models.Post{UnitCode: "XA01", ItemKey: key, Source: models.SourceFeed, Title: "Đoàn xã dọn vệ sinh kênh mương",
			PublishedAt: at, LocalDay: day, FirstSeenAt: at, RuleKind: models.KindOther, RuleReason: "không khớp quy tắc nào", UpdatedAt: at}
	}
	if _, err := st.UpsertPosts(ctx, []models.Post{post("old", "2026-11-16"), post("new", "2026-11-24")}); err != nil {
		t.Fatal(err)
	}
	kinds := func() map[string]models.Kind {
		ps, err := st.ListPosts(ctx, store.PostFilter{UnitCode: "XA01"})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]models.Kind{}
		for _, p := range ps {
			out[p.ItemKey] = p.RuleKind
		}
		return out
	}
	withKeyword := func(kw string) *classify.Classifier {
		r := classify.Rules{RuleSet: classify.RuleSet{Keywords: classify.KindPatterns{models.KindGoodNews: {kw}}}}
		c, err := classify.New(r)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	c1 := withKeyword("kênh mương")
	res, ran, err := classify.ReclassifyIfRulesChanged(ctx, st, c1, "2026-11-23")
	if err != nil || !ran || res.Changed != 1 {
		t.Fatalf("first start: %+v ran=%v err=%v; want the week's post reclassified", res, ran, err)
	}
	if got := kinds(); got["new"] != models.KindGoodNews || got["old"] != models.KindOther {
		t.Errorf("kinds = %v; want this week's post good news and last week's untouched", got)
	}

	if res, ran, err := classify.ReclassifyIfRulesChanged(ctx, st, withKeyword("kênh mương"), "2026-11-23"); err != nil || ran || res.Checked != 0 {
		t.Errorf("restart with the same rules: %+v ran=%v err=%v; want nothing done", res, ran, err)
	}

	c2 := withKeyword("hiến máu")
	if c2.Fingerprint() == c1.Fingerprint() {
		t.Fatal("different rules share a fingerprint")
	}
	res, ran, err = classify.ReclassifyIfRulesChanged(ctx, st, c2, "2026-11-23")
	if err != nil || !ran || res.Changed != 1 {
		t.Fatalf("changed rules: %+v ran=%v err=%v; want the week's post reclassified again", res, ran, err)
	}
	if got := kinds(); got["new"] != models.KindOther {
		t.Errorf("kinds = %v; want this week's post back to other under the new rules", got)
	}
	if fp, err := st.GetSetting(ctx, classify.RulesSetting); err != nil || fp != c2.Fingerprint() {
		t.Errorf("stored fingerprint = %q, %v; want the new rules'", fp, err)
	}
}

// defaultClassifier is the classifier of the default rules (this file is an external
// test: store/sqlite imports classify).
func defaultClassifier(t testing.TB) *classify.Classifier {
	t.Helper()
	c, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatalf("New(DefaultRules()): %v", err)
	}
	return c
}
