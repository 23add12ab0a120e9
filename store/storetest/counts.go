package storetest

import (
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func kindCounts(cs []models.DayCount, unitCode, day string) map[models.Kind]int {
	out := map[models.Kind]int{}
	for _, c := range cs {
		if c.UnitCode == unitCode && c.Day == day {
			out[c.Kind] += c.Count
		}
	}
	return out
}

func sameKindCounts(a, b map[models.Kind]int) bool {
	for k, v := range a {
		if v != 0 && b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if v != 0 && a[k] != v {
			return false
		}
	}
	return true
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func testCounts(t *testing.T, open Opener) {
	s := open(t)
	createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune), unit("X3", "", models.UnitCommune))
	res, err := s.UpsertPosts(ctx(t), []models.Post{
		// 17:30 UTC on the 26th is 00:30 on the 27th in Vietnam.
		post("X1", "f1", "a", models.KindGoodNews, utc("2026-11-26T17:30:00Z")),
		// 16:59 UTC on the 27th is 23:59 on the 27th in Vietnam.
		post("X1", "f1", "b", models.KindGoodNews, utc("2026-11-27T16:59:00Z")),
		post("X1", "f1", "c", models.KindStory, utc("2026-11-27T03:00:00Z")),
		post("X1", "f1", "excluded", models.KindIdeology, utc("2026-11-27T04:00:00Z")),
		post("X1", "f1", "reclassified", models.KindOther, utc("2026-11-27T05:00:00Z")),
		// 17:00 UTC on the 27th is midnight of the 28th in Vietnam.
		post("X1", "f1", "next-day", models.KindGoodNews, utc("2026-11-27T17:00:00Z")),
		post("X1", "f1", "before-range", models.KindGoodNews, utc("2026-11-26T16:00:00Z")),
		post("X1", "f1", "after-range", models.KindGoodNews, utc("2026-11-28T18:00:00Z")),
		post("X2", "f2", "x2", models.KindIdeology, utc("2026-11-28T01:00:00Z")),
		post("X3", "f3", "x3", models.KindGoodNews, utc("2026-11-27T01:00:00Z")),
	})
	mustNil(t, "UpsertPosts", err)
	ids := map[string]string{}
	for _, p := range res.Inserted {
		ids[p.ItemKey] = p.ID
	}
	mustNil(t, "exclude", s.SetOverride(ctx(t), ids["excluded"], &models.Override{Excluded: true, Note: "không phải bài của đơn vị", By: "r", At: base}))
	mustNil(t, "reclassify", s.SetOverride(ctx(t), ids["reclassified"], &models.Override{Kind: models.KindGoodNews, By: "r", At: base}))
	manual := post("X1", "", "https://facebook.com/x1/1", models.KindGoodNews, utc("2026-11-27T06:00:00Z"))
	manual.Source = models.SourceManual
	_, err = s.CreateManualPost(ctx(t), manual)
	mustNil(t, "CreateManualPost", err)
	rejected := post("X1", "", "https://facebook.com/x1/2", models.KindGoodNews, utc("2026-11-27T07:00:00Z"))
	rejected.Source = models.SourceManual
	rp, err := s.CreateManualPost(ctx(t), rejected)
	mustNil(t, "CreateManualPost", err)
	mustNil(t, "SetRejected", s.SetRejected(ctx(t), rp.ID, true))

	t.Run("GroupsByUnitLocalDayEffectiveKind", func(t *testing.T) {
		cs, err := s.CountPosts(ctx(t), store.CountQuery{FromDay: "2026-11-27", ToDay: "2026-11-28"})
		mustNil(t, "CountPosts", err)
		cases := []struct {
			unit, day string
			want      map[models.Kind]int
		}{
			// a, b, reclassified and the manual one; excluded and rejected do not count.
			{"X1", "2026-11-27", map[models.Kind]int{models.KindGoodNews: 4, models.KindStory: 1}},
			{"X1", "2026-11-28", map[models.Kind]int{models.KindGoodNews: 1}},
			{"X2", "2026-11-28", map[models.Kind]int{models.KindIdeology: 1}},
			{"X3", "2026-11-27", map[models.Kind]int{models.KindGoodNews: 1}},
			{"X1", "2026-11-26", map[models.Kind]int{}},
			{"X1", "2026-11-29", map[models.Kind]int{}},
		}
		for _, c := range cases {
			if got := kindCounts(cs, c.unit, c.day); !sameKindCounts(got, c.want) {
				t.Errorf("%s %s counts = %v, want %v", c.unit, c.day, got, c.want)
			}
		}
		for _, c := range cs {
			if c.Count <= 0 {
				t.Errorf("zero-count row returned: %+v", c)
			}
			wantManual := 0
			if c.UnitCode == "X1" && c.Day == "2026-11-27" && c.Kind == models.KindGoodNews {
				wantManual = 1
			}
			if c.Manual != wantManual {
				t.Errorf("%s %s %s manual = %d, want %d", c.UnitCode, c.Day, c.Kind, c.Manual, wantManual)
			}
		}
	})
	t.Run("UnitFilter", func(t *testing.T) {
		cs, err := s.CountPosts(ctx(t), store.CountQuery{UnitCodes: []string{"X2", "X3"}, FromDay: "2026-11-27", ToDay: "2026-11-28"})
		mustNil(t, "CountPosts", err)
		for _, c := range cs {
			if c.UnitCode == "X1" {
				t.Errorf("unit filter leaked X1: %+v", c)
			}
		}
		if len(cs) != 2 {
			t.Errorf("CountPosts(X2, X3) = %+v, want 2 rows", cs)
		}
		one, err := s.CountPosts(ctx(t), store.CountQuery{UnitCodes: []string{"X1"}, FromDay: "2026-11-28", ToDay: "2026-11-28"})
		mustNil(t, "CountPosts one unit", err)
		if len(one) != 1 || one[0].Count != 1 || one[0].Kind != models.KindGoodNews {
			t.Errorf("CountPosts(X1, 28th) = %+v, want one good_news", one)
		}
	})
	t.Run("EachCountMatchesCountPosts", func(t *testing.T) {
		for _, q := range []store.CountQuery{
			{FromDay: "2026-11-27", ToDay: "2026-11-28"},
			{UnitCodes: []string{"X1"}, FromDay: "2026-11-27", ToDay: "2026-11-28"},
			{UnitCodes: []string{"X2", "X3"}, FromDay: "2026-11-27", ToDay: "2026-11-28"},
			{UnitCodes: []string{"X1"}, FromDay: "2026-11-29", ToDay: "2026-11-30"},
		} {
			want, err := s.CountPosts(ctx(t), q)
			mustNil(t, "CountPosts", err)
			var got []models.DayCount
			mustNil(t, "EachCount", s.EachCount(ctx(t), q, func(c models.DayCount) { got = append(got, c) }))
			if len(got) != len(want) {
				t.Fatalf("EachCount(%+v) gave %d counts, CountPosts %d", q, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("EachCount(%+v)[%d] = %+v, CountPosts gives %+v", q, i, got[i], want[i])
				}
			}
		}
	})
	t.Run("RejectionAndOverrideAreReversible", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		m := post("X1", "", "m", models.KindGoodNews, utc("2026-11-27T06:00:00Z"))
		m.Source = models.SourceManual
		mp, err := s.CreateManualPost(ctx(t), m)
		mustNil(t, "CreateManualPost", err)
		count := func() int {
			cs, err := s.CountPosts(ctx(t), store.CountQuery{FromDay: "2026-11-27", ToDay: "2026-11-27"})
			mustNil(t, "CountPosts", err)
			return kindCounts(cs, "X1", "2026-11-27")[models.KindGoodNews]
		}
		steps := []struct {
			name string
			do   func() error
			want int
		}{
			{"submitted", func() error { return nil }, 1},
			{"rejected", func() error { return s.SetRejected(ctx(t), mp.ID, true) }, 0},
			{"un-rejected", func() error { return s.SetRejected(ctx(t), mp.ID, false) }, 1},
			{"excluded", func() error {
				return s.SetOverride(ctx(t), mp.ID, &models.Override{Excluded: true, By: "r", At: base})
			}, 0},
			{"rejected while excluded", func() error { return s.SetRejected(ctx(t), mp.ID, true) }, 0},
			{"un-rejected while excluded", func() error { return s.SetRejected(ctx(t), mp.ID, false) }, 0},
			{"override cleared", func() error { return s.SetOverride(ctx(t), mp.ID, nil) }, 1},
		}
		for _, st := range steps {
			mustNil(t, st.name, st.do())
			if got := count(); got != st.want {
				t.Errorf("after %s good_news count = %d, want %d", st.name, got, st.want)
			}
		}
	})
	t.Run("EmptyRange", func(t *testing.T) {
		cs, err := s.CountPosts(ctx(t), store.CountQuery{FromDay: "2025-01-01", ToDay: "2025-01-07"})
		mustNil(t, "CountPosts", err)
		if len(cs) != 0 {
			t.Errorf("counts for an empty range = %+v", cs)
		}
	})
}
