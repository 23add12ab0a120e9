package mongo

import (
	"errors"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"tintot/models"
	"tintot/store"
)

func TestCorrections(t *testing.T) {
	eval := func(unit string, actual int, st models.Status) models.Evaluation {
		return models.Evaluation{UnitCode: unit, Target: "weekly_story", Period: "2026-W48", PeriodKind: models.PeriodWeek,
			Level: models.LevelBaseline, Required: 1, Actual: actual, Status: st}
	}
	storedEvals := func() map[string]models.Evaluation {
		m := map[string]models.Evaluation{}
		for _, e := range []models.Evaluation{
			eval("X1", 0, models.StatusShort),
			eval("X2", 1, models.StatusMet),
			eval("X3", 2, models.StatusMet),
		} {
			m[e.Key()] = e
		}
		return m
	}
	cases := []struct {
		name  string
		evals []models.Evaluation
		want  []models.Correction
	}{
		{"late post turns short into met", []models.Evaluation{eval("X1", 1, models.StatusMet)},
			[]models.Correction{{UnitCode: "X1", Target: "weekly_story", Period: "2026-W48", Level: models.LevelBaseline,
				OldStatus: models.StatusShort, NewStatus: models.StatusMet, OldActual: 0, NewActual: 1, At: stored, Why: "bài đăng muộn"}}},
		{"same status and count: nothing to correct", []models.Evaluation{eval("X2", 1, models.StatusMet)}, nil},
		{"count changes, status stays", []models.Evaluation{eval("X3", 3, models.StatusMet)},
			[]models.Correction{{UnitCode: "X3", Target: "weekly_story", Period: "2026-W48", Level: models.LevelBaseline,
				OldStatus: models.StatusMet, NewStatus: models.StatusMet, OldActual: 2, NewActual: 3, At: stored, Why: "bài đăng muộn"}}},
		{"first evaluation is not a correction", []models.Evaluation{eval("X9", 0, models.StatusShort)}, nil},
		{"same key twice in a batch compares with the previous value", []models.Evaluation{eval("X9", 0, models.StatusShort), eval("X9", 1, models.StatusMet)},
			[]models.Correction{{UnitCode: "X9", Target: "weekly_story", Period: "2026-W48", Level: models.LevelBaseline,
				OldStatus: models.StatusShort, NewStatus: models.StatusMet, OldActual: 0, NewActual: 1, At: stored, Why: "bài đăng muộn"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := storedEvals()
			if c.name == "same key twice in a batch compares with the previous value" {
				m[c.evals[0].Key()] = c.evals[0]
				c.evals = c.evals[1:]
			}
			got := corrections(c.evals, m, ict, "bài đăng muộn")
			if len(got) != len(c.want) {
				t.Fatalf("corrections = %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("correction %d = %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestCheckRegistry(t *testing.T) {
	u := func(code, parent string) models.Unit {
		return models.Unit{Code: code, Name: "Đoàn " + code, Kind: models.UnitCommune, ParentCode: parent}
	}
	storedUnits := map[string]unitDoc{
		"P":  toUnitDoc(u("P", "")),
		"X1": toUnitDoc(u("X1", "P")),
	}
	cases := []struct {
		name    string
		entries []store.RegistryEntry
		wantErr error
	}{
		{"parent listed after child", []store.RegistryEntry{{Unit: u("N1", "N")}, {Unit: u("N", "P")}}, nil},
		{"parent already stored", []store.RegistryEntry{{Unit: u("X2", "P"), FeedURLs: []string{"https://x2.vn/rss"}}}, nil},
		{"missing parent", []store.RegistryEntry{{Unit: u("X2", "ghost")}}, store.ErrInvalid},
		{"empty code", []store.RegistryEntry{{Unit: u("", "P")}}, store.ErrInvalid},
		{"code twice", []store.RegistryEntry{{Unit: u("X2", "P")}, {Unit: u("X2", "P")}}, store.ErrConflict},
		{"cycle inside the batch", []store.RegistryEntry{{Unit: u("A", "B")}, {Unit: u("B", "A")}}, store.ErrInvalid},
		{"cycle through stored units", []store.RegistryEntry{{Unit: u("P", "X1")}}, store.ErrInvalid},
		{"own parent", []store.RegistryEntry{{Unit: u("X2", "X2")}}, store.ErrInvalid},
		{"moving a stored unit under a new one", []store.RegistryEntry{{Unit: u("X1", "N")}, {Unit: u("N", "P")}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkRegistry(c.entries, storedUnits)
			if (c.wantErr == nil && err != nil) || !errors.Is(err, c.wantErr) {
				t.Fatalf("checkRegistry = %v, want %v", err, c.wantErr)
			}
		})
	}
}

func TestPreparePost(t *testing.T) {
	_, err := preparePost(models.Post{UnitCode: "X1"}, models.SourceFeed, stored)
	if !errors.Is(err, store.ErrInvalid) {
		t.Errorf("post without item key: err = %v, want ErrInvalid", err)
	}
	// 23:30 on 26/11 in UTC is 06:30 on 27/11 in Vietnam: the post counts for the 27th.
	late := mustUTC("2026-11-26T23:30:00Z")
	p, err := preparePost(models.Post{UnitCode: "X1", ItemKey: "k", PublishedAt: late}, models.SourceFeed, stored)
	if err != nil {
		t.Fatal(err)
	}
	if p.LocalDay != "2026-11-27" || p.ID == "" || p.Source != models.SourceFeed || !p.FirstSeenAt.Equal(stored) {
		t.Errorf("prepared post = %+v, want local day 2026-11-27, an ID, source feed, first seen now", p)
	}
	undated, err := preparePost(models.Post{UnitCode: "X1", ItemKey: "k2"}, models.SourceFeed, stored)
	if err != nil {
		t.Fatal(err)
	}
	if !undated.PublishedAt.Equal(stored) || !undated.DateInferred {
		t.Errorf("undated post = %+v, want first-seen time, marked inferred", undated)
	}
}

func TestFoldCounts(t *testing.T) {
	g := func(unit, day, rule, override, source string, n int) countGroup {
		var c countGroup
		c.ID.Unit, c.ID.Day, c.ID.Rule, c.ID.Override, c.ID.Source, c.N = unit, day, rule, override, source, n
		return c
	}
	got := foldCounts([]countGroup{
		g("X2", "2026-11-27", "good_news", "", "feed", 1),
		g("X1", "2026-11-28", "good_news", "", "feed", 2),
		g("X1", "2026-11-27", "other", "good_news", "feed", 1), // reclassified to good news
		g("X1", "2026-11-27", "good_news", "", "manual", 2),    // submitted by hand
		g("X1", "2026-11-27", "good_news", "", "feed", 3),
		g("X1", "2026-11-27", "good_news", "story", "feed", 1), // reclassified to story
	})
	want := []models.DayCount{
		{UnitCode: "X1", Day: "2026-11-27", Kind: models.KindGoodNews, Count: 6, Manual: 2},
		{UnitCode: "X1", Day: "2026-11-27", Kind: models.KindStory, Count: 1},
		{UnitCode: "X1", Day: "2026-11-28", Kind: models.KindGoodNews, Count: 2},
		{UnitCode: "X2", Day: "2026-11-27", Kind: models.KindGoodNews, Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("foldCounts = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if rows := foldCounts(nil); len(rows) != 0 {
		t.Errorf("no groups gave %+v", rows)
	}
}

// TestCountGroupDecodesMissingOverride checks that a group whose override kind is
// missing (no override, or an exclusion-only one) decodes to "" and so uses the rule.
func TestCountGroupDecodesMissingOverride(t *testing.T) {
	raw, err := marshalRaw(bson.D{{Key: "_id", Value: bson.D{
		{Key: "unit", Value: "X1"}, {Key: "day", Value: "2026-11-27"}, {Key: "rule", Value: "story"},
		{Key: "override", Value: nil}, {Key: "source", Value: "feed"},
	}}, {Key: "n", Value: int32(4)}})
	if err != nil {
		t.Fatal(err)
	}
	var c countGroup
	if err := bson.Unmarshal(raw, &c); err != nil {
		t.Fatalf("decode group with null override: %v", err)
	}
	if got := foldCounts([]countGroup{c}); len(got) != 1 || got[0].Kind != models.KindStory || got[0].Count != 4 {
		t.Errorf("fold = %+v, want 4 stories", got)
	}
}
