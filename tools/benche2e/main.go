// Command benche2e measures tintot end to end, as users run it: it builds the binary,
// serves a corpus of N feeds (20 Vietnamese items each, ETag and Last-Modified, like
// shared/bench/corpus_server.py) from a server inside this process, imports N communes
// into a fresh SQLite database, and times three `tintot poll --once --force` cycles as
// separate processes under /usr/bin/time:
//
//  1. first cycle: every body is new;
//  2. all-304: the server answers 304 to the stored validators;
//  3. unchanged 200: the server sends the same bodies again without validators.
//
// It prints feeds/s, CPU time, posts written and peak RSS for each cycle, then the in-process
// BenchmarkPoll of the same machine for comparison.
//
// With -against OTHER it times first cycles of the binary and of OTHER interleaved, each
// on a fresh database, and prints their medians and ratios: a shared machine's speed
// moves during the day, so only builds timed at the same moments compare. With -python
// the corpus is served by the shared Python script instead (all-304 and first cycles;
// its validators cannot be turned off while it runs).
//
//	go run ./tools/benche2e [-feeds 2000] [-skip-inprocess]
//	go run ./tools/benche2e -bin BIN -against OLDBIN -runs 10 [-python ../shared/bench/corpus_server.py]
package main

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	units    = []string{"xã Tân Phú", "phường Bến Nghé", "xã Đông Hưng", "phường Hòa Khánh", "xã Quảng Điền", "phường Ngọc Hà", "xã Yên Thế", "thị trấn Phước Long", "xã Mường Khương", "phường Lê Lợi"}
	subjects = []string{"Đoàn viên thanh niên", "Chi đoàn thôn Đồng Tâm", "Đội hình tình nguyện", "Câu lạc bộ Thanh niên", "Bí thư Chi đoàn", "Các bạn trẻ", "Tuổi trẻ", "Hội Liên hiệp Thanh niên"}
	actions  = []string{"ra quân làm sạch đường làng", "trao tặng 50 suất quà cho học sinh nghèo", "hiến máu tình nguyện đợt hè", "sửa chữa nhà nhân ái cho cụ bà neo đơn",
		"hướng dẫn bà con cài đặt ứng dụng VNeID", "trồng 500 cây xanh ven đê", "tổ chức lớp học tiếng Anh miễn phí", "giúp nông dân thu hoạch lúa chạy lũ",
		"tuyên truyền phòng, chống ma túy", "thắp nến tri ân tại nghĩa trang liệt sĩ"}
	categories = []string{"Tin tốt", "Câu chuyện đẹp", "Hoạt động Đoàn", "Tình nguyện", "Chuyển đổi số"}
	sentences  = []string{"Hoạt động nhận được sự ủng hộ nhiệt tình của người dân địa phương.",
		"Đây là một trong những phần việc thiết thực hưởng ứng phong trào “Mỗi ngày một tin tốt”.",
		"Ban Chấp hành Đoàn đã biểu dương những tập thể, cá nhân tiêu biểu.",
		"Nhiều bạn trẻ chia sẻ niềm vui khi được góp sức xây dựng quê hương.",
		"Chương trình sẽ tiếp tục được nhân rộng trong những tháng tới."}
)

// corpus holds the feeds' bodies and validators; bare turns validators off.
type corpus struct {
	bodies  [][]byte
	etags   []string
	lastMod string
	bare    atomic.Bool
	stats   sync.Map // status → *atomic.Int64
}

func escape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

func newCorpus(n int, base string, anchor time.Time) *corpus {
	c := &corpus{lastMod: anchor.UTC().Format(http.TimeFormat)}
	for i := 0; i < n; i++ {
		rng := rand.New(rand.NewSource(int64(i*7919 + 17)))
		var b strings.Builder
		title := fmt.Sprintf("Đoàn Thanh niên %s số %d", units[i%len(units)], i)
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<rss version="2.0"><channel><title>%s</title><link>%s/site/%d/</link><description>Tin tức của %s</description><language>vi</language>`,
			escape(title), base, i, escape(title))
		for k := 0; k < 20; k++ {
			off := time.Duration(60+rng.Intn(20*86400)) * time.Second
			it := fmt.Sprintf("%s %s %s", subjects[rng.Intn(len(subjects))], units[(i+k)%len(units)], actions[rng.Intn(len(actions))])
			perm := rng.Perm(len(sentences))
			desc := "<p>" + sentences[perm[0]] + " " + sentences[perm[1]] + " " + sentences[perm[2]] + "</p>"
			fmt.Fprintf(&b, `<item><title>%s</title><link>%s/site/%d/bai-%d.html</link><guid isPermaLink="false">tintot-bench-%d-%d</guid><pubDate>%s</pubDate><category>%s</category><description>%s</description></item>`,
				escape(it), base, i, k, i, k, anchor.Add(-off).Format("Mon, 02 Jan 2006 15:04:05 -0700"), escape(categories[(i+k)%len(categories)]), escape(desc))
		}
		b.WriteString("</channel></rss>\n")
		body := []byte(b.String())
		sum := sha1.Sum(body)
		c.bodies = append(c.bodies, body)
		c.etags = append(c.etags, `"`+hex.EncodeToString(sum[:])[:20]+`"`)
	}
	return c
}

var feedPath = regexp.MustCompile(`^/feed/(\d+)\.xml$`)

func (c *corpus) count(status int) {
	v, _ := c.stats.LoadOrStore(status, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (c *corpus) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := feedPath.FindStringSubmatch(r.URL.Path)
	i := -1
	if m != nil {
		i, _ = strconv.Atoi(m[1])
	}
	if i < 0 || i >= len(c.bodies) {
		c.count(404)
		http.NotFound(w, r)
		return
	}
	if !c.bare.Load() {
		w.Header().Set("ETag", c.etags[i])
		w.Header().Set("Last-Modified", c.lastMod)
		if r.Header.Get("If-None-Match") == c.etags[i] || (r.Header.Get("If-None-Match") == "" && r.Header.Get("If-Modified-Since") == c.lastMod) {
			c.count(304)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	c.count(200)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(c.bodies[i])
}

func (c *corpus) reset() string {
	var parts []string
	c.stats.Range(func(k, v any) bool {
		parts = append(parts, fmt.Sprintf("%d:%d", k, v.(*atomic.Int64).Swap(0)))
		return true
	})
	return strings.Join(parts, " ")
}

// cycle is one timed poll.
type cycle struct {
	name            string
	feeds           int
	wall            time.Duration
	rssKiB          int64
	cpu             time.Duration // user + system time of the process
	newPosts, upd   int
	summary, served string
}

var (
	summaryRe = regexp.MustCompile(`feeds=(\d+) .*new_posts=(\d+) updated_posts=(\d+) duration=(\S+)`)
	rssRe     = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
	cpuRe     = regexp.MustCompile(`(User|System) time \(seconds\): ([0-9.]+)`)
)

func run(bin string, env []string, args ...string) (string, string, error) {
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", bin}, args...)...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func main() {
	n := flag.Int("feeds", 2000, "feeds in the corpus (one commune each)")
	skipIn := flag.Bool("skip-inprocess", false, "skip the in-process BenchmarkPoll")
	prebuilt := flag.String("bin", "", "measure this tintot binary instead of building ./cmd/tintot")
	keep := flag.Bool("keep", false, "keep the work directory (database, CSV) and print its path")
	profile := flag.String("profile", "", "write the first cycle's CPU profile to this file (TINTOT_CPUPROFILE)")
	against := flag.String("against", "", "another tintot binary: time RUNS first cycles of each, interleaved (a fresh database each), and print their medians and ratios")
	runs := flag.Int("runs", 5, "with -against: first cycles of each binary")
	python := flag.String("python", "", "serve the corpus with this script (../shared/bench/corpus_server.py) instead of the server built in")
	flag.Parse()
	work, err := os.MkdirTemp("", "tintot-bench-e2e")
	check(err)
	if *keep {
		defer fmt.Println("kept", work)
	} else {
		defer os.RemoveAll(work)
	}
	bin := *prebuilt
	if bin == "" {
		bin = filepath.Join(work, "tintot")
		fmt.Printf("building %s …\n", bin)
		build := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/tintot")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		check(build.Run())
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	base := "http://" + l.Addr().String()
	var c *corpus
	if *python != "" {
		// The script takes the port: the one just reserved, freed for it.
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		stop := startPython(*python, port, *n, base)
		defer stop()
	} else {
		c = newCorpus(*n, base, time.Now().Truncate(24*time.Hour))
		go http.Serve(l, c)
	}

	var csv strings.Builder
	csv.WriteString("code,name,kind,parent_code,emails,feeds\nTD,Thành đoàn Thử,Thành đoàn,,,\n")
	for i := 0; i < *n; i++ {
		fmt.Fprintf(&csv, "X%05d,Đoàn xã số %d,xã,TD,,%s/feed/%d.xml\n", i, i, base, i)
	}
	csvPath := filepath.Join(work, "units.csv")
	check(os.WriteFile(csvPath, []byte(csv.String()), 0o644))
	envFor := func(db string) []string {
		return append(os.Environ(), "TINTOT_DATABASE_URL=sqlite://"+filepath.Join(work, db), "TINTOT_ALLOW_PRIVATE_FEEDS=true", "TINTOT_LOG_LEVEL=warn",
			"TINTOT_LANG=en") // the summary line is parsed in its English (key=value) form
	}
	imported := func(bin, db string) []string {
		env := envFor(db)
		if out, errs, err := run(bin, env, "import", "units", csvPath); err != nil {
			fmt.Fprintln(os.Stderr, out, errs)
			check(err)
		}
		return env
	}
	if *against != "" {
		compare(bin, *against, *runs, c, imported)
		return
	}
	env := imported(bin, "tintot.db")

	var cycles []cycle
	for _, step := range []struct {
		name string
		bare bool
	}{{"first cycle", false}, {"all 304", false}, {"unchanged 200 (no validators)", true}, {"unchanged 200 again", true}} {
		if step.bare && c == nil {
			break // the script sends validators unless started --bare
		}
		cycleEnv := env
		if *profile != "" && len(cycles) == 0 {
			cycleEnv = append(append([]string(nil), env...), "TINTOT_CPUPROFILE="+*profile)
		}
		cycles = append(cycles, timedPoll(bin, cycleEnv, step.name, c, step.bare))
	}
	fmt.Printf("\nend to end, %d feeds × 20 items, %s/%s, %d CPUs (tintot poll --once --force, default settings)\n", *n, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	// CPU time (user + system) varies less than wall time on a shared machine.
	printCycles(cycles)
	if *skipIn {
		return
	}
	fmt.Println("\nin process (go test ./feeds -bench 'BenchmarkPoll$' -benchtime 1x):")
	bench := exec.Command("go", "test", "./feeds", "-run", "XXX", "-bench", "BenchmarkPoll$", "-benchtime", "1x")
	out, err := bench.CombinedOutput()
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Benchmark") {
			fmt.Println(sc.Text())
		}
	}
	check(err)
}

// timedPoll runs one `tintot poll --once --force` under /usr/bin/time. c is the corpus
// server built in (nil: the Python script), bare whether it sends no validators.
func timedPoll(bin string, env []string, name string, c *corpus, bare bool) cycle {
	if c != nil {
		c.bare.Store(bare)
		c.reset()
	}
	start := time.Now()
	out, errs, err := run(bin, env, "poll", "--once", "--force")
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintln(os.Stderr, out, errs)
		check(err)
	}
	cy := cycle{name: name, wall: wall}
	if c != nil {
		cy.served = c.reset()
	}
	if m := summaryRe.FindStringSubmatch(out + errs); m != nil {
		cy.feeds, _ = strconv.Atoi(m[1])
		cy.newPosts, _ = strconv.Atoi(m[2])
		cy.upd, _ = strconv.Atoi(m[3])
		cy.summary = m[0]
	}
	if m := rssRe.FindStringSubmatch(errs); m != nil {
		cy.rssKiB, _ = strconv.ParseInt(m[1], 10, 64)
	}
	for _, m := range cpuRe.FindAllStringSubmatch(errs, -1) {
		sec, _ := strconv.ParseFloat(m[2], 64)
		cy.cpu += time.Duration(sec * float64(time.Second))
	}
	return cy
}

func (cy cycle) rate() float64 { return float64(cy.feeds) / cy.wall.Seconds() }

func printCycles(cycles []cycle) {
	fmt.Printf("%-32s %10s %12s %10s %10s %10s %12s  %s\n", "cycle", "wall", "feeds/s", "CPU", "new posts", "updated", "peak RSS", "responses")
	for _, cy := range cycles {
		fmt.Printf("%-32s %10s %12.0f %10s %10d %10d %9.1f MiB  %s\n", cy.name, cy.wall.Round(time.Millisecond), cy.rate(),
			cy.cpu.Round(10*time.Millisecond), cy.newPosts, cy.upd, float64(cy.rssKiB)/1024, cy.served)
	}
}

// compare times runs first cycles of a and b, interleaved (a, b, a, b, …), each on a fresh
// database: on a shared machine whose speed moves during the day, only builds measured
// at the same moments compare.
func compare(a, b string, runs int, c *corpus, imported func(bin, db string) []string) {
	var ra, rb, ratios []float64
	for i := 0; i < runs; i++ {
		var pair [2]cycle
		for j, bin := range []string{a, b} {
			db := fmt.Sprintf("run%d-%d.db", i, j)
			pair[j] = timedPoll(bin, imported(bin, db), filepath.Base(bin), c, false)
		}
		fmt.Printf("run %d\n", i+1)
		printCycles(pair[:])
		ra, rb = append(ra, pair[0].rate()), append(rb, pair[1].rate())
		ratios = append(ratios, pair[0].rate()/pair[1].rate())
	}
	fmt.Printf("\nfirst cycle, %d interleaved runs: %s median %.0f feeds/s (%.0f–%.0f), %s median %.0f (%.0f–%.0f); ratio median %.2f (%.2f–%.2f)\n",
		runs, a, median(ra), slices.Min(ra), slices.Max(ra), b, median(rb), slices.Min(rb), slices.Max(rb), median(ratios), slices.Min(ratios), slices.Max(ratios))
}

func median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// startPython starts the corpus script on port and waits until it serves feed 0.
func startPython(script string, port, n int, base string) func() {
	cmd := exec.Command("python3", script, strconv.Itoa(port), strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if r, err := http.Get(base + "/feed/0.xml"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return stop
			}
		}
		if time.Now().After(deadline) {
			stop()
			check(fmt.Errorf("%s did not serve %s/feed/0.xml within 20 s", script, base))
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benche2e:", err)
		os.Exit(1)
	}
}
