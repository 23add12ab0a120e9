package handlers

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tintot/models"
)

// form builds a form POST.
func form(path string, vals url.Values) *http.Request {
	req := request(http.MethodPost, path, vals.Encode())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// as sends a request with a user's bearer token (no CSRF needed for tokens).
func (e *testEnv) as(user string, req *http.Request) (*http.Response, []byte) {
	e.t.Helper()
	req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	return e.send(req)
}

// session logs a seeded user in through the login form and returns the session cookie
// value and the CSRF token the pages put in their forms.
func (e *testEnv) session(user string) (secret, csrf string) {
	e.t.Helper()
	e.setPassword(user, "mật-khẩu-đủ-dài")
	resp, body := e.formLogin(user+"@doan.vn", "mật-khẩu-đủ-dài")
	ck := cookieOf(resp, SessionCookie)
	if ck == nil {
		e.t.Fatalf("login failed: %d %.200s", resp.StatusCode, body)
	}
	req := request("GET", "/units/"+e.users[user].UnitCode, nil)
	req.AddCookie(ck)
	_, body = e.send(req)
	m := csrfRe.FindSubmatch(body)
	if m == nil {
		e.t.Fatalf("page without a CSRF field: %.300s", body)
	}
	return ck.Value, string(m[1])
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func TestPagesScope(t *testing.T) {
	e := newEnv(t)
	c2post := e.posts["C2-feed"].ID
	tests := []struct {
		name string
		user string
		req  *http.Request
		want int
	}{
		{"own dashboard", "adminC1", request("GET", "/units/C1", nil), 200},
		{"other commune dashboard", "adminC1", request("GET", "/units/C2", nil), 403},
		{"other province dashboard", "reviewerP", request("GET", "/units/D1", nil), 403},
		{"reviewer sees commune", "reviewerP", request("GET", "/units/C2", nil), 200},
		{"override other unit's post", "adminC1", form("/posts/"+c2post+"/override", url.Values{"kind": {"story"}}), 403},
		{"submit for other unit", "adminC1", form("/units/C2/posts", url.Values{"url": {"https://facebook.com/x/1"}, "date": {"2026-11-27"}, "kind": {"story"}}), 403},
		{"unit admin cannot reject", "adminC2", form("/posts/"+e.posts["C2-manual"].ID+"/reject", url.Values{}), 403},
		{"unit admin has no review", "adminC1", request("GET", "/review", nil), 403},
		{"unit admin has no admin page", "adminC1", request("GET", "/admin", nil), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.as(tt.user, tt.req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tt.want, body)
			}
		})
	}
	p, _ := e.st.GetPost(t.Context(), c2post)
	if p.Override != nil {
		t.Fatalf("a refused override changed the post: %+v", p.Override)
	}
}

func TestPageAnonymousRedirectsToLogin(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.send(request("GET", "/units/C1", nil))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != "/login" || loc.Query().Get("next") != "/units/C1" {
		t.Fatalf("status %d location %q, want redirect to login", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestUnitDashboardOverrideAndAudit(t *testing.T) {
	e := newEnv(t)
	resp, body := e.as("adminC1", request("GET", "/units/C1", nil))
	wantStatus(t, resp, body, 200)
	html := string(body)
	for _, want := range []string{"Đoàn xã Đông Hòa", "Thanh niên xã Đông Hòa dọn rác bãi biển", "0/1", "Hôm nay chưa đạt chỉ tiêu", "Hoạt động tốt", "không khớp quy tắc nào"} {
		if !strings.Contains(html, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	id := e.posts["C1-feed"].ID
	resp, body = e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"good_news"}, "note": {"tin tốt rõ ràng"}, "unit": {"C1"}}))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/units/C1?ok=override") {
		t.Fatalf("override: status %d location %q body %.200s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	p, _ := e.st.GetPost(t.Context(), id)
	if p.Kind() != models.KindGoodNews || p.Override == nil || p.Override.By != "reviewerP@doan.vn" {
		t.Fatalf("post after override: kind %s override %+v", p.Kind(), p.Override)
	}
	audit, _ := e.st.ListAudit(t.Context(), "post:"+id, 10)
	if len(audit) != 1 || audit[0].Action != "post.override" {
		t.Fatalf("audit = %+v, want one post.override entry", audit)
	}
	resp, body = e.as("adminC1", request("GET", "/units/C1?ok=override", nil))
	html = string(body)
	if !strings.Contains(html, "1/1") || !strings.Contains(html, "Đã lưu phân loại bài viết.") || strings.Contains(html, "Hôm nay chưa đạt chỉ tiêu") {
		t.Errorf("dashboard after override does not show 1/1, the message, and no at-risk banner")
	}
	// A bad kind re-renders the page with the reason, nothing changes.
	resp, body = e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"tin-xau"}, "unit": {"C1"}}))
	if resp.StatusCode != 400 || !strings.Contains(string(body), "Loại bài không hợp lệ") {
		t.Fatalf("bad kind: status %d body %.300s", resp.StatusCode, body)
	}
}

func TestUnitDashboardManualSubmitAndReject(t *testing.T) {
	e := newEnv(t)
	resp, body := e.as("adminC1", form("/units/C1/posts", url.Values{"url": {"https://facebook.com/c1/posts/77"}, "date": {"2026-11-27"}, "kind": {"story"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: status %d body %.300s", resp.StatusCode, body)
	}
	posts, _ := e.st.ListPosts(t.Context(), storePostFilter("C1"))
	var got models.Post
	for _, p := range posts {
		if p.Source == models.SourceManual {
			got = p
		}
	}
	if got.Title != "Tuổi trẻ xã Đông Hòa hiến máu" || got.Kind() != models.KindStory || got.LocalDay != "2026-11-27" {
		t.Fatalf("manual post = %+v, want fetched title, story, 2026-11-27", got)
	}
	// The same link again is a conflict shown on the page, with the form kept.
	resp, body = e.as("adminC1", form("/units/C1/posts", url.Values{"url": {"https://facebook.com/c1/posts/77"}, "date": {"2026-11-27"}, "kind": {"story"}}))
	if resp.StatusCode != 409 || !strings.Contains(string(body), "Bài viết này đã có trong danh sách của đơn vị") || !strings.Contains(string(body), "https://facebook.com/c1/posts/77") {
		t.Fatalf("duplicate: status %d body %.300s", resp.StatusCode, body)
	}
	resp, body = e.as("reviewerP", form("/posts/"+got.ID+"/reject", url.Values{"note": {"không phải bài của đơn vị"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: status %d body %.300s", resp.StatusCode, body)
	}
	p, _ := e.st.GetPost(t.Context(), got.ID)
	if !p.Rejected {
		t.Fatal("post not rejected")
	}
}

func TestPageFormNeedsCSRFWithSession(t *testing.T) {
	e := newEnv(t)
	secret, csrf := e.session("adminC1")
	id := e.posts["C1-feed"].ID
	for _, tt := range []struct {
		name  string
		token string
		want  int
	}{
		{"no token", "", 403},
		{"wrong token", "nope", 403},
		{"right token", csrf, http.StatusSeeOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := form("/posts/"+id+"/override", url.Values{"kind": {"story"}, "_csrf": {tt.token}})
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: secret})
			resp, body := e.send(req)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d; %.200s", resp.StatusCode, tt.want, body)
			}
		})
	}
}

func TestPageLanguageToggle(t *testing.T) {
	e := newEnv(t)
	resp, _ := e.as("adminC1", request("GET", "/lang/en?next=/units/C1", nil))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/units/C1" {
		t.Fatalf("toggle: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	req := request("GET", "/units/C1", nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	_, body := e.as("adminC1", req)
	if !strings.Contains(string(body), "Recent posts") || !strings.Contains(string(body), `lang="en"`) {
		t.Fatalf("English page lacks translated heading")
	}
}

// fixedReview answers reviews with rows built from the store's units, with known figures.
type fixedReview struct{ countStatus }

func (f fixedReview) Review(ctx context.Context, week, parent string) (models.Review, error) {
	r, err := f.countStatus.Review(ctx, week, parent)
	if err != nil {
		return r, err
	}
	days, _ := models.WeekDays(week, models.Vietnam)
	r.Days = days
	r.WeekSummary = []models.TargetSummary{{Target: "tuan", Level: models.LevelBaseline, StatusCounts: models.StatusCounts{Met: 1, Short: 1, ShareMet: 0.5}}}
	for i := range r.Rows {
		row := &r.Rows[i]
		row.Rank = i + 1
		st := models.StatusMet
		if row.Unit.Code == "C2" {
			st = models.StatusShort
			row.Streak = 0
			row.DailyCounts = [7]int{0, 1, 0, 0, 0, 0, 0}
		} else {
			row.Streak = 9
			row.DailyCounts = [7]int{1, 2, 1, 1, 3, 1, 1}
		}
		row.DaysMet = map[models.Level]int{models.LevelBaseline: 7}
		row.WeekCounts = map[models.Kind]int{models.KindStory: 2, models.KindIdeology: 1}
		row.Statuses = []models.PeriodStatus{{Target: "tuan", Level: models.LevelBaseline, Required: 1, Actual: 2, Status: st}}
	}
	return r, nil
}

func TestReviewPage(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Status = fixedReview{countStatus{st: d.Store}} })
	resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W48", nil))
	wantStatus(t, resp, body, 200)
	html := string(body)
	for _, want := range []string{"Đoàn xã Đông Hòa", "Đoàn phường Tây Sơn", "2026-W47", "2026-W49", "/review.xlsx?parent=P&amp;week=2026-W48", "50%", "Không đạt"} {
		if !strings.Contains(html, want) {
			t.Errorf("review lacks %q", want)
		}
	}
	if strings.Contains(html, "Đoàn xã Bình Minh") {
		t.Error("review of P shows a unit of province Q")
	}
	_, body = e.as("reviewerP", request("GET", "/review?week=2026-W48&short=1", nil))
	if strings.Contains(string(body), `data-unit="C1"`) || !strings.Contains(string(body), `data-unit="C2"`) {
		t.Error("short-only filter keeps a unit that met or drops one that fell short")
	}
	_, body = e.as("reviewerP", request("GET", "/review?week=2026-W48&sort=name", nil))
	html = string(body)
	if i, j := strings.Index(html, `data-unit="C2"`), strings.Index(html, `data-unit="C1"`); i < 0 || j < 0 || i > j {
		t.Error("sort by name does not put Đoàn phường Tây Sơn before Đoàn xã Đông Hòa")
	}
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/review?parent=Q", 403},
		{"/review?week=2026-W99", 400},
		{"/review.xlsx?week=2026-W48", 200},
		{"/review.csv?week=2026-W48&parent=Q", 403},
	} {
		resp, body := e.as("reviewerP", request("GET", tt.path, nil))
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d (%.200s)", tt.path, resp.StatusCode, tt.want, body)
		}
	}
}

func TestPageTemplatesParse(t *testing.T) {
	tmpls, err := loadPageTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"unit", "review", "feeds", "alerts", "admin"} {
		if tmpls[name] == nil {
			t.Errorf("no template %s", name)
		}
	}
}

func TestFeedsAndAlertsPagesKeepToScope(t *testing.T) {
	e := newEnv(t)
	_, body := e.as("reviewerP", request("GET", "/feeds", nil))
	html := string(body)
	if !strings.Contains(html, "c2.example.vn") || !strings.Contains(html, "Hỏng") || strings.Contains(html, "d1.example.vn") {
		t.Errorf("feeds page of P's reviewer: want C2's broken feed and not D1's")
	}
	if i, j := strings.Index(html, "c2.example.vn"), strings.Index(html, "c1.example.vn"); i > j {
		t.Error("the broken feed is not listed before the healthy one")
	}
	_, body = e.as("adminC1", request("GET", "/alerts", nil))
	html = string(body)
	if !strings.Contains(html, "C1 thiếu tin") || strings.Contains(html, "C2 hỏng nguồn") || strings.Contains(html, "D1 thiếu tin") {
		t.Errorf("alerts page of C1's admin shows other units' alerts or misses its own")
	}
	_, body = e.as("reviewerP", request("GET", "/alerts", nil))
	html = string(body)
	if p, s := strings.Index(html, "C2 hỏng nguồn"), strings.Index(html, "C1 thiếu tin"); p < 0 || s < 0 || p > s {
		t.Error("pending alert not listed before the sent one")
	}
}

func TestAdminPage(t *testing.T) {
	e := newEnv(t)
	resp, body := e.as("admin", request("GET", "/admin", nil))
	wantStatus(t, resp, body, 200)
	resp, body = e.as("admin", form("/admin/units", url.Values{"code": {"C3"}, "name": {"Đoàn xã Hòa Bình"}, "kind": {"commune"}, "parent_code": {"P"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create unit: %d %.300s", resp.StatusCode, body)
	}
	if u, err := e.st.GetUnit(t.Context(), "C3"); err != nil || u.ParentCode != "P" {
		t.Fatalf("unit C3 = %+v, %v", u, err)
	}
	resp, body = e.as("admin", form("/admin/units", url.Values{"code": {"C3"}, "name": {"Trùng mã"}, "kind": {"commune"}}))
	if resp.StatusCode != 409 || !strings.Contains(string(body), "Mã đơn vị C3 đã tồn tại") {
		t.Fatalf("duplicate unit: %d", resp.StatusCode)
	}
	resp, body = e.as("admin", form("/admin/units", url.Values{"code": {"C3"}, "existing": {"1"}, "name": {"Đoàn xã Hòa Bình Mới"}, "kind": {"commune"}, "parent_code": {"P"}, "active_from": {"2026-07-01"}}))
	if u, _ := e.st.GetUnit(t.Context(), "C3"); resp.StatusCode != http.StatusSeeOther || u.Name != "Đoàn xã Hòa Bình Mới" || u.ActiveFrom == nil {
		t.Fatalf("edit unit: %d name %q active from %v", resp.StatusCode, u.Name, u.ActiveFrom)
	}
	// The edit form keeps the date, so saving it again does not lose it.
	_, body = e.as("admin", request("GET", "/admin?edit=C3", nil))
	if !strings.Contains(string(body), `name="active_from" value="2026-07-01"`) || !strings.Contains(string(body), `name="existing"`) {
		t.Fatalf("edit form of C3 lacks its start date or the existing flag")
	}
	resp, body = e.as("admin", form("/admin/feeds", url.Values{"unit_code": {"C3"}, "url": {"https://c3.example.vn/rss"}}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add feed: %d %.300s", resp.StatusCode, body)
	}
	feeds, _ := e.st.ListFeeds(t.Context(), storeFeedFilter("C3"))
	if len(feeds) != 1 {
		t.Fatalf("C3 feeds = %d", len(feeds))
	}
	resp, _ = e.as("admin", form("/admin/feeds/"+feeds[0].ID+"/delete", url.Values{}))
	if feeds, _ = e.st.ListFeeds(t.Context(), storeFeedFilter("C3")); resp.StatusCode != http.StatusSeeOther || len(feeds) != 0 {
		t.Fatalf("delete feed: %d, %d left", resp.StatusCode, len(feeds))
	}
	resp, body = e.as("admin", form("/admin/users", url.Values{"email": {"moi@doan.vn"}, "name": {"Nguyễn Văn Mới"}, "role": {"unit_admin"}, "unit_code": {"C3"}}))
	if resp.StatusCode != 200 || !strings.Contains(string(body), `id="new-password"`) {
		t.Fatalf("add user: %d %.300s", resp.StatusCode, body)
	}
	// Reviewers and unit admins cannot post admin forms.
	resp, _ = e.as("reviewerP", form("/admin/units", url.Values{"code": {"C9"}, "name": {"X"}, "kind": {"commune"}, "parent_code": {"P"}}))
	if resp.StatusCode != 403 {
		t.Fatalf("reviewer created a unit: %d", resp.StatusCode)
	}
}

func TestAdminImportShowsRowErrors(t *testing.T) {
	e := newEnv(t)
	upload := func(csv string) (*http.Response, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "don-vi.csv")
		fw.Write([]byte(csv))
		mw.Close()
		req := request(http.MethodPost, "/admin/import", buf.String())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return e.as("admin", req)
	}
	resp, body := upload("code,name,kind,parent_code\nX1,Đoàn xã Một,commune,P\nX2,,commune,P\n")
	if resp.StatusCode != 422 || !strings.Contains(string(body), "<td>3</td>") {
		t.Fatalf("bad file: status %d, want 422 with line 3 reported; %.500s", resp.StatusCode, body)
	}
	if _, err := e.st.GetUnit(t.Context(), "X1"); err == nil {
		t.Fatal("a rejected file wrote unit X1")
	}
	resp, body = upload("code,name,kind,parent_code\nX1,Đoàn xã Một,commune,P\n")
	if resp.StatusCode != 200 {
		t.Fatalf("good file: %d %.500s", resp.StatusCode, body)
	}
	if _, err := e.st.GetUnit(t.Context(), "X1"); err != nil {
		t.Fatalf("unit X1 not imported: %v", err)
	}
	// A file wrong as a whole is said in Vietnamese, without the package's name.
	resp, body = upload("")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "Không đọc được tệp: tệp trống") || strings.Contains(string(body), "registry:") {
		t.Fatalf("empty file: %d %.500s", resp.StatusCode, body)
	}
}

func TestLanguageLinkComesBack(t *testing.T) {
	e := newEnv(t)
	_, body := e.as("adminC1", request("GET", "/units/C1?ok=override", nil))
	m := regexp.MustCompile(`href="(/lang/en\?next=[^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatal("no English link")
	}
	link := strings.ReplaceAll(string(m[1]), "&amp;", "&")
	resp, _ := e.as("adminC1", request("GET", link, nil))
	if got := resp.Header.Get("Location"); got != "/units/C1?ok=override" {
		t.Fatalf("English link %s goes to %q, want back to /units/C1?ok=override", link, got)
	}
}

// bigReview answers every review with the same n synthetic commune rows.
type bigReview struct {
	countStatus
	r models.Review
}

func (b bigReview) Review(context.Context, string, string) (models.Review, error) { return b.r, nil }

// BenchmarkReviewPage1000 renders the weekly review page of 1,000 communes (a whole
// province meeting), filters and sort included; the store is only read for the parent list.
func BenchmarkReviewPage1000(b *testing.B) {
	days, _ := models.WeekDays("2026-W48", models.Vietnam)
	r := models.Review{Week: "2026-W48", Parent: "P", Days: days}
	for i := range 1000 {
		st := models.StatusMet
		if i%3 == 0 {
			st = models.StatusShort
		}
		r.Rows = append(r.Rows, models.ReviewRow{
			Unit:        models.Unit{Code: fmt.Sprintf("X%04d", i), Name: fmt.Sprintf("Đoàn xã Số %d", i), Kind: models.UnitCommune, ParentCode: "P"},
			DailyCounts: [7]int{1, 2, 0, 1, 1, 3, 1}, DailyStatus: [7]models.Status{st, st, models.StatusShort, st, st, st, models.StatusAtRisk},
			WeekCounts: map[models.Kind]int{models.KindGoodNews: 9, models.KindStory: 1},
			Statuses: []models.PeriodStatus{
				{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelBaseline, Required: 1, Actual: 1, Status: st},
				{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelTarget, Required: 2, Actual: 1, Status: models.StatusShort},
			},
			DaysMet: map[models.Level]int{models.LevelBaseline: 5}, Streak: i % 30, PrevDaysMet: 4, FeedState: models.FeedOK, Rank: i + 1,
		})
	}
	e := newEnv(b, func(d *Deps) { d.Status = bigReview{r: r} })
	b.ResetTimer()
	for b.Loop() {
		resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W48&sort=name&all=1", nil)) // every unit on one page
		if resp.StatusCode != http.StatusOK || len(body) < 1000*500 {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, len(body))
		}
	}
}
