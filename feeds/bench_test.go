package feeds

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// benchFeedBody renders feed i: 20 distinct Vietnamese items, about 9 KB.
func benchFeedBody(i int) []byte {
	var b strings.Builder
	b.Grow(10 << 10)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Đoàn xã số %d</title><link>https://xa%d.example.vn/</link>`, i, i)
	base := time.Date(2026, 11, 27, 7, 0, 0, 0, models.Vietnam)
	for j := range 20 {
		fmt.Fprintf(&b, `<item><title>Tin tốt số %d của xã %d: thanh niên tình nguyện dọn vệ sinh đường làng</title>`+
			`<link>https://xa%d.example.vn/tin/%d.html</link><guid>xa%d-%d</guid><category>Tin tốt</category>`+
			`<pubDate>%s</pubDate><description><![CDATA[<p>Sáng nay, đoàn viên xã %d đã ra quân <b>dọn vệ sinh</b> và trồng cây xanh dọc tuyến đường liên thôn. #MoiNgayMotTinTot</p><img src="/anh/%d.jpg">]]></description></item>`,
			j, i, i, j, i, j, base.Add(-time.Duration(j)*time.Hour).Format(time.RFC1123Z), i, j)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// benchServer serves /f/<i>.rss; with etags it answers If-None-Match with 304.
func benchServer(tb testing.TB, etags bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/f/"), ".rss"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		etag := `"v` + strconv.Itoa(i) + `"`
		if etags {
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
		}
		w.Write(benchFeedBody(i))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchSetup creates a store holding n feeds pointing at srv.
func benchSetup(tb testing.TB, srv *httptest.Server, n int) (store.Store, []models.Feed) {
	st := newBenchStore(tb)
	ctx := context.Background()
	feeds := make([]models.Feed, 0, n)
	for i := range n {
		unit := fmt.Sprintf("XA%05d", i)
		if err := st.CreateUnit(ctx, models.Unit{Code: unit, Name: "Xã " + unit, Kind: models.UnitCommune}); err != nil {
			tb.Fatal(err)
		}
		f, err := st.CreateFeed(ctx, models.Feed{UnitCode: unit, URL: fmt.Sprintf("%s/f/%d.rss", srv.URL, i), NextCheckAt: testNow})
		if err != nil {
			tb.Fatal(err)
		}
		feeds = append(feeds, f)
	}
	return st, feeds
}

func benchPoller(st store.Store) *Poller {
	client := NewClient(ClientOptions{AllowPrivate: true, Timeout: time.Minute, UserAgent: "tintot/bench"})
	return NewPoller(st, client, kindByFeed{}, models.ClockFunc(func() time.Time { return testNow }), PollerOptions{
		Workers: 16, PerHost: 16, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

// reload returns the stored feeds (with their validators).
func reload(tb testing.TB, st store.Store, fs []models.Feed) []models.Feed {
	out := make([]models.Feed, len(fs))
	for i, f := range fs {
		g, err := st.GetFeed(context.Background(), f.ID)
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = g
	}
	return out
}

const benchFeeds = 2000

// BenchmarkPoll measures poll cycles over 2,000 feeds of 20 items on a loopback server.
func BenchmarkPoll(b *testing.B) {
	b.Run("FirstCycle", func(b *testing.B) {
		srv := benchServer(b, true)
		var total time.Duration
		for range b.N {
			b.StopTimer()
			st, fs := benchSetup(b, srv, benchFeeds)
			p := benchPoller(st)
			b.StartTimer()
			start := time.Now()
			s := p.PollFeeds(context.Background(), fs)
			total += time.Since(start)
			b.StopTimer()
			if s.OK != benchFeeds || s.NewPosts != benchFeeds*20 {
				b.Fatalf("first cycle: %s", s)
			}
			st.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(benchFeeds*b.N)/total.Seconds(), "feeds/s")
	})
	// Unchanged200 re-polls with the same poller; Unchanged200Restart uses a fresh poller
	// each cycle, as after a restart. Either way the feeds' stored body hashes tell that
	// nothing changed: no body is parsed, no post written.
	for _, c := range []struct {
		name    string
		etags   bool
		restart bool
	}{{"NotModified304", true, false}, {"Unchanged200", false, false}, {"Unchanged200Restart", false, true}} {
		b.Run(c.name, func(b *testing.B) {
			srv := benchServer(b, c.etags)
			st, fs := benchSetup(b, srv, benchFeeds)
			defer st.Close()
			p := benchPoller(st)
			if s := p.PollFeeds(context.Background(), fs); s.OK != benchFeeds {
				b.Fatalf("warm-up: %s", s)
			}
			fs = reload(b, st, fs)
			b.ResetTimer()
			for range b.N {
				if c.restart {
					p = benchPoller(st)
				}
				s := p.PollFeeds(context.Background(), fs)
				if s.Failed != 0 || s.NewPosts != 0 {
					b.Fatalf("cycle: %s", s)
				}
			}
			b.ReportMetric(float64(benchFeeds*b.N)/b.Elapsed().Seconds(), "feeds/s")
		})
	}
	b.Run("ParseOnly", func(b *testing.B) {
		bodies := make([][]byte, benchFeeds)
		var size int64
		for i := range bodies {
			bodies[i] = benchFeedBody(i)
			size += int64(len(bodies[i]))
		}
		b.SetBytes(size) // one op parses every body
		b.ResetTimer()
		n := 0
		for range b.N {
			for i, body := range bodies {
				pf, err := Parse(body, "https://xa.example.vn/f/"+strconv.Itoa(i)+".rss", testNow)
				if err != nil || len(pf.Posts) != 20 {
					b.Fatalf("parse: %v, %d posts", err, len(pf.Posts))
				}
				n++
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "feeds/s")
	})
}

// heapPeak samples HeapInuse until stop is closed.
func heapPeak(stop <-chan struct{}) func() uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak.Load() }
}

// BenchmarkPollHeap10k runs a 304 cycle and unchanged-200 cycles (with the same poller,
// and with a fresh one as after a restart) over 10,000 feeds and reports the peak heap in
// use.
func BenchmarkPollHeap10k(b *testing.B) {
	const n = 10000
	for _, c := range []struct {
		name    string
		etags   bool
		restart bool
	}{{"NotModified304", true, false}, {"Unchanged200", false, false}, {"Unchanged200Restart", false, true}} {
		b.Run(c.name, func(b *testing.B) {
			srv := benchServer(b, c.etags)
			st, fs := benchSetup(b, srv, n)
			defer st.Close()
			p := benchPoller(st)
			if s := p.PollFeeds(context.Background(), fs); s.OK != n {
				b.Fatalf("warm-up: %s", s)
			}
			fs = reload(b, st, fs)
			runtime.GC()
			stop := make(chan struct{})
			wait := heapPeak(stop)
			b.ResetTimer()
			for range b.N {
				if c.restart {
					p = benchPoller(st)
				}
				if s := p.PollFeeds(context.Background(), fs); s.Failed != 0 {
					b.Fatalf("cycle: %s", s)
				}
			}
			b.StopTimer()
			close(stop)
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "feeds/s")
			b.ReportMetric(float64(wait())/(1<<20), "peak-heap-MB")
		})
	}
}

// hugeFeeds is how many 100,000-item feeds BenchmarkPollHeapHuge polls at once (one per
// worker).
const hugeFeeds = 16

// BenchmarkParseHeapHuge parses a feed of 100,000 items (about 10 MB, under the default
// body cap) and reports the peak heap in use, the body included.
func BenchmarkParseHeapHuge(b *testing.B) {
	body := hugeFeedBody(100000, 1)
	runtime.GC()
	stop := make(chan struct{})
	wait := heapPeak(stop)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for range b.N {
		pf, err := Parse(body, "https://xa1.example.vn/rss", testNow)
		if err != nil || len(pf.Posts) > DefaultMaxItems {
			b.Fatalf("parse: %v, %d posts", err, len(pf.Posts))
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(wait())/(1<<20), "peak-heap-MB")
}

// BenchmarkPollHeapHuge polls 16 feeds of 100,000 items each beside 200 normal feeds with
// 16 workers, and reports the peak heap in use.
func BenchmarkPollHeapHuge(b *testing.B) {
	// The server writes the huge feeds as it goes, so its own memory is not counted.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/huge/%d.rss", &i); err == nil {
			writeHugeFeed(w, 100000, i)
			return
		}
		if _, err := fmt.Sscanf(r.URL.Path, "/f/%d.rss", &i); err == nil {
			w.Write(benchFeedBody(i))
			return
		}
		http.NotFound(w, r)
	}))
	b.Cleanup(srv.Close)
	const normal = 200
	var total time.Duration
	var peak uint64
	for range b.N {
		b.StopTimer()
		st, fs := benchSetup(b, srv, normal)
		for i := range hugeFeeds {
			unit := fmt.Sprintf("LON%02d", i)
			if err := st.CreateUnit(context.Background(), models.Unit{Code: unit, Name: "Xã " + unit, Kind: models.UnitCommune}); err != nil {
				b.Fatal(err)
			}
			f, err := st.CreateFeed(context.Background(), models.Feed{UnitCode: unit, URL: fmt.Sprintf("%s/huge/%d.rss", srv.URL, i), NextCheckAt: testNow})
			if err != nil {
				b.Fatal(err)
			}
			fs = append([]models.Feed{f}, fs...) // the huge ones first, all at once
		}
		// The body cap of the default configuration (TINTOT_MAX_BODY_BYTES).
		client := NewClient(ClientOptions{AllowPrivate: true, Timeout: time.Minute, UserAgent: "tintot/bench", MaxBodyBytes: 10 << 20})
		p := NewPoller(st, client, kindByFeed{}, models.ClockFunc(func() time.Time { return testNow }), PollerOptions{
			Workers: 16, PerHost: 16, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		runtime.GC()
		stop := make(chan struct{})
		wait := heapPeak(stop)
		b.StartTimer()
		start := time.Now()
		s := p.PollFeeds(context.Background(), fs)
		total += time.Since(start)
		b.StopTimer()
		close(stop)
		peak = max(peak, wait())
		if s.OK != normal+hugeFeeds || s.NewPosts != normal*20+hugeFeeds*DefaultMaxItems {
			b.Fatalf("poll: %s", s)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(normal+hugeFeeds)*float64(b.N)/total.Seconds(), "feeds/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
