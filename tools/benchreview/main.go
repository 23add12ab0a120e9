// Command benchreview measures the weekly review API as users run it: it builds the
// binary, generates (once, cached in the temporary directory) a SQLite database with a
// province of N communes and three weeks of posts up to today, starts `tintot serve` on
// it, and has one client, then C clients at once, page through GET /api/v1/review of the
// province for a while. It prints the latency of a page (p50, p95) for each and the
// server's resident memory (peak VmHWM and the highest VmRSS sampled), read from
// /proc.
//
//	go run ./tools/benchreview [-communes 8000] [-clients 8] [-duration 20s] [-limit 100] [-gomemlimit 64MiB]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tintot/internal/synth"
	"tintot/models"
	"tintot/store/sqlite"
)

const token = "benchreview-token-0123456789abcdef"

func main() {
	communes := flag.Int("communes", 8000, "communes under the province")
	clients := flag.Int("clients", 8, "concurrent clients in the second run")
	duration := flag.Duration("duration", 20*time.Second, "length of each run")
	limit := flag.Int("limit", 100, "rows per page")
	memLimit := flag.String("gomemlimit", "", "GOMEMLIMIT of the server (e.g. 96MiB; empty: the Go default)")
	gcPercent := flag.String("gc-percent", "", "TINTOT_GC_PERCENT of the server (empty: tintot's default)")
	flag.Parse()
	if err := run(*communes, *clients, *duration, *limit, *memLimit, *gcPercent); err != nil {
		fmt.Fprintln(os.Stderr, "benchreview:", err)
		os.Exit(1)
	}
}

func run(communes, clients int, duration time.Duration, limit int, memLimit, gcPercent string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "benchreview-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "tintot")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/tintot")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	today := models.LocalDay(time.Now(), models.Vietnam)
	db := filepath.Join(os.TempDir(), fmt.Sprintf("tintot-benchreview-%d-%s.db", communes, today))
	if _, err := os.Stat(db); err != nil {
		started := time.Now()
		if err := generate(ctx, db+".building", communes); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		if err := os.Rename(db+".building", db); err != nil {
			return err
		}
		fmt.Printf("generated %s in %v\n", db, time.Since(started).Round(time.Second))
	}
	// A copy, so the server's writes (sessions, the admin) never touch the cached file.
	work := filepath.Join(dir, "tintot.db")
	if err := copyFile(db, work); err != nil {
		return err
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	serve := exec.Command(bin, "serve")
	serve.Env = append(os.Environ(), "TINTOT_DATABASE_URL=sqlite://"+work, "TINTOT_ADDR="+addr, "TINTOT_ADMIN_TOKEN="+token,
		"TINTOT_ADMIN_PASSWORD=benchreview-password", "TINTOT_LOG_LEVEL=warn")
	if memLimit != "" {
		serve.Env = append(serve.Env, "GOMEMLIMIT="+memLimit)
	}
	if gcPercent != "" {
		serve.Env = append(serve.Env, "TINTOT_GC_PERCENT="+gcPercent)
	}
	serve.Stdout, serve.Stderr = logf, logf
	if err := serve.Start(); err != nil {
		return err
	}
	defer func() {
		serve.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { serve.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			serve.Process.Kill()
		}
	}()
	base := "http://" + addr
	if err := waitReady(base); err != nil {
		b, _ := os.ReadFile(logf.Name())
		return fmt.Errorf("%w\n%s", err, b)
	}
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	pid := serve.Process.Pid
	var loadavg string
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		loadavg = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), load average %s; %d communes, pages of %d rows, server GOMEMLIMIT %q\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), loadavg, communes, limit, memLimit)

	first := time.Now()
	total, err := page(client, base, 0, limit, "")
	if err != nil {
		return err
	}
	fmt.Printf("first page (the review computed): %v, %d rows in the review\n", time.Since(first).Round(time.Millisecond), total)
	rss0, _ := memory(pid)
	fmt.Printf("server RSS after the first page: %d MiB\n", rss0>>20)
	for _, n := range []int{1, clients} {
		ds, bytes, peak, err := load(client, base, pid, n, duration, limit, total)
		if err != nil {
			return err
		}
		hwm := peakHWM(pid)
		fmt.Printf("%d client(s), %v: %d pages, p50 %.1f ms, p95 %.1f ms, %.0f KiB a page; server RSS peak sampled %d MiB, VmHWM %d MiB\n",
			n, duration, len(ds), pct(ds, 0.50), pct(ds, 0.95), float64(bytes)/float64(max(1, len(ds)))/1024, peak>>20, hwm>>20)
	}
	return nil
}

// queries are the views the clients ask for, with the page's offset added.
var queries = []string{"", "&sort=name", "&status=short", "&sort=streak", "&feed=broken", "&q=xa+so+1"}

// load has n clients page through the review for d and returns the latencies, the bytes
// read and the highest RSS sampled.
func load(client *http.Client, base string, pid, n int, d time.Duration, limit, total int) ([]time.Duration, int64, int64, error) {
	var (
		mu    sync.Mutex
		all   []time.Duration
		bytes atomic.Int64
		peak  atomic.Int64
		errs  = make(chan error, n)
		stop  = time.Now().Add(d)
		wg    sync.WaitGroup
	)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if rss, err := memory(pid); err == nil && rss > peak.Load() {
					peak.Store(rss)
				}
			}
		}
	}()
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(c), 7))
			var mine []time.Duration
			for time.Now().Before(stop) {
				offset := r.IntN(max(1, total/limit)) * limit
				start := time.Now()
				nb, err := fetch(client, fmt.Sprintf("%s/api/v1/review?parent=P&limit=%d&offset=%d%s", base, limit, offset, queries[r.IntN(len(queries))]))
				if err != nil {
					errs <- err
					return
				}
				mine = append(mine, time.Since(start))
				bytes.Add(nb)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(done)
	select {
	case err := <-errs:
		return nil, 0, 0, err
	default:
	}
	return all, bytes.Load(), peak.Load(), nil
}

// page reads one page and returns the review's total.
func page(client *http.Client, base string, offset, limit int, query string) (int, error) {
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/review?parent=P&limit=%d&offset=%d%s", base, limit, offset, query), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var ans struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return 0, fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
	}
	err = json.NewDecoder(resp.Body).Decode(&ans)
	return ans.Total, err
}

// fetch reads a URL as the admin and returns the body's size.
func fetch(client *http.Client, url string) (int64, error) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return n, err
}

func waitReady(base string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("the server did not become ready")
}

// memory returns the process's resident set size in bytes.
func memory(pid int) (int64, error) { return procStatus(pid, "VmRSS:") }

// peakHWM returns the process's peak resident set size in bytes.
func peakHWM(pid int) int64 {
	n, _ := procStatus(pid, "VmHWM:")
	return n
}

func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field) {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, err := strconv.ParseInt(f[1], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func pct(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// generate writes a province P of n communes, each with a feed read for a year and
// checked next in a year (the server polls none of them), 1% broken, and 0–3 posts a day
// for the three weeks up to now.
func generate(ctx context.Context, path string, n int) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	created := now.AddDate(-1, 0, 0)
	return synth.Write(ctx, st, synth.Province{
		Parent:   models.Unit{Code: "P", Name: "Tỉnh đoàn Thử nghiệm", Kind: models.UnitProvince, CreatedAt: created, UpdatedAt: created},
		Communes: n, CodeWidth: 5, Days: 21, Now: now,
		NextCheck: now.AddDate(1, 0, 0), // the server polls none of them
	})
}
