package sqlite

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestDayCountersMatchPosts drives random re-polls, overrides, rejections and
// re-classifications and checks after each step that the counters CountPosts reads agree
// with counting the posts one by one.
func TestDayCountersMatchPosts(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC) // Monday 00:00 in Vietnam
	units := []string{"X1", "X2", "X3"}
	for _, u := range units {
		if err := s.CreateUnit(ctx, models.Unit{Code: u, Name: "Đoàn " + u, Kind: models.UnitCommune}); err != nil {
			t.Fatal(err)
		}
	}
	randomKind := func() models.Kind { return models.Kinds[rng.IntN(len(models.Kinds))] }
	var ids []string
	for step := range 300 {
		switch op := rng.IntN(6); {
		case op <= 1 || len(ids) == 0: // a poll with new and already-seen items
			var batch []models.Post
			for range 1 + rng.IntN(6) {
				at := base.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
				batch = append(batch, models.Post{UnitCode: units[rng.IntN(len(units))], ItemKey: fmt.Sprintf("k%d", rng.IntN(60)),
					PublishedAt: at, FirstSeenAt: at, RuleKind: randomKind(), Title: "Tin"})
			}
			res, err := s.UpsertPosts(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Inserted {
				ids = append(ids, p.ID)
			}
		case op == 2:
			at := base.Add(time.Duration(rng.IntN(7*24)) * time.Hour)
			p, err := s.CreateManualPost(ctx, models.Post{UnitCode: units[rng.IntN(len(units))], ItemKey: fmt.Sprintf("m%d", step),
				PublishedAt: at, RuleKind: randomKind()})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		case op == 3:
			var o *models.Override
			if rng.IntN(4) > 0 {
				o = &models.Override{Excluded: rng.IntN(3) == 0, By: "r", At: base}
				if rng.IntN(2) == 0 {
					o.Kind = randomKind()
				}
			}
			if err := s.SetOverride(ctx, ids[rng.IntN(len(ids))], o); err != nil {
				t.Fatal(err)
			}
		case op == 4:
			if err := s.SetRejected(ctx, ids[rng.IntN(len(ids))], rng.IntN(2) == 0); err != nil {
				t.Fatal(err)
			}
		default:
			var ups []store.RuleKindUpdate
			for range 1 + rng.IntN(5) {
				ups = append(ups, store.RuleKindUpdate{ID: ids[rng.IntN(len(ids))], Kind: randomKind(), Reason: "quy tắc mới"})
			}
			if err := s.SetRuleKinds(ctx, ups); err != nil {
				t.Fatal(err)
			}
		}
		if step%10 == 9 {
			compareCounts(t, s, step)
		}
	}
	compareCounts(t, s, -1)
}

func compareCounts(t *testing.T, s *Store, step int) {
	t.Helper()
	ctx := t.Context()
	posts, err := s.ListPosts(ctx, store.PostFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[models.DayCount]int{}
	for _, p := range posts {
		if !p.Counted() {
			continue
		}
		k := models.DayCount{UnitCode: p.UnitCode, Day: p.LocalDay, Kind: p.Kind()}
		want[k]++
		if p.Source == models.SourceManual {
			k.Manual = -1
			want[k]++
		}
	}
	got, err := s.CountPosts(ctx, store.CountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// The same counts must come back whichever way the unit filter is evaluated.
	many := []string{"X1", "X2", "X3"}
	for i := range countFilterInSQL {
		many = append(many, fmt.Sprintf("absent-%d", i))
	}
	for _, codes := range [][]string{many, {"X1", "X2", "X3"}} {
		again, err := s.CountPosts(ctx, store.CountQuery{UnitCodes: codes})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again, got) {
			t.Fatalf("step %d: CountPosts with %d unit codes differs from all units:\n%v\n%v", step, len(codes), again, got)
		}
	}
	seen := 0
	for _, c := range got {
		k := models.DayCount{UnitCode: c.UnitCode, Day: c.Day, Kind: c.Kind}
		mk := k
		mk.Manual = -1
		if c.Count != want[k] || c.Manual != want[mk] {
			t.Fatalf("step %d: %s %s %s counted %d (manual %d), posts say %d (manual %d)",
				step, c.UnitCode, c.Day, c.Kind, c.Count, c.Manual, want[k], want[mk])
		}
		seen++
	}
	groups := 0
	for k := range want {
		if k.Manual == 0 {
			groups++
		}
	}
	if seen != groups {
		t.Fatalf("step %d: CountPosts returned %d groups, posts have %d", step, seen, groups)
	}
}

// TestCountPostsOddUnitCodes keeps counts right for codes holding the packing separators.
func TestCountPostsOddUnitCodes(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	codes := []string{"plain", "with\x1fsep", "with\x1erec", "có dấu cách"}
	for i, c := range codes {
		for j := range i + 1 {
			_, err := s.UpsertPosts(ctx, []models.Post{{UnitCode: c, ItemKey: fmt.Sprint(j), PublishedAt: at, RuleKind: models.KindStory}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, q := range []store.CountQuery{{}, {UnitCodes: codes}, {FromDay: "2026-11-27", ToDay: "2026-11-27"}} {
		got, err := s.CountPosts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		byUnit := map[string]int{}
		for _, c := range got {
			byUnit[c.UnitCode] += c.Count
		}
		for i, c := range codes {
			if byUnit[c] != i+1 {
				t.Errorf("CountPosts(%+v) for unit %q = %d, want %d", q, c, byUnit[c], i+1)
			}
		}
	}
}

// TestUpgradeBackfillsCounters opens a database left at schema version 1 with posts in it:
// the later migrations must build the counters from the stored posts.
func TestUpgradeBackfillsCounters(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
		migrations[0],
		`INSERT INTO schema_migrations VALUES (1, 0)`,
		`INSERT INTO posts(id, unit_code, item_key, source, local_day, rule_kind, eff_kind, counted) VALUES
			('a', 'X1', 'a', 'feed',   '2026-11-27', 'good_news', 'good_news', 1),
			('b', 'X1', 'b', 'manual', '2026-11-27', 'good_news', 'good_news', 1),
			('c', 'X1', 'c', 'feed',   '2026-11-27', 'other',     'story',     1),
			('d', 'X1', 'd', 'feed',   '2026-11-27', 'good_news', 'good_news', 0)`,
	} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatalf("prepare old schema: %v", err)
		}
	}
	old.Close()
	s := mustOpen(t, path)
	defer s.Close()
	got, err := s.CountPosts(ctx, store.CountQuery{FromDay: "2026-11-27", ToDay: "2026-11-27"})
	if err != nil {
		t.Fatal(err)
	}
	want := []models.DayCount{
		{UnitCode: "X1", Day: "2026-11-27", Kind: models.KindGoodNews, Count: 2, Manual: 1},
		{UnitCode: "X1", Day: "2026-11-27", Kind: models.KindStory, Count: 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("counts after upgrade = %+v, want %+v", got, want)
	}
}

// TestCountPostsOddUnitCodesInMemory reads a day again row by row on a single-connection
// in-memory database without waiting for the connection the packed read holds.
func TestCountPostsOddUnitCodesInMemory(t *testing.T) {
	s := mustOpen(t, ":memory:")
	defer s.Close()
	ctx := t.Context()
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)
	for i, c := range []string{"with\x1erec", "plain"} {
		p := models.Post{UnitCode: c, ItemKey: "k", PublishedAt: at.AddDate(0, 0, i), RuleKind: models.KindGoodNews}
		if _, err := s.UpsertPosts(ctx, []models.Post{p}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CountPosts(ctx, store.CountQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].UnitCode != "with\x1erec" || got[0].Day != "2026-11-27" || got[1].UnitCode != "plain" || got[1].Day != "2026-11-28" {
		t.Errorf("CountPosts = %+v, want one count on each day, in day order", got)
	}
}
