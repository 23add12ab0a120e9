package sqlite

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// planQuery is one statement tintot runs, with placeholder arguments.
type planQuery struct {
	sql  string
	args []any
}

// tableIndexes returns the indexes of a table, and which of them are partial (they hold
// few rows: walking one is no scan of the table).
func tableIndexes(t *testing.T, s *Store, table string) (all []string, partial map[string]bool) {
	t.Helper()
	partial = map[string]bool{}
	rows, err := s.r.QueryContext(t.Context(), `SELECT name, COALESCE(sql, '') FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ? ORDER BY name`, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		all = append(all, name)
		partial[name] = strings.Contains(ddl, " WHERE ")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return all, partial
}

// checkPlans runs EXPLAIN QUERY PLAN on each query: one that reads every row of table
// (a scan, or a walk of a whole non-partial index) is an error unless allowed[name]; so
// is an index of table that no query uses (every insert writes it). It returns the plans.
func checkPlans(t *testing.T, s *Store, table string, queries map[string]planQuery, allowed map[string]bool) map[string][]string {
	t.Helper()
	all, partial := tableIndexes(t, s, table)
	used := map[string]bool{}
	index := regexp.MustCompile(`USING (?:COVERING )?INDEX (\w+)`)
	scan := regexp.MustCompile(`^SCAN ` + table + `(?: USING (?:COVERING )?INDEX (\w+))?$`)
	plans := map[string][]string{}
	for name, q := range queries {
		rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q.sql, q.args...)
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
		plans[name] = plan
		for _, d := range plan {
			if m := scan.FindStringSubmatch(d); m != nil && !partial[m[1]] && !allowed[name] {
				t.Errorf("%s reads every row of %s:\n%s", name, table, strings.Join(plan, "\n"))
			}
		}
	}
	for _, name := range all {
		if !used[name] {
			t.Errorf("index %s on %s serves none of the queries on %s; every insert writes it", name, table, table)
		}
	}
	return plans
}

// TestPostIndexesServeQueries checks that every index on posts serves one of the queries
// tintot runs on posts (each index is one more b-tree every post insert writes, the cost
// of a unit's first poll), and that each query with a unit or a day range is answered
// through an index, not a scan of every post.
func TestPostIndexesServeQueries(t *testing.T) {
	s := openTest(t)
	units := []string{"X0001", "X0002", "X0003"}
	week := func(f store.PostFilter) store.PostFilter { f.FromDay, f.ToDay = "2026-11-23", "2026-11-29"; return f }
	filters := map[string]store.PostFilter{
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
	queries := map[string]planQuery{
		"GetPost":        {`SELECT ` + postCols + ` FROM posts WHERE id = ?`, []any{"x"}},
		"re-poll update": {updatePostSQL, make([]any, strings.Count(updatePostSQL, "?"))},
	}
	for name, f := range filters {
		q, args := listPostsSQL(f)
		queries[name] = planQuery{q, args}
	}
	walks := map[string]store.PostFilter{
		"reclassify the open week (ReclassifyIfRulesChanged)": {FromDay: "2026-11-30", NoOverride: true},
		"reclassify a unit (tintot reclassify --unit)":        {UnitCode: "X0001", NoOverride: true},
	}
	for name, f := range walks {
		q, args := walkPageSQL(f, &walkCursor{day: "2026-12-01", rowid: 1234}, 500)
		queries[name] = planQuery{q, args}
	}
	// Every post, a page at a time: one pass along posts_day.
	q, args := walkPageSQL(store.PostFilter{NoOverride: true}, &walkCursor{day: "2026-12-01", rowid: 1234}, 500)
	queries["reclassify all (tintot reclassify)"] = planQuery{q, args}
	plans := checkPlans(t, s, "posts", queries, map[string]bool{"reclassify all (tintot reclassify)": true})
	for name := range walks {
		for _, d := range plans[name] {
			if strings.Contains(d, "TEMP B-TREE FOR ORDER BY") && !strings.Contains(name, "a unit") {
				t.Errorf("%s sorts every post it reads for each page:\n%s", name, strings.Join(plans[name], "\n"))
			}
		}
	}
	if all, _ := tableIndexes(t, s, "posts"); !slices.Contains(all, "posts_unit_day") {
		t.Fatalf("posts indexes = %v, want posts_unit_day among them", all)
	}
}

// TestAlertQueriesUseIndexes checks the queries on alerts (a table that grows by about
// 2,000 rows a day): those for a unit or a status never read every alert, and a status's
// newest alerts come in index order, not sorted from all of them.
func TestAlertQueriesUseIndexes(t *testing.T) {
	s := openTest(t)
	district := make([]string, 30)
	for i := range district {
		district[i] = fmt.Sprintf("X%04d", i)
	}
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, models.Vietnam)
	filters := map[string]store.AlertFilter{
		"correction notice (alerts.Corrections)":  {UnitCodes: []string{"X0007"}, Types: []models.AlertType{models.AlertDailyShort}},
		"feed recovery (alerts.FeedStateChanged)": {UnitCodes: []string{"X0007"}, Types: []models.AlertType{models.AlertFeedBroken}},
		"a commune's /alerts":                     {UnitCodes: []string{"X0007"}, Limit: 301},
		"a district's /alerts":                    {UnitCodes: district, Limit: 301},
		"a commune's sent alerts":                 {UnitCodes: []string{"X0007"}, Status: models.AlertSent, Limit: 301},
		"/alerts?status=sent":                     {Status: models.AlertSent, Limit: 301},
		"/alerts since a day":                     {Since: &since, Limit: 301},
		"/alerts":                                 {Limit: 301},
	}
	queries := map[string]planQuery{
		"DueAlerts":               {dueAlertsSQL, []any{"pending", 0}},
		"GetAlert":                {`SELECT ` + alertCols + ` FROM alerts WHERE id = ?`, []any{"x"}},
		"EnqueueAlert's lookup":   {`SELECT ` + alertCols + ` FROM alerts WHERE dedup_key = ?`, []any{"x"}},
		"PruneAlertBodies' batch": {prunableAlertsSQL, []any{"sent", "failed", "recorded", "canceled", 0, 5000}},
	}
	for name, f := range filters {
		q, args := listAlertsSQL(f)
		queries[name] = planQuery{q, args}
	}
	// The newest alerts of all, with a LIMIT, walk the created_at index from its end.
	plans := checkPlans(t, s, "alerts", queries, map[string]bool{"/alerts": true})
	// A unit's alerts are few; those of a status may be most of the table.
	for name, f := range filters {
		if len(f.UnitCodes) > 0 && !strings.Contains(strings.Join(plans[name], "\n"), "INDEX alerts_unit") {
			t.Errorf("%s does not find the units' alerts through alerts_unit:\n%s", name, strings.Join(plans[name], "\n"))
		}
	}
	for _, name := range []string{"/alerts?status=sent", "DueAlerts", "/alerts"} {
		for _, d := range plans[name] {
			// (Sorting only alerts of one creation time by id, the LAST TERM, is fine.)
			if strings.Contains(d, "TEMP B-TREE FOR ORDER BY") {
				t.Errorf("%s sorts every alert it reads instead of reading them in order:\n%s", name, strings.Join(plans[name], "\n"))
			}
		}
	}
}

// The escalation history (alerts.shortHistory: a chunk of units, their last dozen days or
// weeks) reads only those periods of those units, not every evaluation the units ever had.
func TestEvaluationHistoryUsesUnitAndPeriod(t *testing.T) {
	s := openTest(t)
	units := make([]string, 500)
	for i := range units {
		units[i] = fmt.Sprintf("X%04d", i)
	}
	periods := []string{"2026-11-30", "2026-11-29", "2026-11-28", "2026-11-27", "2026-11-26", "2026-11-25"}
	q, args := listEvaluationsSQL(units, periods)
	rows, err := s.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "(unit_code=? AND period=?)") {
		t.Errorf("plan of the escalation history's query:\n%s\nwant a search on both the unit and the period", p)
	}
}
