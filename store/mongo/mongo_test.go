package mongo

import (
	"context"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/store"
	"tintot/store/storetest"
)

// TestContract runs the shared store contract suite against a real MongoDB replica set,
// each subtest on its own database, dropped afterwards.
func TestContract(t *testing.T) {
	uri := os.Getenv("TINTOT_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("set TINTOT_TEST_MONGO_URI=mongodb://localhost:27017/?replicaSet=rs0 to run the MongoDB contract suite")
	}
	admin, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("configure MongoDB client: %v", err)
	}
	t.Cleanup(func() { _ = admin.Disconnect(context.Background()) })
	storetest.Run(t, func(t *testing.T) store.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		name := "tintot_test_" + store.NewID()[:16]
		s, err := openDatabase(ctx, uri, name)
		if err != nil {
			t.Fatalf("open MongoDB database %s: %v", name, err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = s.Close() // the suite may already have closed it
			if err := admin.Database(name).Drop(ctx); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		})
		return s
	})
}
