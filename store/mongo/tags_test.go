package mongo

import (
	"testing"

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
		n, err := s.col(colPosts).CountDocuments(t.Context(), bson.D{{Key: "tags", Value: bson.D{{Key: "$exists", Value: false}}}})
		if err != nil || n != 0 {
			t.Errorf("posts without terms after start-up: %d, %v", n, err)
		}
		return s
	}
	storetest.TagBackfill(t, fresh, forget, reopen)
}
