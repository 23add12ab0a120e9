package handlers

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"tintot/campaign"
	"tintot/classify"
	"tintot/config"
	"tintot/models"
	"tintot/quota"
	"tintot/report"
	"tintot/store/sqlite"
)

// reportFiles adapts the report package to ReviewExporter, as cmd/tintot does.
type reportFiles struct{}

func (reportFiles) WriteXLSX(w io.Writer, r models.Review) error { return report.WriteXLSX(w, r) }
func (reportFiles) WriteCSV(w io.Writer, r models.Review) error  { return report.WriteCSV(w, r) }
func (reportFiles) WritePeriodXLSX(w io.Writer, r models.PeriodReport) error {
	return report.WritePeriodXLSX(w, r)
}
func (reportFiles) WriteHonoursXLSX(w io.Writer, title string, rows []models.HonourLine) error {
	return report.WriteHonoursXLSX(w, title, rows)
}

// chromiumPath finds the browser, skipping the test (or failing it when
// TINTOT_REQUIRE_BROWSER=1, as CI sets) if there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("TINTOT_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed but TINTOT_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium is not installed")
	return ""
}

// browserSite is the real app (SQLite store, campaign service, classifier, report
// exporter) on a loopback listener, seeded with province P and communes C1 and C2.
type browserSite struct {
	base  string
	posts map[string]models.Post
	today string
}

func startBrowserSite(t *testing.T) *browserSite {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	clock := models.SystemClock{}
	now := clock.Now()
	site := &browserSite{posts: map[string]models.Post{}, today: models.LocalDay(now, models.Vietnam)}

	created := now.AddDate(0, 0, -120).UTC()
	for _, u := range []models.Unit{
		{Code: "P", Name: "Tỉnh đoàn Phú Yên", Kind: models.UnitProvince},
		{Code: "C1", Name: "Đoàn xã Đông Hòa", Kind: models.UnitCommune, ParentCode: "P"},
		{Code: "C2", Name: "Đoàn phường Tây Sơn", Kind: models.UnitCommune, ParentCode: "P"},
	} {
		u.CreatedAt, u.UpdatedAt = created, created
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatalf("seed unit: %v", err)
		}
	}
	for _, u := range []struct {
		email string
		role  models.Role
		unit  string
	}{
		{"xadonghoa@doan.vn", models.RoleUnitAdmin, "C1"},
		{"tinhdoan@doan.vn", models.RoleReviewer, "P"},
		{"quantri@doan.vn", models.RoleAdmin, ""},
	} {
		if _, err := CreateUser(ctx, st, u.email, u.email, u.role, u.unit, "mật-khẩu-đủ-dài"); err != nil {
			t.Fatalf("seed user: %v", err)
		}
	}
	feed, err := st.CreateFeed(ctx, models.Feed{UnitCode: "C1", URL: "https://donghoa.example.vn/rss", State: models.FeedOK,
		CreatedAt: created, UpdatedAt: created, FirstReadAt: &created, CoveredFrom: &created, NextCheckAt: now.Add(time.Hour).UTC()})
	if err != nil {
		t.Fatalf("seed feed: %v", err)
	}
	if _, err := st.CreateFeed(ctx, models.Feed{UnitCode: "C2", URL: "https://tayson.example.vn/rss", State: models.FeedBroken,
		LastError: "Máy chủ trả về lỗi 404: không tìm thấy nguồn tin", ConsecutiveFailures: 12,
		CreatedAt: created, UpdatedAt: created, FirstReadAt: &created, CoveredFrom: &created, NextCheckAt: now.Add(time.Hour).UTC()}); err != nil {
		t.Fatalf("seed feed: %v", err)
	}
	// Two posts of C1 today, halfway between midnight and now: one good news, one the
	// rules did not recognise.
	midnight, _ := models.DayStart(site.today, models.Vietnam)
	pub := midnight.Add(now.Sub(midnight) / 2).UTC()
	var seed []models.Post
	for _, p := range []struct {
		key, title string
		kind       models.Kind
		reason     string
	}{
		{"tin-tot", "Thanh niên xã Đông Hòa dọn rác bãi biển", models.KindGoodNews, "khớp từ khoá \"tình nguyện\""},
		{"khac", "Thông báo lịch họp chi đoàn tháng 12", models.KindOther, "không khớp quy tắc nào"},
	} {
		seed = append(seed, models.Post{UnitCode: "C1", FeedID: feed.ID, ItemKey: "https://donghoa.example.vn/" + p.key, Source: models.SourceFeed,
			URL: "https://donghoa.example.vn/" + p.key, Title: p.title, PublishedAt: pub, LocalDay: site.today, FirstSeenAt: pub,
			RuleKind: p.kind, RuleReason: p.reason, UpdatedAt: pub})
	}
	res, err := st.UpsertPosts(ctx, seed)
	if err != nil || len(res.Inserted) != 2 {
		t.Fatalf("seed posts: %v", err)
	}
	for _, p := range res.Inserted {
		site.posts[strings.TrimPrefix(p.ItemKey, "https://donghoa.example.vn/")] = p
	}
	// The good news is picked for this quarter's bulletin, and its people proposed for the honour roll.
	good := site.posts["tin-tot"]
	if err := st.SavePick(ctx, models.Pick{PostID: good.ID, UnitCode: "C1", LocalDay: site.today, PickedBy: "tinhdoan@doan.vn", PickedAt: now.UTC(),
		Note: "Hơn 200 đoàn viên thanh niên xã Đông Hòa ra quân làm sạch bờ biển, thu gom gần 3 tấn rác thải nhựa trong một buổi sáng cuối tuần"}); err != nil {
		t.Fatalf("seed pick: %v", err)
	}
	if _, err := st.CreateHonour(ctx, models.Honour{Year: now.In(models.Vietnam).Year(), UnitCode: "C1", Name: "Đội thanh niên tình nguyện xã Đông Hòa",
		PostID: good.ID, Reason: "Tổ chức thường xuyên các buổi làm sạch bờ biển, lan toả phong trào bảo vệ môi trường", ProposedBy: "tinhdoan@doan.vn", CreatedAt: now.UTC()}); err != nil {
		t.Fatalf("seed honour: %v", err)
	}
	// One post of C2 no rule recognised, for the reviewer's check list.
	if _, err := st.UpsertPosts(ctx, []models.Post{{UnitCode: "C2", ItemKey: "https://tayson.example.vn/cong-truong", Source: models.SourceFeed,
		URL: "https://tayson.example.vn/cong-truong", Title: "Đoàn phường Tây Sơn sơn lại cổng trường mầm non", PublishedAt: pub, LocalDay: site.today,
		FirstSeenAt: pub, RuleKind: models.KindOther, RuleReason: "không khớp quy tắc nào", UpdatedAt: pub}}); err != nil {
		t.Fatalf("seed C2 post: %v", err)
	}

	sent := now.Add(-20 * time.Hour).UTC()
	for _, a := range []models.Alert{
		{DedupKey: "b1", Type: models.AlertDailyShort, UnitCode: "C2", Period: models.LocalDay(now.AddDate(0, 0, -1), models.Vietnam), Status: models.AlertSent,
			Recipients: []string{"phuongtayson@doan.vn", "bithu.doanphuongtayson.thanhphotuyhoa@doanthanhnien.phuyen.gov.vn"},
			Subject:    "Đoàn phường Tây Sơn chưa đạt chỉ tiêu tin tốt hôm qua", CreatedAt: sent, SentAt: &sent},
		{DedupKey: "b2", Type: models.AlertFeedBroken, UnitCode: "C2", Status: models.AlertPending, NextTryAt: now.Add(time.Hour).UTC(),
			Recipients: []string{"phuongtayson@doan.vn"}, Subject: "Nguồn tin của Đoàn phường Tây Sơn bị hỏng", CreatedAt: now.UTC()},
	} {
		if _, _, err := st.EnqueueAlert(ctx, a); err != nil {
			t.Fatalf("seed alert: %v", err)
		}
	}

	cls, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	app, err := New(Deps{
		Store: st, Classifier: cls, Exports: reportFiles{}, Clock: clock, Version: "test",
		Status: &campaign.Service{Store: st, Engine: quota.Engine{Policy: quota.DefaultPolicy(), Loc: models.Vietnam}, Clock: clock},
		Config: config.Config{Location: models.Vietnam},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	site.base = "http://" + ln.Addr().String()
	return site
}

// shot saves a full-page screenshot at phone and office widths under artifacts/screenshots,
// and fails the test when the page scrolls sideways on a 360 px phone.
func shot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	for _, w := range []int64{360, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)); err != nil {
			t.Fatalf("viewport %d: %v", w, err)
		}
		if w == 360 {
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatalf("page width of %s: %v", name, err)
			}
			if len(wide) == 2 && wide[0] > wide[1] {
				t.Errorf("page %s scrolls sideways at 360 px: scrollWidth %d > innerWidth %d (widest: %s)", name, wide[0], wide[1], widest(ctx))
			}
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+strconv.FormatInt(w, 10)+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// media emulates a CSS media type ("print"), or stops emulating with "".
func media(m string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return chromedp.Void{}, err
	}
}

func ptrTo[T any](v T) *T { return &v }

// a4Re matches an A4 page box (595 x 842 pt, as Chromium rounds it).
var a4Re = regexp.MustCompile(`/MediaBox \[0 0 59[45][.0-9]* 84[12][.0-9]*\]`)

// pdfPageRe finds the page objects of a PDF ("/Type /Page", not "/Type /Pages").
var pdfPageRe = regexp.MustCompile(`/Type\s*/Page[^s]`)

// firstMediaBox is the first page size a PDF declares, for a failure message.
func firstMediaBox(pdf []byte) string {
	i := bytes.Index(pdf, []byte("/MediaBox"))
	if i < 0 {
		return "(none)"
	}
	return string(pdf[i:min(len(pdf), i+40)])
}

// widest names the elements that reach past the right edge of the window, for a failure message.
func widest(ctx context.Context) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var w=window.innerWidth,out=[];
document.querySelectorAll("body *").forEach(function(e){var r=e.getBoundingClientRect();
if(r.right>w+0.5&&out.length<5&&!e.closest(".scroll")){out.push(e.tagName.toLowerCase()+(e.id?"#"+e.id:"")+(e.className&&e.className.baseVal===undefined?"."+String(e.className).split(" ").join("."):"")+" right="+Math.round(r.right))}});
return out.join(", ")})()`))
	return s
}

// navigate opens a page and waits for an element of it.
func navigate(t *testing.T, ctx context.Context, url, wait string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
		t.Fatalf("open %s: %v (page: %.300s)", url, err, pageText(ctx))
	}
}

// text reads the text of the element with the CSS selector.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// pageText is the current page's text, for failure messages.
func pageText(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u + " " + s
}

func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	site := startBrowserSite(t)
	shotDir := filepath.Join("..", "artifacts", "screenshots")
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 800))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	csp := &cspWatch{}
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithListener(csp.listen))
	defer cancel()
	if err := chromedp.Do(bctx, chromedp.Navigate(site.base+"/login")); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	// Every page runs under the Content-Security-Policy: any violation fails the test.
	defer func() {
		if v := csp.take(); len(v) > 0 {
			t.Errorf("Content-Security-Policy violations in the console:\n%s", strings.Join(v, "\n"))
		}
	}()
	ctx, cancelT := context.WithTimeout(bctx, 60*time.Second)
	defer cancelT()

	login := func(email, wait string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(site.base+"/"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SetValue(chromedp.ID("email"), email),
			chromedp.SetValue(chromedp.ID("password"), "mật-khẩu-đủ-dài"),
			chromedp.Submit(chromedp.ID("password")),
			chromedp.WaitVisible(chromedp.CSS(wait)),
		); err != nil {
			t.Fatalf("login as %s: %v (page: %.300s)", email, err, pageText(bctx))
		}
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	// The commune admin logs in, lands on their dashboard and sees 1 of 1 today.
	shot(t, ctx, shotDir, "login")
	login("xadonghoa@doan.vn", "#today")
	if u := location(); !strings.HasSuffix(u, "/units/C1") {
		t.Fatalf("after login the unit admin is at %s, want /units/C1", u)
	}
	today := text(t, ctx, "#today")
	if !strings.Contains(today, "1/1") || !strings.Contains(today, "1/2") || !strings.Contains(today, "Đạt") {
		t.Fatalf("today card = %q, want 1/1 met (baseline) and 1/2 (target)", today)
	}
	shot(t, ctx, shotDir, "unit")

	// Tapping today's cell of the calendar opens the day panel (a plain link: no script,
	// no hover): its status, its count and its posts.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`svg.heatmap a[href*="day=`+site.today+`"]`)),
		chromedp.WaitVisible(chromedp.ID("day"))); err != nil {
		t.Fatalf("open the day panel: %v (page: %.300s)", err, pageText(bctx))
	}
	if u := location(); !strings.Contains(u, "day="+site.today) {
		t.Errorf("the day link went to %s", u)
	}
	if day := text(t, ctx, "#day"); !strings.Contains(day, "Đạt") || !strings.Contains(day, "1/1") ||
		!strings.Contains(day, "Thanh niên xã Đông Hòa dọn rác bãi biển") || !strings.Contains(day, "Thông báo lịch họp chi đoàn tháng 12") {
		t.Errorf("day panel = %q, want the day met 1/1 and both posts", day)
	}
	shot(t, ctx, shotDir, "unit-day")

	// A note longer than the form allows (the script of a careless client, not the page)
	// comes back on the dashboard, beside the note of that post, in the layout.
	tin := "#post-" + site.posts["tin-tot"].ID
	if err := chromedp.Do(ctx,
		chromedp.Navigate(site.base+"/units/C1"), chromedp.WaitVisible(chromedp.CSS(tin)),
		chromedp.SetValue(chromedp.CSS(tin+" input[name=note]"), strings.Repeat("quá dài ", 130)),
		chromedp.Submit(chromedp.CSS(tin+" input[name=note]")),
		chromedp.WaitVisible(chromedp.ID("err-post-"+site.posts["tin-tot"].ID))); err != nil {
		t.Fatalf("too-long note: %v (page: %.300s)", err, pageText(bctx))
	}
	if e := text(t, ctx, "#err-post-"+site.posts["tin-tot"].ID); !strings.Contains(e, "Ghi chú quá dài") {
		t.Errorf("note error beside the field = %q", e)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("header a[href='/feeds'], header a[lang]").length`)); err != nil || n != 2 {
		t.Errorf("the form error page lost the header (menu and language links: %d, %v)", n, err)
	}
	shot(t, ctx, shotDir, "unit-error")

	// The unit admin reclassifies its own unrecognised post as good news: that would raise
	// what the unit counts, so it is a proposal, shown as waiting, and today stays 1/1.
	other := "#post-" + site.posts["khac"].ID
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(other+" select[name=kind]"), "good_news"),
		chromedp.SetValue(chromedp.CSS(other+" input[name=note]"), "tin về hoạt động của chi đoàn"),
		chromedp.Submit(chromedp.CSS(other+" select[name=kind]")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	); err != nil {
		t.Fatalf("reclassify: %v", err)
	}
	if u := location(); !strings.Contains(u, "ok=proposed") {
		t.Fatalf("after proposing the page is %s", u)
	}
	if today = text(t, ctx, "#today"); !strings.Contains(today, "1/1") || strings.Contains(today, "2/2") {
		t.Fatalf("after proposing, today card = %q, want still 1/1", today)
	}
	if p := text(t, ctx, other); !strings.Contains(p, "Chờ duyệt") || !strings.Contains(p, "Tin tốt") {
		t.Fatalf("the proposed post shows %q, want it waiting for approval as good news", p)
	}
	// Another unit's dashboard is refused.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/units/C2")); err != nil {
		t.Fatal(err)
	}
	if body := text(t, ctx, "body"); !strings.Contains(body, "403") {
		t.Fatalf("unit admin of C1 opened C2: %q", body)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("header a[href='/units/C1'], header a[lang], #error-home").length`)); err != nil || n != 3 {
		t.Errorf("the 403 page lacks the menu, the language link or the way home (%d, %v)", n, err)
	}
	shot(t, ctx, shotDir, "error-403")
	// Log out.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/units/C1"), chromedp.Submit(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("logout: %v", err)
	}

	// The provincial reviewer logs in, approves the commune's proposal on the check list
	// (listed first), and C1's today becomes 2/2.
	login("tinhdoan@doan.vn", "#review")
	// On the commune's dashboard, the posts waiting for a decision are one filter away.
	navigate(t, ctx, site.base+"/units/C1?proposed=1", "#posts")
	if p := text(t, ctx, "#posts"); !strings.Contains(p, "Thông báo lịch họp chi đoàn tháng 12") || strings.Contains(p, "dọn rác bãi biển") || !strings.Contains(p, "Duyệt") {
		t.Errorf("posts waiting for approval = %q", p)
	}
	shot(t, ctx, shotDir, "unit-proposed")
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/check"), chromedp.WaitVisible(chromedp.ID("proposals"))); err != nil {
		t.Fatalf("check with a proposal: %v (page: %.300s)", err, pageText(bctx))
	}
	if p := text(t, ctx, "#proposals"); !strings.Contains(p, "Thông báo lịch họp chi đoàn tháng 12") || !strings.Contains(p, "xadonghoa@doan.vn") {
		t.Fatalf("proposals = %q", p)
	}
	shot(t, ctx, shotDir, "check-proposal")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#proposals form[action$="/approve"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash"))); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/units/C1"), chromedp.WaitVisible(chromedp.ID("today"))); err != nil {
		t.Fatal(err)
	}
	if today = text(t, ctx, "#today"); !strings.Contains(today, "2/2") {
		t.Fatalf("after the reviewer approved, today card = %q, want 2/2", today)
	}
	if reason := text(t, ctx, other); !strings.Contains(reason, "thủ công bởi tinhdoan@doan.vn") || !strings.Contains(reason, "đề xuất của xadonghoa@doan.vn") {
		t.Fatalf("approved post shows %q, want who proposed and who approved", reason)
	}

	// The weekly review of the open week: days not begun show no count and no share.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/review?parent=P"), chromedp.WaitVisible(chromedp.ID("review"))); err != nil {
		t.Fatal(err)
	}
	if now := time.Now().In(models.Vietnam); now.Weekday() != time.Sunday {
		tomorrow := now.AddDate(0, 0, 1).Format("02/01")
		if shares := text(t, ctx, "#day-shares"); !strings.Contains(shares, tomorrow+" —") || strings.Contains(shares, tomorrow+" 0%") {
			t.Errorf("day shares = %q, want no share for %s", shares, tomorrow)
		}
		if h := text(t, ctx, "#compare-head"); !strings.Contains(h, "cùng kỳ") {
			t.Errorf("comparison header of the open week = %q", h)
		}
	}
	table := text(t, ctx, "#review")
	for _, want := range []string{"Đoàn xã Đông Hòa", "Đoàn phường Tây Sơn"} {
		if !strings.Contains(table, want) {
			t.Errorf("review table lacks %s", want)
		}
	}
	shot(t, ctx, shotDir, "review")

	// A week that does not exist: the error keeps the layout and leads back to the review.
	navigate(t, ctx, site.base+"/review?week=2026-W60", "#error")
	if back, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("error-back"), "href")); err != nil || back.Value != "/review" {
		t.Errorf("the error page's way back = %+v, %v; want /review", back, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("header a.on[href='/review'], header a[lang]").length`)); err != nil || n != 2 {
		t.Errorf("the 400 page lacks the menu (with its place) or the language link (%d, %v)", n, err)
	}
	shot(t, ctx, shotDir, "error-400")
	navigate(t, ctx, site.base+"/review?parent=P", "#review")
	href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("dl-xlsx"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	cookies, err := chromedp.Run(ctx, chromedp.Action[*network.GetCookiesResult](func(ctx context.Context, tg *chromedp.Target) (*network.GetCookiesResult, error) {
		r, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
		return &r, err
	}))
	if err != nil {
		t.Fatalf("cookies: %v", err)
	}
	req, _ := http.NewRequest("GET", site.base+href.Value, nil)
	for _, c := range cookies.Cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("download %s: %d %.200s", href.Value, resp.StatusCode, xlsx)
	}
	checkReviewXLSX(t, xlsx, site.today)

	// The reviewer's list of posts no rule recognised: correct one, come back to the list.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/check"), chromedp.WaitVisible(chromedp.ID("check-total"))); err != nil {
		t.Fatalf("check: %v", err)
	}
	shot(t, ctx, shotDir, "check")
	if body := text(t, ctx, "main"); !strings.Contains(body, "sơn lại cổng trường mầm non") || strings.Contains(body, "dọn rác bãi biển") || strings.Contains(body, "Thông báo lịch họp") {
		t.Fatalf("check page should list only the post nobody has judged and no rule recognised: %q", body)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#check-list select[name="kind"]`), "good_news"),
		chromedp.Submit(chromedp.CSS(`#check-list select[name="kind"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash"))); err != nil {
		t.Fatalf("check save: %v", err)
	}
	if body := text(t, ctx, "main"); strings.Contains(body, "sơn lại cổng trường mầm non") || !strings.Contains(body, "Không có bài nào cần xem lại") {
		t.Errorf("after saving, the check page still lists the post: %q", body)
	}

	// The period report of the year so far, with its workbook link.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/report"), chromedp.WaitVisible(chromedp.ID("report"))); err != nil {
		t.Fatalf("report: %v", err)
	}
	shot(t, ctx, shotDir, "report")
	if body := text(t, ctx, "#report"); !strings.Contains(body, "Đoàn xã Đông Hòa") || !strings.Contains(body, "Tổng cộng") {
		t.Errorf("report table = %q, want the communes and the total", body)
	}

	// Trends: a registration whose last day comes before its first returns with the
	// message beside the last day and what was typed; a good one opens the trend's page.
	navigate(t, ctx, site.base+"/trends", "#add-trend")
	shot(t, ctx, shotDir, "trends")
	first, _ := models.DayStart(site.today, models.Vietnam)
	yesterday := models.LocalDay(first.AddDate(0, 0, -1), models.Vietnam)
	fillTrend := func(last, wait string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.CSS(`#add-trend input[name=name]`), "Xanh hóa quê hương"),
			chromedp.SetValue(chromedp.CSS(`#add-trend input[name=hashtags]`), "#XanhHóaQuêHương, #TuoiTreDongHoa"),
			chromedp.SetValue(chromedp.CSS(`#add-trend input[name=start_day]`), site.today),
			chromedp.SetValue(chromedp.CSS(`#add-trend input[name=end_day]`), last),
			chromedp.Submit(chromedp.CSS(`#add-trend input[name=name]`)),
			chromedp.WaitVisible(chromedp.CSS(wait))); err != nil {
			t.Fatalf("register a trend: %v (page: %.300s)", err, pageText(bctx))
		}
	}
	fillTrend(yesterday, "#err-trend-end_day")
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#add-trend input[name=hashtags]`))); err != nil || v != "#XanhHóaQuêHương, #TuoiTreDongHoa" {
		t.Errorf("the trend form lost the hashtags: %q %v", v, err)
	}
	shot(t, ctx, shotDir, "trends-error")
	fillTrend(site.today, "#trend-chart svg")
	if body := text(t, ctx, "#trend-info"); !strings.Contains(body, "#XanhHóaQuêHương") || !strings.Contains(body, "#TuoiTreDongHoa") {
		t.Errorf("trend page = %q, want both hashtags", body)
	}
	shot(t, ctx, shotDir, "trend")

	for _, p := range []string{"bulletin?quarter=" + models.QuarterOf(time.Now(), models.Vietnam).String(), "honours"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/"+p), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		shot(t, ctx, shotDir, strings.SplitN(p, "?", 2)[0])
		if body := text(t, ctx, "main"); !strings.Contains(body, "Đông Hòa") {
			t.Errorf("page %s lacks the picked story: %q", p, body)
		}
	}
	// The bulletin prints on A4: the figures and stories, none of the page's
	// menus, filters or buttons.
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/bulletin?quarter="+models.QuarterOf(time.Now(), models.Vietnam).String()),
		chromedp.WaitVisible(chromedp.ID("stories")), media("print")); err != nil {
		t.Fatalf("bulletin in print: %v", err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]bool](`(function(){var out={};
["body > header","#filters","#send",".story-tools","#stories .story","#figures","#best","#coverage","button[data-print]"].forEach(function(sel){
var e=document.querySelector(sel);out[sel]=!!e&&e.getClientRects().length>0&&getComputedStyle(e).visibility!=="hidden"});return out})()`))
	if err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]bool{"body > header": false, "#filters": false, "#send": false, ".story-tools": false, "button[data-print]": false,
		"#stories .story": true, "#figures": true, "#best": true, "#coverage": true} {
		if shown[sel] != want {
			t.Errorf("printed bulletin: %s shown = %v, want %v", sel, shown[sel], want)
		}
	}
	shot(t, ctx, shotDir, "bulletin-print")
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: ptrTo(true)})
		return res.Data, err
	})
	if err != nil {
		t.Fatalf("print the bulletin: %v", err)
	}
	// One story, the figures and the chart fit on two A4 pages at most (595 x 842 pt).
	if pages := len(pdfPageRe.FindAll(pdf, -1)); pages == 0 || pages > 2 {
		t.Errorf("printed bulletin has %d pages, want 1 or 2", pages)
	}
	if !a4Re.Match(pdf) {
		t.Errorf("printed bulletin is not A4: %q", firstMediaBox(pdf))
	}
	_ = os.WriteFile(filepath.Join(shotDir, "bulletin-print.pdf"), pdf, 0o644)
	if err := chromedp.Do(ctx, media("")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"units/C2", "feeds", "alerts"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/"+p), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		shot(t, ctx, shotDir, strings.ReplaceAll(p, "/", "-"))
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "Nguồn tin của Đoàn phường Tây Sơn bị hỏng") {
		t.Errorf("alerts page lacks the pending alert: %q", body)
	}
	// On an office screen no address is broken over two lines.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	if broken, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".addr")).filter(function(e){
return e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).lineHeight)*1.5}).map(function(e){return e.textContent})`)); err != nil || len(broken) > 0 {
		t.Errorf("addresses broken over lines at 1280 px: %q %v", broken, err)
	}
	// Filtered to the feed alerts: the daily shortfall is gone.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#alert-filters select[name=type]`), string(models.AlertFeedBroken)),
		chromedp.Submit(chromedp.CSS(`#alert-filters select[name=type]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/alerts"]`))); err != nil {
		t.Fatalf("filter alerts: %v", err)
	}
	if body := text(t, ctx, "main"); !strings.Contains(body, "bị hỏng") || strings.Contains(body, "chưa đạt chỉ tiêu tin tốt hôm qua") {
		t.Errorf("alerts filtered by type: %q", body)
	}
	shot(t, ctx, shotDir, "alerts-filtered")

	// The administrator's page, and the English toggle.
	if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.ID("email"))); err != nil {
		t.Fatalf("logout: %v", err)
	}
	login("quantri@doan.vn", "#review")
	if err := chromedp.Do(ctx, chromedp.Navigate(site.base+"/admin"), chromedp.WaitVisible(chromedp.ID("unit-form"))); err != nil {
		t.Fatalf("admin: %v", err)
	}
	shot(t, ctx, shotDir, "admin")
	// A feed address that is not http(s): the admin page comes back with the message
	// under the feed form and the address kept.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#feed-form input[name=url]`), "ftp://donghoa.example.vn/rss"),
		chromedp.Submit(chromedp.CSS(`#feed-form input[name=url]`)),
		chromedp.WaitVisible(chromedp.ID("err-feed"))); err != nil {
		t.Fatalf("bad feed: %v (page: %.300s)", err, pageText(bctx))
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#feed-form input[name=url]`))); err != nil || v != "ftp://donghoa.example.vn/rss" {
		t.Errorf("the feed form lost the address: %q %v", v, err)
	}
	shot(t, ctx, shotDir, "admin-error")
	navigate(t, ctx, site.base+"/admin", "#unit-form")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[lang="en"]`)), chromedp.WaitVisible(chromedp.CSS(`a[lang="vi"]`))); err != nil {
		t.Fatalf("English: %v", err)
	}
	if h := text(t, ctx, "h1"); h != "Admin" {
		t.Errorf("English admin page heading = %q", h)
	}
	// The pages' script ran (it is a file of its own, allowed by the policy).
	if v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "data-js")); err != nil || !v.Exists || v.Value != "ready" {
		t.Errorf("app.js did not run: %+v %v", v, err)
	}
	if v := csp.take(); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations in the console:\n%s", strings.Join(v, "\n"))
	}
	// The watcher itself works: an inline script injected now is refused and reported.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var s=document.createElement("script");s.textContent="window.__inline=1";document.body.appendChild(s);return true})()`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); csp.count() == 0 && time.Now().Before(deadline); {
		runtimeYield(ctx) // the console event arrives on the browser's connection
	}
	if csp.count() == 0 {
		t.Errorf("an injected inline script was not reported as a policy violation")
	}
	csp.take()
}

// runtimeYield makes one round trip to the browser, so pending events are delivered.
func runtimeYield(ctx context.Context) {
	_, _ = chromedp.Run(ctx, chromedp.Evaluate[bool]("true"))
}

// cspWatch collects the console's Content-Security-Policy violation messages.
type cspWatch struct {
	mu   sync.Mutex
	msgs []string
}

// listen is the browser event listener; it must return fast and run no command.
func (w *cspWatch) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		msg = ev.Entry.Text
	case *runtime.EventConsoleAPICalled:
		for _, a := range ev.Args {
			msg += string(a.Value) + " " + a.Description
		}
	default:
		return
	}
	if strings.Contains(msg, "Content Security Policy") || strings.Contains(msg, "Content-Security-Policy") {
		w.mu.Lock()
		w.msgs = append(w.msgs, msg)
		w.mu.Unlock()
	}
}

func (w *cspWatch) count() int { w.mu.Lock(); defer w.mu.Unlock(); return len(w.msgs) }

func (w *cspWatch) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

// checkReviewXLSX finds C1's row and checks its name and today's count (2 after the reclassification).
func checkReviewXLSX(t *testing.T, data []byte, today string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetReview)
	if err != nil || len(rows) < 3 {
		t.Fatalf("sheet %q: %d rows, %v", report.SheetReview, len(rows), err)
	}
	head := rows[0]
	col := -1
	suffix := " " + today[8:10] + "/" + today[5:7]
	for i, h := range head {
		if strings.HasSuffix(h, suffix) {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no column for %s in header %q", today, head)
	}
	for _, r := range rows[1:] {
		if len(r) > col && r[1] == "C1" {
			if r[2] != "Đoàn xã Đông Hòa" || r[col] != "2" {
				t.Fatalf("C1 row = %q, want name Đoàn xã Đông Hòa and 2 posts on %s", r, today)
			}
			return
		}
	}
	t.Fatalf("no row for C1 in %q", rows)
}
