package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tintot/classify"
	"tintot/models"
)

func TestOverridePostWinsAndIsAudited(t *testing.T) {
	e := newEnv(t)
	id := e.posts["C1-feed"].ID
	path := "/api/v1/posts/" + id

	resp, body := e.do("reviewerP", "PATCH", path, map[string]any{"kind": "good_news", "note": "bài về hiến máu"})
	wantStatus(t, resp, body, http.StatusOK)
	v := decode[postView](t, body)
	if v.Kind != models.KindGoodNews || v.RuleKind != models.KindOther {
		t.Fatalf("effective kind %q (rule %q), want good_news over the rule's other", v.Kind, v.RuleKind)
	}
	if !strings.Contains(v.Reason, "reviewerP@doan.vn") || !strings.Contains(v.Reason, "bài về hiến máu") {
		t.Fatalf("reason %q does not say who and why", v.Reason)
	}

	// null / missing fields keep what is there.
	resp, body = e.do("reviewerP", "PATCH", path, map[string]any{"excluded": true, "kind": nil})
	wantStatus(t, resp, body, http.StatusOK)
	v = decode[postView](t, body)
	if v.Kind != models.KindGoodNews || !v.Excluded || v.Counted || v.Override.Note != "bài về hiến máu" {
		t.Fatalf("after excluding: kind %q excluded %v counted %v note %q", v.Kind, v.Excluded, v.Counted, v.Override.Note)
	}
	counts, _ := e.st.CountPosts(context.Background(), storeCount("C1", v.LocalDay))
	if len(counts) != 0 {
		t.Fatalf("excluded post still counted: %+v", counts)
	}

	resp, body = e.do("reviewerP", "GET", "/api/v1/audit?target=post:"+id, nil)
	wantStatus(t, resp, body, http.StatusOK)
	entries := decode[[]models.AuditEntry](t, body)
	if len(entries) != 2 {
		t.Fatalf("audit has %d entries, want 2: %s", len(entries), body)
	}
	first := entries[1] // newest first
	if first.Actor != "reviewerP@doan.vn" || first.Action != "post.override" || first.UnitCode != "C1" ||
		first.Before != "null" || !strings.Contains(first.After, `"kind":"good_news"`) || first.Note != "bài về hiến máu" {
		t.Fatalf("first audit entry = %+v", first)
	}
	if !strings.Contains(entries[0].Before, `"excluded":false`) || !strings.Contains(entries[0].After, `"excluded":true`) {
		t.Fatalf("second audit entry lacks before/after: %+v", entries[0])
	}

	// clear goes back to the rule.
	resp, body = e.do("reviewerP", "PATCH", path, map[string]any{"clear": true})
	wantStatus(t, resp, body, http.StatusOK)
	v = decode[postView](t, body)
	if v.Override != nil || v.Kind != models.KindOther || !v.Counted {
		t.Fatalf("after clear: %+v", v)
	}
}

func TestOverridePostRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/posts/" + e.posts["C1-feed"].ID
	cases := []struct {
		name  string
		body  any
		field string
	}{
		{"unknown kind", map[string]any{"kind": "tin_hay"}, "kind"},
		{"kind not a string", map[string]any{"kind": 3}, "kind"},
		{"excluded not a bool", map[string]any{"excluded": "yes"}, "excluded"},
		{"unknown field", map[string]any{"knd": "story"}, "knd"},
		{"nothing to change", map[string]any{}, "kind"},
		{"not JSON", `{"kind":`, "body"},
		{"empty body", "", "body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := request("PATCH", path, c.body)
			req.Header.Set("Authorization", "Bearer "+e.tokens["adminC1"])
			resp, body := e.send(req)
			wantStatus(t, resp, body, http.StatusBadRequest)
			if got := decode[apiError](t, body); got.Field != c.field || got.Error == "" {
				t.Fatalf("error %+v, want field %q", got, c.field)
			}
		})
	}
	p, _ := e.st.GetPost(context.Background(), e.posts["C1-feed"].ID)
	if p.Override != nil {
		t.Fatalf("a rejected PATCH changed the post: %+v", p.Override)
	}
	resp, body := e.do("adminC1", "PATCH", "/api/v1/posts/nope", map[string]any{"kind": "story"})
	wantStatus(t, resp, body, http.StatusNotFound)
}

func TestManualSubmission(t *testing.T) {
	cases := []struct {
		name       string
		body       map[string]any
		status     int
		field      string
		wantDay    string
		wantTitle  string
		wantKeyHas string
	}{
		{"day only", map[string]any{"url": "https://www.facebook.com/DoanDongHoa/posts/1?utm_source=zalo&fbclid=abc#top", "date": "2026-11-26", "kind": "good_news"},
			201, "", "2026-11-26", "Tuổi trẻ xã Đông Hòa hiến máu", "https://www.facebook.com/DoanDongHoa/posts/1"},
		{"RFC3339 late UTC evening is next local day", map[string]any{"url": "https://zalo.me/p/2", "date": "2026-11-26T18:30:00Z", "kind": "story", "title": "Câu chuyện đẹp"},
			201, "", "2026-11-27", "Câu chuyện đẹp", "https://zalo.me/p/2"},
		{"title fetch failure is not fatal", map[string]any{"url": "https://broken.example.vn/a", "date": "2026-11-27", "kind": "good_news"},
			201, "", "2026-11-27", "https://broken.example.vn/a", "broken.example.vn"},
		{"future day", map[string]any{"url": "https://x.vn/1", "date": "2026-11-28", "kind": "good_news"}, 400, "date", "", "", ""},
		{"future instant today", map[string]any{"url": "https://x.vn/1", "date": "2026-11-27T15:00:00+07:00", "kind": "good_news"}, 400, "date", "", "", ""},
		{"61 days back", map[string]any{"url": "https://x.vn/1", "date": "2026-09-27", "kind": "good_news"}, 400, "date", "", "", ""},
		{"60 days back is fine", map[string]any{"url": "https://x.vn/60", "date": "2026-09-28", "kind": "good_news", "title": "cũ"}, 201, "", "2026-09-28", "cũ", "x.vn/60"},
		{"bad date", map[string]any{"url": "https://x.vn/1", "date": "27/11/2026", "kind": "good_news"}, 400, "date", "", "", ""},
		{"missing kind", map[string]any{"url": "https://x.vn/1", "date": "2026-11-27"}, 400, "kind", "", "", ""},
		{"bad kind", map[string]any{"url": "https://x.vn/1", "date": "2026-11-27", "kind": "news"}, 400, "kind", "", "", ""},
		{"bad url", map[string]any{"url": "javascript:alert(1)", "date": "2026-11-27", "kind": "good_news"}, 400, "url", "", "", ""},
		{"missing url", map[string]any{"date": "2026-11-27", "kind": "good_news"}, 400, "url", "", "", ""},
	}
	e := newEnv(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/posts", c.body)
			wantStatus(t, resp, body, c.status)
			if c.status != 201 {
				if got := decode[apiError](t, body); got.Field != c.field {
					t.Fatalf("error %+v, want field %q", got, c.field)
				}
				return
			}
			v := decode[postView](t, body)
			if v.Source != models.SourceManual || v.DateInferred || v.LocalDay != c.wantDay || v.Title != c.wantTitle ||
				!strings.Contains(v.ItemKey, c.wantKeyHas) || v.SubmittedBy != "adminC1@doan.vn" || v.UnitCode != "C1" {
				t.Fatalf("stored post %+v", v)
			}
			if strings.Contains(v.ItemKey, "utm_") || strings.Contains(v.ItemKey, "fbclid") || strings.Contains(v.ItemKey, "#") {
				t.Fatalf("item key %q keeps tracking parts", v.ItemKey)
			}
		})
	}
	// The same link with other tracking parameters is the same post.
	resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/posts",
		map[string]any{"url": "https://WWW.facebook.com/DoanDongHoa/posts/1/?utm_medium=x", "date": "2026-11-25", "kind": "good_news"})
	wantStatus(t, resp, body, http.StatusConflict)
	if got := decode[apiError](t, body); got.Field != "url" {
		t.Fatalf("duplicate error %+v, want field url", got)
	}
}

func TestRejectManualPost(t *testing.T) {
	e := newEnv(t)
	manual := "/api/v1/posts/" + e.posts["C2-manual"].ID + "/reject"
	resp, body := e.do("adminC2", "POST", manual, map[string]any{"note": "tự từ chối"})
	wantStatus(t, resp, body, http.StatusForbidden)

	resp, body = e.do("reviewerP", "POST", "/api/v1/posts/"+e.posts["C2-feed"].ID+"/reject", map[string]any{"note": "x"})
	wantStatus(t, resp, body, http.StatusConflict)

	resp, body = e.do("reviewerP", "POST", manual, map[string]any{"note": "đường dẫn không mở được"})
	wantStatus(t, resp, body, http.StatusOK)
	v := decode[postView](t, body)
	if !v.Rejected || v.Counted {
		t.Fatalf("after reject: rejected %v counted %v", v.Rejected, v.Counted)
	}
	entries, _ := e.st.ListAudit(context.Background(), "post:"+v.ID, 10)
	if len(entries) != 1 || entries[0].Action != "post.reject" || entries[0].Actor != "reviewerP@doan.vn" || entries[0].Note != "đường dẫn không mở được" {
		t.Fatalf("audit %+v", entries)
	}
}

func TestUnitsCRUDValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, user, method, path string
		body                     any
		status                   int
		field                    string
	}{
		{"create", "admin", "POST", "/api/v1/units", map[string]any{"code": "C3", "name": "Đoàn xã Mới", "kind": "commune", "parent_code": "P", "emails": []string{"doan@c3.vn"}}, 201, ""},
		{"duplicate code", "admin", "POST", "/api/v1/units", map[string]any{"code": "C1", "name": "x", "kind": "commune"}, 409, "code"},
		{"bad kind", "admin", "POST", "/api/v1/units", map[string]any{"code": "C4", "name": "x", "kind": "village"}, 400, "kind"},
		{"bad email", "admin", "POST", "/api/v1/units", map[string]any{"code": "C4", "name": "x", "kind": "commune", "emails": []string{"không phải email"}}, 400, "emails"},
		{"unknown parent", "admin", "POST", "/api/v1/units", map[string]any{"code": "C4", "name": "x", "kind": "commune", "parent_code": "ZZ"}, 400, "parent_code"},
		{"reviewer cannot create", "reviewerP", "POST", "/api/v1/units", map[string]any{"code": "C5", "name": "x", "kind": "commune", "parent_code": "P"}, 403, ""},
		{"unit admin sets own e-mails", "adminC1", "PUT", "/api/v1/units/C1", map[string]any{"name": "Đoàn xã Đông Hòa", "kind": "commune", "parent_code": "P", "emails": []string{"c1@doan.vn"}}, 200, ""},
		{"unit admin cannot rename own unit", "adminC1", "PUT", "/api/v1/units/C1", map[string]any{"name": `=HYPERLINK("http://evil/","click")`}, 403, "name"},
		{"unit admin cannot rename by PATCH", "adminC1", "PATCH", "/api/v1/units/C1", map[string]any{"name": "x"}, 403, "name"},
		{"unit admin cannot move own unit", "adminC1", "PUT", "/api/v1/units/C1", map[string]any{"parent_code": "Q"}, 403, "parent_code"},
		{"unit admin cannot change own kind", "adminC1", "PATCH", "/api/v1/units/C1", map[string]any{"kind": "province"}, 403, "kind"},
		{"unit admin cannot change own dates", "adminC1", "PATCH", "/api/v1/units/C1", map[string]any{"active_to": "2026-01-01"}, 403, "active_to"},
		{"admin renames, e-mails kept", "admin", "PATCH", "/api/v1/units/C1", map[string]any{"name": "Đoàn xã Đông Hòa (mới)"}, 200, ""},
		{"code in body must match", "admin", "PUT", "/api/v1/units/C1", map[string]any{"code": "C2", "name": "x", "kind": "commune"}, 400, "code"},
		{"cycle", "admin", "PUT", "/api/v1/units/P", map[string]any{"name": "Tỉnh đoàn P", "kind": "province", "parent_code": "C1"}, 400, "parent_code"},
		{"bad active_from", "admin", "POST", "/api/v1/units", map[string]any{"code": "C6", "name": "x", "kind": "commune", "active_from": "1/7/2025"}, 400, "active_from"},
		{"active_to before active_from", "admin", "POST", "/api/v1/units", map[string]any{"code": "C6", "name": "x", "kind": "commune", "active_from": "2025-07-01", "active_to": "2025-06-30"}, 400, "active_to"},
		{"merged commune from 2025-07-01", "admin", "POST", "/api/v1/units", map[string]any{"code": "C7", "name": "Đoàn xã sáp nhập", "kind": "commune", "parent_code": "P", "active_from": "2025-07-01"}, 201, ""},
		{"delete with children", "admin", "DELETE", "/api/v1/units/P", nil, 409, ""},
		{"unit admin cannot delete", "adminC1", "DELETE", "/api/v1/units/C1", nil, 403, ""},
		{"delete leaf", "admin", "DELETE", "/api/v1/units/D1", nil, 204, ""},
		{"bad kind filter", "admin", "GET", "/api/v1/units?kind=town", nil, 400, "kind"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.do(c.user, c.method, c.path, c.body)
			wantStatus(t, resp, body, c.status)
			if c.field != "" {
				if got := decode[apiError](t, body); got.Field != c.field {
					t.Fatalf("error %+v, want field %q", got, c.field)
				}
			}
		})
	}
	c7, _ := e.st.GetUnit(context.Background(), "C7")
	if c7.ActiveFrom == nil || !c7.ActiveFrom.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, models.Vietnam)) {
		t.Fatalf("active_from stored as %v, want 2025-07-01 00:00 Vietnam time", c7.ActiveFrom)
	}
	u, _ := e.st.GetUnit(context.Background(), "C1")
	if u.Name != "Đoàn xã Đông Hòa (mới)" || u.ParentCode != "P" || len(u.Emails) != 1 || u.Emails[0] != "c1@doan.vn" {
		t.Fatalf("C1 after updates: %+v", u)
	}
}

func TestFeedsAddAndDelete(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/feeds", map[string]any{"url": "https://c1.example.vn/tin-tot.rss", "default_kind": "good_news"})
	wantStatus(t, resp, body, http.StatusCreated)
	f := decode[models.Feed](t, body)
	if f.ID == "" || f.DefaultKind != models.KindGoodNews || f.UnitCode != "C1" {
		t.Fatalf("created feed %+v", f)
	}
	for _, c := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"url": "https://c1.example.vn/tin-tot.rss"}, 409, "url"},
		{map[string]any{"url": "ftp://c1.example.vn/x"}, 400, "url"},
		{map[string]any{"url": "https://user:pw@c1.example.vn/x"}, 400, "url"},
		{map[string]any{"url": "https://c1.example.vn/y", "default_kind": "hot"}, 400, "default_kind"},
	} {
		resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/feeds", c.body)
		wantStatus(t, resp, body, c.status)
		if got := decode[apiError](t, body); got.Field != c.field {
			t.Fatalf("error %+v, want field %q", got, c.field)
		}
	}
	resp, body = e.do("adminC1", "DELETE", "/api/v1/feeds/"+f.ID, nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	resp, body = e.do("adminC1", "DELETE", "/api/v1/feeds/"+f.ID, nil)
	wantStatus(t, resp, body, http.StatusNotFound)
	resp, body = e.do("admin", "GET", "/api/v1/feeds?state=dead", nil)
	wantStatus(t, resp, body, http.StatusBadRequest)
}

func TestPostsListUsesEffectiveKind(t *testing.T) {
	e := newEnv(t)
	e.do("reviewerP", "PATCH", "/api/v1/posts/"+e.posts["C2-feed"].ID, map[string]any{"kind": "story"})
	resp, body := e.do("reviewerP", "GET", "/api/v1/units/C2/posts?kind=story", nil)
	wantStatus(t, resp, body, http.StatusOK)
	ps := decode[[]postView](t, body)
	if len(ps) != 1 || ps[0].ID != e.posts["C2-feed"].ID || ps[0].Kind != models.KindStory || ps[0].KindLabel != "Câu chuyện đẹp" {
		t.Fatalf("story filter returned %+v", ps)
	}
	for _, q := range []string{"?from=2026-13-01", "?to=yesterday", "?kind=x", "?from=2026-11-27&to=2026-11-01", "?limit=0"} {
		resp, body := e.do("reviewerP", "GET", "/api/v1/units/C2/posts"+q, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/units/C2/posts?from=2026-11-28&to=2026-11-30", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if ps := decode[[]postView](t, body); len(ps) != 0 {
		t.Fatalf("posts after the window: %d", len(ps))
	}
}

func TestStatusReviewAndExports(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do("adminC1", "GET", "/api/v1/units/C1/status", nil)
	wantStatus(t, resp, body, http.StatusOK)
	rep := decode[models.UnitStatusReport](t, body)
	if rep.Date != "2026-11-27" || rep.Unit.Code != "C1" {
		t.Fatalf("status defaults to %q for %q, want today's local day 2026-11-27", rep.Date, rep.Unit.Code)
	}
	for _, q := range []string{"/api/v1/units/C1/status?date=2026-02-30", "/api/v1/review?week=2026-W54", "/api/v1/review.csv?week=48"} {
		resp, body := e.do("admin", "GET", q, nil)
		wantStatus(t, resp, body, http.StatusBadRequest)
	}

	resp, body = e.do("reviewerP", "GET", "/api/v1/review.csv?week=2026-W48", nil)
	wantStatus(t, resp, body, http.StatusOK)
	cd := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, `attachment; filename="Tong-hop-tuan-2026-W48-P.csv"`) ||
		!strings.Contains(cd, "filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20tu%E1%BA%A7n%202026-W48%20P.csv") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(body), "C1\nC2\n") {
		t.Fatalf("CSV %q (%s)", body, resp.Header.Get("Content-Type"))
	}
	resp, body = e.do("admin", "GET", "/api/v1/review.xlsx?week=2026-W48&parent=Q", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("xlsx content type %q", ct)
	}
}

func TestMissingDependenciesAnswer503(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Status, d.Exports = nil, nil })
	for _, p := range []string{"/api/v1/units/C1/status", "/api/v1/review", "/api/v1/review.xlsx", "/api/v1/review.csv"} {
		resp, body := e.do("admin", "GET", p, nil)
		wantStatus(t, resp, body, http.StatusServiceUnavailable)
		if got := decode[apiError](t, body); !strings.Contains(got.Error, "chưa được bật") {
			t.Fatalf("%s: 503 message %q", p, got.Error)
		}
	}
	// Everything else still works.
	resp, body := e.do("admin", "GET", "/api/v1/units", nil)
	wantStatus(t, resp, body, http.StatusOK)
}

func TestUsersAndTokens(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do("admin", "POST", "/api/v1/users", map[string]any{"email": "nguyen.van.a@doan.vn", "name": "Nguyễn Văn A", "role": "unit_admin", "unit_code": "C2"})
	wantStatus(t, resp, body, http.StatusCreated)
	created := decode[map[string]any](t, body)
	if pw, _ := created["password"].(string); len(pw) < minPasswordLen {
		t.Fatalf("no generated password shown: %s", body)
	}
	if strings.Contains(string(body), "$2a$") {
		t.Fatal("password hash leaked in the response")
	}
	for _, c := range []struct {
		body   map[string]any
		status int
		field  string
	}{
		{map[string]any{"email": "nguyen.van.a@doan.vn", "name": "A", "role": "unit_admin", "unit_code": "C2"}, 409, "email"},
		{map[string]any{"email": "b@doan", "name": "B", "role": "admin"}, 400, "email"},
		{map[string]any{"email": "b@doan.vn", "name": "B", "role": "boss"}, 400, "role"},
		{map[string]any{"email": "b@doan.vn", "name": "B", "role": "reviewer"}, 400, "unit_code"},
		{map[string]any{"email": "b@doan.vn", "name": "B", "role": "reviewer", "unit_code": "ZZ"}, 400, "unit_code"},
		{map[string]any{"email": "b@doan.vn", "name": "B", "role": "admin", "password": "ngắn"}, 400, "password"},
		{map[string]any{"email": "b@doan.vn", "name": "", "role": "admin"}, 400, "name"},
	} {
		resp, body := e.do("admin", "POST", "/api/v1/users", c.body)
		wantStatus(t, resp, body, c.status)
		if got := decode[apiError](t, body); got.Field != c.field {
			t.Fatalf("error %+v, want field %q", got, c.field)
		}
	}
	resp, body = e.do("reviewerP", "GET", "/api/v1/users", nil)
	wantStatus(t, resp, body, http.StatusForbidden)

	// A token made with a token works, is listed without its secret, and can be revoked.
	resp, body = e.do("adminC1", "POST", "/api/v1/tokens", map[string]any{"name": "máy tính văn phòng"})
	wantStatus(t, resp, body, http.StatusCreated)
	tok := decode[map[string]any](t, body)
	secret, _ := tok["token"].(string)
	if !strings.HasPrefix(secret, tokenPrefix) {
		t.Fatalf("token %q", secret)
	}
	stored, err := e.st.GetAPITokenByHash(context.Background(), hashSecret(secret))
	if err != nil || stored.Hash == secret {
		t.Fatalf("token not stored hashed: %+v %v", stored, err)
	}
	e.tokens["new"] = secret
	resp, body = e.do("new", "GET", "/api/v1/me", nil)
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = e.do("new", "GET", "/api/v1/tokens", nil)
	if strings.Contains(string(body), secret) {
		t.Fatal("token list shows the secret")
	}
	resp, body = e.do("new", "DELETE", "/api/v1/tokens/"+tok["id"].(string), nil)
	wantStatus(t, resp, body, http.StatusNoContent)
	resp, body = e.do("new", "GET", "/api/v1/me", nil)
	wantStatus(t, resp, body, http.StatusUnauthorized)
}

func storeCount(unit, day string) storeCountQuery {
	return storeCountQuery{UnitCodes: []string{unit}, FromDay: day, ToDay: day}
}

func TestClassifyPreview(t *testing.T) {
	rules, err := classify.New(classify.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(d *Deps) { d.Classifier = rules })
	resp, body := e.do("adminC1", "POST", "/api/v1/classify", map[string]any{"title": "Tấm gương sáng #CauChuyenDep", "unit_code": "C1"})
	wantStatus(t, resp, body, http.StatusOK)
	got := decode[map[string]string](t, body)
	if got["kind"] != string(models.KindStory) || got["reason"] == "" {
		t.Fatalf("classify = %v", got)
	}
	resp, body = e.do("adminC1", "POST", "/api/v1/classify", map[string]any{"title": "x", "unit_code": "C2"})
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.do("adminC1", "POST", "/api/v1/classify", map[string]any{"summary": ""})
	wantStatus(t, resp, body, http.StatusBadRequest)

	off := newEnv(t)
	resp, body = off.do("adminC1", "POST", "/api/v1/classify", map[string]any{"title": "x"})
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
}

func TestAdminUpdatesUsers(t *testing.T) {
	e := newEnv(t)
	c1 := e.users["adminC1"]
	path := "/api/v1/users/" + c1.ID
	for _, c := range []struct {
		user   string
		body   map[string]any
		status int
		field  string
	}{
		{"reviewerP", map[string]any{"disabled": true}, 403, ""},
		{"admin", map[string]any{"role": "god"}, 400, "role"},
		{"admin", map[string]any{"unit_code": "ZZ"}, 400, "unit_code"},
		{"admin", map[string]any{"unit_code": ""}, 400, "unit_code"},
		{"admin", map[string]any{"name": " "}, 400, "name"},
		{"admin", map[string]any{"bogus": 1}, 400, "bogus"},
	} {
		resp, body := e.do(c.user, "PATCH", path, c.body)
		wantStatus(t, resp, body, c.status)
		if c.field != "" {
			if got := decode[apiError](t, body); got.Field != c.field {
				t.Fatalf("error %+v, want field %q", got, c.field)
			}
		}
	}
	// Moving the unit admin to C2 changes what they see at once.
	resp, body := e.do("admin", "PATCH", path, map[string]any{"unit_code": "C2"})
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = e.do("adminC1", "GET", "/api/v1/units/C1", nil)
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, body = e.do("adminC1", "GET", "/api/v1/units/C2", nil)
	wantStatus(t, resp, body, http.StatusOK)
	// Disabled: every token stops working.
	resp, body = e.do("admin", "PATCH", path, map[string]any{"disabled": true})
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = e.do("adminC1", "GET", "/api/v1/units/C2", nil)
	wantStatus(t, resp, body, http.StatusUnauthorized)
	// An admin cannot lock themselves out.
	resp, body = e.do("admin", "PATCH", "/api/v1/users/"+e.users["admin"].ID, map[string]any{"disabled": true})
	wantStatus(t, resp, body, http.StatusConflict)
}

// TestManualSubmissionOfAnArticleTheFeedBrought: the unit's feed stored the article
// under its GUID; submitting its link by hand, written another way, is refused: it is
// counted already, once.
func TestManualSubmissionOfAnArticleTheFeedBrought(t *testing.T) {
	e := newEnv(t)
	at := time.Date(2026, 11, 26, 20, 5, 0, 0, models.Vietnam)
	if _, err := e.st.UpsertPosts(context.Background(), []models.Post{{UnitCode: "C1", FeedID: "f-c1", ItemKey: "https://c1.example.vn/?p=123",
		URL: "https://c1.example.vn/2026/11/thanh-nien-hien-mau", Title: "Thanh niên hiến máu", RuleKind: models.KindGoodNews,
		PublishedAt: at, LocalDay: "2026-11-26", FirstSeenAt: at}}); err != nil {
		t.Fatal(err)
	}
	resp, body := e.do("adminC1", "POST", "/api/v1/units/C1/posts",
		map[string]any{"url": "http://www.c1.example.vn/2026/11/thanh-nien-hien-mau/?utm_source=zalo", "date": "2026-11-25", "kind": "good_news"})
	wantStatus(t, resp, body, http.StatusConflict)
	if got := decode[apiError](t, body); got.Field != "url" || !strings.Contains(got.Error, "nguồn tin") {
		t.Fatalf("error %+v, want one on the url saying the feed brought it", got)
	}
	// Another article of the same site is taken.
	resp, body = e.do("adminC1", "POST", "/api/v1/units/C1/posts",
		map[string]any{"url": "https://c1.example.vn/2026/11/trao-qua", "date": "2026-11-26", "kind": "good_news", "title": "Trao quà"})
	wantStatus(t, resp, body, http.StatusCreated)
}
