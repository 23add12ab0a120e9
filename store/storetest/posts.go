package storetest

import (
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// post builds a feed post published at `at` (its local day is computed in Vietnam time).
func post(unitCode, feedID, key string, kind models.Kind, at time.Time) models.Post {
	return models.Post{
		UnitCode: unitCode, FeedID: feedID, ItemKey: key, Source: models.SourceFeed,
		URL: "https://" + unitCode + ".vn/" + key, Title: "Bài " + key, Summary: "Tóm tắt " + key,
		Categories:  []string{"Tin tốt"},
		PublishedAt: at, LocalDay: models.LocalDay(at, models.Vietnam), FirstSeenAt: at.Add(time.Minute),
		RuleKind: kind, RuleReason: "hashtag #tintot", UpdatedAt: at.Add(time.Minute),
	}
}

func postIDs(ps []models.Post) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ItemKey
	}
	return out
}

func testPosts(t *testing.T, open Opener) {
	t.Run("InsertThenGet", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		p := post("X1", "f1", "guid-1", models.KindGoodNews, base)
		p.DateInferred = true
		res, err := s.UpsertPosts(ctx(t), []models.Post{p})
		mustNil(t, "UpsertPosts", err)
		if len(res.Inserted) != 1 || res.Updated != 0 || res.Inserted[0].ID == "" {
			t.Fatalf("UpsertPosts = %+v, want one inserted post with an ID", res)
		}
		got, err := s.GetPost(ctx(t), res.Inserted[0].ID)
		mustNil(t, "GetPost", err)
		if got.UnitCode != "X1" || got.ItemKey != "guid-1" || got.FeedID != "f1" || got.Source != models.SourceFeed ||
			got.Title != p.Title || got.URL != p.URL || got.Summary != p.Summary || got.LocalDay != p.LocalDay ||
			got.RuleKind != models.KindGoodNews || got.RuleReason != p.RuleReason || !got.DateInferred || got.Override != nil {
			t.Errorf("GetPost = %+v, want %+v", got, p)
		}
		if !equalStrings(got.Categories, p.Categories) {
			t.Errorf("Categories = %v, want %v", got.Categories, p.Categories)
		}
		sameTime(t, "PublishedAt", got.PublishedAt, p.PublishedAt)
		sameTime(t, "FirstSeenAt", got.FirstSeenAt, p.FirstSeenAt)
		_, err = s.GetPost(ctx(t), "missing")
		mustIs(t, "GetPost missing", err, store.ErrNotFound)
	})
	t.Run("ReUpsertKeepsIdentityAndDecisions", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		p := post("X1", "f1", "guid-1", models.KindOther, base)
		res, err := s.UpsertPosts(ctx(t), []models.Post{p})
		mustNil(t, "first UpsertPosts", err)
		id := res.Inserted[0].ID
		ov := &models.Override{Kind: models.KindStory, Note: "câu chuyện đẹp", By: "reviewer@doan.vn", At: base.Add(time.Hour)}
		mustNil(t, "SetOverride", s.SetOverride(ctx(t), id, ov))

		again := post("X1", "f1", "guid-1", models.KindGoodNews, base.Add(72*time.Hour)) // a feed that re-dates its items
		again.Title = "Bài đã sửa"
		again.Categories = []string{"Thời sự", "Tin tốt"}
		again.FirstSeenAt = base.Add(80 * time.Hour)
		res, err = s.UpsertPosts(ctx(t), []models.Post{again})
		mustNil(t, "second UpsertPosts", err)
		if len(res.Inserted) != 0 || res.Updated != 1 {
			t.Fatalf("re-upsert = %d inserted, %d updated, want 0 and 1", len(res.Inserted), res.Updated)
		}
		got, err := s.GetPost(ctx(t), id)
		mustNil(t, "GetPost", err)
		if got.Title != "Bài đã sửa" || !equalStrings(got.Categories, again.Categories) || got.RuleKind != models.KindGoodNews {
			t.Errorf("re-upsert did not update title/categories/rule kind: %+v", got)
		}
		sameTime(t, "kept PublishedAt", got.PublishedAt, p.PublishedAt)
		sameTime(t, "kept FirstSeenAt", got.FirstSeenAt, p.FirstSeenAt)
		if got.LocalDay != p.LocalDay {
			t.Errorf("LocalDay = %s, want kept %s", got.LocalDay, p.LocalDay)
		}
		if got.Override == nil || got.Override.Kind != models.KindStory || got.Override.By != ov.By || got.Override.Note != ov.Note {
			t.Fatalf("override lost on re-poll: %+v", got.Override)
		}
		sameTime(t, "Override.At", got.Override.At, ov.At)
		if got.Kind() != models.KindStory {
			t.Errorf("effective kind = %s, want story (override wins)", got.Kind())
		}
		all, err := s.ListPosts(ctx(t), store.PostFilter{})
		mustNil(t, "ListPosts", err)
		if len(all) != 1 {
			t.Errorf("%d posts stored after re-poll, want 1", len(all))
		}
	})
	t.Run("TwoFeedsOneUnitOnePost", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		res, err := s.UpsertPosts(ctx(t), []models.Post{
			post("X1", "feedA", "https://x1.vn/bai-1", models.KindGoodNews, base),
			post("X1", "feedB", "https://x1.vn/bai-1", models.KindGoodNews, base),
		})
		mustNil(t, "UpsertPosts", err)
		if len(res.Inserted) != 1 || res.Updated != 1 {
			t.Errorf("same key from two feeds = %d inserted, %d updated, want 1 and 1", len(res.Inserted), res.Updated)
		}
		res, err = s.UpsertPosts(ctx(t), []models.Post{post("X2", "feedC", "https://x1.vn/bai-1", models.KindGoodNews, base)})
		mustNil(t, "UpsertPosts other unit", err)
		if len(res.Inserted) != 1 {
			t.Errorf("same key in another unit was not inserted: %+v", res)
		}
		counts, err := s.CountPosts(ctx(t), store.CountQuery{UnitCodes: []string{"X1"}, FromDay: "2026-11-01", ToDay: "2026-11-30"})
		mustNil(t, "CountPosts", err)
		if len(counts) != 1 || counts[0].Count != 1 {
			t.Errorf("X1 counts = %+v, want a single post counted once", counts)
		}
	})
	t.Run("ManualPosts", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		p := post("X1", "", "https://facebook.com/x1/posts/1", models.KindGoodNews, base)
		p.Source = models.SourceManual
		p.SubmittedBy = "admin@x1.vn"
		created, err := s.CreateManualPost(ctx(t), p)
		mustNil(t, "CreateManualPost", err)
		if created.ID == "" {
			t.Fatal("CreateManualPost assigned no ID")
		}
		_, err = s.CreateManualPost(ctx(t), p)
		mustIs(t, "second manual post with the same key", err, store.ErrConflict)
		got, err := s.GetPost(ctx(t), created.ID)
		mustNil(t, "GetPost", err)
		if got.Source != models.SourceManual || got.SubmittedBy != "admin@x1.vn" || got.Rejected {
			t.Errorf("manual post = %+v", got)
		}
		mustNil(t, "SetRejected", s.SetRejected(ctx(t), created.ID, true))
		got, err = s.GetPost(ctx(t), created.ID)
		mustNil(t, "GetPost", err)
		if !got.Rejected {
			t.Error("post not marked rejected")
		}
		// A feed re-poll of the same key keeps the rejection.
		_, err = s.UpsertPosts(ctx(t), []models.Post{post("X1", "f1", p.ItemKey, models.KindGoodNews, base)})
		mustNil(t, "UpsertPosts over a manual post", err)
		got, err = s.GetPost(ctx(t), created.ID)
		mustNil(t, "GetPost", err)
		if !got.Rejected || got.Source != models.SourceManual {
			t.Errorf("re-poll changed rejection or source: %+v", got)
		}
		mustIs(t, "SetRejected missing", s.SetRejected(ctx(t), "missing", true), store.ErrNotFound)
		mustIs(t, "SetOverride missing", s.SetOverride(ctx(t), "missing", nil), store.ErrNotFound)
	})
	t.Run("OverrideClear", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		res, err := s.UpsertPosts(ctx(t), []models.Post{post("X1", "f1", "k", models.KindOther, base)})
		mustNil(t, "UpsertPosts", err)
		id := res.Inserted[0].ID
		mustNil(t, "SetOverride", s.SetOverride(ctx(t), id, &models.Override{Excluded: true, By: "r", At: base}))
		mustNil(t, "clear override", s.SetOverride(ctx(t), id, nil))
		got, err := s.GetPost(ctx(t), id)
		mustNil(t, "GetPost", err)
		if got.Override != nil {
			t.Errorf("override not cleared: %+v", got.Override)
		}
	})
	t.Run("SetRuleKinds", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		res, err := s.UpsertPosts(ctx(t), []models.Post{
			post("X1", "f1", "a", models.KindOther, base),
			post("X1", "f1", "b", models.KindOther, base),
		})
		mustNil(t, "UpsertPosts", err)
		a, b := res.Inserted[0].ID, res.Inserted[1].ID
		mustNil(t, "SetOverride", s.SetOverride(ctx(t), b, &models.Override{Kind: models.KindIdeology, By: "r", At: base}))
		mustNil(t, "SetRuleKinds", s.SetRuleKinds(ctx(t), []store.RuleKindUpdate{
			{ID: a, Kind: models.KindGoodNews, Reason: "từ khoá tin tốt"},
			{ID: b, Kind: models.KindGoodNews, Reason: "từ khoá tin tốt"},
		}))
		pa, err := s.GetPost(ctx(t), a)
		mustNil(t, "GetPost a", err)
		if pa.RuleKind != models.KindGoodNews || pa.RuleReason != "từ khoá tin tốt" {
			t.Errorf("post a = %s/%q, want good_news with the new reason", pa.RuleKind, pa.RuleReason)
		}
		pb, err := s.GetPost(ctx(t), b)
		mustNil(t, "GetPost b", err)
		if pb.RuleKind != models.KindGoodNews || pb.Kind() != models.KindIdeology {
			t.Errorf("post b rule=%s effective=%s, want good_news under an ideology override", pb.RuleKind, pb.Kind())
		}
		counts, err := s.CountPosts(ctx(t), store.CountQuery{FromDay: "2026-11-27", ToDay: "2026-11-27"})
		mustNil(t, "CountPosts", err)
		want := map[models.Kind]int{models.KindGoodNews: 1, models.KindIdeology: 1}
		if got := kindCounts(counts, "X1", "2026-11-27"); !sameKindCounts(got, want) {
			t.Errorf("counts after re-classification = %v, want %v", got, want)
		}
	})
	t.Run("ListPostsFilters", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		day := 24 * time.Hour
		_, err := s.UpsertPosts(ctx(t), []models.Post{
			post("X1", "f1", "p1", models.KindGoodNews, base.Add(-2*day)),
			post("X1", "f1", "p2", models.KindStory, base.Add(-day)),
			post("X1", "f1", "p3", models.KindOther, base),
			post("X2", "f2", "p4", models.KindGoodNews, base.Add(-time.Hour)),
		})
		mustNil(t, "UpsertPosts", err)
		m := post("X2", "", "p5", models.KindGoodNews, base.Add(time.Hour))
		m.Source = models.SourceManual
		mp, err := s.CreateManualPost(ctx(t), m)
		mustNil(t, "CreateManualPost", err)
		all, err := s.ListPosts(ctx(t), store.PostFilter{UnitCode: "X1"})
		mustNil(t, "ListPosts", err)
		p3 := all[0]
		mustNil(t, "SetOverride", s.SetOverride(ctx(t), p3.ID, &models.Override{Kind: models.KindGoodNews, By: "r", At: base}))
		seen := base.Add(-day + time.Minute)
		cases := []struct {
			name string
			f    store.PostFilter
			want []string
		}{
			{"newest first", store.PostFilter{}, []string{"p5", "p3", "p4", "p2", "p1"}},
			{"unit", store.PostFilter{UnitCode: "X1"}, []string{"p3", "p2", "p1"}},
			{"units", store.PostFilter{UnitCodes: []string{"X2"}}, []string{"p5", "p4"}},
			{"day range", store.PostFilter{FromDay: models.LocalDay(base.Add(-day), models.Vietnam), ToDay: models.LocalDay(base.Add(-day), models.Vietnam)}, []string{"p2"}},
			{"effective kind", store.PostFilter{UnitCode: "X1", Kind: models.KindGoodNews}, []string{"p3", "p1"}},
			{"source", store.PostFilter{Source: models.SourceManual}, []string{"p5"}},
			{"no override", store.PostFilter{UnitCode: "X1", NoOverride: true}, []string{"p2", "p1"}},
			{"seen since", store.PostFilter{UnitCode: "X1", SeenSince: &seen}, []string{"p3", "p2"}},
			{"limit", store.PostFilter{Limit: 2}, []string{"p5", "p3"}},
			{"limit offset", store.PostFilter{Limit: 2, Offset: 2}, []string{"p4", "p2"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListPosts(ctx(t), c.f)
				mustNil(t, "ListPosts", err)
				if !equalStrings(postIDs(got), c.want) {
					t.Errorf("ListPosts(%+v) = %v, want %v", c.f, postIDs(got), c.want)
				}
			})
		}
		_ = mp
	})
}
