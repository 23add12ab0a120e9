package mongo

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"tintot/store"
	"tintot/store/storetest"
)

// TestTagBackfill opens a database whose posts were stored before posts had hashtag
// terms: the start-up records them.
func TestTagBackfill(t *testing.T) {
	uri := testURI(t)
	var name string
	fresh := func(t *testing.T) store.Store {
		s := openTestStore(t)
		name = s.db.Name()
		return s
	}
	forget := func(t *testing.T, st store.Store) {
		s := st.(*Store)
		res, err := s.col(colPosts).UpdateMany(t.Context(), bson.D{}, bson.D{{Key: "$unset", Value: bson.D{{Key: "tags", Value: ""}}}})
		if err != nil || res.ModifiedCount == 0 {
			t.Fatalf("remove the posts' terms: %+v, %v", res, err)
		}
		if _, err := s.col(colSettings).DeleteOne(t.Context(), bson.D{{Key: "_id", Value: tagsBackfilledSetting}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	reopen := func(t *testing.T) store.Store {
		s, err := openDatabase(t.Context(), uri, name)
		if err != nil {
			t.Fatalf("open %s again: %v", name, err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	storetest.TagBackfill(t, fresh, forget, reopen)

	// Once done, a start-up looks at recent posts only: one an instance of an earlier
	// version wrote without terms gets them; an old one is left (the full pass is over).
	s := reopen(t).(*Store)
	if _, err := s.GetSetting(t.Context(), tagsBackfilledSetting); err != nil {
		t.Fatalf("backfill not recorded as done: %v", err)
	}
	for _, d := range []bson.D{
		{{Key: "_id", Value: "recent"}, {Key: "unit_code", Value: "XA"}, {Key: "item_key", Value: "recent"}, {Key: "title", Value: "#MùaHèXanh"},
			{Key: "published_at", Value: now().Add(-time.Hour)}, {Key: "local_day", Value: "2026-07-15"}},
		{{Key: "_id", Value: "old"}, {Key: "unit_code", Value: "XA"}, {Key: "item_key", Value: "old"}, {Key: "title", Value: "#MùaHèXanh"},
			{Key: "published_at", Value: now().Add(-tagsRecheck - time.Hour)}, {Key: "local_day", Value: "2026-07-16"}},
	} {
		if _, err := s.col(colPosts).InsertOne(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = reopen(t).(*Store)
	for id, want := range map[string]bool{"recent": true, "old": false} {
		n, err := s.col(colPosts).CountDocuments(t.Context(), bson.D{{Key: "_id", Value: id}, {Key: "tags", Value: "muahexanh"}})
		if err != nil || (n == 1) != want {
			t.Errorf("post %s has its terms: %v (%v), want %v", id, n == 1, err, want)
		}
	}
}
