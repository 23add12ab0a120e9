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

// testURI returns the server the tests that need one run against, or skips.
func testURI(t *testing.T) string {
	t.Helper()
	uri := os.Getenv("TINTOT_TEST_MONGO_URI")
	if uri == "" {
		t.Skip("set TINTOT_TEST_MONGO_URI (a standalone mongod, a replica set or FerretDB, e.g. mongodb://localhost:27017/) to run the MongoDB tests")
	}
	return uri
}

// openTestStore opens a fresh database on the test server, dropped after the test.
func openTestStore(t *testing.T) *Store {
	t.Helper()
	uri := testURI(t)
	admin, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Fatalf("configure MongoDB client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "tintot_test_" + store.NewID()[:16]
	s, err := openDatabase(ctx, uri, name)
	if err != nil {
		_ = admin.Disconnect(context.Background())
		t.Fatalf("open MongoDB database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Close() // the test may already have closed it
		if err := admin.Database(name).Drop(ctx); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		_ = admin.Disconnect(context.Background())
	})
	return s
}

// TestContract runs the shared store contract suite against the server in
// TINTOT_TEST_MONGO_URI, each subtest on its own database, dropped afterwards.
func TestContract(t *testing.T) {
	testURI(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openTestStore(t) })
}
