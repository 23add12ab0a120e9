package sqlite

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"tintot/store"
)

// TestPostIndexesServeQueries checks that every index on posts serves one of the queries
// tintot runs on posts (each index is one more b-tree every post insert writes, the cost
// of a unit's first poll), and that each query with a unit or a day range is answered
// through an index, not a scan of every post.
func TestPostIndexesServeQueries(t *testing.T) {
	s := openTest(t)
	units := []string{"X0001", "X0002", "X0003"}
	week := func(f store.PostFilter) store.PostFilter { f.FromDay, f.ToDay = "2026-11-23", "2026-11-29"; return f }
	queries := map[string]store.PostFilter{
		"trend (campaign/trends.go)":            {UnitCodes: units, FromDay: "2026-11-01", ToDay: "2026-11-30", Tags: []string{"tintot"}},
		"coverage (campaign/coverage.go)":       {UnitCodes: units, Source: "manual", FromDay: "2026-11-01"},
		"check, province (pages_check.go)":      week(store.PostFilter{UnitCodes: units, Kind: "other", NoOverride: true}),
		"check, every unit (pages_check.go)":    week(store.PostFilter{Kind: "other", NoOverride: true}),
		"check, unsure (pages_check.go)":        week(store.PostFilter{UnitCodes: units, NoOverride: true, Uncertain: 0.6}),
		"check, proposals (pages_check.go)":     {UnitCodes: units, Proposed: true, Limit: 200},
		"API, a unit's days (api_posts.go)":     {UnitCode: "X0001", FromDay: "2026-11-01", ToDay: "2026-11-30"},
		"unit page (pages_unit.go)":             {UnitCode: "X0001", Kind: "story", Limit: 21, Offset: 20},
		"unit page, a day (pages_unit.go)":      {UnitCode: "X0001", FromDay: "2026-11-30", ToDay: "2026-11-30", Limit: 51},
		"reclassify (classify/reclassify.go)":   {UnitCode: "X0001", FromDay: "2026-11-23", NoOverride: true, Limit: 500},
		"learn (classify/learn.go)":             {Decided: true, Limit: 500},
		"bulletin of a quarter (demo/bulletin)": {FromDay: "2026-10-01", ToDay: "2026-12-31", Kind: "story"},
	}
	plans := map[string]string{
		"GetPost":        `SELECT ` + postCols + ` FROM posts WHERE id = ?`,
		"re-poll update": updatePostSQL,
	}
	args := map[string][]any{"GetPost": {"x"}, "re-poll update": make([]any, strings.Count(updatePostSQL, "?"))}
	for name, f := range queries {
		plans[name], args[name] = listPostsSQL(f)
	}
	// A partial index holds few posts (those with a proposal, or an override): walking
	// one is no scan of every post.
	partial := map[string]bool{}
	rows, err := s.r.QueryContext(t.Context(), `SELECT name FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'posts' AND sql LIKE '% WHERE %'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		partial[name] = true
	}
	rows.Close()
	used := map[string]bool{}
	index := regexp.MustCompile(`USING (?:COVERING )?INDEX (\w+)`)
	scan := regexp.MustCompile(`^SCAN posts(?: USING (?:COVERING )?INDEX (\w+))?$`)
	for name, q := range plans {
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args[name]...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			for _, m := range index.FindAllStringSubmatch(detail, -1) {
				used[m[1]] = true
			}
		}
		rows.Close()
		for _, d := range plan {
			if m := scan.FindStringSubmatch(d); m != nil && !partial[m[1]] {
				t.Errorf("%s reads every post:\n%s", name, strings.Join(plan, "\n"))
			}
		}
	}
	rows, err = s.r.QueryContext(t.Context(), `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'posts' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var all []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		all = append(all, name)
		if !used[name] {
			t.Errorf("index %s on posts serves none of the queries on posts; every post insert writes it", name)
		}
	}
	if len(all) == 0 || !slices.Contains(all, "posts_unit_day") {
		t.Fatalf("posts indexes = %v, want posts_unit_day among them", all)
	}
}
