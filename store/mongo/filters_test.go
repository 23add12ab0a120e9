package mongo

import (
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"tintot/models"
	"tintot/store"
)

func post(id, unit, day string, rule models.Kind, o *models.Override) postDoc {
	pub, _ := models.DayStart(day, models.Vietnam)
	return toPostDoc(models.Post{ID: id, UnitCode: unit, ItemKey: id, Source: models.SourceFeed, PublishedAt: pub.Add(9 * time.Hour),
		LocalDay: day, FirstSeenAt: pub.Add(10 * time.Hour), RuleKind: rule, Override: o})
}

// matching returns the IDs of the posts the filter selects.
func matching(t *testing.T, filter bson.D, posts []postDoc) []string {
	t.Helper()
	var out []string
	for _, p := range posts {
		if matches(t, filter, p) {
			out = append(out, p.ID)
		}
	}
	return out
}

func sameIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPostFilter(t *testing.T) {
	by := func(k models.Kind, excluded bool) *models.Override {
		return &models.Override{Kind: k, Excluded: excluded, By: "reviewer", At: stored}
	}
	manual := post("m", "X2", "2026-11-24", models.KindGoodNews, nil)
	manual.Source = string(models.SourceManual)
	posts := []postDoc{
		post("a", "X1", "2026-11-23", models.KindGoodNews, nil),
		post("b", "X1", "2026-11-29", models.KindStory, nil),
		post("c", "X1", "2026-11-30", models.KindGoodNews, nil),
		post("d", "X2", "2026-11-25", models.KindGoodNews, by(models.KindStory, false)), // reclassified
		post("e", "X2", "2026-11-26", models.KindStory, by("", true)),                   // excluded, kind kept
		post("f", "X3", "2026-11-26", models.KindOther, by(models.KindGoodNews, false)), // reclassified
		manual,
	}
	seen := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) // after b was first seen, before c
	cases := []struct {
		name string
		f    store.PostFilter
		want []string
	}{
		{"empty matches all", store.PostFilter{}, []string{"a", "b", "c", "d", "e", "f", "m"}},
		{"unit", store.PostFilter{UnitCode: "X1"}, []string{"a", "b", "c"}},
		{"units", store.PostFilter{UnitCodes: []string{"X2", "X3"}}, []string{"d", "e", "f", "m"}},
		{"unit not among units matches none", store.PostFilter{UnitCode: "X1", UnitCodes: []string{"X2"}}, nil},
		{"unit among units", store.PostFilter{UnitCode: "X2", UnitCodes: []string{"X2", "X3"}}, []string{"d", "e", "m"}},
		{"ISO week 2026-W48 inclusive both ends", store.PostFilter{FromDay: "2026-11-23", ToDay: "2026-11-29"}, []string{"a", "b", "d", "e", "f", "m"}},
		{"from day only", store.PostFilter{FromDay: "2026-11-29"}, []string{"b", "c"}},
		{"effective kind good news: override wins over rule", store.PostFilter{Kind: models.KindGoodNews}, []string{"a", "c", "f", "m"}},
		{"effective kind story: reclassified and kind-less exclusion", store.PostFilter{Kind: models.KindStory}, []string{"b", "d", "e"}},
		{"no override", store.PostFilter{NoOverride: true}, []string{"a", "b", "c", "m"}},
		{"manual source", store.PostFilter{Source: models.SourceManual}, []string{"m"}},
		{"seen since", store.PostFilter{SeenSince: &seen, UnitCode: "X1"}, []string{"c"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matching(t, postFilter(c.f), posts); !sameIDs(got, c.want) {
				t.Errorf("postFilter(%+v) selects %v, want %v", c.f, got, c.want)
			}
		})
	}
}

func TestCountPipelineMatch(t *testing.T) {
	rejected := post("r", "X1", "2026-11-24", models.KindGoodNews, nil)
	rejected.Rejected = true
	posts := []postDoc{
		post("a", "X1", "2026-11-23", models.KindGoodNews, nil),
		post("b", "X1", "2026-11-30", models.KindGoodNews, nil),
		post("x", "X1", "2026-11-24", models.KindGoodNews, &models.Override{Excluded: true, By: "r", At: stored}),
		post("k", "X1", "2026-11-25", models.KindGoodNews, &models.Override{Kind: models.KindStory, By: "r", At: stored}),
		post("o", "X9", "2026-11-25", models.KindGoodNews, nil),
		rejected,
	}
	p := countPipeline(store.CountQuery{UnitCodes: []string{"X1"}, FromDay: "2026-11-23", ToDay: "2026-11-29"})
	if len(p) == 0 || p[0][0].Key != "$match" {
		t.Fatalf("pipeline does not start with $match (the index cannot serve it): %v", p)
	}
	got := matching(t, p[0][0].Value.(bson.D), posts)
	if want := []string{"a", "k"}; !sameIDs(got, want) {
		t.Errorf("counted posts %v, want %v (excluded, rejected, other units and days left out)", got, want)
	}
	if p[0][0].Value.(bson.D)[0].Key != "local_day" {
		t.Errorf("$match starts with %q, want local_day (prefix of the local_day_unit_code index)", p[0][0].Value.(bson.D)[0].Key)
	}
	all := countPipeline(store.CountQuery{FromDay: "2026-11-23", ToDay: "2026-11-29"})
	if got := matching(t, all[0][0].Value.(bson.D), posts); !sameIDs(got, []string{"a", "k", "o"}) {
		t.Errorf("empty unit list counted %v, want all units' posts a, k, o", got)
	}
}

// TestCountParts: on FerretDB a count is one query per day, each an equality on
// local_day (which FerretDB answers from an index), together matching what the range
// matches; elsewhere, and for open ranges, it stays one query.
func TestCountParts(t *testing.T) {
	q := store.CountQuery{UnitCodes: []string{"X1"}, FromDay: "2026-11-29", ToDay: "2026-12-01"}
	if parts := (&Store{}).countParts(q); len(parts) != 1 || parts[0].FromDay != q.FromDay || parts[0].ToDay != q.ToDay {
		t.Errorf("MongoDB: %+v, want the query itself", parts)
	}
	f := &Store{ferret: true}
	parts := f.countParts(q)
	var days []string
	for _, p := range parts {
		if p.FromDay != p.ToDay || !slices.Equal(p.UnitCodes, q.UnitCodes) {
			t.Errorf("part %+v is not one day of the units", p)
		}
		days = append(days, p.FromDay)
		m := countPipeline(p)[0][0].Value.(bson.D)
		if m[0].Key != "local_day" || m[0].Value != p.FromDay {
			t.Errorf("part %s matches %v first, want an equality on local_day", p.FromDay, m[0])
		}
	}
	if want := []string{"2026-11-29", "2026-11-30", "2026-12-01"}; !slices.Equal(days, want) {
		t.Errorf("FerretDB parts %v, want %v", days, want)
	}
	for _, open := range []store.CountQuery{{FromDay: "2026-11-29"}, {ToDay: "2026-11-29"}, {FromDay: "2020-01-01", ToDay: "2026-11-29"}} {
		if parts := f.countParts(open); len(parts) != 1 {
			t.Errorf("FerretDB, %+v: %d parts, want the query itself", open, len(parts))
		}
	}
}

func TestDueFeedFilter(t *testing.T) {
	now := stored
	feed := func(id string, next time.Duration, lease *time.Duration) feedDoc {
		f := models.Feed{ID: id, NextCheckAt: now.Add(next)}
		if lease != nil {
			f.LeaseHolder, f.LeaseUntil = "other", ptr(now.Add(*lease))
		}
		return toFeedDoc(f)
	}
	cases := []struct {
		name string
		doc  feedDoc
		want bool
	}{
		{"due, never leased", feed("a", -time.Minute, nil), true},
		{"due exactly now", feed("b", 0, nil), true},
		{"not yet due", feed("c", time.Minute, nil), false},
		{"due, lease live", feed("d", -time.Minute, ptr(time.Minute)), false},
		{"due, lease expired", feed("e", -time.Minute, ptr(-time.Second)), true},
		{"due, lease ends now", feed("f", -time.Minute, ptr(time.Duration(0))), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matches(t, dueFeedFilter(now), c.doc); got != c.want {
				t.Errorf("due = %v, want %v", got, c.want)
			}
		})
	}
}

func TestOutageFilter(t *testing.T) {
	h := time.Hour
	closed := toOutageDoc(models.FeedOutage{FeedID: "f", UnitCode: "X1", From: stored, To: ptr(stored.Add(2 * h))})
	open := toOutageDoc(models.FeedOutage{FeedID: "g", UnitCode: "X2", From: stored.Add(10 * h)})
	cases := []struct {
		name     string
		units    []string
		from, to time.Time
		want     []bool // closed, open
	}{
		{"before both", nil, stored.Add(-5 * h), stored, []bool{false, false}},
		{"inside closed", nil, stored.Add(h), stored.Add(90 * time.Minute), []bool{true, false}},
		{"starting at close", nil, stored.Add(2 * h), stored.Add(3 * h), []bool{false, false}},
		{"far after, open still lasts", nil, stored.Add(100 * h), stored.Add(101 * h), []bool{false, true}},
		{"both, unit filter", []string{"X2"}, stored, stored.Add(24 * h), []bool{false, true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := outageFilter(c.units, c.from, c.to)
			if got := []bool{matches(t, f, closed), matches(t, f, open)}; got[0] != c.want[0] || got[1] != c.want[1] {
				t.Errorf("overlap (closed, open) = %v, want %v", got, c.want)
			}
		})
	}
}

func TestLeaseTakable(t *testing.T) {
	lease := func(holder string, until time.Time) leaseDoc {
		return leaseDoc{Name: "scheduler", Holder: holder, ExpiresAt: until}
	}
	cases := []struct {
		name string
		doc  leaseDoc
		want bool
	}{
		{"held by me, live: renew", lease("me", stored.Add(time.Minute)), true},
		{"held by other, live: refuse", lease("other", stored.Add(time.Minute)), false},
		{"held by other, expired: take", lease("other", stored.Add(-time.Second)), true},
		{"held by other, expiring now: take", lease("other", stored), true},
		{"released", lease("", time.Unix(0, 0)), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := leaseTakable(c.doc, "me", stored); got != c.want {
				t.Errorf("lease takable = %v, want %v", got, c.want)
			}
		})
	}
}

// TestGenFilter checks that generation 0 also matches documents stored before
// generations existed, and that other generations match only themselves.
func TestGenFilter(t *testing.T) {
	cases := []struct {
		name string
		gen  int64
		doc  bson.D
		want bool
	}{
		{"0 matches 0", 0, bson.D{{Key: "_id", Value: "f"}, {Key: "lease_gen", Value: int64(0)}}, true},
		{"0 matches missing", 0, bson.D{{Key: "_id", Value: "f"}}, true},
		{"0 refuses 1", 0, bson.D{{Key: "_id", Value: "f"}, {Key: "lease_gen", Value: int64(1)}}, false},
		{"3 matches 3", 3, bson.D{{Key: "_id", Value: "f"}, {Key: "lease_gen", Value: int64(3)}}, true},
		{"3 refuses missing", 3, bson.D{{Key: "_id", Value: "f"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matches(t, bson.D{genFilter("lease_gen", c.gen)}, c.doc); got != c.want {
				t.Errorf("genFilter(%d) matches %v = %v, want %v", c.gen, c.doc, got, c.want)
			}
		})
	}
}

func TestAuditFilterIsLiteralPrefix(t *testing.T) {
	docs := []auditDoc{{ID: "1", Target: "post:a.b"}, {ID: "2", Target: "post:aXb"}, {ID: "3", Target: "unit:post:a.b"}}
	var got []string
	for _, d := range docs {
		if matches(t, auditFilter("post:a.b"), d) {
			got = append(got, d.ID)
		}
	}
	if !sameIDs(got, []string{"1"}) {
		t.Errorf(`prefix "post:a.b" selects %v, want only entry 1 (dot is literal, prefix is anchored)`, got)
	}
	if len(auditFilter("")) != 0 {
		t.Error("empty target prefix must match every entry")
	}
}

func TestAlertAndUnitAndFeedFilters(t *testing.T) {
	since := stored.Add(-time.Hour)
	a := toAlertDoc(models.Alert{ID: "a", UnitCode: "X1", Type: models.AlertDailyShort, Status: models.AlertPending, CreatedAt: stored})
	cases := []struct {
		name   string
		filter bson.D
		doc    any
		want   bool
	}{
		{"alert all", alertFilter(store.AlertFilter{}), a, true},
		{"alert type and unit", alertFilter(store.AlertFilter{UnitCodes: []string{"X1"}, Types: []models.AlertType{models.AlertDailyShort}}), a, true},
		{"alert other status", alertFilter(store.AlertFilter{Status: models.AlertSent}), a, false},
		{"alert since", alertFilter(store.AlertFilter{Since: &since}), a, true},
		{"unit kind", unitFilter(store.UnitFilter{Kind: models.UnitCommune, ParentCode: "P"}), toUnitDoc(models.Unit{Code: "X", Kind: models.UnitCommune, ParentCode: "P"}), true},
		{"unit codes", unitFilter(store.UnitFilter{Codes: []string{"Y"}}), toUnitDoc(models.Unit{Code: "X"}), false},
		{"feed states", feedFilter(store.FeedFilter{States: []models.FeedState{models.FeedBroken}}), toFeedDoc(models.Feed{ID: "f", State: models.FeedOK}), false},
		{"feed unit and url", feedFilter(store.FeedFilter{UnitCode: "X", URL: "https://x.vn/rss"}), toFeedDoc(models.Feed{ID: "f", UnitCode: "X", URL: "https://x.vn/rss"}), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := matches(t, c.filter, c.doc); got != c.want {
				t.Errorf("matches = %v, want %v (filter %v)", got, c.want, c.filter)
			}
		})
	}
}
