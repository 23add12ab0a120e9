package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tintot/models"
)

// TestCheckPage lists the week's posts no rule recognised, in the reviewer's units only;
// saving a kind from it changes the post, goes back to the list, and the post leaves it.
func TestCheckPage(t *testing.T) {
	e := newEnv(t)
	pub := testNow.Add(-time.Hour)
	extra := []models.Post{
		// Recognised as other on purpose: not a miss.
		{UnitCode: "C1", ItemKey: "hop", Title: "Hội nghị Ban Chấp hành Đoàn xã", RuleKind: models.KindOther, RuleReason: `tiêu đề bắt đầu bằng "Hội nghị"`},
		// Another province: out of the reviewer's scope.
		{UnitCode: "D1", ItemKey: "d1", Title: "Đoàn xã Bình Minh sơn lại cổng trường", RuleKind: models.KindOther, RuleReason: "không khớp quy tắc nào"},
		// Last week: another page.
		{UnitCode: "C1", ItemKey: "cu", Title: "Bài tuần trước", RuleKind: models.KindOther, RuleReason: "không khớp quy tắc nào", PublishedAt: pub.AddDate(0, 0, -7)},
	}
	for i := range extra {
		p := &extra[i]
		if p.PublishedAt.IsZero() {
			p.PublishedAt = pub
		}
		p.Source, p.URL = models.SourceFeed, "https://example.vn/"+p.ItemKey
		p.LocalDay, p.FirstSeenAt, p.UpdatedAt = models.LocalDay(p.PublishedAt, models.Vietnam), p.PublishedAt, p.PublishedAt
	}
	if _, err := e.st.UpsertPosts(t.Context(), extra); err != nil {
		t.Fatal(err)
	}

	resp, body := e.as("reviewerP", request("GET", "/check?week=2026-W48", nil))
	wantStatus(t, resp, body, 200)
	html := string(body)
	for _, want := range []string{"Bài cần xem lại", "Thanh niên xã Đông Hòa dọn rác bãi biển", "Chuyện người thầy ở phường Tây Sơn", "<strong>2</strong>"} {
		if !strings.Contains(html, want) {
			t.Errorf("check page lacks %q", want)
		}
	}
	for _, absent := range []string{"Hội nghị Ban Chấp hành", "sơn lại cổng trường", "Bài tuần trước", "Bài nộp tay"} {
		if strings.Contains(html, absent) {
			t.Errorf("check page lists %q", absent)
		}
	}

	id := e.posts["C1-feed"].ID
	resp, body = e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"good_news"}, "unit": {"C1"}, "next": {"/check?week=2026-W48"}}))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/check?week=2026-W48&ok=override" {
		t.Fatalf("override from the check page: status %d location %q body %.200s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if p, _ := e.st.GetPost(t.Context(), id); p.Kind() != models.KindGoodNews {
		t.Fatalf("post kind after saving = %s, want good news", p.Kind())
	}
	resp, body = e.as("reviewerP", request("GET", "/check?week=2026-W48&ok=override", nil))
	wantStatus(t, resp, body, 200)
	if html := string(body); strings.Contains(html, "dọn rác bãi biển") || !strings.Contains(html, "Đã lưu phân loại bài viết.") || !strings.Contains(html, "<strong>1</strong>") {
		t.Errorf("after saving, the post is still listed or the message is missing")
	}

	// A rejected form comes back to the check page, not the unit's: the message beside
	// that post's note, what was typed kept, the list and the layout still there.
	other := e.posts["C2-feed"].ID
	long := strings.Repeat("ghi chú ", 200)
	resp, body = e.as("reviewerP", form("/posts/"+other+"/override", url.Values{"kind": {"story"}, "note": {long}, "unit": {"C2"}, "next": {"/check?week=2026-W48"}}))
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("too-long note from the check page: status %d, want 400", resp.StatusCode)
	}
	html = string(body)
	for _, want := range []string{`<header>`, `id="check-list"`, `id="err-post-` + other + `">Ghi chú quá dài`, `aria-describedby="err-post-` + other + `"`,
		`value="` + long[:40], `<option value="story" selected>`, "Chuyện người thầy ở phường Tây Sơn"} {
		if !strings.Contains(html, want) {
			t.Errorf("check page after a rejected form lacks %q", want)
		}
	}
	if p, _ := e.st.GetPost(t.Context(), other); p.Override != nil {
		t.Errorf("a rejected form changed the post: %+v", p.Override)
	}

	// next only ever goes back to the check page.
	resp, _ = e.as("reviewerP", form("/posts/"+id+"/override", url.Values{"kind": {"story"}, "unit": {"C1"}, "next": {"//evil.example/check?x"}}))
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/units/C1?") {
		t.Errorf("override with a foreign next went to %q, want the unit page", loc)
	}

	// Unit admins have the unit page, not the province's list; a bad week is named.
	resp, _ = e.as("adminC1", request("GET", "/check", nil))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unit admin: status %d, want 403", resp.StatusCode)
	}
	resp, body = e.as("reviewerP", request("GET", "/check?week=2026-W99", nil))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Tuần không hợp lệ") {
		t.Errorf("bad week: status %d body %.200s", resp.StatusCode, body)
	}
	// The admin sees every province.
	resp, body = e.as("admin", request("GET", "/check?week=2026-W48", nil))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(string(body), "sơn lại cổng trường") {
		t.Error("admin check page lacks the other province's post")
	}
}

// TestCheckListsWhatTheModelIsUnsureOf: a post the model classified with low confidence
// is listed for reviewers with its guess and the words that weighed; a sure one is not.
func TestCheckListsWhatTheModelIsUnsureOf(t *testing.T) {
	e := newEnv(t)
	pub := testNow.Add(-3 * time.Hour).UTC()
	var seed []models.Post
	for _, p := range []struct {
		key, title string
		conf       float64
	}{{"unsure", "Đêm hội trăng rằm cho thiếu nhi xã Đông Hòa", 0.45}, {"sure", "Chàng trai bám bản nuôi ong", 0.93}} {
		seed = append(seed, models.Post{UnitCode: "C1", ItemKey: "https://c1.vn/" + p.key, Source: models.SourceFeed, URL: "https://c1.vn/" + p.key,
			Title: p.title, PublishedAt: pub, LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub, UpdatedAt: pub,
			RuleKind: models.KindGoodNews, RuleReason: "mô hình: tin tốt (0,45); từ: «thiếu nhi», «đêm hội»", RuleConfidence: p.conf})
	}
	if _, err := e.st.UpsertPosts(t.Context(), seed); err != nil {
		t.Fatal(err)
	}
	_, body := e.as("reviewerP", request("GET", "/check?week=2026-W48&parent=P", nil))
	html := string(body)
	if !strings.Contains(html, "Đêm hội trăng rằm cho thiếu nhi") || !strings.Contains(html, "mô hình: tin tốt (0,45)") {
		t.Errorf("the uncertain post is not listed with the model's guess")
	}
	if strings.Contains(html, "Chàng trai bám bản nuôi ong") {
		t.Errorf("a post the model is sure of is listed")
	}
}
