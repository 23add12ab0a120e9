package campaign

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"tintot/store"
	"tintot/store/mongo"
	"tintot/store/sqlite"

	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BenchmarkReviewBackends is the weekly review of the 3,300-commune province on each
// backend, from the same generated data in one run: SQLite always, MongoDB (or FerretDB)
// when TINTOT_TEST_MONGO_URI is set. TINTOT_BENCH_REVIEW_DAYS (default 28) sets how many
// days of posts both hold: building a year on FerretDB takes hours.
func BenchmarkReviewBackends(b *testing.B) {
	days := 28
	if v := os.Getenv("TINTOT_BENCH_REVIEW_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 7 || n > benchDays {
			b.Fatalf("TINTOT_BENCH_REVIEW_DAYS=%q: want 7..%d", v, benchDays)
		}
		days = n
	}
	ctx := context.Background()
	backends := []struct {
		name string
		open func(b *testing.B) store.Store
	}{
		{"sqlite", func(b *testing.B) store.Store {
			st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "review.db"))
			if err != nil {
				b.Fatal(err)
			}
			return st
		}},
	}
	if uri := os.Getenv("TINTOT_TEST_MONGO_URI"); uri != "" {
		backends = append(backends, struct {
			name string
			open func(b *testing.B) store.Store
		}{"mongo", func(b *testing.B) store.Store {
			// TINTOT_BENCH_REVIEW_KEEP names a database kept between runs (filled once),
			// for a server slow to fill; otherwise a fresh one is dropped afterwards.
			name, keep := os.Getenv("TINTOT_BENCH_REVIEW_KEEP"), true
			if name == "" {
				name, keep = "tintot_bench_review_"+store.NewID()[:12], false
			}
			st, err := mongo.Open(ctx, withDatabase(b, uri, name))
			if err != nil {
				b.Fatal(err)
			}
			if !keep {
				b.Cleanup(func() {
					if err := dropDatabase(uri, name); err != nil {
						b.Logf("drop %s: %v", name, err)
					}
				})
			}
			return st
		}})
	}
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			st := be.open(b)
			b.Cleanup(func() { st.Close() })
			started := time.Now()
			if units, err := st.ListUnits(ctx, store.UnitFilter{}); err != nil {
				b.Fatal(err)
			} else if len(units) == 0 {
				if err := fillBench(ctx, st, days); err != nil {
					b.Fatal(err)
				}
				b.Logf("%s: %d days of posts for %d units written in %v", be.name, days, benchUnits+1, time.Since(started).Round(time.Second))
			}
			benchReview(b, benchServiceOf(st))
		})
	}
}

// withDatabase returns uri naming the database name (its path), keeping the options.
func withDatabase(b *testing.B, uri, name string) string {
	u, err := url.Parse(uri)
	if err != nil {
		b.Fatalf("TINTOT_TEST_MONGO_URI: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// dropDatabase removes a benchmark database.
func dropDatabase(uri, name string) error {
	client, err := mongodriver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background())
	return client.Database(name).Drop(context.Background())
}
