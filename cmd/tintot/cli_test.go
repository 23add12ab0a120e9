package main

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tintot/classify"
	"tintot/config"
	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

// The CLI tests run the commands in process (run), on a fresh SQLite database, against
// fixture sites served by httptest.

// cli is a database and the environment of the commands run on it.
type cli struct {
	t   *testing.T
	db  string
	env map[string]string
}

func newCLI(t *testing.T, extra ...string) *cli {
	t.Helper()
	db := filepath.Join(t.TempDir(), "tintot.db")
	c := &cli{t: t, db: db, env: map[string]string{
		"TINTOT_DATABASE_URL":        "sqlite://" + db,
		"TINTOT_ALLOW_PRIVATE_FEEDS": "true",
		"TINTOT_FETCH_TIMEOUT":       "5s",
		"TINTOT_CONNECT_TIMEOUT":     "2s",
	}}
	for i := 0; i+1 < len(extra); i += 2 {
		c.env[extra[i]] = extra[i+1]
	}
	return c
}

// run runs one command and returns its exit code, stdout and stderr.
func (c *cli) run(args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	rc := run(context.Background(), args, func(k string) string { return c.env[k] }, &out, &errb)
	return rc, out.String(), errb.String()
}

// file writes a CSV file and returns its path.
func (c *cli) file(content string) string {
	c.t.Helper()
	p := filepath.Join(c.t.TempDir(), "units.csv")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// feedsOf returns the stored feed addresses of a unit.
func (c *cli) feedsOf(code string) []string {
	c.t.Helper()
	st, err := sqlite.Open(context.Background(), c.db)
	if err != nil {
		c.t.Fatal(err)
	}
	defer st.Close()
	fs, err := st.ListFeeds(context.Background(), store.FeedFilter{UnitCode: code})
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.URL)
	}
	slices.Sort(out)
	return out
}

// communeSites serves /ok.rss (a feed), /hong.rss (a 404), /xa-a/ (a page declaring
// /xa-a/rss.xml) and /xa-b/ (a page without a feed).
func communeSites(t *testing.T) *httptest.Server {
	t.Helper()
	rss := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Xã</title>` +
		`<item><title>Hiến máu #MoiNgayMotTinTot</title><link>https://xa.example.vn/1</link><guid>1</guid><pubDate>Fri, 27 Nov 2026 07:30:00 +0700</pubDate></item></channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.rss", "/xa-a/rss.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, rss)
		case "/xa-a/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Xã A</title><link rel="alternate" type="application/rss+xml" href="rss.xml"></head><body></body></html>`)
		case "/xa-b/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Xã B</title></head><body></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func mustRun(t *testing.T, c *cli, args ...string) string {
	t.Helper()
	rc, out, errs := c.run(args...)
	if rc != 0 {
		t.Fatalf("tintot %s: exit %d\n%s%s", strings.Join(args, " "), rc, out, errs)
	}
	return out
}

// TestPollOnceListsFailedFeeds: poll --once names each failed feed (unit, address, the
// Vietnamese reason) before the summary, and exits 0 when a feed was read.
func TestPollOnceListsFailedFeeds(t *testing.T) {
	srv := communeSites(t)
	c := newCLI(t)
	mustRun(t, c, "import", "units", c.file("code,name,kind,parent_code,emails,feeds\n"+
		"TD,Thành đoàn,Thành đoàn,,,\n"+
		"X1,Đoàn xã Một,xã,TD,,"+srv.URL+"/ok.rss\n"+
		"X2,Đoàn xã Hai,xã,TD,,"+srv.URL+"/hong.rss\n"))
	rc, out, errs := c.run("poll", "--once")
	if rc != 0 {
		t.Fatalf("exit %d with a feed read\n%s%s", rc, out, errs)
	}
	line := regexp.MustCompile(`(?m)^X2\s+` + regexp.QuoteMeta(srv.URL+"/hong.rss") + `\s+Không tìm thấy trang tin \(lỗi 404\)$`)
	loc := line.FindStringIndex(out)
	sum := strings.Index(out, "Đã đọc 2 nguồn tin: 1 đọc được, 0 không đổi, 1 lỗi; 1 bài mới")
	if loc == nil || sum < 0 || loc[0] > sum {
		t.Fatalf("output lacks the failed feed before the summary:\n%s", out)
	}
	if strings.Contains(out, "/ok.rss") {
		t.Errorf("a feed that was read is listed as failed:\n%s", out)
	}
}

// TestPollOnceExitsNonZeroWhenEveryFeedFailed: every due feed failing is a failure of the
// command; none due is not.
func TestPollOnceExitsNonZeroWhenEveryFeedFailed(t *testing.T) {
	srv := communeSites(t)
	c := newCLI(t)
	mustRun(t, c, "import", "units", c.file("code,name,kind,parent_code,emails,feeds\n"+
		"X2,Đoàn xã Hai,xã,,,"+srv.URL+"/hong.rss\n"))
	rc, out, errs := c.run("poll", "--once")
	if rc == 0 || !strings.Contains(out, "X2") || !strings.Contains(errs, "tintot: poll: cả 1 nguồn tin đều lỗi") {
		t.Fatalf("exit %d, want non-zero with the failure listed and explained\n%s%s", rc, out, errs)
	}
	rc, out, errs = c.run("poll", "--once")
	if rc != 0 || !strings.Contains(out, "Không có nguồn tin nào đến hạn đọc.") {
		t.Fatalf("nothing due: exit %d\n%s%s", rc, out, errs)
	}
	rc, out, errs = c.run("--lang", "en", "poll", "--once", "--force")
	if rc == 0 || !strings.Contains(out, "feeds=1 ok=0 not_modified=0 failed=1") || !strings.Contains(out, "404 Not Found") ||
		!strings.Contains(errs, "tintot: poll: all 1 feeds failed") {
		t.Fatalf("English: exit %d\n%s%s", rc, out, errs)
	}
}

// TestImportCheckReplacesPageAddresses: import --check shows its progress, stores the feed
// found behind a page's address, and says what it replaced.
func TestImportCheckReplacesPageAddresses(t *testing.T) {
	srv := communeSites(t)
	c := newCLI(t)
	rc, out, errs := c.run("import", "units", c.file("code,name,kind,parent_code,emails,feeds\n"+
		"TD,Thành đoàn,Thành đoàn,,,\n"+
		"XA,Đoàn xã A,xã,TD,,"+srv.URL+"/xa-a/\n"+
		"X1,Đoàn xã Một,xã,TD,,"+srv.URL+"/ok.rss\n"), "--check")
	if rc != 0 {
		t.Fatalf("exit %d\n%s%s", rc, out, errs)
	}
	for _, want := range []string{"Đang kiểm tra 1/2: http", "Đang kiểm tra 2/2: http"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if want := "dòng 3 (mã XA): " + srv.URL + "/xa-a/ → nguồn tin " + srv.URL + "/xa-a/rss.xml (thẻ link rel=alternate của trang)"; !strings.Contains(out, want) {
		t.Errorf("stdout lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "Đã nhập 3 đơn vị") || !strings.Contains(out, "Đã kiểm tra 2 địa chỉ nguồn tin, thay 1 địa chỉ trang") {
		t.Errorf("summary:\n%s", out)
	}
	if got := c.feedsOf("XA"); !slices.Equal(got, []string{srv.URL + "/xa-a/rss.xml"}) {
		t.Errorf("XA feeds %v, want the discovered feed", got)
	}
}

// TestImportCheckReportsEveryError: import --check reports every error of every row with
// its line (addresses without a feed among them) and writes nothing; without --check the
// addresses are not opened, and every error of a row is still reported.
func TestImportCheckReportsEveryError(t *testing.T) {
	srv := communeSites(t)
	c := newCLI(t)
	path := c.file("code,name,kind,parent_code,emails,feeds\n" +
		"TD,Thành đoàn,Thành đoàn,,,\n" +
		"XA,Đoàn xã A,xã,TD,sai-email,\"" + srv.URL + "/hong.rss;" + srv.URL + "/xa-b/\"\n" +
		"XB,Đoàn xã B,thôn,TD,,\n")
	rc, out, errs := c.run("import", "units", path, "--check")
	if rc == 0 {
		t.Fatalf("a file with errors was accepted\n%s%s", out, errs)
	}
	for _, want := range []string{
		"dòng 3 (mã XA), cột emails: e-mail \"sai-email\" không hợp lệ",
		"dòng 3 (mã XA), cột feeds: không tìm thấy nguồn tin ở \"" + srv.URL + "/hong.rss\": Không mở được địa chỉ này: không tìm thấy trang tin (lỗi 404)",
		"dòng 3 (mã XA), cột feeds: không tìm thấy nguồn tin ở \"" + srv.URL + "/xa-b/\": Trang web này không khai báo nguồn tin",
		"dòng 4 (mã XB), cột kind: loại đơn vị \"thôn\" không hợp lệ",
		"tintot: import: 4 lỗi ở 2 dòng, tệp bị từ chối, không có thay đổi nào được ghi",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if got := c.feedsOf("XA"); len(got) != 0 {
		t.Errorf("feeds written from a rejected file: %v", got)
	}
	rc, _, errs = c.run("import", "units", path)
	if rc == 0 || strings.Contains(errs, "cột feeds") || !strings.Contains(errs, "tintot: import: 2 lỗi ở 2 dòng") {
		t.Errorf("without --check: exit %d\n%s", rc, errs)
	}
}

// TestCLILanguage: messages are Vietnamese by default, English with TINTOT_LANG=en or
// --lang en (the flag wins), and an unknown language is refused.
func TestCLILanguage(t *testing.T) {
	csv := "code,name,kind\nX1,Đoàn xã Một,xã\n"
	cases := []struct {
		name  string
		env   []string
		args  []string
		usage string
		done  string
		flag  string
	}{
		{"default", nil, nil, "Cách dùng: tintot import units FILE.csv [--check] [--dry-run]", "Đã nhập 1 đơn vị trong", "kiểm tra tệp và báo cáo, không ghi gì"},
		{"TINTOT_LANG", []string{"TINTOT_LANG", "en"}, nil, "Usage: tintot import units FILE.csv [--check] [--dry-run]", "imported 1 units in", "check the file and report, write nothing"},
		{"--lang", nil, []string{"--lang", "en"}, "Usage: tintot import units", "imported 1 units in", "check the file and report"},
		{"--lang=vi over TINTOT_LANG", []string{"TINTOT_LANG", "en_US.UTF-8"}, []string{"--lang=vi"}, "Cách dùng: tintot import units", "Đã nhập 1 đơn vị trong", "kiểm tra tệp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t, tc.env...)
			_, _, errs := c.run(append(slices.Clone(tc.args), "import")...)
			if !strings.Contains(errs, tc.usage) {
				t.Errorf("usage %q, want %q", errs, tc.usage)
			}
			_, _, errs = c.run(append(slices.Clone(tc.args), "import", "units", "--help")...)
			if !strings.Contains(errs, tc.flag) {
				t.Errorf("flag help %q, want %q", errs, tc.flag)
			}
			out := mustRun(t, c, append(slices.Clone(tc.args), "import", "units", c.file(csv))...)
			if !strings.Contains(out, tc.done) {
				t.Errorf("import said %q, want %q", out, tc.done)
			}
		})
	}
	c := newCLI(t, "TINTOT_LANG", "fr")
	if rc, _, errs := c.run("version"); rc != 2 || !strings.Contains(errs, `TINTOT_LANG="fr"`) {
		t.Errorf("TINTOT_LANG=fr: exit %d %q", rc, errs)
	}
	if rc, _, errs := newCLI(t).run("nope"); rc != 2 || !strings.Contains(errs, `tintot: không có lệnh "nope"`) {
		t.Errorf("unknown command: exit %d %q", rc, errs)
	}
	if rc, _, errs := newCLI(t).run("--lang", "en", "nope"); rc != 2 || !strings.Contains(errs, `tintot: unknown command "nope"`) || !strings.Contains(errs, "Commands:") {
		t.Errorf("unknown command in English: exit %d %q", rc, errs)
	}
}

// TestCatalogueCoversEveryMessage: every message the commands translate has an English
// entry with the same formatting verbs in the same order, and every entry is used.
func TestCatalogueCoversEveryMessage(t *testing.T) {
	used := map[string]bool{}
	for _, c := range commands() {
		used[c.desc] = true
	}
	for _, s := range []models.FeedState{models.FeedOK, models.FeedFailing, models.FeedBroken, ""} {
		used[s.Label()] = true
	}
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "T" && sel.Sel.Name != "F" && sel.Sel.Name != "E") {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				used[s] = true
			}
			return true
		})
	}
	// Messages chosen in a variable before being translated.
	for _, s := range []string{
		"Đã nhập %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới",
		"Đã kiểm tra (chạy thử, không ghi gì) %d đơn vị trong %s: %d mới, %d cập nhật, %d giữ nguyên, %d nguồn tin mới",
	} {
		used[s] = true
	}
	for s := range used {
		if _, ok := cliEnglish[s]; !ok {
			t.Errorf("no English for %q", s)
		}
	}
	verbs := regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)
	for vi, en := range cliEnglish {
		if !used[vi] {
			t.Errorf("catalogue entry %q is never used", vi)
		}
		if a, b := verbs.FindAllString(vi, -1), verbs.FindAllString(en, -1); !slices.Equal(a, b) {
			t.Errorf("%q has verbs %v, its English %q has %v", vi, a, en, b)
		}
	}
}

// serve collects garbage sooner than the other commands unless told otherwise.
func TestServeGCPercent(t *testing.T) {
	for _, c := range []struct {
		vars map[string]string
		want string
	}{
		{nil, strconv.Itoa(config.ServeGCPercent)},
		{map[string]string{"TINTOT_GC_PERCENT": "80"}, ""},
		{map[string]string{"GOGC": "200"}, ""},
	} {
		env := &cliEnv{getenv: func(k string) string { return c.vars[k] }}
		if got := serveOverrides(env)["TINTOT_GC_PERCENT"]; got != c.want {
			t.Errorf("%v: serve sets TINTOT_GC_PERCENT=%q, want %q", c.vars, got, c.want)
		}
	}
}

// TestCLIErrorsSpeakTheChosenLanguage: a missing unit, a missing file, a missing backup
// folder and an empty registry file are said in Vietnamese (or English with --lang en;
// the registry's file checks are Vietnamese only), with no package names or system
// jargon ("store: not found", "registry:", "no such file or directory").
func TestCLIErrorsSpeakTheChosenLanguage(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args   []string
		vi, en string
	}{
		{[]string{"poll", "--once", "--unit", "NOPE"}, `tintot: poll: không có đơn vị "NOPE"`, `tintot: poll: no unit "NOPE"`},
		{[]string{"import", "units", "/nonexistent/units.csv"}, "không mở được tệp /nonexistent/units.csv: tệp không tồn tại", "unable to open /nonexistent/units.csv: no such file"},
		{[]string{"backup", "/nonexistent/dir/x.db"}, "backup: không có thư mục /nonexistent/dir để ghi bản sao lưu", "backup: no folder /nonexistent/dir to write the backup in"},
		{[]string{"import", "units", c.file("")}, ": tệp trống, cần một dòng tiêu đề", ": tệp trống, cần một dòng tiêu đề"},
	} {
		for _, lang := range []string{"vi", "en"} {
			want := map[string]string{"vi": tc.vi, "en": tc.en}[lang]
			rc, _, errs := c.run(append([]string{"--lang", lang}, tc.args...)...)
			if rc == 0 || !strings.Contains(errs, want) || strings.Contains(errs, "store:") || strings.Contains(errs, "registry:") ||
				strings.Contains(errs, "no such file or directory") {
				t.Errorf("%s %v: exit %d, %q; want %q", lang, tc.args, rc, errs, want)
			}
		}
	}
}

// classify info describes the model in use: the posts it learnt from and its figures on
// the held-out part of the corpus, measured in this process (a poll fits the model without
// measuring it; the description must not come out empty).
func TestClassifyInfoGivesHeldOutFigures(t *testing.T) {
	c := newCLI(t)
	out := mustRun(t, c, "classify", "info")
	n := len(classify.HeldOutCorpus())
	if !strings.Contains(out, fmt.Sprintf("%d bài mẫu của bộ dữ liệu", len(classify.TrainingCorpus()))) {
		t.Errorf("classify info does not give the corpus size %d:\n%s", len(classify.TrainingCorpus()), out)
	}
	if !strings.Contains(out, fmt.Sprintf("Trên phần giữ lại (%d bài", n)) || strings.Contains(out, "đúng loại 0 %") {
		t.Errorf("classify info does not give the held-out figures of %d posts:\n%s", n, out)
	}
}
