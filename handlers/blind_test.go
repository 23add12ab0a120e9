package handlers

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

var tagRe = regexp.MustCompile(`<[^>]+>`)

func visibleText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRe.ReplaceAllString(s, " "))), " ")
}

// pageSection is the text of the element that starts at marker, up to end.
func pageSection(page, marker, end string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], end)
	if j < 0 {
		j = len(page) - i
	}
	return page[i : i+j]
}

// W46 (09–15/11) lies before every seeded feed's reach (19/11): no unit of P could be
// judged on any day. The review page states no share met ("—"), not "0%", for each day
// and for the weekly target.
func TestBlindReviewPageSharesOfBlindWeek(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W46&parent=P", nil))
	wantStatus(t, resp, body, 200)
	page := string(body)
	days := visibleText(pageSection(page, `id="day-shares"`, "</div>"))
	chips := visibleText(pageSection(page, `<section class="card" id="summary">`, `id="day-shares"`))
	t.Logf("day shares: %s", days)
	t.Logf("summary chips: %s", chips)
	// the rows: every day "?"
	row := visibleText(pageSection(page, `data-unit="C1"`, "</tr>"))
	t.Logf("row C1: %s", row)
	if strings.Contains(days, "0%") {
		t.Errorf("days on which no unit could be judged are shown as 0%% met: %s", days)
	}
	if strings.Contains(chips, ": 0%") {
		t.Errorf("weekly target no unit could be judged on is shown as 0%% met: %s", chips)
	}
}

// C2's feed broke on Monday 16/11 and is still broken: W47 is unknown for it, after a
// W46 in which it met every day. The comparison column does not say it lost 7 days.
func TestBlindReviewPageComparisonOfBlindWeek(t *testing.T) {
	e := newEnv(t, withCampaign)
	ctx := t.Context()
	fs, err := e.st.ListFeeds(ctx, store.FeedFilter{UnitCode: "C2"})
	if err != nil || len(fs) != 1 {
		t.Fatalf("feeds of C2: %v %v", fs, err)
	}
	reach := time.Date(2026, 10, 1, 0, 0, 0, 0, models.Vietnam)
	fs[0].CoveredFrom, fs[0].FirstReadAt = &reach, &reach
	if err := e.st.UpdateFeed(ctx, fs[0]); err != nil {
		t.Fatal(err)
	}
	if err := e.st.OpenOutage(ctx, models.FeedOutage{FeedID: fs[0].ID, UnitCode: "C2", From: time.Date(2026, 11, 16, 0, 0, 0, 0, models.Vietnam).UTC(), Reason: "HTTP 500"}); err != nil {
		t.Fatal(err)
	}
	var posts []models.Post
	for d := 9; d <= 15; d++ {
		pub := time.Date(2026, 11, d, 9, 0, 0, 0, models.Vietnam)
		url := "https://c2.example.vn/w46/" + pub.Format("02")
		posts = append(posts, models.Post{UnitCode: "C2", ItemKey: url, Source: models.SourceFeed, URL: url, Title: "Tin tốt " + pub.Format("02/01"),
			PublishedAt: pub.UTC(), LocalDay: models.LocalDay(pub, models.Vietnam), FirstSeenAt: pub.UTC(), RuleKind: models.KindGoodNews, RuleReason: "test", UpdatedAt: pub.UTC()})
	}
	if _, err := e.st.UpsertPosts(ctx, posts); err != nil {
		t.Fatal(err)
	}
	resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W47&parent=P", nil))
	wantStatus(t, resp, body, 200)
	row := pageSection(string(body), `data-unit="C2"`, "</tr>")
	cmp := visibleText(pageSection(row, `class="n c-cmp"`, "</td>"))
	t.Logf("row C2: %s", visibleText(row))
	t.Logf("comparison cell: %s", cmp)
	if strings.Contains(cmp, "▼") {
		t.Errorf("a week tintot could not see is compared as a drop: %q", cmp)
	}
	// The week before, seen, vs. this one: W48 compared with a blind W47 shows a rise.
}

// The period report of 09–15/11 (before every feed's reach), every day unknown: no row
// shows 0 posts of a kind nor a 0% share of days met.
func TestBlindReportPageBlindPeriod(t *testing.T) {
	e := newEnv(t, withCampaign)
	resp, body := e.as("reviewerP", request("GET", "/report?from=2026-11-09&to=2026-11-15&parent=P", nil))
	wantStatus(t, resp, body, 200)
	page := string(body)
	row := visibleText(pageSection(page, `<tr data-unit="C2">`, "</tr>"))
	total := visibleText(pageSection(page, `id="report-total"`, "</tr>"))
	t.Logf("row C2 : %s", row)
	t.Logf("total  : %s", total)
	if strings.Contains(row, "0%") || strings.Contains(total, "0%") {
		t.Errorf("a period no day of which was seen shows 0%% of days met")
	}
	if strings.HasPrefix(row, "Đoàn phường Tây Sơn Xã/Phường 0 0 0") {
		t.Errorf("a unit tintot never saw in the period shows 0 posts of each kind")
	}
}

// TestBlindUnitSortsAfterUnitsSeenToMiss: sorted by days met, a unit tintot could not see
// on any day comes after the units seen to miss every day, not among them.
func TestBlindUnitSortsAfterUnitsSeenToMiss(t *testing.T) {
	line := func(code string, met, judged int, st models.Status) reviewLine {
		row := models.ReviewRow{Unit: models.Unit{Code: code}, HasDaily: true, DaysMet: map[models.Level]int{models.LevelBaseline: met},
			Statuses: []models.PeriodStatus{{PeriodKind: models.PeriodDay, Level: models.LevelBaseline, Required: judged, Actual: met}}}
		for i := range row.DailyStatus {
			row.DailyStatus[i] = st
		}
		return reviewLine{ReviewRow: row}
	}
	rows := []reviewLine{line("blind", 0, 0, models.StatusUnknown), line("zero", 0, 7, models.StatusShort), line("five", 5, 7, models.StatusMet)}
	sortReviewLines(rows, "days")
	var got []string
	for _, r := range rows {
		got = append(got, r.Unit.Code)
	}
	if strings.Join(got, " ") != "five zero blind" {
		t.Errorf("sorted by days met: %v, want five zero blind", got)
	}
}

// TestWeekHeadingsNameTheirDays: the review and check pages' headings give the week's
// days as people read them beside its ISO code.
func TestWeekHeadingsNameTheirDays(t *testing.T) {
	e := newEnv(t, withCampaign)
	for _, path := range []string{"/review?week=2026-W46&parent=P", "/check?week=2026-W46"} {
		resp, body := e.as("reviewerP", request("GET", path, nil))
		wantStatus(t, resp, body, 200)
		if h1 := pageSection(string(body), "<h1>", "</h1>"); !strings.Contains(h1, "2026-W46 (09/11 – 15/11/2026)") {
			t.Errorf("%s: heading %q, want the week's days", path, h1)
		}
	}
}

// TestPageTitlesFollowTheLanguage: with English chosen, the browser tab says it too.
func TestPageTitlesFollowTheLanguage(t *testing.T) {
	e := newEnv(t, withCampaign)
	for path, want := range map[string]string{
		"/review?week=2026-W46&parent=P": "<title>Weekly review 2026-W46 · tintot</title>",
		"/feeds":                         "<title>" + english["Nguồn tin"] + " · tintot</title>",
		"/nope":                          "<title>" + english["Lỗi"] + " 404 · tintot</title>",
	} {
		req := request("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
		_, body := e.as("admin", req)
		if !strings.Contains(string(body), want) {
			t.Errorf("%s: %q, want %s", path, pageSection(string(body), "<title>", "</title>"), want)
		}
	}
}
