package mongo

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"tintot/models"
	"tintot/store"
)

// ict is a time with sub-millisecond digits in Asia/Ho_Chi_Minh, as callers may pass.
var ict = time.Date(2026, 11, 27, 10, 4, 5, 678_912_345, models.Vietnam)

// stored is ict as MongoDB gives it back: UTC, milliseconds only.
var stored = time.Date(2026, 11, 27, 3, 4, 5, 678_000_000, time.UTC)

func roundTrip[D any](t *testing.T, in D) D {
	t.Helper()
	raw, err := marshalRaw(in)
	if err != nil {
		t.Fatalf("bson.Marshal(%T): %v", in, err)
	}
	var out D
	if err := bson.Unmarshal(raw, &out); err != nil {
		t.Fatalf("bson.Unmarshal(%T): %v", out, err)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestDocumentsRoundTrip(t *testing.T) {
	later := ict.Add(90 * time.Minute)
	laterStored := stored.Add(90 * time.Minute)
	cases := []struct {
		name    string
		through func(t *testing.T) any
		want    any
	}{
		{"unit", func(t *testing.T) any {
			return roundTrip(t, toUnitDoc(models.Unit{Code: "X1", Name: "Đoàn xã Tân Hòa", Kind: models.UnitCommune, ParentCode: "P",
				Emails: []string{"x1@doan.vn"}, ActiveFrom: &ict, CreatedAt: ict, UpdatedAt: later})).model()
		}, models.Unit{Code: "X1", Name: "Đoàn xã Tân Hòa", Kind: models.UnitCommune, ParentCode: "P",
			Emails: []string{"x1@doan.vn"}, ActiveFrom: &stored, CreatedAt: stored, UpdatedAt: laterStored}},
		{"feed", func(t *testing.T) any {
			return roundTrip(t, toFeedDoc(models.Feed{ID: "f1", UnitCode: "X1", URL: "https://x1.vn/rss", DefaultKind: models.KindGoodNews,
				ETag: `"e"`, NextCheckAt: ict, LeaseHolder: "h", LeaseUntil: &later, State: models.FeedFailing,
				ConsecutiveFailures: 2, FailingSince: &ict, LastError: "Không tải được", LastStatus: 503,
				Note: "Nguồn tin có 100000 mục; chỉ đọc 500 mục mới nhất", CreatedAt: ict, UpdatedAt: ict})).model()
		}, models.Feed{ID: "f1", UnitCode: "X1", URL: "https://x1.vn/rss", DefaultKind: models.KindGoodNews,
			ETag: `"e"`, NextCheckAt: stored, LeaseHolder: "h", LeaseUntil: &laterStored, State: models.FeedFailing,
			ConsecutiveFailures: 2, FailingSince: &stored, LastError: "Không tải được", LastStatus: 503,
			Note: "Nguồn tin có 100000 mục; chỉ đọc 500 mục mới nhất", CreatedAt: stored, UpdatedAt: stored}},
		{"post without override", func(t *testing.T) any {
			return roundTrip(t, toPostDoc(models.Post{ID: "p1", UnitCode: "X1", ItemKey: "guid-1", Source: models.SourceFeed,
				Title: "Tin tốt", Categories: []string{"Tin tốt"}, PublishedAt: ict, LocalDay: "2026-11-27", FirstSeenAt: later,
				RuleKind: models.KindGoodNews, RuleReason: "hashtag #tintot", UpdatedAt: later})).model()
		}, models.Post{ID: "p1", UnitCode: "X1", ItemKey: "guid-1", Source: models.SourceFeed,
			Title: "Tin tốt", Categories: []string{"Tin tốt"}, PublishedAt: stored, LocalDay: "2026-11-27", FirstSeenAt: laterStored,
			RuleKind: models.KindGoodNews, RuleReason: "hashtag #tintot", UpdatedAt: laterStored}},
		{"post with exclusion override", func(t *testing.T) any {
			return roundTrip(t, toPostDoc(models.Post{ID: "p2", UnitCode: "X1", ItemKey: "k", Source: models.SourceManual,
				PublishedAt: ict, LocalDay: "2026-11-27", FirstSeenAt: ict, RuleKind: models.KindOther, SubmittedBy: "u1", Rejected: true,
				Override: &models.Override{Excluded: true, Note: "trùng", By: "reviewer", At: later}, UpdatedAt: ict})).model()
		}, models.Post{ID: "p2", UnitCode: "X1", ItemKey: "k", Source: models.SourceManual,
			PublishedAt: stored, LocalDay: "2026-11-27", FirstSeenAt: stored, RuleKind: models.KindOther, SubmittedBy: "u1", Rejected: true,
			Override: &models.Override{Excluded: true, Note: "trùng", By: "reviewer", At: laterStored}, UpdatedAt: stored}},
		{"evaluation", func(t *testing.T) any {
			return roundTrip(t, toEvaluationDoc(models.Evaluation{UnitCode: "X1", Target: "daily", Period: "2026-11-27", PeriodKind: models.PeriodDay,
				Level: models.LevelBaseline, Required: 1, Actual: 0, Status: models.StatusShort, EvaluatedAt: ict})).model()
		}, models.Evaluation{UnitCode: "X1", Target: "daily", Period: "2026-11-27", PeriodKind: models.PeriodDay,
			Level: models.LevelBaseline, Required: 1, Actual: 0, Status: models.StatusShort, EvaluatedAt: stored}},
		{"correction", func(t *testing.T) any {
			return roundTrip(t, toCorrectionDoc(models.Correction{UnitCode: "X1", Target: "daily", Period: "2026-11-27", Level: models.LevelBaseline,
				OldStatus: models.StatusShort, NewStatus: models.StatusMet, OldActual: 0, NewActual: 1, At: ict, Why: "bài đăng muộn"})).model()
		}, models.Correction{UnitCode: "X1", Target: "daily", Period: "2026-11-27", Level: models.LevelBaseline,
			OldStatus: models.StatusShort, NewStatus: models.StatusMet, OldActual: 0, NewActual: 1, At: stored, Why: "bài đăng muộn"}},
		{"alert", func(t *testing.T) any {
			return roundTrip(t, toAlertDoc(models.Alert{ID: "a1", DedupKey: "daily_short|X1|2026-11-27|baseline", Type: models.AlertDailyShort,
				UnitCode: "X1", Period: "2026-11-27", Level: models.LevelBaseline, Recipients: []string{"x1@doan.vn"}, Subject: "Chưa đạt chỉ tiêu",
				Status: models.AlertSent, Attempts: 1, NextTryAt: ict, CreatedAt: ict, SentAt: &later})).model()
		}, models.Alert{ID: "a1", DedupKey: "daily_short|X1|2026-11-27|baseline", Type: models.AlertDailyShort,
			UnitCode: "X1", Period: "2026-11-27", Level: models.LevelBaseline, Recipients: []string{"x1@doan.vn"}, Subject: "Chưa đạt chỉ tiêu",
			Status: models.AlertSent, Attempts: 1, NextTryAt: stored, CreatedAt: stored, SentAt: &laterStored}},
		{"user", func(t *testing.T) any {
			return roundTrip(t, toUserDoc(models.User{ID: "u1", Email: "Lan@Doan.vn", Name: "Nguyễn Thị Lan", Role: models.RoleReviewer,
				UnitCode: "P", PasswordHash: "$2a$...", CreatedAt: ict, UpdatedAt: ict})).model()
		}, models.User{ID: "u1", Email: "Lan@Doan.vn", Name: "Nguyễn Thị Lan", Role: models.RoleReviewer,
			UnitCode: "P", PasswordHash: "$2a$...", CreatedAt: stored, UpdatedAt: stored}},
		{"session", func(t *testing.T) any {
			return roundTrip(t, toSessionDoc(models.Session{ID: "s1", UserID: "u1", CSRFToken: "c", CreatedAt: ict, ExpiresAt: later})).model()
		}, models.Session{ID: "s1", UserID: "u1", CSRFToken: "c", CreatedAt: stored, ExpiresAt: laterStored}},
		{"api token", func(t *testing.T) any {
			return roundTrip(t, toTokenDoc(models.APIToken{ID: "t1", UserID: "u1", Name: "CI", Hash: "abc", CreatedAt: ict})).model()
		}, models.APIToken{ID: "t1", UserID: "u1", Name: "CI", Hash: "abc", CreatedAt: stored}},
		{"outage open", func(t *testing.T) any {
			return roundTrip(t, toOutageDoc(models.FeedOutage{FeedID: "f1", UnitCode: "X1", From: ict, Reason: "HTTP 500"})).model()
		}, models.FeedOutage{FeedID: "f1", UnitCode: "X1", From: stored, Reason: "HTTP 500"}},
		{"audit", func(t *testing.T) any {
			return roundTrip(t, toAuditDoc(models.AuditEntry{ID: "e1", At: ict, Actor: "u1", Action: "post.override", Target: "post:p1", After: `{"kind":"story"}`})).model()
		}, models.AuditEntry{ID: "e1", At: stored, Actor: "u1", Action: "post.override", Target: "post:p1", After: `{"kind":"story"}`}},
		{"trend", func(t *testing.T) any {
			return roundTrip(t, toTrendDoc(models.Trend{ID: "tr", ParentCode: "TD", Name: "Xanh", Hashtags: []string{"#Xanh"}, StartDay: "2026-03-01", EndDay: "2026-03-31", CreatedAt: ict})).model()
		}, models.Trend{ID: "tr", ParentCode: "TD", Name: "Xanh", Hashtags: []string{"#Xanh"}, StartDay: "2026-03-01", EndDay: "2026-03-31", CreatedAt: stored}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.through(t); !reflect.DeepEqual(got, c.want) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestOutageOpenFlagFollowsTo(t *testing.T) {
	if d := toOutageDoc(models.FeedOutage{FeedID: "f", From: ict}); !d.Open {
		t.Error("outage without end is not marked open: a second open outage could be created")
	}
	if d := toOutageDoc(models.FeedOutage{FeedID: "f", From: ict, To: &ict}); d.Open {
		t.Error("ended outage is marked open")
	}
}

func TestOverrideWithoutKindLeavesKindMissing(t *testing.T) {
	raw, err := marshalRaw(toPostDoc(models.Post{ID: "p", Override: &models.Override{Excluded: true, By: "r", At: ict}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.LookupErr("override", "kind"); err == nil {
		t.Error(`override without a kind stored "override.kind": counts would use "" instead of the rule's kind`)
	}
	if _, err := raw.LookupErr("override", "excluded"); err != nil {
		t.Errorf("override.excluded missing: %v", err)
	}
}

// TestIndexedFieldsExist guards against a typo between index keys and document tags: an
// index on a field no document has would leave queries unindexed and uniqueness unenforced.
func TestIndexedFieldsExist(t *testing.T) {
	samples := map[string]any{
		colUnits:       toUnitDoc(models.Unit{Code: "X"}),
		colFeeds:       toFeedDoc(models.Feed{ID: "f"}),
		colOutages:     toOutageDoc(models.FeedOutage{FeedID: "f"}),
		colPosts:       toPostDoc(models.Post{ID: "p"}),
		colEvaluations: evaluationWithPending(t),
		colCorrections: toCorrectionDoc(models.Correction{}),
		colAlerts:      toAlertDoc(models.Alert{ID: "a"}),
		colUsers:       toUserDoc(models.User{ID: "u"}),
		colSessions:    toSessionDoc(models.Session{ID: "s"}),
		colTokens:      toTokenDoc(models.APIToken{ID: "t"}),
		colAudit:       toAuditDoc(models.AuditEntry{ID: "e"}),
		colTickets:     ticketDoc{ID: "feed:f:0:0"},
		colTrends:      toTrendDoc(models.Trend{ID: "tr", StartDay: "2026-03-01"}),
		colPicks:       pickDoc{PostID: "p"},
		colHonours:     honourDoc{ID: "h"},
	}
	for _, spec := range indexSpecs() {
		sample, ok := samples[spec.collection]
		if !ok {
			t.Errorf("no sample document for collection %s", spec.collection)
			continue
		}
		raw, err := marshalRaw(sample)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range spec.models {
			for _, k := range m.Keys.(bson.D) {
				if !hasPath(raw, strings.Split(k.Key, ".")) {
					t.Errorf("%s: index key %q is not a field of the stored document", spec.collection, k.Key)
				}
			}
		}
	}
}

// hasPath reports whether a document has the dotted path, looking into the documents of
// an array as MongoDB's index keys do.
func hasPath(doc bson.Raw, path []string) bool {
	v, err := doc.LookupErr(path[0])
	if err != nil {
		return false
	}
	if len(path) == 1 {
		return true
	}
	if sub, ok := v.DocumentOK(); ok {
		return hasPath(sub, path[1:])
	}
	if arr, ok := v.ArrayOK(); ok {
		vals, err := arr.Values()
		if err != nil {
			return false
		}
		for _, e := range vals {
			if sub, ok := e.DocumentOK(); ok && hasPath(sub, path[1:]) {
				return true
			}
		}
	}
	return false
}

// evaluationWithPending is a stored evaluation with a correction not yet copied out.
func evaluationWithPending(t *testing.T) evaluationDoc {
	d := toEvaluationDoc(models.Evaluation{})
	c := toCorrectionDoc(models.Correction{})
	c.ID = bson.NewObjectID()
	raw, err := marshalRaw(c)
	if err != nil {
		t.Fatal(err)
	}
	d.Pending = []bson.Raw{raw}
	return d
}

func TestDatabaseName(t *testing.T) {
	cases := []struct {
		uri, want string
		wantErr   bool
	}{
		{"mongodb://localhost:27017", "tintot", false},
		{"mongodb://localhost:27017/", "tintot", false},
		{"mongodb://localhost:27017/?replicaSet=rs0", "tintot", false},
		{"mongodb://h1:27017,h2:27017,h3:27017/doan_hp?replicaSet=rs0&w=majority", "doan_hp", false},
		{"mongodb+srv://user:p%40ss@cluster0.example.net/tintot_prod?retryWrites=true", "tintot_prod", false},
		{"mongodb://user:pass@localhost/admin_db", "admin_db", false},
		{"mongodb://localhost/with%2Dhyphen", "with-hyphen", false},
		{"postgres://localhost/tintot", "", true},
		{"localhost:27017", "", true},
		{"mongodb://localhost/bad.name", "", true},
		{"mongodb://localhost/bad%20name", "", true},
		{"mongodb://localhost/bad%zz", "", true},
		{"mongodb://localhost/" + strings.Repeat("a", 64), "", true},
	}
	for _, c := range cases {
		t.Run(c.uri, func(t *testing.T) {
			got, err := databaseName(c.uri)
			if c.wantErr {
				if err == nil {
					t.Fatalf("databaseName(%q) = %q, want an error", c.uri, got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("databaseName(%q) = %q, %v; want %q", c.uri, got, err, c.want)
			}
		})
	}
}

func TestMapErr(t *testing.T) {
	if err := mapErr("x", nil); err != nil {
		t.Errorf("mapErr(nil) = %v", err)
	}
	if err := mapErr("get unit X", errNoDocs()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no documents mapped to %v, want ErrNotFound", err)
	}
	if err := mapErr("insert unit X", dupKeyErr()); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate key mapped to %v, want ErrConflict", err)
	}
	other := errors.New("network down")
	if err := mapErr("list units", other); !errors.Is(err, other) || errors.Is(err, store.ErrNotFound) || !strings.HasPrefix(err.Error(), "mongo: ") {
		t.Errorf("other error mapped to %v", err)
	}
}

func TestOpenFailsClearly(t *testing.T) {
	cases := []struct {
		name, uri, want string
	}{
		{"not a MongoDB URI", "postgres://localhost/tintot", "mongodb://"},
		{"bad database name", "mongodb://localhost/a.b", "invalid database name"},
		{"bad option", "mongodb://localhost/?replicaSet=rs0&connectTimeoutMS=abc", "mongo: unable to configure client"},
		{"no server answers", "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300", "mongo: ping failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(t.Context(), c.uri)
			if err == nil {
				_ = s.Close()
				t.Fatalf("Open(%q) succeeded", c.uri)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("Open(%q) error = %v, want it to mention %q", c.uri, err, c.want)
			}
		})
	}
}
