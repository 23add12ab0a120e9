package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"tintot/models"
	"tintot/report"
)

// seedTrendPosts adds commune C3 under P and posts of P's communes in November 2026:
// three units carry #XanhHoaQueHuong in some written form, one unit carries #AoXanh.
func seedTrendPosts(t *testing.T, e *testEnv) {
	t.Helper()
	ctx := t.Context()
	created := testNow.Add(-24 * time.Hour).UTC()
	if err := e.st.CreateUnit(ctx, models.Unit{Code: "C3", Name: "Đoàn xã Hòa Phú", Kind: models.UnitCommune, ParentCode: "P", CreatedAt: created, UpdatedAt: created}); err != nil {
		t.Fatal(err)
	}
	var posts []models.Post
	for i, p := range []struct{ unit, day, title, summary string }{
		{"C1", "2026-11-21", norm.NFD.String("Ra quân #XanhHóaQuêHương"), ""},
		{"C1", "2026-11-25", "Trồng cây", "<p>… #xanh_hoa_que_huong</p>"},
		{"C2", "2026-11-25", "Dọn rác #XANHHOAQUEHUONG", ""},
		{"C3", "2026-11-26", "#XanhHoaQueHuong ở Hòa Phú", ""},
		{"C3", "2026-11-26", "Áo xanh #AoXanh", ""},
		{"D1", "2026-11-26", "#XanhHoaQueHuong ở tỉnh khác", ""},
	} {
		pub, _ := models.DayStart(p.day, models.Vietnam)
		pub = pub.Add(9 * time.Hour)
		key := "https://" + strings.ToLower(p.unit) + ".example.vn/trend/" + string(rune('a'+i))
		posts = append(posts, models.Post{UnitCode: p.unit, ItemKey: key, Source: models.SourceFeed, URL: key, Title: p.title, Summary: p.summary,
			PublishedAt: pub.UTC(), LocalDay: p.day, FirstSeenAt: pub.UTC(), RuleKind: models.KindGoodNews, RuleReason: "test", UpdatedAt: pub.UTC()})
	}
	if _, err := e.st.UpsertPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
}

func TestTrendsAPI(t *testing.T) {
	e := newEnv(t, withCampaign)
	seedTrendPosts(t, e)

	green := map[string]any{"name": "Xanh hóa quê hương", "hashtags": []string{"#XanhHóaQuêHương"}, "start_day": "2026-11-20", "end_day": "2026-12-05", "description": "Trồng cây, dọn rác"}
	resp, body := e.do("reviewerP", "POST", "/api/v1/trends", green)
	wantStatus(t, resp, body, http.StatusCreated)
	created := decode[models.TrendReport](t, body)
	if created.ParentCode != "P" || created.ID == "" || created.CreatedBy != "reviewerP@doan.vn" || len(created.JoinedUnits) != 3 || created.Posts != 4 || !created.Counts {
		t.Fatalf("created = %+v; want P's trend with 3 units and 4 posts that counts", created)
	}
	resp, body = e.do("reviewerP", "POST", "/api/v1/trends?parent=P", map[string]any{"name": "Áo xanh", "hashtags": []string{"AoXanh"}, "start_day": "2026-11-01", "end_day": "2026-11-30"})
	wantStatus(t, resp, body, http.StatusCreated)

	tests := []struct {
		name, user, path string
		body             any
		status           int
		field            string
	}{
		{"no hashtag", "reviewerP", "/api/v1/trends", map[string]any{"name": "X", "hashtags": []string{" ", "#"}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 400, "hashtags"},
		{"hashtag of punctuation", "reviewerP", "/api/v1/trends", map[string]any{"name": "X", "hashtags": []string{"#!!"}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 400, "hashtags"},
		{"no name", "reviewerP", "/api/v1/trends", map[string]any{"name": " ", "hashtags": []string{"#x"}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 400, "name"},
		{"name with a line break", "reviewerP", "/api/v1/trends", map[string]any{"name": "a\r\nb", "hashtags": []string{"#x"}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 400, "name"},
		{"bad first day", "reviewerP", "/api/v1/trends", map[string]any{"name": "X", "hashtags": []string{"#x"}, "start_day": "01/11/2026", "end_day": "2026-11-02"}, 400, "start_day"},
		{"ends before it starts", "reviewerP", "/api/v1/trends", map[string]any{"name": "X", "hashtags": []string{"#x"}, "start_day": "2026-11-05", "end_day": "2026-11-02"}, 400, "end_day"},
		{"longer than a year", "reviewerP", "/api/v1/trends", map[string]any{"name": "X", "hashtags": []string{"#x"}, "start_day": "2026-01-01", "end_day": "2027-01-02"}, 400, "end_day"},
		{"unknown field", "reviewerP", "/api/v1/trends", map[string]any{"title": "X"}, 400, "title"},
		{"same name same year", "reviewerP", "/api/v1/trends", green, 409, "name"},
		{"commune as organiser", "reviewerP", "/api/v1/trends?parent=C1", green, 400, "parent"},
		{"other province", "reviewerP", "/api/v1/trends?parent=Q", green, 403, ""},
		{"unit admin", "adminC1", "/api/v1/trends?parent=P", green, 403, ""},
		{"admin without parent", "admin", "/api/v1/trends", green, 400, "parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(tt.user, "POST", tt.path, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if got := decode[apiError](t, body); got.Field != tt.field || got.Error == "" {
				t.Errorf("error %+v, want a message on field %q", got, tt.field)
			}
		})
	}
	req := request("POST", "/api/v1/trends", `{"name":"X"}`)
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+e.tokens["reviewerP"])
	if resp, body := e.send(req); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d %s, want 415", resp.StatusCode, body)
	}

	resp, body = e.do("reviewerP", "GET", "/api/v1/trends?year=2026", nil)
	wantStatus(t, resp, body, http.StatusOK)
	ty := decode[models.TrendYear](t, body)
	if ty.Parent != "P" || ty.Year != 2026 || len(ty.Trends) != 2 || ty.Counted != 1 || ty.MinUnits != 3 {
		t.Fatalf("year = parent %q %d, %d trends, %d counted (min %d)", ty.Parent, ty.Year, len(ty.Trends), ty.Counted, ty.MinUnits)
	}
	if small := ty.Trends[0]; small.Name != "Áo xanh" || small.Counts || len(small.JoinedUnits) != 1 || small.Hashtags[0] != "#AoXanh" {
		t.Errorf("small trend = %+v", small)
	}
	if len(ty.Status) != 2 || ty.Status[0].Status != models.StatusAtRisk || ty.Status[0].Actual != 1 || ty.Status[0].Required != 2 || ty.Status[1].Required != 5 {
		t.Errorf("status = %+v; want at_risk 1 of 2 (and 5 at the 2030 level)", ty.Status)
	}
	// The raw JSON names the fields the API promises.
	for _, k := range []string{`"joined_units"`, `"posts"`, `"counts"`, `"per_day"`, `"top_posts"`, `"status"`} {
		if !strings.Contains(string(body), k) {
			t.Errorf("GET /api/v1/trends has no %s", k)
		}
	}
	if resp, body := e.do("reviewerP", "GET", "/api/v1/trends?year=20x6", nil); resp.StatusCode != 400 || decode[apiError](t, body).Field != "year" {
		t.Errorf("bad year: %d %s", resp.StatusCode, body)
	}
	if resp, _ := e.do("reviewerP", "GET", "/api/v1/trends?parent=Q", nil); resp.StatusCode != 403 {
		t.Errorf("other province's trends: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.do("adminC1", "GET", "/api/v1/trends", nil); resp.StatusCode != 403 {
		t.Errorf("unit admin lists trends: %d, want 403", resp.StatusCode)
	}
	resp, body = e.do("admin", "GET", "/api/v1/trends/"+created.ID, nil)
	wantStatus(t, resp, body, http.StatusOK)
	if got := decode[models.TrendReport](t, body); got.Posts != 4 || len(got.PerDay) != 8 || len(got.TopPosts) != 4 {
		t.Errorf("GET trend = %d posts, %d days, %d top posts; want 4, 8 (20–27/11), 4", got.Posts, len(got.PerDay), len(got.TopPosts))
	}
	if resp, _ := e.do("reviewerP", "GET", "/api/v1/trends/nope", nil); resp.StatusCode != 404 {
		t.Errorf("missing trend: %d, want 404", resp.StatusCode)
	}

	// The province's status carries the yearly target like the other targets.
	resp, body = e.do("reviewerP", "GET", "/api/v1/units/P/status", nil)
	wantStatus(t, resp, body, http.StatusOK)
	rep := decode[models.UnitStatusReport](t, body)
	if len(rep.YearSt) != 2 || rep.YearSt[0].PeriodKind != models.PeriodYear || rep.YearSt[0].Period != "2026" || rep.YearSt[0].Actual != 1 {
		t.Errorf("P's year status = %+v", rep.YearSt)
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/units/C1/status", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "year_status") {
		t.Errorf("a commune's status has a yearly trend target: %s", body)
	}

	// Audit names who registered it.
	if entries, err := e.st.ListAudit(t.Context(), "trend:"+created.ID, 0); err != nil || len(entries) != 1 || entries[0].Actor != "reviewerP@doan.vn" {
		t.Errorf("audit = %+v, %v", entries, err)
	}
}

func TestTrendsPages(t *testing.T) {
	e := newEnv(t, withCampaign)
	seedTrendPosts(t, e)

	// Errors are shown next to the field, with what was typed kept.
	resp, body := e.as("reviewerP", form("/trends?parent=P&year=2026", url.Values{"name": {"Xanh hóa quê hương"}, "hashtags": {"#XanhHóaQuêHương"},
		"start_day": {"2026-11-20"}, "end_day": {"2026-11-10"}}))
	if resp.StatusCode != 400 {
		t.Fatalf("bad dates: %d, want 400", resp.StatusCode)
	}
	page := string(body)
	for _, want := range []string{`id="err-trend-end_day"`, "Ngày kết thúc phải từ ngày bắt đầu trở đi", `name="end_day" required value="2026-11-10" aria-invalid="true"`, `value="Xanh hóa quê hương"`} {
		if !strings.Contains(page, want) {
			t.Errorf("form with bad dates lacks %q", want)
		}
	}

	resp, body = e.as("reviewerP", form("/trends?parent=P&year=2026", url.Values{"name": {"Xanh hóa quê hương"}, "hashtags": {"#XanhHóaQuêHương #xhqh, #XanhHoaQueHuong"},
		"start_day": {"2026-11-20"}, "end_day": {"2026-12-05"}}))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/trends/") {
		t.Fatalf("register: %d to %q; body %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	detail := resp.Header.Get("Location")
	resp, body = e.as("reviewerP", request("GET", detail, nil))
	wantStatus(t, resp, body, http.StatusOK)
	page = string(body)
	for _, want := range []string{"Đã đăng ký trào lưu.", `<span class="badge st-na wrap">#XanhHóaQuêHương</span>`, `<span class="badge st-na wrap">#xhqh</span>`,
		`id="trend-units">3<`, `id="trend-posts">4<`, `data-counts="true"`, `<svg class="chart-svg"`, `data-key="2026-11-25" data-count="2"`,
		`data-unit="C1"`, `data-unit="C3"`, "Trồng cây"} {
		if !strings.Contains(page, want) {
			t.Errorf("trend page lacks %q", want)
		}
	}
	if strings.Count(page, "#XanhHoaQueHuong</span>") != 0 {
		t.Error("the same hashtag written twice is listed twice")
	}
	if strings.Contains(page, "tỉnh khác") {
		t.Error("a post of another province is shown")
	}

	resp, body = e.as("reviewerP", request("GET", "/trends", nil))
	wantStatus(t, resp, body, http.StatusOK)
	page = string(body)
	for _, want := range []string{`id="trend-target"`, `data-level="baseline" data-status="at_risk"`, "<strong>1/2</strong>", `id="add-trend"`, `href="/trends" class="on"`} {
		if !strings.Contains(page, want) {
			t.Errorf("trends list lacks %q", want)
		}
	}

	// English toggle.
	req := request("GET", "/trends", nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	_, body = e.as("reviewerP", req)
	if page := string(body); !strings.Contains(page, "Register a trend") || !strings.Contains(page, "Counts toward the target") {
		t.Error("the English trends page is not in English")
	}

	// The year's status on the province's dashboard, the review and the report.
	for path, id := range map[string]string{"/units/P": `id="year-trends"`, "/review?parent=P": `id="review-trends"`, "/report?parent=P": `id="report-trends"`} {
		resp, body := e.as("reviewerP", request("GET", path, nil))
		wantStatus(t, resp, body, http.StatusOK)
		if !strings.Contains(string(body), id) || !strings.Contains(string(body), "<strong>1/2</strong>") {
			t.Errorf("%s has no yearly trend target", path)
		}
	}
	_, body = e.as("reviewerP", request("GET", "/units/C1", nil))
	if strings.Contains(string(body), `id="year-trends"`) {
		t.Error("a commune's dashboard shows the yearly trend target")
	}

	// Scope.
	if resp, _ := e.as("adminC1", request("GET", "/trends", nil)); resp.StatusCode != 403 {
		t.Errorf("unit admin on /trends: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.as("adminC1", request("GET", detail, nil)); resp.StatusCode != 403 {
		t.Errorf("unit admin on a trend: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.as("adminC1", form("/trends?parent=P", url.Values{"name": {"x"}})); resp.StatusCode != 403 {
		t.Errorf("unit admin registers: %d, want 403", resp.StatusCode)
	}
}

func TestSplitHashtags(t *testing.T) {
	got := splitHashtags("#A #B, C;#Mùa hè xanh\n＃D")
	want := []string{"A", "B", "C", "Mùa hè xanh", "D"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("splitHashtags = %q, want %q", got, want)
	}
}

// A reviewer corrects a mistyped hashtag or a wrong day, or deletes a trend registered
// by mistake, through the API and the trend's page; the yearly target follows at once.
func TestTrendsEditAndDelete(t *testing.T) {
	e := newEnv(t, withCampaign)
	seedTrendPosts(t, e)
	typo := map[string]any{"name": "Xanh hóa quê hương", "hashtags": []string{"#XanhHoaQueHuongg"}, "start_day": "2026-11-20", "end_day": "2026-12-05"}
	resp, body := e.do("reviewerP", "POST", "/api/v1/trends", typo)
	wantStatus(t, resp, body, http.StatusCreated)
	tr := decode[models.TrendReport](t, body)
	if tr.Posts != 0 || tr.Counts {
		t.Fatalf("with the typo: %+v", tr)
	}
	resp, body = e.do("reviewerP", "POST", "/api/v1/trends", map[string]any{"name": "Áo xanh", "hashtags": []string{"#AoXanh"}, "start_day": "2026-11-01", "end_day": "2026-11-30"})
	wantStatus(t, resp, body, http.StatusCreated)
	other := decode[models.TrendReport](t, body)
	resp, body = e.do("admin", "POST", "/api/v1/trends?parent=Q", typo)
	wantStatus(t, resp, body, http.StatusCreated)
	ofQ := decode[models.TrendReport](t, body)

	fixed := map[string]any{"name": "Xanh hóa quê hương", "hashtags": []string{"#XanhHóaQuêHương"}, "start_day": "2026-11-20", "end_day": "2026-12-05", "description": "Sửa hashtag"}
	for _, tt := range []struct {
		name, user, method, path string
		body                     any
		status                   int
		field                    string
	}{
		{"no hashtag", "reviewerP", "PUT", "/api/v1/trends/" + tr.ID, map[string]any{"name": "X", "hashtags": []string{}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 400, "hashtags"},
		{"name of another trend", "reviewerP", "PUT", "/api/v1/trends/" + tr.ID, map[string]any{"name": "Áo xanh", "hashtags": []string{"#x"}, "start_day": "2026-11-01", "end_day": "2026-11-02"}, 409, "name"},
		{"other province", "reviewerP", "PUT", "/api/v1/trends/" + ofQ.ID, fixed, 403, ""},
		{"unit admin", "adminC1", "PUT", "/api/v1/trends/" + tr.ID, fixed, 403, ""},
		{"missing", "reviewerP", "PUT", "/api/v1/trends/nope", fixed, 404, ""},
		{"delete other province", "reviewerP", "DELETE", "/api/v1/trends/" + ofQ.ID, nil, 403, ""},
		{"delete as unit admin", "adminC1", "DELETE", "/api/v1/trends/" + tr.ID, nil, 403, ""},
		{"delete missing", "reviewerP", "DELETE", "/api/v1/trends/nope", nil, 404, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(tt.user, tt.method, tt.path, tt.body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if got := decode[apiError](t, body); got.Field != tt.field || got.Error == "" {
				t.Errorf("error %+v, want a message on field %q", got, tt.field)
			}
		})
	}
	resp, body = e.do("reviewerP", "PUT", "/api/v1/trends/"+tr.ID, fixed)
	wantStatus(t, resp, body, http.StatusOK)
	if got := decode[models.TrendReport](t, body); got.ID != tr.ID || got.ParentCode != "P" || got.CreatedBy != "reviewerP@doan.vn" ||
		got.Hashtags[0] != "#XanhHóaQuêHương" || got.Posts != 4 || len(got.JoinedUnits) != 3 || !got.Counts || got.Description != "Sửa hashtag" {
		t.Fatalf("after the correction = %+v", got)
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/trends?year=2026", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if ty := decode[models.TrendYear](t, body); ty.Counted != 1 || ty.Status[0].Actual != 1 {
		t.Errorf("yearly target after the correction: %d counted, %+v", ty.Counted, ty.Status)
	}
	if entries, err := e.st.ListAudit(t.Context(), "trend:"+tr.ID, 0); err != nil || len(entries) != 2 || entries[0].Action != "trend.update" && entries[1].Action != "trend.update" {
		t.Errorf("audit after the correction = %+v, %v", entries, err)
	}

	// The page: the form shows the trend as stored, errors beside the field, then saves.
	detail := "/trends/" + url.PathEscape(other.ID)
	resp, body = e.as("reviewerP", request("GET", detail, nil))
	wantStatus(t, resp, body, http.StatusOK)
	for _, want := range []string{`id="edit-trend"`, `action="` + detail + `"`, `value="#AoXanh"`, `name="start_day" required value="2026-11-01"`, `id="delete-trend"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("trend page lacks %q", want)
		}
	}
	resp, body = e.as("reviewerP", form(detail, url.Values{"name": {"Áo xanh"}, "hashtags": {"#AoXanh"}, "start_day": {"2026-11-30"}, "end_day": {"2026-11-01"}}))
	if resp.StatusCode != 400 {
		t.Fatalf("bad dates: %d, want 400", resp.StatusCode)
	}
	for _, want := range []string{`id="edit-trend" open`, `id="err-trend-end_day"`, `name="start_day" required value="2026-11-30"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("form with bad dates lacks %q", want)
		}
	}
	resp, body = e.as("reviewerP", form(detail, url.Values{"name": {"Áo xanh tình nguyện"}, "hashtags": {"#AoXanh, #XanhHoaQueHuong"}, "start_day": {"2026-11-01"}, "end_day": {"2026-11-30"}}))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != detail+"?ok=trend_edit" {
		t.Fatalf("save: %d to %q; body %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = e.as("reviewerP", request("GET", detail+"?ok=trend_edit", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if page := string(body); !strings.Contains(page, "Đã lưu trào lưu") || !strings.Contains(page, "<h1>Áo xanh tình nguyện") || !strings.Contains(page, `id="trend-units">3<`) || !strings.Contains(page, `id="trend-posts">5<`) {
		t.Errorf("after saving, the page does not show the corrected trend counted again")
	}

	// Deleting asks for the box to be ticked, then removes the trend from the year.
	resp, body = e.as("reviewerP", form(detail+"/delete", url.Values{}))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `id="err-trend-delete"`) {
		t.Fatalf("delete without confirmation: %d", resp.StatusCode)
	}
	if resp, _ := e.as("adminC1", form(detail+"/delete", url.Values{"confirm": {"yes"}})); resp.StatusCode != 403 {
		t.Errorf("unit admin deletes: %d, want 403", resp.StatusCode)
	}
	resp, _ = e.as("reviewerP", form(detail+"/delete", url.Values{"confirm": {"yes"}}))
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/trends?") || !strings.Contains(loc, "ok=trend_delete") {
		t.Fatalf("delete: %d to %q", resp.StatusCode, loc)
	}
	if resp, _ := e.do("reviewerP", "GET", "/api/v1/trends/"+other.ID, nil); resp.StatusCode != 404 {
		t.Errorf("deleted trend: %d, want 404", resp.StatusCode)
	}
	resp, body = e.do("reviewerP", "DELETE", "/api/v1/trends/"+tr.ID, nil)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", resp.StatusCode, body)
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/trends?year=2026", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if ty := decode[models.TrendYear](t, body); len(ty.Trends) != 0 || ty.Counted != 0 {
		t.Errorf("after both deletions: %d trends, %d counted", len(ty.Trends), ty.Counted)
	}
	if entries, err := e.st.ListAudit(t.Context(), "trend:"+other.ID, 0); err != nil || len(entries) != 3 {
		t.Errorf("audit of the page's changes = %+v, %v; want create, update, delete", entries, err)
	}
}

// Báo cáo kỳ carries the year's trends and the yearly target in its JSON and its workbook.
func TestPeriodReportCarriesTrends(t *testing.T) {
	e := newEnv(t, withReports)
	seedTrendPosts(t, e)
	resp, body := e.do("reviewerP", "POST", "/api/v1/trends", map[string]any{"name": "Xanh hóa quê hương", "hashtags": []string{"#XanhHóaQuêHương"}, "start_day": "2026-11-20", "end_day": "2026-12-05"})
	wantStatus(t, resp, body, http.StatusCreated)

	resp, body = e.do("reviewerP", "GET", "/api/v1/report?parent=P&from=2026-01-01&to=2026-12-31", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.PeriodReport](t, body)
	if r.Trends == nil || r.Trends.Year != 2026 || r.Trends.Counted != 1 || len(r.Trends.Trends) != 1 || len(r.Trends.Trends[0].JoinedUnits) != 3 ||
		len(r.Trends.Status) != 2 || r.Trends.Status[0].Actual != 1 || r.Trends.Status[0].Required != 2 {
		t.Fatalf("report trends = %+v", r.Trends)
	}
	if len(r.Trends.Trends[0].PerDay) != 0 || len(r.Trends.Trends[0].TopPosts) != 0 {
		t.Error("the report carries the trend's days and top posts")
	}
	// A commune has no trend target: nothing to show.
	resp, body = e.do("reviewerP", "GET", "/api/v1/report?parent=C1&from=2026-01-01&to=2026-12-31", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), `"trends"`) {
		t.Errorf("a commune's report has trends: %.200s", body)
	}

	resp, body = e.as("reviewerP", request("GET", "/report.xlsx?parent=P&from=2026-01-01&to=2026-12-31", nil))
	wantStatus(t, resp, body, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetTrends)
	if err != nil || len(rows) != 5 || rows[4][0] != "Xanh hóa quê hương" || rows[4][4] != "3" || rows[4][6] != "Có" {
		t.Errorf("trends sheet = %q, %v", rows, err)
	}
}
