package demo

import (
	"context"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func TestSeedBulletinPicksStoriesOfTheLastQuarter(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, models.Vietnam)
	for _, u := range []models.Unit{{Code: Province, Name: "TD", Kind: models.UnitProvince}, {Code: "A", Name: "A", Kind: models.UnitCommune, ParentCode: Province},
		{Code: "B", Name: "B", Kind: models.UnitCommune, ParentCode: Province}} {
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	var posts []models.Post
	for i, p := range []struct {
		unit, at string
		kind     models.Kind
	}{
		{"A", "2026-09-10 08:00", models.KindStory}, {"A", "2026-09-12 08:00", models.KindStory}, {"B", "2026-08-01 08:00", models.KindStory},
		{"B", "2026-09-20 08:00", models.KindGoodNews}, {"A", "2026-11-20 08:00", models.KindStory}, {"B", "2026-06-30 08:00", models.KindStory},
	} {
		pub, _ := time.ParseInLocation("2006-01-02 15:04", p.at, models.Vietnam)
		posts = append(posts, models.Post{UnitCode: p.unit, ItemKey: string(rune('a' + i)), Source: models.SourceFeed, Title: p.at, PublishedAt: pub.UTC(),
			LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub.UTC(), RuleKind: p.kind, UpdatedAt: pub.UTC()})
	}
	if _, err := st.UpsertPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	if err := SeedBulletin(ctx, st, now); err != nil {
		t.Fatal(err)
	}
	q3, err := st.ListPicks(ctx, store.PickFilter{FromDay: "2026-07-01", ToDay: "2026-09-30"})
	if err != nil {
		t.Fatal(err)
	}
	// One story per unit: A's newest (12/09) and B's (01/08); no good news, nothing of Q2.
	if len(q3) != 2 || q3[0].LocalDay != "2026-08-01" || q3[1].LocalDay != "2026-09-12" || q3[0].Note == "" {
		t.Errorf("Q3 picks = %+v", q3)
	}
	all, _ := st.ListPicks(ctx, store.PickFilter{})
	if len(all) != 3 {
		t.Errorf("%d picks, want 2 in Q3 and 1 in Q4", len(all))
	}
	hs, err := st.ListHonours(ctx, 2026, nil)
	if err != nil || len(hs) != 2 {
		t.Errorf("honours = %+v (%v), want 2", hs, err)
	}
	// A reviewer's choices are kept: seeding again changes nothing.
	if err := st.DeletePick(ctx, all[0].PostID); err != nil {
		t.Fatal(err)
	}
	if err := SeedBulletin(ctx, st, now); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ListPicks(ctx, store.PickFilter{}); len(again) != 2 {
		t.Errorf("re-seeding changed the picks: %d", len(again))
	}
}
