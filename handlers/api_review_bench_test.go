package handlers

import (
	"context"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"tintot/campaign"
	"tintot/internal/synth"
	"tintot/models"
	"tintot/quota"
)

// seedLargeProvince puts n communes under P (see synth.Write) with posts for the days
// before testNow.
func seedLargeProvince(b *testing.B, e *testEnv, n, days int) {
	b.Helper()
	ctx := context.Background()
	p, err := e.st.GetUnit(ctx, "P")
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.Write(ctx, e.st, synth.Province{Parent: p, Communes: n, CodeWidth: 4, Days: days, Now: testNow}); err != nil {
		b.Fatal(err)
	}
}

// latencies reports the p50 and p95 of ds in milliseconds.
func latencies(b *testing.B, ds []time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	if len(ds) == 0 {
		return
	}
	q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50_ms")
	b.ReportMetric(q(0.95), "p95_ms")
}

// BenchmarkReviewAPI8000 is the review API of a province of 8,000 communes with three
// weeks of posts:
//   - page: one page (100 rows, a search or a filter on some), as a reviewer paging
//     through the listing gets it;
//   - review: the computation a page is cut from when none is held (the campaign
//     service's review, every row);
//   - clients8: eight reviewers asking pages at once; heap_MiB is the Go heap in use
//     after they are done, the in-process stand-in for the RSS tools/benchreview
//     measures on the real binary.
func BenchmarkReviewAPI8000(b *testing.B) {
	e := newEnv(b, withCampaign)
	started := time.Now()
	seedLargeProvince(b, e, 8000, 21)
	b.Logf("seeded in %v", time.Since(started).Round(time.Second))
	queries := []string{"", "&offset=100", "&sort=name&offset=4000", "&status=short", "&q=xa+so+12", "&feed=broken", "&sort=streak&limit=50"}
	get := func(b *testing.B, i int) time.Duration {
		start := time.Now()
		resp, body := e.as("reviewerP", request("GET", "/api/v1/review?week=2026-W48"+queries[i%len(queries)], nil))
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d %.200s", resp.StatusCode, body)
		}
		return time.Since(start)
	}
	b.Run("page", func(b *testing.B) {
		var ds []time.Duration
		for i := 0; b.Loop(); i++ {
			ds = append(ds, get(b, i))
		}
		latencies(b, ds)
	})
	b.Run("review", func(b *testing.B) {
		svc := &campaign.Service{Store: e.st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: models.Vietnam}, Clock: e.clock}
		var ds []time.Duration
		for b.Loop() {
			start := time.Now()
			r, err := svc.Review(context.Background(), "2026-W48", "P")
			if err != nil || len(r.Rows) != 8003 {
				b.Fatalf("review: %d rows, %v", len(r.Rows), err)
			}
			ds = append(ds, time.Since(start))
		}
		latencies(b, ds)
	})
	b.Run("clients8", func(b *testing.B) {
		var mu sync.Mutex
		var ds []time.Duration
		b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			var mine []time.Duration
			for i := 0; pb.Next(); i++ {
				mine = append(mine, get(b, i))
			}
			mu.Lock()
			ds = append(ds, mine...)
			mu.Unlock()
		})
		latencies(b, ds)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap_MiB")
	})
}
