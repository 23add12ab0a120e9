package classify

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// memStore is the part of store.Store that Reclassify uses, kept in memory. Calling any
// other method panics through the nil embedded interface, which would fail the test.
type memStore struct {
	store.Store
	feeds  []models.Feed
	posts  []models.Post
	writes int
	pages  int // pages walked
}

func (m *memStore) ListFeeds(_ context.Context, f store.FeedFilter) ([]models.Feed, error) {
	var out []models.Feed
	for _, x := range m.feeds {
		if f.UnitCode == "" || x.UnitCode == f.UnitCode {
			out = append(out, x)
		}
	}
	return out, nil
}

func (m *memStore) ListPosts(_ context.Context, f store.PostFilter) ([]models.Post, error) {
	var out []models.Post
	for _, p := range m.posts {
		if (f.UnitCode != "" && p.UnitCode != f.UnitCode) || (f.FromDay != "" && p.LocalDay < f.FromDay) || (f.NoOverride && p.Override != nil) {
			continue
		}
		out = append(out, p)
	}
	if f.Offset >= len(out) {
		return nil, nil
	}
	out = out[f.Offset:]
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

func (m *memStore) WalkPosts(ctx context.Context, f store.PostFilter, size int, fn func([]models.Post) error) error {
	all, _ := m.ListPosts(ctx, f)
	for len(all) > 0 {
		page := all[:min(size, len(all))]
		all = all[len(page):]
		m.pages++
		if err := fn(slices.Clone(page)); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) SetRuleKinds(_ context.Context, ups []store.RuleKindUpdate) error {
	m.writes++
	for _, u := range ups {
		for i := range m.posts {
			if m.posts[i].ID == u.ID {
				m.posts[i].RuleKind, m.posts[i].RuleReason = u.Kind, u.Reason
			}
		}
	}
	return nil
}

func TestReclassifyInMemory(t *testing.T) {
	at := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	ov := &models.Override{Kind: models.KindOther, By: "reviewer", At: at}
	st := &memStore{
		feeds: []models.Feed{{ID: "f1", UnitCode: "XA01", DefaultKind: models.KindGoodNews}},
		posts: []models.Post{
			{ID: "1", UnitCode: "XA01", LocalDay: "2026-11-20", Title: "Trao quà #TinTot", RuleKind: models.KindOther, RuleReason: "cũ"},
			{ID: "2", UnitCode: "XA01", LocalDay: "2026-11-20", Title: "Gương sáng #CauChuyenDep", RuleKind: models.KindOther, Override: ov},
			{ID: "3", UnitCode: "XA01", LocalDay: "2026-11-01", Title: "#CauChuyenDep", RuleKind: models.KindOther},
			{ID: "4", UnitCode: "XA02", LocalDay: "2026-11-20", Title: "#CauChuyenDep", RuleKind: models.KindOther},
			{ID: "5", UnitCode: "XA01", LocalDay: "2026-11-21", Title: "Họp chi đoàn", FeedID: "f1", RuleKind: models.KindOther},
			{ID: "6", UnitCode: "XA01", LocalDay: "2026-11-21", Title: "Họp", RuleKind: models.KindOther, RuleReason: reasonNone},
		},
	}
	res, err := Reclassify(context.Background(), st, newDefault(t), "XA01", "2026-11-15")
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 3 || res.Changed != 2 {
		t.Errorf("checked %d changed %d, want 3 and 2", res.Checked, res.Changed)
	}
	if len(res.ByKind) != 1 || res.ByKind[0] != (KindChange{models.KindOther, models.KindGoodNews, 2}) {
		t.Errorf("ByKind = %+v, want other→good_news ×2", res.ByKind)
	}
	want := map[string]models.Kind{"1": models.KindGoodNews, "2": models.KindOther, "3": models.KindOther, "4": models.KindOther, "5": models.KindGoodNews}
	for _, p := range st.posts {
		if w, ok := want[p.ID]; ok && p.RuleKind != w {
			t.Errorf("post %s rule kind %s, want %s", p.ID, p.RuleKind, w)
		}
	}
	if st.posts[1].RuleReason != "" {
		t.Errorf("post with override was rewritten: %q", st.posts[1].RuleReason)
	}
	if st.posts[4].RuleReason != "mặc định của nguồn tin: Tin tốt" {
		t.Errorf("feed default reason = %q", st.posts[4].RuleReason)
	}
	if s := res.String(); !strings.Contains(s, "Đã kiểm tra 3 bài, cập nhật 2 bài.") || !strings.Contains(s, "Khác → Tin tốt: 2 bài") {
		t.Errorf("String() = %q", s)
	}
}

func TestReclassifyPagesAndBadInput(t *testing.T) {
	st := &memStore{}
	for i := 0; i < 2*reclassifyPage+7; i++ {
		st.posts = append(st.posts, models.Post{ID: string(rune('a'+i%26)) + time.Duration(i).String(), UnitCode: "XA01", LocalDay: "2026-11-20", Title: "#TinTot", RuleKind: models.KindOther})
	}
	res, err := Reclassify(context.Background(), st, newDefault(t), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != len(st.posts) || res.Changed != len(st.posts) || st.writes != 3 || st.pages != 3 {
		t.Errorf("checked %d changed %d writes %d pages %d; want %d, %d, 3, 3", res.Checked, res.Changed, st.writes, st.pages, len(st.posts), len(st.posts))
	}
	if _, err := Reclassify(context.Background(), st, newDefault(t), "", "20-11-2026"); err == nil || !strings.Contains(err.Error(), "20-11-2026") {
		t.Errorf("bad since: err = %v", err)
	}
}
