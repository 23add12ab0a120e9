package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tintot/models"
)

// chartReview answers every week's review with the same n synthetic communes under P
// and summaries that depend on the week: a share of 75 % everywhere, except week
// gapWeek where no unit could be judged (every unit unknown), and the days of the open
// week (testNow is Friday 27/11, 2026-W48) not begun yet.
type chartReview struct {
	countStatus
	rows    []models.ReviewRow
	gapWeek string
}

func (c chartReview) Review(_ context.Context, week, parent string) (models.Review, error) {
	days, err := models.WeekDays(week, models.Vietnam)
	if err != nil {
		return models.Review{}, err
	}
	r := models.Review{Week: week, Parent: parent, Days: days, Rows: c.rows, CompareDays: 7}
	if week == "2026-W48" {
		r.CompareDays = 5
	}
	for i, d := range days {
		ds := models.DaySummary{Day: d, StatusCounts: models.StatusCounts{Met: 6, Short: 2, ShareMet: 0.75}}
		switch {
		case week == c.gapWeek:
			ds.StatusCounts = models.StatusCounts{Unknown: 8}
		case week == "2026-W48" && i >= 5:
			ds.StatusCounts, ds.Upcoming = models.StatusCounts{}, true
		}
		r.DaySummary = append(r.DaySummary, ds)
	}
	for _, lvl := range []models.Level{models.LevelBaseline, models.LevelTarget} {
		ts := models.TargetSummary{Target: "commune_weekly_story", Level: lvl, Kinds: []models.Kind{models.KindStory},
			UnitKinds: []models.UnitKind{models.UnitCommune}, StatusCounts: models.StatusCounts{Met: 3, Short: 1, ShareMet: 0.75}}
		if week == c.gapWeek {
			ts.StatusCounts = models.StatusCounts{Unknown: 4}
		}
		r.WeekSummary = append(r.WeekSummary, ts)
	}
	return r, nil
}

// syntheticRows are n communes of 2026-W48 with known statuses, feeds and names:
// unit i has, by i%4, its daily quota short (3 of 5 days) / its weekly story at risk /
// everything unknown / everything met (5 of 5 days); its feed, by i%5, ok, failing,
// broken, none, ok; every tenth (i%10 == 7) is a ward named "Đoàn phường Hòa Bình …".
func syntheticRows(n int) []models.ReviewRow {
	var rows []models.ReviewRow
	feeds := []models.FeedState{models.FeedOK, models.FeedFailing, models.FeedBroken, "", models.FeedOK}
	for i := range n {
		name := fmt.Sprintf("Đoàn xã Số %d", i)
		if i%10 == 7 {
			name = fmt.Sprintf("Đoàn phường Hòa Bình %d", i)
		}
		daily := models.PeriodStatus{Target: "commune_daily_good_news", Kinds: []models.Kind{models.KindGoodNews}, PeriodKind: models.PeriodDay,
			Period: "2026-W48", Level: models.LevelBaseline, Obligatory: true, Required: 5, Actual: 5, Status: models.StatusMet}
		weekly := models.PeriodStatus{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek,
			Period: "2026-W48", Level: models.LevelBaseline, Obligatory: true, Required: 1, Actual: 1, Status: models.StatusMet}
		day := [7]models.Status{models.StatusMet, models.StatusMet, models.StatusMet, models.StatusMet, models.StatusMet, models.StatusUpcoming, models.StatusUpcoming}
		counts := [7]int{1, 1, 2, 1, 1, 0, 0}
		met := 5
		switch i % 4 {
		case 0:
			daily.Actual, daily.Status, met = 3, models.StatusShort, 3
			day[1], day[3], counts[1], counts[3] = models.StatusShort, models.StatusShort, 0, 0
		case 1:
			weekly.Actual, weekly.Status = 0, models.StatusAtRisk
		case 2:
			daily.Required, daily.Actual, daily.Status, met = 0, 0, models.StatusUnknown, 0
			weekly.Actual, weekly.Status = 0, models.StatusUnknown
			for d := range 5 {
				day[d], counts[d] = models.StatusUnknown, 0
			}
		}
		rows = append(rows, models.ReviewRow{
			Unit:        models.Unit{Code: fmt.Sprintf("X%04d", i), Name: name, Kind: models.UnitCommune, ParentCode: "P"},
			DailyCounts: counts, DailyStatus: day, HasDaily: true,
			WeekCounts: map[models.Kind]int{models.KindGoodNews: met, models.KindStory: weekly.Actual},
			Statuses: []models.PeriodStatus{weekly, daily,
				{Target: "commune_weekly_story", Kinds: []models.Kind{models.KindStory}, PeriodKind: models.PeriodWeek, Level: models.LevelTarget, Required: 2, Actual: weekly.Actual, Status: models.StatusAtRisk}},
			DaysMet: map[models.Level]int{models.LevelBaseline: met}, Streak: i % 30, PrevDaysMet: 4, FeedState: feeds[i%5], Rank: i + 1,
		})
	}
	return rows
}

// reviewEnv is an app whose reviews are n synthetic communes (see syntheticRows).
func reviewEnv(t testing.TB, n int) *testEnv {
	t.Helper()
	rows := syntheticRows(n)
	return newEnv(t, func(d *Deps) { d.Status = chartReview{rows: rows, gapWeek: "2026-W44"} })
}

var unitRowRe = regexp.MustCompile(`<tr data-unit="([^"]+)"`)

// reviewUnits returns the codes of the units a review page lists, in order.
func reviewUnits(t *testing.T, e *testEnv, path string) (codes []string, html string) {
	t.Helper()
	resp, body := e.as("reviewerP", request("GET", path, nil))
	wantStatus(t, resp, body, http.StatusOK)
	for _, m := range unitRowRe.FindAllStringSubmatch(string(body), -1) {
		codes = append(codes, m[1])
	}
	return codes, string(body)
}

func TestReviewSearch(t *testing.T) {
	e := reviewEnv(t, 600)
	for _, tt := range []struct {
		q    string
		want int
		all  func(code string) bool
	}{
		{"hoa binh", 50, nil},   // without diacritics: 60 wards, the first page of them
		{"Hòa  Bình", 50, nil},  // with them, and a double space
		{"PHƯỜNG hòa", 50, nil}, // any case, words in any order
		{"x0123", 1, func(c string) bool { return c == "X0123" }},
		{"Số 12", 15, nil}, // every word: "Số 12", "Số 120"… "Số 129", "Số 212"… "Số 512"
		{"không có đơn vị này", 0, nil},
	} {
		codes, html := reviewUnits(t, e, "/review?week=2026-W48&q="+url.QueryEscape(tt.q))
		if len(codes) != tt.want {
			t.Errorf("q=%q: %d units listed, want %d", tt.q, len(codes), tt.want)
		}
		for _, c := range codes {
			var i int
			fmt.Sscanf(c, "X%d", &i)
			if strings.Contains(tt.q, "inh") && i%10 != 7 {
				t.Errorf("q=%q lists %s, not a Hòa Bình ward", tt.q, c)
			}
			if tt.all != nil && !tt.all(c) {
				t.Errorf("q=%q lists %s", tt.q, c)
			}
		}
		if tt.want == 0 && !strings.Contains(html, "Không có đơn vị nào phù hợp.") {
			t.Errorf("q=%q: no unit found, and the page does not say so", tt.q)
		}
		if !strings.Contains(html, `name="q" id="q" value="`+attrEscape(strings.Join(strings.Fields(tt.q), " "))+`"`) {
			t.Errorf("q=%q: the search box does not keep the search", tt.q)
		}
	}
	_, html := reviewUnits(t, e, "/review?week=2026-W48&q=hoa+binh")
	if !strings.Contains(html, `id="review-count"`) || !strings.Contains(between(html, `id="review-count"`, "</p>"), "/ 60") {
		t.Errorf("the count does not say 60 units match: %s", between(html, `id="review-count"`, "</p>"))
	}
}

// attrEscape escapes as html/template does in attribute values for these tests.
func attrEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestReviewFilters(t *testing.T) {
	e := reviewEnv(t, 200)
	of := func(i int) string { return fmt.Sprintf("X%04d", i) }
	for _, tt := range []struct {
		query string
		keep  func(i int) bool
	}{
		{"status=short", func(i int) bool { return i%4 == 0 }},
		{"status=at_risk", func(i int) bool { return i%4 == 1 }},
		{"status=unknown", func(i int) bool { return i%4 == 2 }},
		{"status=met", func(i int) bool { return i%4 == 3 }},
		{"feed=ok", func(i int) bool { return i%5 == 0 || i%5 == 4 }},
		{"feed=failing", func(i int) bool { return i%5 == 1 }},
		{"feed=broken", func(i int) bool { return i%5 == 2 }},
		{"feed=none", func(i int) bool { return i%5 == 3 }},
		{"status=met&feed=broken", func(i int) bool { return i%4 == 3 && i%5 == 2 }},
		{"short=1", func(i int) bool { return i%4 <= 1 }},
		{"status=short&q=hoa", func(i int) bool { return i%4 == 0 && i%10 == 7 }}, // none: 7 is odd
		{"status=at_risk&q=hoa", func(i int) bool { return i%4 == 1 && i%10 == 7 }},
		{"kind=district", func(int) bool { return false }},
	} {
		var want []string
		for i := range 200 {
			if tt.keep(i) {
				want = append(want, of(i))
			}
		}
		got, _ := reviewUnits(t, e, "/review?week=2026-W48&all=1&"+tt.query)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: %d units %v…, want %d %v…", tt.query, len(got), head(got), len(want), head(want))
		}
	}
	// The options count the units of the whole review.
	_, html := reviewUnits(t, e, "/review?week=2026-W48&status=unknown")
	for _, want := range []string{`<option value="short">Không đạt (50)</option>`, `<option value="unknown" selected>Không xác định (50)</option>`,
		`<option value="none">Không có nguồn tin (40)</option>`, `<option value="ok">Hoạt động tốt (80)</option>`} {
		if !strings.Contains(html, want) {
			t.Errorf("filter options lack %s", want)
		}
	}
	for _, bad := range []string{"status=tot", "feed=dead", "page=0", "page=x", "sort=random", "kind=tinh"} {
		resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W48&"+bad, nil))
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%.200s)", bad, resp.StatusCode, body)
		}
	}
}

func head(s []string) []string { return s[:min(len(s), 4)] }

func TestReviewPagination(t *testing.T) {
	e := reviewEnv(t, 600)
	codes, html := reviewUnits(t, e, "/review?week=2026-W48")
	if len(codes) != reviewPerPage || codes[0] != "X0000" || codes[49] != "X0049" {
		t.Fatalf("first page lists %d units %v…", len(codes), head(codes))
	}
	if !strings.Contains(html, `href="/review?page=2&amp;parent=P&amp;week=2026-W48" rel="next"`) || strings.Contains(html, `rel="prev"`) {
		t.Errorf("first page lacks the next link or has a previous one: %s", between(html, `id="pager"`, "</nav>"))
	}
	codes, _ = reviewUnits(t, e, "/review?week=2026-W48&page=12")
	if len(codes) != 50 || codes[0] != "X0550" || codes[49] != "X0599" {
		t.Errorf("page 12 lists %d units %v…", len(codes), head(codes))
	}
	if codes, _ = reviewUnits(t, e, "/review?week=2026-W48&page=99"); len(codes) != 50 || codes[0] != "X0550" {
		t.Errorf("a page past the end lists %v…, want the last page", head(codes))
	}
	if codes, html = reviewUnits(t, e, "/review?week=2026-W48&all=1"); len(codes) != 600 || strings.Contains(html, `rel="next"`) {
		t.Errorf("all=1 lists %d units", len(codes))
	}

	// Every link of a filtered, sorted page keeps the search, the filters and the sort;
	// the downloads keep the week and parent and stay whole.
	q := "/review?week=2026-W48&parent=P&q=xa&status=met&feed=ok&kind=commune&sort=name&short=&page=2"
	codes, html = reviewUnits(t, e, q)
	if len(codes) != 10 { // 60 units met with a healthy feed, 10 on the second page
		t.Fatalf("%s lists %d units", q, len(codes))
	}
	// By name: "Đoàn xã Số 103" < "Đoàn xã Số 11"; every unit met with a healthy feed.
	for _, c := range codes {
		var i int
		fmt.Sscanf(c, "X%d", &i)
		if i%4 != 3 || (i%5 != 0 && i%5 != 4) {
			t.Errorf("%s lists %s, which does not pass the filters", q, c)
		}
	}
	linkRe := regexp.MustCompile(`href="(/review\?[^"]+)"`)
	pager := between(html, `id="pager"`, "</nav>") + between(html, `id="pager-top"`, "</nav>")
	pages := 0
	for _, m := range linkRe.FindAllStringSubmatch(pager, -1) {
		u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil {
			t.Fatal(err)
		}
		if v := u.Query(); v.Get("week") == "2026-W48" {
			pages++
			for k, want := range map[string]string{"parent": "P", "q": "xa", "status": "met", "feed": "ok", "kind": "commune", "sort": "name"} {
				if v.Get(k) != want {
					t.Errorf("page link %s: %s = %q, want %q", m[1], k, v.Get(k), want)
				}
			}
		}
	}
	for _, m := range linkRe.FindAllStringSubmatch(html, -1) {
		u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
		if err != nil {
			t.Fatal(err)
		}
		v := u.Query()
		if v.Get("week") == "2026-W47" || v.Get("week") == "2026-W49" { // the weeks before and after
			if v.Get("q") != "xa" || v.Get("status") != "met" || v.Get("sort") != "name" || v.Has("page") {
				t.Errorf("week link %s does not keep the view, or keeps the page", m[1])
			}
		}
	}
	if pages != 6 {
		t.Errorf("%d page links on page 2 of 2 of a filtered view, want previous, 1 and all, above and below", pages)
	}
	for _, id := range []string{"dl-xlsx", "dl-csv"} {
		href := regexp.MustCompile(`id="` + id + `" href="([^"]+)"`).FindStringSubmatch(html)
		if href == nil || strings.ReplaceAll(href[1], "&amp;", "&") != "/review."+strings.TrimPrefix(id, "dl-")+"?parent=P&week=2026-W48" {
			t.Errorf("%s link = %v, want the whole review of the week and parent", id, href)
		}
	}
	if !strings.Contains(html, `id="clear-filters"`) {
		t.Error("a filtered view has no link to clear the filters")
	}
}

// TestReviewPageWeight: at 600 units the page stays light (it weighed 685 KB with every
// unit on it).
func TestReviewPageWeight(t *testing.T) {
	e := reviewEnv(t, 600)
	resp, body := e.as("reviewerP", request("GET", "/review?week=2026-W48&sort=name", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if n := len(body); n > 120_000 {
		t.Errorf("the review of 600 units weighs %d bytes, want at most 120 KB", n)
	}
	if n := strings.Count(string(body), `<tr data-unit=`); n != reviewPerPage {
		t.Errorf("%d rows on the page, want %d", n, reviewPerPage)
	}
}

var (
	seriesRe = regexp.MustCompile(`<g class="series" data-series="([^"]+)" data-label="([^"]+)">(.*?)</g>`)
	pathDRe  = regexp.MustCompile(`<path class="line" d="([^"]+)"`)
)

func TestReviewCharts(t *testing.T) {
	e := reviewEnv(t, 200)
	_, html := reviewUnits(t, e, "/review?week=2026-W48")
	share := between(html, `<figure class="chart" id="chart-share">`, "</figure>")
	if share == "" {
		t.Fatal("no share chart")
	}
	series := seriesRe.FindAllStringSubmatch(share, -1)
	if len(series) != 2 || series[0][1] != "daily" || series[1][1] != "week:commune_weekly_story" {
		t.Fatalf("share chart series = %d, want the daily quota and the weekly story (baseline only)", len(series))
	}
	for _, want := range []string{"Tin tốt / ngày · Mức cơ bản", "Câu chuyện đẹp / tuần · Mức cơ bản · Xã/Phường"} {
		if !strings.Contains(share, `data-label="`+want+`"`) || !strings.Contains(between(share, `<ul class="chart-legend">`, "</ul>"), want) {
			t.Errorf("share chart lacks the labelled line and legend entry %q", want)
		}
	}
	for _, want := range []string{"Tỉ lệ đơn vị đạt chỉ tiêu, 12 tuần đến tuần 2026-W48", `class="x-label"`, "Tuần (ngày thứ Hai)", `class="y-label"`, "Tỉ lệ đơn vị đạt", ">100%<", ">0%<", ">23/11<", "<title id=\"chart-share-t\">"} {
		if !strings.Contains(share, want) {
			t.Errorf("share chart lacks %q", want)
		}
	}
	// Twelve weeks: W37 to W43 and W45 to W48 drawn, W44 (nobody judged) and the days of
	// W48 not begun left as gaps, never drawn at 0 %.
	daily := pathDRe.FindStringSubmatch(series[0][3])
	weekly := pathDRe.FindStringSubmatch(series[1][3])
	if daily == nil || weekly == nil {
		t.Fatal("a series has no line")
	}
	if m, l := strings.Count(daily[1], "M"), strings.Count(daily[1], "L"); m != 2 || m+l != 7*7+7*3+5 {
		t.Errorf("daily line: %d pieces and %d points, want 2 pieces (a gap at W44) and 75 days", m, m+l)
	}
	if m, dots := strings.Count(weekly[1], "M"), strings.Count(series[1][3], "<circle"); m != 2 || dots != 11 {
		t.Errorf("weekly line: %d pieces and %d points, want 2 pieces and 11 weeks", m, dots)
	}
	// Today and the open week are hollow dots: their shares are provisional.
	if strings.Count(series[0][3], `class="point open"`) != 1 || strings.Count(series[1][3], `class="point open"`) != 1 || !strings.Contains(share, "tạm tính") {
		t.Errorf("today and the open week are not drawn as provisional")
	}
	for _, d := range []string{daily[1], weekly[1]} {
		for _, y := range regexp.MustCompile(`[ML][0-9.]+ ([0-9.]+)`).FindAllStringSubmatch(d, -1) {
			if y[1] != "56.5" { // 75 %
				t.Errorf("a point at y=%s: every share drawn is 75 %%, a gap must not be drawn as 0", y[1])
				break
			}
		}
	}

	// Days met this week: 50 units on 3 days, 100 on 5, 50 unknown left out; days 6 and
	// 7 cannot be reached by Friday.
	days := between(html, `<figure class="chart" id="chart-days">`, "</figure>")
	bars := regexp.MustCompile(`<rect class="bar" data-key="(\d)" data-count="(\d+)"[^>]* fill="([^"]+)"`).FindAllStringSubmatch(days, -1)
	if len(bars) != 8 {
		t.Fatalf("%d bars, want 0 to 7 days", len(bars))
	}
	for i, b := range bars {
		want := map[int]string{3: "50", 5: "100"}[i]
		if want == "" {
			want = "0"
		}
		if b[1] != fmt.Sprint(i) || b[2] != want {
			t.Errorf("bar %d = %s days, %s units; want %s units", i, b[1], b[2], want)
		}
		if muted := b[3] == chartUnknownBarFill; muted != (i > 5) {
			t.Errorf("bar %d muted = %v, want only the days not reachable yet", i, muted)
		}
	}
	for _, want := range []string{"Số đơn vị theo số ngày đạt chỉ tiêu ngày, tuần 2026-W48", "Số ngày đạt trong tuần", "Số đơn vị", "50 đơn vị chưa có ngày nào xác định được"} {
		if !strings.Contains(days, want) {
			t.Errorf("days chart lacks %q", want)
		}
	}
	checkNoInline(t, "/review", html)

	// English labels come from the catalogue.
	req := request("GET", "/review?week=2026-W48", nil)
	req.AddCookie(&http.Cookie{Name: langCookie, Value: "en"})
	_, body := e.as("reviewerP", req)
	for _, want := range []string{"Share of units meeting each quota, 12 weeks to week 2026-W48", "Week (its Monday)", "Units by days the daily quota was met", "Find a unit", "Status (baseline)"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("English review lacks %q", want)
		}
	}
}

// TestReviewCards: each row carries the cells the narrow-screen card shows, today's
// first: today's status, the baseline statuses, the feed, then the days.
func TestReviewCards(t *testing.T) {
	e := reviewEnv(t, 8)
	_, html := reviewUnits(t, e, "/review?week=2026-W48")
	row := between(html, `<tr data-unit="X0000" class="unit-card">`, "</tr>")
	for _, want := range []string{
		`<td class="c-today" data-label="Hôm nay · T6 27/11"><span class="badge st-met">1 · Đạt</span></td>`,
		`<td class="c-base" data-label="Mức cơ bản">`, "3/5 Không đạt", "1/1 Đạt",
		`<td class="c-feed" data-label="Nguồn tin"><span class="fs-ok">Hoạt động tốt</span>`,
		`<td class="n c-days" data-label="Số ngày đạt">3/5</td>`,
	} {
		if !strings.Contains(row, want) {
			t.Errorf("X0000's row lacks %s:\n%s", want, row)
		}
	}
	if n := strings.Count(row, `<td class="n">`); n != 7 {
		t.Errorf("%d day cells, want 7", n)
	}
	// A week that is not this one has no today cell.
	_, html = reviewUnits(t, e, "/review?week=2026-W47")
	if strings.Contains(html, `class="c-today"`) {
		t.Error("a past week shows a today cell")
	}
}

// TestReviewHistoryFromCampaign: with the real campaign service the chart's weeks come
// from its summaries; weeks before the units were seen are gaps.
func TestReviewHistoryFromCampaign(t *testing.T) {
	e := newEnv(t, withCampaign)
	_, html := reviewUnits(t, e, "/review?week=2026-W48&parent=P")
	share := between(html, `id="chart-share"`, "</figure>")
	series := seriesRe.FindAllStringSubmatch(share, -1)
	if len(series) == 0 || series[0][1] != "daily" {
		t.Fatalf("share chart series = %v", series)
	}
	// The feeds reach back to 19/11: only W47's last days and W48 up to Friday can be drawn.
	d := pathDRe.FindStringSubmatch(series[0][3])
	if d == nil || strings.Count(d[1], "M")+strings.Count(d[1], "L") > 14 {
		t.Errorf("daily line = %v, want at most the days since 19/11", d)
	}
	checkNoInline(t, "/review", html)
}

func TestReportChart(t *testing.T) {
	e := newEnv(t, withReports)
	resp, body := e.as("reviewerP", request("GET", "/report?from=2026-10-01&to=2026-12-31", nil))
	wantStatus(t, resp, body, http.StatusOK)
	html := string(body)
	chart := between(html, `<figure class="chart" id="chart-report">`, "</figure>")
	if chart == "" {
		t.Fatal("no report chart")
	}
	series := seriesRe.FindAllStringSubmatch(chart, -1)
	if len(series) != 2 || series[0][1] != "daily" || series[1][1] != "weekly" {
		t.Fatalf("report chart series = %d, want the daily and the weekly quota", len(series))
	}
	for _, want := range []string{"Tỉ lệ đạt chỉ tiêu theo tuần, từ 01/10/2026 đến 31/12/2026", "Chỉ tiêu ngày · Mức cơ bản", "Chỉ tiêu tuần · Mức cơ bản", "Tuần (ngày thứ Hai)", "Tỉ lệ đạt", ">100%<"} {
		if !strings.Contains(chart, want) {
			t.Errorf("report chart lacks %q", want)
		}
	}
	// 14 weeks from W40 (cut: from Thursday 1/10) to W53 (from 28/12): the units were seen
	// from 19/11, today is 27/11: the daily line has W47 and W48 only, the weekly line has
	// no whole week that is over and seen, so no point; nothing is drawn at 0 %.
	ticks := regexp.MustCompile(`<g class="x-ticks">(.*?)</g>`).FindStringSubmatch(chart)
	if ticks == nil || !strings.Contains(ticks[1], ">28/12<") {
		t.Errorf("x ticks = %v, want the last week labelled 28/12", ticks)
	}
	if dots := strings.Count(series[0][3], "<circle"); dots != 2 {
		t.Errorf("daily line has %d points, want W47 and W48", dots)
	}
	if strings.Contains(series[1][3], "<circle") {
		t.Errorf("weekly line has points: %s", series[1][3])
	}
	checkNoInline(t, "/report", html)

	// Without a status service that splits reports by week, the page has no chart.
	e = newEnv(t, func(d *Deps) {
		withReports(d)
		d.Status = periodOnly{d.Status.(PeriodReporter), countStatus{st: d.Store}}
	})
	resp, body = e.as("reviewerP", request("GET", "/report?from=2026-11-01&to=2026-11-29", nil))
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(string(body), "chart-report") || !strings.Contains(string(body), "Tổng cộng") {
		t.Error("a report without weeks shows a chart, or lost its table")
	}
}

// periodOnly is a status service with period reports but no split by week.
type periodOnly struct {
	PeriodReporter
	countStatus
}

// benchReview is BenchmarkReviewPage1000's review with n communes.
func benchReview(n int) models.Review {
	days, _ := models.WeekDays("2026-W48", models.Vietnam)
	r := models.Review{Week: "2026-W48", Parent: "P", Days: days}
	for i := range n {
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
	return r
}

// benchReviewPage renders path over a 600-commune review (the page's charts ask the
// same fake for the 11 weeks before) and reports the page's weight.
func benchReviewPage(b *testing.B, path string) {
	e := newEnv(b, func(d *Deps) { d.Status = bigReview{r: benchReview(600)} })
	n := 0
	for b.Loop() {
		resp, body := e.as("reviewerP", request("GET", path, nil))
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		n = len(body)
	}
	b.ReportMetric(float64(n), "bytes/page")
}

// BenchmarkReviewPage600 is the weekly review of 600 communes as it opens: the first
// page of units, the charts, the filters with their counts, sorted by name.
func BenchmarkReviewPage600(b *testing.B) { benchReviewPage(b, "/review?week=2026-W48&sort=name") }

// BenchmarkReviewPage600Filtered searches, filters and turns to page 2.
func BenchmarkReviewPage600Filtered(b *testing.B) {
	benchReviewPage(b, "/review?week=2026-W48&q=so+1&status=short&feed=ok&sort=days&page=2")
}

// BenchmarkReviewPage600All puts every unit on one page (all=1, for printing).
func BenchmarkReviewPage600All(b *testing.B) {
	benchReviewPage(b, "/review?week=2026-W48&sort=name&all=1")
}
