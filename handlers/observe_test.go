package handlers

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

// TestNeverReadUnitIsUnknownThroughTheAPI: a commune imported a week ago whose only feed
// has never been read is unknown on every day and week, never short, in its status and
// in the weekly review.
func TestNeverReadUnitIsUnknownThroughTheAPI(t *testing.T) {
	e := newEnv(t, withCampaign)
	ctx := t.Context()
	created := testNow.AddDate(0, 0, -7).UTC()
	if err := e.st.CreateUnit(ctx, models.Unit{Code: "C3", Name: "Đoàn xã Mới", Kind: models.UnitCommune, ParentCode: "P", CreatedAt: created, UpdatedAt: created}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateFeed(ctx, models.Feed{UnitCode: "C3", URL: "https://c3.example.vn/rss", State: models.FeedFailing,
		LastError: "Không kết nối được", CreatedAt: created, UpdatedAt: created, NextCheckAt: created}); err != nil {
		t.Fatal(err)
	}
	for _, date := range []string{"2026-11-24", "2026-11-27"} {
		resp, body := e.do("reviewerP", "GET", "/api/v1/units/C3/status?date="+date, nil)
		wantStatus(t, resp, body, http.StatusOK)
		rep := decode[models.UnitStatusReport](t, body)
		for _, ps := range append(rep.Day, rep.WeekSt...) {
			if ps.Status != models.StatusUnknown || ps.Note == "" {
				t.Errorf("%s %s %s = %s (%q), want unknown with the reason", date, ps.Target, ps.Level, ps.Status, ps.Note)
			}
		}
	}
	resp, body := e.do("reviewerP", "GET", "/api/v1/review?week=2026-W47&parent=P", nil)
	wantStatus(t, resp, body, http.StatusOK)
	r := decode[models.Review](t, body)
	for _, row := range r.Rows {
		if row.Unit.Code != "C3" {
			continue
		}
		for i, st := range row.DailyStatus {
			if st != models.StatusUnknown {
				t.Errorf("C3 on %s = %s, want unknown", r.Days[i], st)
			}
		}
		return
	}
	t.Fatalf("no row for C3 in %+v", r.Rows)
}

// TestOpenWeekReviewPage: days not begun show no count and no share, the comparison
// with last week says which days it covers, a unit kind without a daily target shows no
// days met, and no two share chips read alike.
func TestOpenWeekReviewPage(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W48&parent=P", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	// Friday 27/11 10:00: Saturday and Sunday have not begun.
	if !strings.Contains(html, "So với cùng kỳ tuần trước (T2–T6)") {
		t.Errorf("the comparison column does not say it covers Monday to Friday")
	}
	shares := between(html, `id="day-shares"`, "</div>")
	if !strings.Contains(shares, "28/11 —") || !strings.Contains(shares, "29/11 —") || strings.Contains(shares, "28/11 0%") {
		t.Errorf("day shares = %q, want no share for days not begun", shares)
	}
	row := between(html, `data-unit="C1"`, "</tr>")
	cells := regexp.MustCompile(`<td class="n">(.*?)</td>`).FindAllStringSubmatch(row, -1)
	if len(cells) < 7 || cells[5][1] != "" || cells[6][1] != "" {
		t.Errorf("C1's Saturday and Sunday cells = %q, want empty", cells)
	}
	prov := between(html, `data-unit="P"`, "</tr>")
	if strings.Contains(prov, "/7") || strings.Contains(prov, ">0/") || !strings.Contains(prov, "?/2 Không xác định") {
		t.Errorf("the province's row shows days met: %s", prov)
	}
	chips := regexp.MustCompile(`class="badge st-na wrap chip"[^>]*>([^:]*):`).FindAllStringSubmatch(html, -1)
	seen := map[string]bool{}
	for _, c := range chips {
		if seen[c[1]] {
			t.Errorf("two share chips read %q", c[1])
		}
		seen[c[1]] = true
	}
	if len(chips) == 0 {
		t.Errorf("no share chips")
	}

	// A closed week compares whole weeks.
	e.clock.Add(7 * 24 * time.Hour)
	_, body = e.as("reviewerP", request("GET", "/review?week=2026-W48&parent=P", nil))
	if !strings.Contains(string(body), `id="compare-head">So với tuần trước<`) {
		t.Errorf("a closed week's comparison should cover the whole week: %s", between(string(body), `id="compare-head"`, "</th>"))
	}
}

// between returns the text after the first start and up to the next end.
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

// TestShareChipsNameWhoTheyMeasure: the province's ideology target and the one of
// grassroots units under a bloc are told apart.
func TestShareChipsNameWhoTheyMeasure(t *testing.T) {
	sums := []models.TargetSummary{
		{Target: "province_weekly_ideology", Level: models.LevelBaseline, Kinds: []models.Kind{models.KindIdeology}, UnitKinds: []models.UnitKind{models.UnitProvince}},
		{Target: "grassroots_weekly_ideology", Level: models.LevelBaseline, Kinds: []models.Kind{models.KindIdeology}, UnitKinds: []models.UnitKind{models.UnitGrassroots}, ParentKinds: []models.UnitKind{models.UnitBloc}},
		{Target: "a", Level: models.LevelBaseline, Kinds: []models.Kind{models.KindStory}, UnitKinds: []models.UnitKind{models.UnitCommune}},
		{Target: "b", Level: models.LevelBaseline, Kinds: []models.Kind{models.KindStory}, UnitKinds: []models.UnitKind{models.UnitCommune}},
	}
	got := summaryLabels(lang{}, sums)
	if got[0] == got[1] || !strings.Contains(got[1], "thuộc") || got[2] == got[3] {
		t.Errorf("labels = %q", got)
	}
}

// TestFeedNoteIsShown: a feed read only in part says so on the feeds page and the unit's
// dashboard.
func TestFeedNoteIsShown(t *testing.T) {
	e := newEnv(t)
	fs, err := e.st.ListFeeds(t.Context(), store.FeedFilter{UnitCode: "C1"})
	if err != nil || len(fs) != 1 {
		t.Fatal(fs, err)
	}
	fs[0].Note = "Nguồn tin có 100000 mục; chỉ đọc 500 mục mới nhất"
	if err := e.st.UpdateFeed(t.Context(), fs[0]); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/feeds", "/units/C1"} {
		_, body := e.as("adminC1", request("GET", path, nil))
		if !strings.Contains(string(body), "chỉ đọc 500 mục mới nhất") {
			t.Errorf("%s does not show the feed's note", path)
		}
	}
}
