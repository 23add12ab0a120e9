package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// The tests in this file stop each multi-step write before each of its writes in turn
// (Store.stop; bulk writes are then sent one document at a time, so a stop can fall
// between any two documents), and check that running the same operation again, with or
// without the start-up repair first, ends in exactly the state one uninterrupted run
// gives. They need a server, like the contract suite (TINTOT_TEST_MONGO_URI).

var errStop = errors.New("stopped by the test")

// stopBefore makes s's current operation stop before its write number k (from 0). The
// returned function reports whether it did.
func stopBefore(s *Store, k int) func() bool {
	n, hit := 0, false
	s.stop = func(op string) error {
		defer func() { n++ }()
		if n == k {
			hit = true
			return fmt.Errorf("%s, before write %d: %w", op, k, errStop)
		}
		return nil
	}
	return func() bool { return hit }
}

// interruption describes one operation to interrupt.
type interruption struct {
	setup func(t *testing.T, s *Store)                     // the state before the operation
	op    func(t *testing.T, s *Store) (any, error)        // the operation; its result
	state func(t *testing.T, s *Store) string              // the state compared
	check func(t *testing.T, s *Store, k int)              // optional: reads of the interrupted state
	same  func(t *testing.T, got, want any, repaired bool) // optional: compares results
	// repaired: also run the start-up repair between the stop and the second run.
	repaired bool
}

func (c interruption) run(t *testing.T) {
	ref := openTestStore(t)
	c.setup(t, ref)
	wantRes, err := c.op(t, ref)
	if err != nil {
		t.Fatalf("uninterrupted run: %v", err)
	}
	want := c.state(t, ref)
	variants := []bool{false}
	if c.repaired {
		variants = append(variants, true)
	}
	for _, repaired := range variants {
		for k := 0; ; k++ {
			if k > 200 {
				t.Fatal("more than 200 stop points")
			}
			s := openTestStore(t)
			c.setup(t, s)
			stopped := stopBefore(s, k)
			_, err := c.op(t, s)
			s.stop = nil
			if !stopped() {
				if err != nil {
					t.Fatalf("run with no stop reached: %v", err)
				}
				if got := c.state(t, s); got != want {
					t.Errorf("run through with the hook set: state\n%s\nwant\n%s", got, want)
				}
				if k == 0 {
					t.Fatal("the operation has no write to stop before")
				}
				t.Logf("repair=%v: %d stop points", repaired, k)
				break
			}
			if !errors.Is(err, errStop) {
				t.Fatalf("stopped before write %d: error %v, want the injected stop", k, err)
			}
			if c.check != nil {
				c.check(t, s, k)
			}
			if repaired {
				if err := s.repair(t.Context()); err != nil {
					t.Fatalf("stopped before write %d: repair: %v", k, err)
				}
			}
			res, err := c.op(t, s)
			if err != nil {
				t.Fatalf("stopped before write %d (repair=%v), run again: %v", k, repaired, err)
			}
			if got := c.state(t, s); got != want {
				t.Errorf("stopped before write %d (repair=%v), run again: state\n%s\nwant\n%s", k, repaired, got, want)
			}
			if c.same != nil {
				c.same(t, res, wantRes, repaired)
			}
		}
	}
}

var (
	faultBase = time.Date(2026, 11, 27, 3, 4, 5, 678_000_000, time.UTC)
	farPast   = faultBase.Add(-1000 * time.Hour)
	farAhead  = faultBase.Add(1000 * time.Hour)
)

func faultUnit(code, parent string) models.Unit {
	return models.Unit{Code: code, Name: "Đoàn " + code, Kind: models.UnitCommune, ParentCode: parent,
		Emails: []string{code + "@doan.vn"}, CreatedAt: faultBase, UpdatedAt: faultBase}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// rawIDs lists the _ids of a collection's documents, sorted, with the random part of
// closed outage ids replaced.
func rawIDs(t *testing.T, s *Store, col string) string {
	t.Helper()
	cur, err := s.col(col).Find(t.Context(), bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	must(t, "list "+col, err)
	var docs []struct {
		ID any `bson:"_id"`
	}
	must(t, "read "+col, cur.All(t.Context(), &docs))
	out := make([]string, len(docs))
	for i, d := range docs {
		id := fmt.Sprint(d.ID)
		if before, _, ok := strings.Cut(id, ":"); ok && !strings.HasSuffix(id, ":open") {
			id = before + ":<outage>"
		}
		out[i] = id
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func outagesState(t *testing.T, s *Store) string {
	t.Helper()
	os, err := s.ListOutages(t.Context(), nil, farPast, farAhead)
	must(t, "ListOutages", err)
	var b strings.Builder
	for _, o := range os {
		to := "open"
		if o.To != nil {
			to = o.To.UTC().Format(time.RFC3339Nano)
		}
		fmt.Fprintf(&b, "%s %s %s..%s %q\n", o.UnitCode, o.FeedID, o.From.UTC().Format(time.RFC3339Nano), to, o.Reason)
	}
	fmt.Fprintf(&b, "docs: %s", rawIDs(t, s, colOutages))
	return b.String()
}

func outageSetup(t *testing.T, s *Store) {
	must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("X1", "")))
	_, err := s.CreateFeed(t.Context(), models.Feed{ID: "f1", UnitCode: "X1", URL: "https://x1.vn/rss", NextCheckAt: faultBase})
	must(t, "CreateFeed", err)
	must(t, "OpenOutage", s.OpenOutage(t.Context(), models.FeedOutage{FeedID: "f1", UnitCode: "X1", From: faultBase, Reason: "HTTP 500"}))
}

// TestInterruptedCloseOutage: closing moves the open outage to its closed _id in three
// writes; a stop anywhere is completed by CloseOutage again or by the start-up repair,
// and ListOutages reports the outage once, open or closed, in between.
func TestInterruptedCloseOutage(t *testing.T) {
	at := faultBase.Add(2 * time.Hour)
	interruption{
		setup: outageSetup,
		op: func(t *testing.T, s *Store) (any, error) {
			return nil, s.CloseOutage(t.Context(), "f1", at, nil)
		},
		state: outagesState,
		check: func(t *testing.T, s *Store, k int) {
			os, err := s.ListOutages(t.Context(), nil, farPast, farAhead)
			must(t, "ListOutages", err)
			if len(os) != 1 || os[0].To != nil && !os[0].To.Equal(at) {
				t.Errorf("stopped before write %d: ListOutages = %+v, want the one outage, open or closed at %s", k, os, at)
			}
		},
		repaired: true,
	}.run(t)
}

// TestInterruptedOpenOutage: a feed that fails again after a half-done close gets a new
// outage; the half-done close is finished first, and a stop anywhere in that is completed
// by OpenOutage again or by the start-up repair.
func TestInterruptedOpenOutage(t *testing.T) {
	at := faultBase.Add(2 * time.Hour)
	interruption{
		setup: func(t *testing.T, s *Store) {
			outageSetup(t, s)
			stopBefore(s, 1) // the close is written on the open document, not yet moved
			if err := s.CloseOutage(t.Context(), "f1", at, nil); !errors.Is(err, errStop) {
				t.Fatalf("CloseOutage stopped half-way: %v", err)
			}
			s.stop = nil
		},
		op: func(t *testing.T, s *Store) (any, error) {
			return nil, s.OpenOutage(t.Context(), models.FeedOutage{FeedID: "f1", UnitCode: "X1", From: faultBase.Add(10 * time.Hour), Reason: "timeout"})
		},
		state:    outagesState,
		repaired: true,
	}.run(t)
}

func postsState(t *testing.T, s *Store) string {
	t.Helper()
	ps, err := s.ListPosts(t.Context(), store.PostFilter{})
	must(t, "ListPosts", err)
	slices.SortFunc(ps, func(a, b models.Post) int { return strings.Compare(a.UnitCode+"|"+a.ItemKey, b.UnitCode+"|"+b.ItemKey) })
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%s|%s %q %s kind=%s %s published=%s seen=%s updated=%s\n", p.UnitCode, p.ItemKey, p.Title, p.URL, p.RuleKind,
			p.LocalDay, p.PublishedAt.UTC().Format(time.RFC3339), p.FirstSeenAt.UTC().Format(time.RFC3339), p.UpdatedAt.UTC().Format(time.RFC3339))
	}
	cs, err := s.CountPosts(t.Context(), store.CountQuery{FromDay: "2026-11-01", ToDay: "2026-12-31"})
	must(t, "CountPosts", err)
	fmt.Fprintf(&b, "counts: %+v", cs)
	return b.String()
}

func feedPost(unit, key, title string, kind models.Kind, at time.Time) models.Post {
	return models.Post{UnitCode: unit, FeedID: "f1", ItemKey: key, URL: "https://x1.vn/" + key, Title: title, RuleKind: kind, RuleReason: "test",
		PublishedAt: at, FirstSeenAt: at, UpdatedAt: at}
}

// TestInterruptedUpsertPosts: a poll's posts are per-document upserts; a stop between
// two leaves some written, and the same poll again writes the rest once.
func TestInterruptedUpsertPosts(t *testing.T) {
	interruption{
		setup: func(t *testing.T, s *Store) {
			_, err := s.UpsertPosts(t.Context(), []models.Post{feedPost("X1", "a", "Tin cũ", models.KindOther, faultBase)})
			must(t, "UpsertPosts", err)
		},
		op: func(t *testing.T, s *Store) (any, error) {
			at := faultBase.Add(time.Hour)
			return s.UpsertPosts(t.Context(), []models.Post{
				feedPost("X1", "a", "Tin tốt #tintot", models.KindGoodNews, at), // re-seen, reclassified
				feedPost("X1", "b", "Câu chuyện đẹp", models.KindStory, at),
				feedPost("X2", "a", "Tin tốt", models.KindGoodNews, at.Add(24*time.Hour)),
				feedPost("X1", "c", "Tin tốt", models.KindGoodNews, at),
			})
		},
		state: postsState,
		same: func(t *testing.T, got, want any, _ bool) {
			g, w := got.(store.UpsertResult), want.(store.UpsertResult)
			if len(g.Inserted)+g.Updated != len(w.Inserted)+w.Updated || len(g.Inserted) > len(w.Inserted) {
				t.Errorf("second run result = %d inserted, %d updated; the uninterrupted run: %d, %d", len(g.Inserted), g.Updated, len(w.Inserted), w.Updated)
			}
		},
	}.run(t)
}

func eval(unit string, level models.Level, actual int, st models.Status) models.Evaluation {
	return models.Evaluation{UnitCode: unit, Target: "tin_tot_ngay", Period: "2026-11-26", PeriodKind: models.PeriodDay,
		Level: level, Required: 1, Actual: actual, Status: st, EvaluatedAt: faultBase}
}

func evaluationsState(t *testing.T, s *Store) string {
	t.Helper()
	es, err := s.ListEvaluations(t.Context(), nil, nil)
	must(t, "ListEvaluations", err)
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s %s %d/%d %s\n", e.Key(), e.PeriodKind, e.Actual, e.Required, e.Status)
	}
	cs, err := s.ListCorrections(t.Context(), nil, farPast, farAhead)
	must(t, "ListCorrections", err)
	for _, c := range cs {
		fmt.Fprintf(&b, "correction %s|%s|%s %s %s->%s %d->%d %q\n", c.UnitCode, c.Period, c.Level, c.At.UTC().Format(time.RFC3339Nano),
			c.OldStatus, c.NewStatus, c.OldActual, c.NewActual, c.Why)
	}
	n, err := s.col(colEvaluations).CountDocuments(t.Context(), bson.D{{Key: "pending", Value: bson.D{{Key: "$exists", Value: true}}}})
	must(t, "count pending", err)
	fmt.Fprintf(&b, "with pending corrections: %d", n)
	return b.String()
}

// TestInterruptedSaveEvaluations: each evaluation and its correction are one write, the
// corrections are copied out and cleared after; a stop anywhere is completed by the same
// save again or by the start-up repair, with every correction stored exactly once.
// (A batch that repeats a key is left out: it is not idempotent even uninterrupted, as
// its key is compared with its previous value in the batch and so with itself on a rerun,
// with SQLite as with MongoDB.)
func TestInterruptedSaveEvaluations(t *testing.T) {
	at := faultBase.Add(2 * time.Hour)
	interruption{
		setup: func(t *testing.T, s *Store) {
			_, err := s.SaveEvaluations(t.Context(), []models.Evaluation{
				eval("X1", models.LevelBaseline, 0, models.StatusShort),
				eval("X1", models.LevelTarget, 0, models.StatusShort),
				eval("X2", models.LevelBaseline, 1, models.StatusMet),
			}, faultBase, "đánh giá ngày")
			must(t, "SaveEvaluations", err)
		},
		op: func(t *testing.T, s *Store) (any, error) {
			return s.SaveEvaluations(t.Context(), []models.Evaluation{
				eval("X1", models.LevelBaseline, 1, models.StatusMet),   // short → met
				eval("X1", models.LevelTarget, 1, models.StatusShort),   // count only
				eval("X2", models.LevelBaseline, 1, models.StatusMet),   // unchanged
				eval("X3", models.LevelBaseline, 0, models.StatusShort), // new
				eval("X4", models.LevelBaseline, 2, models.StatusMet),   // new
			}, at, "bài đăng muộn")
		},
		state: evaluationsState,
		same: func(t *testing.T, got, want any, repaired bool) {
			g, w := got.([]models.Correction), want.([]models.Correction)
			if len(w) != 2 {
				t.Fatalf("uninterrupted run returned %d corrections, want 2: %+v", len(w), w)
			}
			// A second run returns what it copied out: all of them unless the stopped run
			// (or the repair) had already copied and cleared some.
			if len(g) > len(w) || !slices.Equal(g, w[len(w)-len(g):]) && !isSubsequence(g, w) {
				t.Errorf("second run (repair=%v) returned %+v, want a part of %+v", repaired, g, w)
			}
		},
		repaired: true,
	}.run(t)
}

func isSubsequence(sub, all []models.Correction) bool {
	i := 0
	for _, c := range all {
		if i < len(sub) && sub[i] == c {
			i++
		}
	}
	return i == len(sub)
}

// TestSaveEvaluationsRetryReturnsPending: a save stopped after its evaluations were
// written returns, when run again, the corrections the uninterrupted save returns.
func TestSaveEvaluationsRetryReturnsPending(t *testing.T) {
	s := openTestStore(t)
	first := []models.Evaluation{eval("X1", models.LevelBaseline, 0, models.StatusShort), eval("X2", models.LevelBaseline, 0, models.StatusShort)}
	_, err := s.SaveEvaluations(t.Context(), first, faultBase, "ngày")
	must(t, "SaveEvaluations", err)
	late := []models.Evaluation{eval("X1", models.LevelBaseline, 1, models.StatusMet), eval("X2", models.LevelBaseline, 2, models.StatusMet)}
	stopBefore(s, 2) // both evaluations written, nothing copied out
	_, err = s.SaveEvaluations(t.Context(), late, faultBase.Add(time.Hour), "muộn")
	s.stop = nil
	if !errors.Is(err, errStop) {
		t.Fatalf("stopped save: %v", err)
	}
	cs, err := s.SaveEvaluations(t.Context(), late, faultBase.Add(2*time.Hour), "chạy lại")
	must(t, "SaveEvaluations again", err)
	if len(cs) != 2 || cs[0].UnitCode != "X1" || cs[1].UnitCode != "X2" || cs[0].Why != "muộn" || !cs[0].At.Equal(faultBase.Add(time.Hour)) || cs[1].NewActual != 2 {
		t.Errorf("second run returned %+v, want the two corrections of the stopped run", cs)
	}
}

func registryState(t *testing.T, s *Store) string {
	t.Helper()
	us, err := s.ListUnits(t.Context(), store.UnitFilter{})
	must(t, "ListUnits", err)
	var b strings.Builder
	for _, u := range us {
		fmt.Fprintf(&b, "%s %q parent=%q %v %s %s\n", u.Code, u.Name, u.ParentCode, u.Emails, u.CreatedAt.UTC().Format(time.RFC3339), u.UpdatedAt.UTC().Format(time.RFC3339))
	}
	fs, err := s.ListFeeds(t.Context(), store.FeedFilter{})
	must(t, "ListFeeds", err)
	for _, f := range fs {
		fmt.Fprintf(&b, "feed %s %s %s\n", f.UnitCode, f.URL, f.State)
	}
	return b.String()
}

// TestInterruptedApplyRegistry: the batch is validated whole, then written parents first
// and feeds last; a stop anywhere is completed by applying the same batch again.
func TestInterruptedApplyRegistry(t *testing.T) {
	interruption{
		setup: func(t *testing.T, s *Store) {
			must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("P", "")))
			must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("X0", "P")))
			_, err := s.CreateFeed(t.Context(), models.Feed{ID: "f0", UnitCode: "X0", URL: "https://x0.vn/rss", NextCheckAt: faultBase})
			must(t, "CreateFeed", err)
		},
		op: func(t *testing.T, s *Store) (any, error) {
			renamed := faultUnit("X0", "P")
			renamed.Name = "Đoàn xã X0 (mới)"
			return s.ApplyRegistry(t.Context(), []store.RegistryEntry{
				{Unit: faultUnit("X1", "H"), FeedURLs: []string{"https://x1.vn/rss", "https://x1.vn/atom"}}, // child before its parent
				{Unit: faultUnit("H", "P")},
				{Unit: renamed, FeedURLs: []string{"https://x0.vn/rss", "https://x0.vn/new"}},
				{Unit: faultUnit("P", "")},
			})
		},
		state: registryState,
	}.run(t)
}

// TestApplyRegistryInvalidWritesNothing: a batch that fails validation writes nothing,
// not even the part before the bad entry.
func TestApplyRegistryInvalidWritesNothing(t *testing.T) {
	s := openTestStore(t)
	_, err := s.ApplyRegistry(t.Context(), []store.RegistryEntry{
		{Unit: faultUnit("X1", ""), FeedURLs: []string{"https://x1.vn/rss"}},
		{Unit: faultUnit("X2", "ghost")},
	})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("ApplyRegistry with a missing parent: %v, want ErrInvalid", err)
	}
	if got := registryState(t, s); got != "" {
		t.Errorf("state after a refused batch:\n%s", got)
	}
}

// TestInterruptedDeleteUnit: the unit is deleted before its feeds; a stop in between is
// completed by DeleteUnit again (which succeeds, as the uninterrupted call did) or by the
// start-up repair.
func TestInterruptedDeleteUnit(t *testing.T) {
	interruption{
		setup: func(t *testing.T, s *Store) {
			must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("P", "")))
			must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("X1", "P")))
			must(t, "CreateUnit", s.CreateUnit(t.Context(), faultUnit("X2", "P")))
			for i, u := range []string{"X1", "X1", "X2"} {
				_, err := s.CreateFeed(t.Context(), models.Feed{ID: fmt.Sprintf("f%d", i), UnitCode: u, URL: fmt.Sprintf("https://%s.vn/%d", u, i), NextCheckAt: faultBase})
				must(t, "CreateFeed", err)
			}
		},
		op: func(t *testing.T, s *Store) (any, error) {
			err := s.DeleteUnit(t.Context(), "X1")
			if errors.Is(err, store.ErrNotFound) {
				return "not found", nil
			}
			return "", err
		},
		state: registryState,
		same: func(t *testing.T, got, want any, repaired bool) {
			// After the repair the delete is complete: the unit is absent, as it says.
			if got != want && !repaired {
				t.Errorf("second run = %q, want %q", got, want)
			}
		},
		repaired: true,
	}.run(t)
}

// TestReopenExistingDatabase: opening a database that already has every index (a second
// start) creates none and works; FerretDB v1 broke the connection when asked to create
// indexes that all existed.
func TestReopenExistingDatabase(t *testing.T) {
	s := openTestStore(t)
	count := func() map[string]int {
		out := map[string]int{}
		for _, spec := range indexSpecs() {
			ixs, err := s.col(spec.collection).Indexes().ListSpecifications(t.Context())
			must(t, "list indexes", err)
			out[spec.collection] = len(ixs)
		}
		return out
	}
	before := count()
	for i := range 2 {
		again, err := openDatabase(t.Context(), testURI(t), s.db.Name())
		if err != nil {
			t.Fatalf("open %d more time(s): %v", i+1, err)
		}
		must(t, "CreateUnit after reopening", again.CreateUnit(t.Context(), faultUnit(fmt.Sprintf("R%d", i), "")))
		_ = again.Close()
	}
	if after := count(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("indexes after reopening = %v, want %v", after, before)
	}
	for _, spec := range indexSpecs() {
		ixs, err := s.col(spec.collection).Indexes().ListSpecifications(t.Context())
		must(t, "list indexes", err)
		for _, m := range spec.models {
			if !slices.ContainsFunc(ixs, func(ix mongo.IndexSpecification) bool { return ix.Name == indexName(m) }) {
				t.Errorf("index %s on %s missing", indexName(m), spec.collection)
			}
		}
	}
}

// TestLegacyOutagesMoved: open outages stored by an earlier version (ObjectID _id, open
// true) are moved to their feed's open _id at start-up, keep their identity, and close as
// any other.
func TestLegacyOutagesMoved(t *testing.T) {
	s := openTestStore(t)
	ctx := t.Context()
	outageSetupUnitOnly := func() {
		must(t, "CreateUnit", s.CreateUnit(ctx, faultUnit("X1", "")))
		for _, id := range []string{"f1", "f2"} {
			_, err := s.CreateFeed(ctx, models.Feed{ID: id, UnitCode: "X1", URL: "https://x1.vn/" + id, NextCheckAt: faultBase})
			must(t, "CreateFeed", err)
		}
	}
	outageSetupUnitOnly()
	closedAt := faultBase.Add(time.Hour)
	legacy := []any{
		bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "feed_id", Value: "f1"}, {Key: "unit_code", Value: "X1"}, {Key: "from", Value: faultBase}, {Key: "to", Value: closedAt}, {Key: "open", Value: false}, {Key: "reason", Value: "old"}},
		bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "feed_id", Value: "f1"}, {Key: "unit_code", Value: "X1"}, {Key: "from", Value: faultBase.Add(2 * time.Hour)}, {Key: "to", Value: nil}, {Key: "open", Value: true}, {Key: "reason", Value: "HTTP 500"}},
		bson.D{{Key: "_id", Value: bson.NewObjectID()}, {Key: "feed_id", Value: "f2"}, {Key: "unit_code", Value: "X1"}, {Key: "from", Value: faultBase}, {Key: "to", Value: nil}, {Key: "open", Value: true}, {Key: "reason", Value: "timeout"}},
	}
	_, err := s.col(colOutages).InsertMany(ctx, legacy)
	must(t, "insert legacy outages", err)
	want := func() string {
		os, err := s.ListOutages(ctx, nil, farPast, farAhead)
		must(t, "ListOutages", err)
		return fmt.Sprint(len(os))
	}
	if got := want(); got != "3" {
		t.Fatalf("legacy outages listed: %s, want 3", got)
	}
	// Repairs stopped before their first, second… write, each going on from where the
	// previous one stopped, until one runs through.
	for k := 0; ; k++ {
		stopped := stopBefore(s, k)
		err := s.repair(ctx)
		s.stop = nil
		if !stopped() {
			must(t, "repair", err)
			break
		}
		if !errors.Is(err, errStop) {
			t.Fatalf("repair stopped before write %d: %v", k, err)
		}
		if got := want(); got != "3" {
			t.Errorf("repair stopped before write %d: %s outages listed, want 3", k, got)
		}
	}
	must(t, "repair again", s.repair(ctx))
	if got := want(); got != "3" {
		t.Errorf("after the move %s outages, want 3", got)
	}
	if got := rawIDs(t, s, colOutages); !strings.Contains(got, "f1:open") || !strings.Contains(got, "f2:open") {
		t.Errorf("outage documents after the move: %s", got)
	}
	must(t, "OpenOutage while open", s.OpenOutage(ctx, models.FeedOutage{FeedID: "f1", UnitCode: "X1", From: faultBase.Add(5 * time.Hour)}))
	must(t, "CloseOutage", s.CloseOutage(ctx, "f1", faultBase.Add(6*time.Hour), nil))
	os, err := s.ListOutages(ctx, []string{"X1"}, farPast, farAhead)
	must(t, "ListOutages", err)
	var f1 []models.FeedOutage
	for _, o := range os {
		if o.FeedID == "f1" {
			f1 = append(f1, o)
		}
	}
	if len(f1) != 2 || !f1[1].From.Equal(faultBase.Add(2*time.Hour)) || f1[1].To == nil || !f1[1].To.Equal(faultBase.Add(6*time.Hour)) || f1[1].Reason != "HTTP 500" {
		t.Errorf("f1 outages = %+v, want the old closed one and the moved one, closed at +6h", f1)
	}
}

// TestClaimTicketStale: a claim whose taker stopped between its ticket and its update
// blocks the feed only until the lease it was taking runs out.
func TestClaimTicketStale(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	must(t, "CreateUnit", s.CreateUnit(ctx, faultUnit("X1", "")))
	_, err := s.CreateFeed(ctx, models.Feed{ID: "f1", UnitCode: "X1", URL: "https://x1.vn/rss", NextCheckAt: faultBase})
	must(t, "CreateFeed", err)
	// A ticket of generation 0 left by a taker that stopped, until faultBase+1m.
	_, ok, err := s.takeTicket(ctx, "feed:f1", 0, "dead", faultBase, faultBase.Add(time.Minute))
	if err != nil || !ok {
		t.Fatalf("takeTicket = %v, %v", ok, err)
	}
	got, err := s.ClaimDueFeeds(ctx, "h1", faultBase.Add(30*time.Second), faultBase.Add(5*time.Minute), 10)
	must(t, "ClaimDueFeeds", err)
	if len(got) != 0 {
		t.Errorf("claimed %d feeds while a live ticket holds the only one", len(got))
	}
	got, err = s.ClaimDueFeeds(ctx, "h1", faultBase.Add(2*time.Minute), faultBase.Add(5*time.Minute), 10)
	must(t, "ClaimDueFeeds", err)
	if len(got) != 1 || got[0].LeaseHolder != "h1" {
		t.Errorf("after the stale ticket ran out claimed %+v, want f1 by h1", got)
	}
}

// TestSaveEvaluationsConcurrentWriter: an evaluation changed by another writer between
// SaveEvaluations' read and its write is read and compared again, so the correction
// starts from what the other writer stored. (The conditional write is what MongoDB
// applies atomically; the test forces it on FerretDB too, where the other writer here
// runs strictly between the read and the write.)
func TestSaveEvaluationsConcurrentWriter(t *testing.T) {
	s := openTestStore(t)
	s.ferret = false
	ctx := t.Context()
	_, err := s.SaveEvaluations(ctx, []models.Evaluation{eval("X1", models.LevelBaseline, 0, models.StatusShort)}, faultBase, "ngày")
	must(t, "SaveEvaluations", err)
	key := eval("X1", models.LevelBaseline, 0, "").Key()
	done := false
	s.stop = func(string) error {
		if !done {
			done = true
			_, err := s.col(colEvaluations).UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "actual", Value: 5}, {Key: "status", Value: string(models.StatusMet)}}}})
			return err
		}
		return nil
	}
	cs, err := s.SaveEvaluations(ctx, []models.Evaluation{eval("X1", models.LevelBaseline, 1, models.StatusMet)}, faultBase.Add(time.Hour), "muộn")
	s.stop = nil
	must(t, "SaveEvaluations with a concurrent writer", err)
	if len(cs) != 1 || cs[0].OldActual != 5 || cs[0].NewActual != 1 || cs[0].OldStatus != models.StatusMet {
		t.Errorf("corrections = %+v, want one from the concurrent writer's 5 (met) to 1", cs)
	}
	stored, err := s.ListEvaluations(ctx, nil, nil)
	must(t, "ListEvaluations", err)
	if len(stored) != 1 || stored[0].Actual != 1 {
		t.Errorf("stored = %+v, want actual 1", stored)
	}
}
