package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
)

var (
	cellRe       = regexp.MustCompile(`<rect class="cell[^"]*"[^>]*fill="(#[0-9a-fA-F]+)"[^>]*data-day="([0-9-]+)" data-status="([a-z_]*)"`)
	legendRe     = regexp.MustCompile(`<li data-status="([a-z_]+)"( data-retro="1")?><svg[^>]*><rect[^>]*fill="(#[0-9a-fA-F]+)"`)
	dayLinkRe    = regexp.MustCompile(`<a href="/units/C1\?day=([0-9-]+)#calendar"`)
	heatmapRe    = regexp.MustCompile(`(?s)<svg class="heatmap".*?</svg>`)
	postIDRe     = regexp.MustCompile(`<div class="post[^"]*" id="post-([^"]+)"`)
	svgTextRe    = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	overrideForm = regexp.MustCompile(`(?s)<form method="post" action="/posts/[^"]+/override" class="([^"]*)">(.*?)</form>`)
)

// TestUnitCalendarHasLabelsLinksAndTrueLegend: the 12-week calendar names its weekdays
// (T2…CN) and its weeks (month, Monday's date), every day begun is a link to its panel,
// and every colour of a cell is in the legend beside the status it means.
func TestUnitCalendarHasLabelsLinksAndTrueLegend(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.as("adminC1", request("GET", "/units/C1", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	svg := heatmapRe.FindString(html)
	if svg == "" {
		t.Fatalf("no calendar: %.300s", html)
	}
	var texts []string
	for _, m := range svgTextRe.FindAllStringSubmatch(svg, -1) {
		texts = append(texts, m[1])
	}
	joined := " " + strings.Join(texts, " ") + " "
	// 2026-11-27 is in W48: the calendar runs from Monday 2026-09-07 to Sunday 2026-11-29.
	for _, want := range []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN", "Tháng 9", "Tháng 10", "Tháng 11", "07", "14", "23"} {
		if !strings.Contains(joined, " "+want+" ") {
			t.Errorf("calendar labels %q lack %q", texts, want)
		}
	}
	links := map[string]bool{}
	for _, m := range dayLinkRe.FindAllStringSubmatch(svg, -1) {
		links[m[1]] = true
	}
	for _, day := range []string{"2026-09-07", "2026-11-02", "2026-11-27"} {
		if !links[day] {
			t.Errorf("day %s is not a link to its panel", day)
		}
	}
	if links["2026-11-28"] {
		t.Error("tomorrow is a link, but it has not begun")
	}
	if len(links) != 11*7+5 {
		t.Errorf("%d day links, want %d (every day up to today)", len(links), 11*7+5)
	}
	legend := map[string]string{}
	for _, m := range legendRe.FindAllStringSubmatch(html, -1) {
		if m[2] == "" {
			legend[m[1]] = strings.ToLower(m[3])
		}
	}
	cells := cellRe.FindAllStringSubmatch(svg, -1)
	if len(cells) != heatWeeks*7 {
		t.Fatalf("%d cells, want %d", len(cells), heatWeeks*7)
	}
	for _, m := range cells {
		fill, day, status := strings.ToLower(m[1]), m[2], m[3]
		if legend[status] != fill {
			t.Errorf("cell %s (%s) is %s but the legend shows %s as %q", day, status, fill, status, legend[status])
		}
	}
}

// dayMarks is a status service whose calendar is given day by day.
type dayMarks struct {
	countStatus
	marks map[string]models.DayMark
}

func (d dayMarks) DayStatuses(_ context.Context, _, from, to string) (map[string]models.DayMark, error) {
	out := map[string]models.DayMark{}
	for day, m := range d.marks {
		if day >= from && day <= to {
			out[day] = m
		}
	}
	return out, nil
}

// TestUnitDayPanel: ?day= opens a panel with the day's status, count and posts, without
// hover or script; a day judged in hindsight keeps its mark on the cell and in the panel;
// a day that is no date, or has not come, says so on the dashboard itself.
func TestUnitDayPanel(t *testing.T) {
	e := newEnv(t, func(d *Deps) {
		d.Status = dayMarks{countStatus: countStatus{st: d.Store}, marks: map[string]models.DayMark{
			"2026-11-20": {Status: models.StatusShort, Retroactive: true},
			"2026-11-27": {Status: models.StatusAtRisk},
		}}
	})
	resp, body := e.as("adminC1", request("GET", "/units/C1?day=2026-11-27", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	i := strings.Index(html, `id="day"`)
	if i < 0 {
		t.Fatalf("no day panel: %.300s", html)
	}
	panel := html[i:]
	panel = panel[:strings.Index(panel, `id="posts"`)]
	for _, want := range []string{`data-day="2026-11-27"`, "Thứ Sáu 27/11/2026", "Chưa đạt", "0/1", "Thanh niên xã Đông Hòa dọn rác bãi biển", `href="/units/C1#calendar"`} {
		if !strings.Contains(panel, want) {
			t.Errorf("day panel lacks %q: %.600s", want, panel)
		}
	}
	if !strings.Contains(html, `class="cell sel today"`) {
		t.Error("the open day is not marked on the calendar")
	}

	_, body = e.as("adminC1", request("GET", "/units/C1?day=2026-11-20", nil))
	html = string(body)
	if !regexp.MustCompile(`data-day="2026-11-20" data-status="short" data-retro="1"`).MatchString(html) {
		t.Error("the cell of a day judged in hindsight lost data-retro")
	}
	if !strings.Contains(html, `id="day" data-day="2026-11-20" data-status="short" data-retro="1"`) || !strings.Contains(html, "đánh giá hồi tố: trước lần đầu đọc được nguồn tin") {
		t.Error("the panel of a day judged in hindsight does not say so")
	}
	if !strings.Contains(html, "Không có bài viết nào trong ngày này.") {
		t.Error("the panel of a day without posts does not say so")
	}

	for _, bad := range []string{"2026-13-40", "hôm-qua", "2026-11-30"} {
		resp, body := e.as("adminC1", request("GET", "/units/C1?day="+url.QueryEscape(bad), nil))
		html := string(body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="calendar"`) || !strings.Contains(html, `class="err"`) || strings.Contains(html, `id="day"`) {
			t.Errorf("day %q: status %d, want 400 on the dashboard with the reason: %.300s", bad, resp.StatusCode, html)
		}
	}
}

// seedPosts adds n posts to C1, one an hour back from the test clock, cycling kinds.
func seedPosts(t *testing.T, e *testEnv, n int) {
	t.Helper()
	kinds := []models.Kind{models.KindGoodNews, models.KindStory, models.KindOther}
	var posts []models.Post
	for i := range n {
		pub := testNow.Add(-time.Duration(i+3) * time.Hour)
		posts = append(posts, models.Post{UnitCode: "C1", ItemKey: fmt.Sprintf("https://c1.example.vn/p/%d", i), Source: models.SourceFeed,
			URL: fmt.Sprintf("https://c1.example.vn/p/%d", i), Title: fmt.Sprintf("Bài số %d", i), PublishedAt: pub.UTC(),
			LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub.UTC(), RuleKind: kinds[i%3], RuleReason: "mẫu", UpdatedAt: pub.UTC()})
	}
	if _, err := e.st.UpsertPosts(t.Context(), posts); err != nil {
		t.Fatal(err)
	}
}

// TestUnitPostsArePaged: 20 posts a page with links to the neighbours; a bad page number
// is said on the dashboard.
func TestUnitPostsArePaged(t *testing.T) {
	e := newEnv(t)
	seedPosts(t, e, 45) // 46 with the seeded one
	_, body := e.as("adminC1", request("GET", "/units/C1", nil))
	html := string(body)
	if n := len(postIDRe.FindAllString(html, -1)); n != postsPerPage {
		t.Errorf("page 1 lists %d posts, want %d", n, postsPerPage)
	}
	if !strings.Contains(html, `href="/units/C1?page=2#posts"`) || strings.Contains(html, `rel="prev"`) {
		t.Error("page 1 has no link to page 2, or a link back")
	}
	_, body = e.as("adminC1", request("GET", "/units/C1?page=3", nil))
	html = string(body)
	if n := len(postIDRe.FindAllString(html, -1)); n != 6 {
		t.Errorf("page 3 lists %d posts, want 6", n)
	}
	if !strings.Contains(html, `href="/units/C1?page=2#posts"`) || strings.Contains(html, `rel="next"`) {
		t.Error("page 3 has no link back to page 2, or a link further")
	}
	resp, body := e.as("adminC1", request("GET", "/units/C1?page=zero", nil))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Số trang không hợp lệ") || len(postIDRe.FindAllString(string(body), -1)) != postsPerPage {
		t.Errorf("bad page: status %d; want 400 with the message and the first page", resp.StatusCode)
	}
}

// TestUnitPostsFilters: by effective kind, and the posts waiting for a reviewer.
func TestUnitPostsFilters(t *testing.T) {
	e := newEnv(t)
	seedPosts(t, e, 9)
	resp, body := e.as("adminC1", request("GET", "/units/C1?kind=story", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	if n := strings.Count(html, `data-kind="story"`); n != 3 || strings.Contains(html, `data-kind="good_news"`) || strings.Contains(html, `data-kind="other"`) {
		t.Errorf("kind=story lists %d stories and other kinds: %v", n, regexp.MustCompile(`data-kind="[a-z_]+"`).FindAllString(html, -1))
	}
	// The unit proposes the seeded "other" post as good news: it waits for a reviewer.
	id := e.posts["C1-feed"].ID
	resp, body = e.as("adminC1", form("/posts/"+id+"/override", url.Values{"kind": {"good_news"}, "unit": {"C1"}, "view": {"proposed=1"}}))
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "ok=proposed") || !strings.Contains(loc, "proposed=1") {
		t.Fatalf("propose: %d %q %.200s", resp.StatusCode, loc, body)
	}
	_, body = e.as("adminC1", request("GET", "/units/C1?proposed=1", nil))
	ids := postIDRe.FindAllStringSubmatch(string(body), -1)
	if len(ids) != 1 || ids[0][1] != id {
		t.Errorf("proposed=1 lists %v, want only post %s", ids, id)
	}
	_, body = e.as("adminC1", request("GET", "/units/C1?kind=ideology", nil))
	if !strings.Contains(string(body), "Không có bài viết nào khớp bộ lọc.") {
		t.Error("an empty filtered list does not say so")
	}
}

// TestUnitPostControlsAreOneCompactForm: kind, exclude, note and save of a post sit in one
// compact row, not a block of labelled fields.
func TestUnitPostControlsAreOneCompactForm(t *testing.T) {
	e := newEnv(t)
	_, body := e.as("reviewerP", request("GET", "/units/C1", nil))
	forms := overrideForm.FindAllStringSubmatch(string(body), -1)
	if len(forms) == 0 {
		t.Fatal("no override form")
	}
	for _, f := range forms {
		class, inner := f[1], f[2]
		if class != "pform" || strings.Contains(inner, `class="field`) {
			t.Errorf("override form class %q with labelled field blocks: %.300s", class, inner)
		}
		for _, want := range []string{`<select name="kind"`, `name="excluded"`, `name="note"`, `type="submit"`, `name="view"`} {
			if !strings.Contains(inner, want) {
				t.Errorf("override form lacks %s", want)
			}
		}
	}
}

// TestUnitFormsComeBackToTheirView: a saved form returns to the page and filter it was
// sent from.
func TestUnitFormsComeBackToTheirView(t *testing.T) {
	e := newEnv(t)
	id := e.posts["C1-feed"].ID
	resp, body := e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"story"}, "unit": {"C1"}, "view": {"kind=other&page=2"}}))
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || loc == nil || loc.Query().Get("page") != "2" || loc.Query().Get("kind") != "other" || loc.Query().Get("ok") != "override" {
		t.Fatalf("override: %d %q %.200s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

// TestUnitFormErrorsStayBesideTheField: a too-long note, on the dashboard's form or on a
// form without the unit field (the check list's), comes back on the unit's dashboard with
// the message beside that post's note and the note kept; so does approving a post with
// nothing to approve.
func TestUnitFormErrorsStayBesideTheField(t *testing.T) {
	e := newEnv(t)
	id := e.posts["C1-feed"].ID
	long := strings.Repeat("ghi chú ", 130)
	resp, body := e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"story"}, "note": {long}, "unit": {"C1"}}))
	html := string(body)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("too-long note: status %d", resp.StatusCode)
	}
	for _, want := range []string{`<header>`, `id="err-post-` + id + `">Ghi chú quá dài`, `aria-describedby="err-post-` + id + `"`, `value="` + long[:40]} {
		if !strings.Contains(html, want) {
			t.Errorf("too-long note page lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?s)id="post-` + regexp.QuoteMeta(id) + `".*?<option value="story" selected>`).FindString(html); m == "" {
		t.Error("the kind the reviewer chose was not kept")
	}

	// A form with no unit field (a reject form): from the dashboard it comes back there,
	// from the check list back to the check list.
	manual := e.posts["C2-manual"].ID
	resp, body = e.as("reviewerP", form("/posts/"+manual+"/reject", url.Values{"note": {long}}))
	html = string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="err-reject-`+manual+`"`) || !strings.Contains(html, `id="calendar"`) {
		t.Errorf("too-long reject note without unit: status %d, want the dashboard of C2 with the message beside the form: %.300s", resp.StatusCode, html)
	}
	resp, body = e.as("reviewerP", form("/posts/"+manual+"/reject", url.Values{"note": {long}, "next": {"/check?week=2026-W48"}}))
	html = string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, "Ghi chú quá dài") || !strings.Contains(html, `id="check-list"`) {
		t.Errorf("too-long reject note from the check list: status %d, want the check list with the message: %.300s", resp.StatusCode, html)
	}

	resp, body = e.as("reviewerP", form("/posts/"+id+"/approve", url.Values{"unit": {"C1"}}))
	html = string(body)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(html, "Bài viết không có đề xuất nào chờ duyệt") || !strings.Contains(html, `id="calendar"`) {
		t.Errorf("approve without proposal: status %d, want 409 on the dashboard", resp.StatusCode)
	}

	// The manual form keeps what was typed, with the message under the link.
	resp, body = e.as("adminC1", form("/units/C1/posts", url.Values{"url": {"ftp://facebook.com/c1/posts/1"}, "date": {"2026-11-27"}, "kind": {"story"}, "title": {"Tiêu đề đã gõ"}}))
	html = string(body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(html, `id="err-submit-url"`) || !strings.Contains(html, "Tiêu đề đã gõ") {
		t.Errorf("manual form error: status %d, want the message beside the link and the title kept: %.300s", resp.StatusCode, html)
	}
}
