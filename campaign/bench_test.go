package campaign

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/quota"
	"tintot/store"
	"tintot/store/sqlite"
)

// Benchmark data set: one province, 3,300 communes under it, one year of posts (~3
// a day each, ~3.6 million, one in 40 with a trend's hashtag written one of several
// ways), a few feeds in outage. Built once and cached under os.TempDir(); bump
// benchVersion when the generator or the schema changes.
const (
	benchVersion = "v6"
	benchUnits   = 3300
	benchDays    = 365
)

// benchNow is a Friday afternoon: the week is open, so reviews have at-risk days.
var benchNow = time.Date(2026, 11, 27, 15, 0, 0, 0, models.Vietnam)

func benchCode(i int) string { return fmt.Sprintf("xa-%04d", i) }

// benchStore opens the cached benchmark database, building it first if needed.
func benchStore(b *testing.B) store.Store { return benchStoreT(b) }

func benchStoreT(b testing.TB) store.Store {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "tintot-bench-campaign-"+benchVersion+".db")
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		started := time.Now()
		if err := buildBenchDB(ctx, tmp); err != nil {
			b.Fatalf("build benchmark database: %v", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", path, time.Since(started).Round(time.Second))
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func buildBenchDB(ctx context.Context, path string) error {
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	return fillBench(ctx, st, benchDays)
}

// fillBench writes the benchmark data set (days of posts up to benchNow) into st.
func fillBench(ctx context.Context, st store.Store, days int) error {
	created := benchNow.AddDate(-2, 0, 0)
	entries := []store.RegistryEntry{{Unit: models.Unit{Code: "tinh", Name: "Tỉnh đoàn Thử nghiệm", Kind: models.UnitProvince, CreatedAt: created, UpdatedAt: created},
		FeedURLs: []string{"https://tinh.example.vn/feed.xml"}}}
	for i := 0; i < benchUnits; i++ {
		code := benchCode(i)
		entries = append(entries, store.RegistryEntry{
			Unit:     models.Unit{Code: code, Name: "Đoàn xã số " + code[3:], Kind: models.UnitCommune, ParentCode: "tinh", CreatedAt: created, UpdatedAt: created},
			FeedURLs: []string{"https://" + code + ".example.vn/feed.xml"},
		})
	}
	if _, err := st.ApplyRegistry(ctx, entries); err != nil {
		return err
	}
	feeds, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return err
	}
	feedOf := map[string]string{}
	lastRead, downSince := benchNow.Add(-20*time.Minute), benchNow.AddDate(0, 0, -4)
	for i := range feeds {
		feedOf[feeds[i].UnitCode] = feeds[i].ID
		feeds[i].FirstReadAt, feeds[i].CoveredFrom = &created, &created // read for two years
		feeds[i].LastSuccessAt = &lastRead                              // and polled as usual
		if n, err := strconv.Atoi(strings.TrimPrefix(feeds[i].UnitCode, "xa-")); err == nil && n%100 == 0 {
			feeds[i].LastSuccessAt = &downSince // the 1% in outage below
		}
	}
	if err := st.UpdateFeeds(ctx, feeds); err != nil {
		return err
	}
	// 1% of the feeds have been down since Monday.
	for i := 0; i < benchUnits; i += 100 {
		code := benchCode(i)
		if err := st.OpenOutage(ctx, models.FeedOutage{FeedID: feedOf[code], UnitCode: code, From: benchNow.AddDate(0, 0, -4), Reason: "HTTP 503"}); err != nil {
			return err
		}
	}
	r := rand.New(rand.NewPCG(2026, 48))
	kindOf := func() models.Kind {
		switch x := r.IntN(100); {
		case x < 55:
			return models.KindGoodNews
		case x < 70:
			return models.KindStory
		case x < 75:
			return models.KindIdeology
		}
		return models.KindOther
	}
	// Trend hashtags come from their own generator, so the posts are otherwise those of
	// earlier versions of the data set.
	rt := rand.New(rand.NewPCG(2026, 49))
	tagged := []string{" #XanhHóaQuêHương", " #xanh_hoa_que_huong", " #MùaHèXanh 2026", " #Xanh hóa quê hương nhé", " #XanhHoa", " #TinTot"}
	first := benchNow.AddDate(0, 0, -days+1)
	batch := make([]models.Post, 0, 5000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := st.UpsertPosts(ctx, batch)
		batch = batch[:0]
		return err
	}
	for d := 0; d < days; d++ {
		day := time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, models.Vietnam)
		key := day.Format(models.DayLayout)
		for u := -1; u < benchUnits; u++ {
			code := "tinh"
			if u >= 0 {
				code = benchCode(u)
			}
			n := r.IntN(7) // 0..6, three a day on average
			for j := 0; j < n; j++ {
				pub := day.Add(time.Duration(6*3600+r.IntN(17*3600)) * time.Second)
				if pub.After(benchNow) {
					continue
				}
				title := "Tin " + key
				if rt.IntN(40) == 0 {
					title += tagged[rt.IntN(len(tagged))]
				}
				batch = append(batch, models.Post{
					UnitCode: code, FeedID: feedOf[code], ItemKey: fmt.Sprintf("%s/%d", key, j), Source: models.SourceFeed,
					Title: title, PublishedAt: pub, LocalDay: key, FirstSeenAt: pub.Add(20 * time.Minute),
					RuleKind: kindOf(), RuleReason: "hashtag", UpdatedAt: pub,
				})
				if len(batch) == cap(batch) {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
	}
	return flush()
}

// reportLatency runs op b.N times and reports p50 and p95 in milliseconds.
func reportLatency(b *testing.B, op func(i int) error) {
	b.Helper()
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(start))
		i++
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	q := func(p float64) float64 {
		return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50_ms")
	b.ReportMetric(q(0.95), "p95_ms")
}

func benchService(b *testing.B) *Service { return benchServiceOf(benchStore(b)) }

// benchServiceOf is the benchmarks' service on st, at benchNow.
func benchServiceOf(st store.Store) *Service {
	return &Service{Store: st, Engine: quota.NewEngine(quota.DefaultPolicy()), Clock: models.ClockFunc(func() time.Time { return benchNow })}
}

// BenchmarkReview is the weekly review of a province with 3,300 communes (goal: p95 ≤ 50 ms).
func BenchmarkReview(b *testing.B) { benchReview(b, benchService(b)) }

// benchReview checks that svc reviews the whole benchmark province, then reports the
// latency of its reviews.
func benchReview(b *testing.B, svc *Service) {
	ctx := context.Background()
	r, err := svc.Review(ctx, "", "tinh")
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Rows) != benchUnits+1 {
		b.Fatalf("review has %d rows, want %d", len(r.Rows), benchUnits+1)
	}
	reportLatency(b, func(int) error {
		_, err := svc.Review(ctx, "", "tinh")
		return err
	})
}

// BenchmarkUnitStatus is one commune's status page (goal: p95 < 10 ms).
func BenchmarkUnitStatus(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	reportLatency(b, func(i int) error {
		_, err := svc.UnitStatus(ctx, benchCode(i*7919%benchUnits), "")
		return err
	})
}

// BenchmarkCloseDay closes yesterday for every unit (evaluations upserted).
func BenchmarkCloseDay(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	reportLatency(b, func(int) error {
		_, _, err := svc.CloseDay(ctx, "2026-11-26")
		return err
	})
}

// BenchmarkPeriodReportYear is the yearly report of a province with 3,300 communes and a
// year of posts: every day and week of every unit evaluated.
func BenchmarkPeriodReportYear(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	year := benchNow.In(models.Vietnam).Format("2006")
	r, err := svc.PeriodReport(ctx, "tinh", year+"-01-01", year+"-12-31")
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Rows) != benchUnits+1 || r.Total.Days.Met == 0 {
		b.Fatalf("report has %d rows and %d days met", len(r.Rows), r.Total.Days.Met)
	}
	reportLatency(b, func(int) error {
		_, err := svc.PeriodReport(ctx, "tinh", year+"-01-01", year+"-12-31")
		return err
	})
}

// BenchmarkChannelCoverage is the coverage count the weekly review adds, for a province
// with 3,300 communes.
func BenchmarkChannelCoverage(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	c, err := svc.ChannelCoverage(ctx, "tinh")
	if err != nil {
		b.Fatal(err)
	}
	if c.Units != benchUnits {
		b.Fatalf("coverage counts %d units, want %d", c.Units, benchUnits)
	}
	reportLatency(b, func(int) error {
		_, err := svc.ChannelCoverage(ctx, "tinh")
		return err
	})
}
