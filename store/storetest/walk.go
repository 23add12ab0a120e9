package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// testWalkPosts checks WalkPosts: every post the filter selects comes exactly once, in
// pages of at most the size asked, in local day order, even while the walker rewrites the
// posts it is given; an error of fn ends the walk and is returned as is.
func testWalkPosts(t *testing.T, open Opener) {
	s := open(t)
	createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
	var posts []models.Post
	for i := range 37 {
		at := base.Add(-time.Duration(i%9) * 24 * time.Hour).Add(time.Duration(i) * time.Minute)
		posts = append(posts, post([]string{"X1", "X2"}[i%2], "f1", fmt.Sprintf("w-%02d", i), models.KindGoodNews, at))
	}
	res, err := s.UpsertPosts(ctx(t), posts)
	mustNil(t, "UpsertPosts", err)
	byKey := map[string]models.Post{}
	for _, p := range res.Inserted {
		byKey[p.ItemKey] = p
	}
	// Four posts get a person's kind (decided), which NoOverride leaves out.
	for _, k := range []string{"w-03", "w-10", "w-11", "w-30"} {
		mustNil(t, "SetOverride", s.SetOverride(ctx(t), byKey[k].ID, &models.Override{Kind: models.KindStory, By: "r@doan.vn", At: base}))
	}
	fromDay := models.LocalDay(base.Add(-4*24*time.Hour), models.Vietnam)
	cases := []struct {
		name string
		f    store.PostFilter
		want func(p models.Post) bool
	}{
		{"all", store.PostFilter{}, func(models.Post) bool { return true }},
		{"one unit", store.PostFilter{UnitCode: "X2"}, func(p models.Post) bool { return p.UnitCode == "X2" }},
		{"from a day, no override", store.PostFilter{FromDay: fromDay, NoOverride: true}, func(p models.Post) bool {
			return p.LocalDay >= fromDay && !slices.Contains([]string{"w-03", "w-10", "w-11", "w-30"}, p.ItemKey)
		}},
		{"a unit from a day", store.PostFilter{UnitCode: "X1", FromDay: fromDay}, func(p models.Post) bool {
			return p.UnitCode == "X1" && p.LocalDay >= fromDay
		}},
		{"decided", store.PostFilter{Decided: true}, func(p models.Post) bool {
			return slices.Contains([]string{"w-03", "w-10", "w-11", "w-30"}, p.ItemKey)
		}},
	}
	for _, c := range cases {
		for _, size := range []int{1, 4, 5, 100} {
			t.Run(fmt.Sprintf("%s/size %d", c.name, size), func(t *testing.T) {
				var want []string
				for _, p := range posts {
					if p = byKey[p.ItemKey]; c.want(p) {
						want = append(want, p.ItemKey)
					}
				}
				var got []string
				lastDay := ""
				errLoop := errors.New("more posts walked than stored")
				err := s.WalkPosts(ctx(t), c.f, size, func(page []models.Post) error {
					if len(got) > len(posts) {
						return errLoop // a walk that passes posts again would not end
					}
					if len(page) == 0 || len(page) > size {
						t.Errorf("page of %d posts, want 1..%d", len(page), size)
					}
					var ups []store.RuleKindUpdate
					for _, p := range page {
						if p.LocalDay < lastDay {
							t.Errorf("post %s of %s after one of %s: not in day order", p.ItemKey, p.LocalDay, lastDay)
						}
						lastDay = p.LocalDay
						got = append(got, p.ItemKey)
						ups = append(ups, store.RuleKindUpdate{ID: p.ID, Kind: models.KindOther, Reason: "walked " + c.name})
					}
					// The walker rewrites what it is given, as a reclassification does.
					return s.SetRuleKinds(ctx(t), ups)
				})
				mustNil(t, "WalkPosts", err)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("walked %v, want each of %v once", got, want)
				}
			})
		}
	}
	t.Run("an error of fn ends the walk", func(t *testing.T) {
		stop := errors.New("stop here")
		pages := 0
		err := s.WalkPosts(ctx(t), store.PostFilter{}, 5, func([]models.Post) error { pages++; return stop })
		if !errors.Is(err, stop) || pages != 1 {
			t.Errorf("WalkPosts = %v after %d pages, want fn's error after 1", err, pages)
		}
	})
	t.Run("what cannot be walked", func(t *testing.T) {
		for _, f := range []store.PostFilter{{Limit: 10}, {Offset: 5}, {Tags: []string{"tintot"}}} {
			err := s.WalkPosts(ctx(t), f, 5, func([]models.Post) error { return nil })
			mustIs(t, fmt.Sprintf("WalkPosts(%+v)", f), err, store.ErrInvalid)
		}
	})
}
