package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// reviewPerPage is how many units a page of the review shows: enough for a district,
// few enough that a province of hundreds of units stays light on a phone.
const reviewPerPage = 50

// reviewChartWeeks is how many weeks the review's chart covers, the reviewed one last.
const reviewChartWeeks = 12

// maxSearchRunes caps the search text.
const maxSearchRunes = 100

// ReviewSummarizer gives the summaries (DaySummary, WeekSummary, without rows) of
// several weeks' reviews at once, for the review's chart (campaign.Service does, with
// one read of the counts). Without it the page asks Review for each week.
type ReviewSummarizer interface {
	ReviewSummaries(ctx context.Context, parent string, weeks []string) ([]models.Review, error)
}

// reviewPage is the data of the weekly review page.
type reviewPage struct {
	Review     models.Review
	Rows       []reviewLine // the rows of this page, in the chosen order
	Total      int          // rows of the review
	Matched    int          // rows the search and the filters keep
	First      int          // position of this page's first row among the matched ones (1-based)
	Last       int
	Week       string
	Prev       string
	Next       string
	Parent     string
	Kind       string
	Short      bool
	Sort       string
	Q          string
	Status     string
	Feed       string
	Filtered   bool              // a search or a filter is on
	Parents    []models.Unit     // units that have children, for the parent filter
	Labels     map[string]string // target name -> people's name of the quota
	ParentName string
	XLSX       template.URL // download links: the whole review of the same week and parent
	CSV        template.URL
	PrevURL    template.URL // the week before / after, with the same search, filters and sort
	NextURL    template.URL
	ClearURL   template.URL // the same week and parent without search or filters
	Days       []string
	Weekdays   []string
	Chips      []string      // one label per Review.WeekSummary entry, never two alike
	Trends     *trendSummary // the parent's yearly trend target in the week's year (nil: none)
	Compare    string        // header of the comparison column
	Statuses   []reviewChoice
	Feeds      []reviewChoice
	Pager      reviewPager
	TodayIndex int  // index of today in Days
	HasToday   bool // the reviewed week is this week
	Cells      reviewCellLabels
	ShareChart template.HTML
	DaysChart  template.HTML
}

// reviewChoice is one option of a filter, with how many units of the review it keeps.
type reviewChoice struct {
	Value string
	Label string
	Count int
	On    bool
}

// reviewCellLabels name the cells of a row where the table turns into cards (narrow
// screens), computed once per page.
type reviewCellLabels struct {
	Today, Good, Story, Ideology, Base, Target, Days, Streak, Feed string
}

// reviewPager is the page navigation.
type reviewPager struct {
	Page    int
	Pages   int
	All     bool // every matched unit on one page
	PrevURL template.URL
	NextURL template.URL
	AllURL  template.URL // one page with every matched unit (for printing)
	PageURL template.URL // back to pages from the one-page view
	Links   []reviewPageLink
}

// reviewPageLink is a numbered page link; Gap stands for the pages left out.
type reviewPageLink struct {
	N       int
	URL     template.URL
	Current bool
	Gap     bool
}

// reviewLine is one row of the review table, with the figures the template shows.
type reviewLine struct {
	models.ReviewRow
	Baseline []models.PeriodStatus
	Target   []models.PeriodStatus
	Change   int
	Compared bool // the week has begun, so Change means something
	Short    bool // a baseline status is short or at risk
	// What the status filter reads: a baseline status short, at risk, unknown; every
	// baseline status met (or excused).
	AnyShort, AnyAtRisk, AnyUnknown, AllMet bool
	Today                                   reviewDay // today's cell, when the week is this one
}

// reviewDay is one day cell of a row: what the template shows for it.
type reviewDay struct {
	Status models.Status
	Count  string // models.ReviewRow.DayText: "" for a day not begun, "?" when unknown
	Retro  bool
}

// DayCells are the row's seven day cells.
func (l reviewLine) DayCells() []reviewDay {
	out := make([]reviewDay, 7)
	for i := range out {
		out[i] = reviewDay{Status: l.DailyStatus[i], Retro: l.DailyRetro[i], Count: l.DayText(i)}
	}
	return out
}

// KindCount is the row's weekly count of one kind, "?" when not seen (WeekCountText).
func (l reviewLine) KindCount(k models.Kind) string { return l.WeekCountText(k) }

// BaseDays is the number of days the baseline daily quota was met.
func (l reviewLine) BaseDays() int { return l.DaysMet[models.LevelBaseline] }

// FeedKey is the row's feed state as the feed filter names it ("none": no feed).
func (l reviewLine) FeedKey() string {
	if l.FeedState == "" {
		return "none"
	}
	return string(l.FeedState)
}

// newReviewLine sorts a row's statuses by level and reads its flags.
func newReviewLine(row models.ReviewRow, compared bool, today int) reviewLine {
	ln := reviewLine{ReviewRow: row, Change: row.DaysMet[models.LevelBaseline] - row.PrevDaysMet, Compared: compared}
	met := false
	ln.AllMet = true
	for _, ps := range row.Statuses {
		if ps.Level == models.LevelTarget {
			ln.Target = append(ln.Target, ps)
			continue
		}
		ln.Baseline = append(ln.Baseline, ps)
		switch ps.Status {
		case models.StatusShort:
			ln.AnyShort, ln.Short, ln.AllMet = true, true, false
		case models.StatusAtRisk:
			ln.AnyAtRisk, ln.Short, ln.AllMet = true, true, false
		case models.StatusUnknown:
			ln.AnyUnknown, ln.AllMet = true, false
		case models.StatusMet:
			met = true
		case models.StatusExcused, models.StatusNA:
		default: // upcoming: not met yet
			ln.AllMet = false
		}
	}
	ln.AllMet = ln.AllMet && met
	if today >= 0 {
		ln.Today = reviewDay{Status: row.DailyStatus[today], Retro: row.DailyRetro[today], Count: row.DayText(today)}
	}
	return ln
}

// reviewFilter is what the request asks to see: the search, the filters, the sort and
// the page. Its url method gives the same view with another page.
type reviewFilter struct {
	Week, Parent, Kind, Q, Status, Feed, Sort string
	Short                                     bool
	Page                                      int
	All                                       bool
}

// reviewStatuses and reviewFeeds are the values the status and feed filters take.
var (
	reviewStatuses = []models.Status{models.StatusShort, models.StatusAtRisk, models.StatusUnknown, models.StatusMet}
	reviewFeeds    = []string{string(models.FeedOK), string(models.FeedFailing), string(models.FeedBroken), "none"}
	reviewSorts    = []string{"", "rank", "name", "days", "streak"}
)

// readReviewFilter reads ?q=&status=&feed=&kind=&sort=&short=&page=&all= (the week and
// parent are validated by reviewParams).
func readReviewFilter(c *fiber.Ctx, week, parent string) (reviewFilter, error) {
	f := reviewFilter{Week: week, Parent: parent, Kind: strings.TrimSpace(c.Query("kind")), Sort: strings.TrimSpace(c.Query("sort")),
		Status: strings.TrimSpace(c.Query("status")), Feed: strings.TrimSpace(c.Query("feed")),
		Short: c.Query("short") != "", All: c.Query("all") != "", Page: 1}
	f.Q = strings.Join(strings.Fields(c.Query("q")), " ")
	if r := []rune(f.Q); len(r) > maxSearchRunes {
		f.Q = string(r[:maxSearchRunes])
	}
	if f.Status != "" && !slices.Contains(reviewStatuses, models.Status(f.Status)) {
		return f, badField("status", fmt.Sprintf("Trạng thái không hợp lệ %q (cần short, at_risk, unknown hoặc met)", f.Status))
	}
	if f.Feed != "" && !slices.Contains(reviewFeeds, f.Feed) {
		return f, badField("feed", fmt.Sprintf("Tình trạng nguồn tin không hợp lệ %q (cần ok, failing, broken hoặc none)", f.Feed))
	}
	if f.Kind != "" && !slices.Contains(models.UnitKinds, models.UnitKind(f.Kind)) {
		return f, badField("kind", fmt.Sprintf("Loại đơn vị không hợp lệ %q", f.Kind))
	}
	if !slices.Contains(reviewSorts, f.Sort) {
		return f, badField("sort", fmt.Sprintf("Cách sắp xếp không hợp lệ %q (cần rank, name, days hoặc streak)", f.Sort))
	}
	if f.Sort == "rank" {
		f.Sort = ""
	}
	if p := strings.TrimSpace(c.Query("page")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, badField("page", fmt.Sprintf("Số trang không hợp lệ %q", p))
		}
		f.Page = n
	}
	return f, nil
}

// values are the query parameters of the view, without the page.
func (f reviewFilter) values() url.Values {
	q := url.Values{"week": {f.Week}}
	for k, v := range map[string]string{"parent": f.Parent, "kind": f.Kind, "q": f.Q, "status": f.Status, "feed": f.Feed, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Short {
		q.Set("short", "1")
	}
	return q
}

// url is the view at page n (0: every matched unit on one page).
func (f reviewFilter) url(n int) template.URL {
	q := f.values()
	switch {
	case n == 0:
		q.Set("all", "1")
	case n > 1:
		q.Set("page", strconv.Itoa(n))
	}
	return template.URL("/review?" + q.Encode())
}

// filtered reports whether a search or a filter narrows the rows.
func (f reviewFilter) filtered() bool {
	return f.Q != "" || f.Status != "" || f.Feed != "" || f.Kind != "" || f.Short
}

// keeps reports whether the row passes the filters other than the search.
func (f reviewFilter) keeps(ln *reviewLine) bool {
	if f.Short && !ln.Short {
		return false
	}
	if f.Kind != "" && string(ln.Unit.Kind) != f.Kind {
		return false
	}
	if f.Feed != "" && ln.FeedKey() != f.Feed {
		return false
	}
	return f.Status == "" || ln.hasStatus(models.Status(f.Status))
}

// hasStatus is the status filter: a baseline status short, at risk or unknown; for met,
// every baseline status met (or excused).
func (l *reviewLine) hasStatus(st models.Status) bool {
	switch st {
	case models.StatusShort:
		return l.AnyShort
	case models.StatusAtRisk:
		return l.AnyAtRisk
	case models.StatusUnknown:
		return l.AnyUnknown
	case models.StatusMet:
		return l.AllMet
	}
	return false
}

// foldSearch folds text for a search: lower case, without diacritics (đ as d), single
// spaces, so that "dong hoa" finds "Đoàn xã Đông Hòa".
func foldSearch(s string) string {
	folded := dTod.Replace(stripMarks(s))
	return strings.ToLower(strings.Join(strings.Fields(folded), " "))
}

// searchMatches reports whether every word of the folded search is in the unit's
// folded name or code.
func searchMatches(words []string, u models.Unit) bool {
	hay := foldSearch(u.Name + " " + u.Code)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// reviewPageView is GET /review?week=&parent=&q=&status=&feed=&kind=&short=&sort=&page=&all=.
// The review of the week and the summaries of the weeks before it (for the chart) are
// read side by side.
func (s *server) reviewPageView(c *fiber.Ctx) error {
	if s.Status == nil {
		return unavailable("tổng hợp tuần")
	}
	week, parent, err := s.reviewParams(c)
	if err != nil {
		return err
	}
	f, err := readReviewFilter(c, week, parent)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	monday, _ := models.WeekStart(week, s.loc)
	past := make([]string, reviewChartWeeks-1)
	for i := range past {
		past[i] = models.ISOWeek(monday.AddDate(0, 0, -7*(len(past)-i)), s.loc)
	}
	type history struct {
		weeks []models.Review
		err   error
	}
	hist := make(chan history, 1)
	go func() {
		var h history
		h.err = safely(func() (err error) {
			h.weeks, err = s.reviewHistory(ctx, parent, past)
			return err
		})
		hist <- h
	}()
	r, err := s.Status.Review(ctx, week, parent)
	if err != nil {
		return errorf("unable to build review %s/%s: %w", week, parent, err)
	}
	h := <-hist
	if h.err != nil {
		// The chart is not worth the page: it shows the weeks before as gaps.
		s.Log.Warn("review chart: unable to read the weeks before", slog.String("week", week), slog.String("parent", parent), slog.Any("error", h.err))
		h.weeks = make([]models.Review, len(past))
	}

	l := langOf(c)
	d := reviewPage{Review: r, Week: r.Week, Parent: r.Parent, Kind: f.Kind, Short: f.Short, Sort: f.Sort, Q: f.Q, Status: f.Status, Feed: f.Feed,
		Filtered: f.filtered(), Days: r.Days, TodayIndex: -1}
	d.Trends = s.yearTrends(c, r.Parent, monday.AddDate(0, 0, 3).Year()) // the ISO week's year
	d.Prev = models.ISOWeek(monday.AddDate(0, 0, -7), s.loc)
	d.Next = models.ISOWeek(monday.AddDate(0, 0, 7), s.loc)
	if len(d.Days) == 0 {
		for i := 0; i < 7; i++ {
			d.Days = append(d.Days, models.LocalDay(monday.AddDate(0, 0, i), s.loc))
		}
	}
	d.TodayIndex = slices.Index(d.Days, s.today())
	d.HasToday = d.TodayIndex >= 0
	// The downloads are the whole review: the week and the parent are their context.
	q := url.Values{"week": {r.Week}}
	if r.Parent != "" {
		q.Set("parent", r.Parent)
	}
	d.XLSX = template.URL("/review.xlsx?" + q.Encode())
	d.CSV = template.URL("/review.csv?" + q.Encode())
	for _, nav := range []struct {
		week string
		dst  *template.URL
	}{{d.Prev, &d.PrevURL}, {d.Next, &d.NextURL}} {
		g := f
		g.Week = nav.week
		*nav.dst = g.url(1)
	}
	d.ClearURL = reviewFilter{Week: r.Week, Parent: r.Parent, Sort: f.Sort}.url(1)
	d.Weekdays = []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
	if l.en {
		d.Weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	for _, u := range d.Parents {
		if u.Code == r.Parent {
			d.ParentName = u.Name
		}
	}
	d.Labels = map[string]string{}
	for _, row := range r.Rows {
		for _, ps := range row.Statuses {
			if _, ok := d.Labels[ps.Target]; !ok {
				d.Labels[ps.Target] = l.Quota(ps)
			}
		}
	}
	d.Chips = summaryLabels(l, r.WeekSummary)
	d.Compare = l.T("So với tuần trước")
	if r.CompareDays > 0 && r.CompareDays < 7 {
		d.Compare = fmt.Sprintf(l.T("So với cùng kỳ tuần trước (%s–%s)"), d.Weekdays[0], d.Weekdays[r.CompareDays-1])
	}
	d.Cells = reviewCellLabels{Today: l.T("Hôm nay"), Good: l.Kind(models.KindGoodNews), Story: l.Kind(models.KindStory), Ideology: l.Kind(models.KindIdeology),
		Base: l.Level(models.LevelBaseline), Target: l.Level(models.LevelTarget), Days: l.T("Số ngày đạt"), Streak: l.T("Chuỗi"), Feed: l.T("Nguồn tin")}
	if d.HasToday {
		d.Cells.Today += " · " + d.Weekdays[d.TodayIndex] + " " + d.Days[d.TodayIndex][8:10] + "/" + d.Days[d.TodayIndex][5:7]
	}

	// Every row is read once for the filters and their counts; the search, the filters,
	// the sort and the page then pick the rows shown.
	d.Total = len(r.Rows)
	all := make([]reviewLine, len(r.Rows))
	statusCount := map[models.Status]int{}
	feedCount := map[string]int{}
	var words []string
	if f.Q != "" {
		words = strings.Fields(foldSearch(f.Q))
	}
	var rows []reviewLine
	for i, row := range r.Rows {
		ln := newReviewLine(row, r.CompareDays > 0, d.TodayIndex)
		all[i] = ln
		for _, st := range reviewStatuses {
			if ln.hasStatus(st) {
				statusCount[st]++
			}
		}
		feedCount[ln.FeedKey()]++
		if f.keeps(&ln) && (len(words) == 0 || searchMatches(words, row.Unit)) {
			rows = append(rows, ln)
		}
	}
	d.Statuses = make([]reviewChoice, 0, len(reviewStatuses))
	for _, st := range reviewStatuses {
		d.Statuses = append(d.Statuses, reviewChoice{Value: string(st), Label: l.Status(st), Count: statusCount[st], On: string(st) == f.Status})
	}
	d.Feeds = make([]reviewChoice, 0, len(reviewFeeds))
	for _, fs := range reviewFeeds {
		label := l.T("Không có nguồn tin")
		if fs != "none" {
			label = l.Feed(models.FeedState(fs))
		}
		d.Feeds = append(d.Feeds, reviewChoice{Value: fs, Label: label, Count: feedCount[fs], On: fs == f.Feed})
	}
	sortReviewLines(rows, f.Sort)
	d.Matched = len(rows)
	d.Rows, d.Pager, d.First, d.Last = paginateReview(rows, f)

	d.ShareChart = reviewShareChart(l, append(h.weeks, r), all, s.today(), s.loc).render()
	d.DaysChart = reviewDaysChart(l, r, all).render()
	return s.render(c, fiber.StatusOK, "review", page{Title: "Tổng hợp tuần", TitleTail: r.Week, Nav: "review", Data: d})
}

// sortReviewLines orders rows by name, days met or streak; by rank (the review's order)
// otherwise.
func sortReviewLines(rows []reviewLine, by string) {
	switch by {
	case "name":
		keys := make(map[string]string, len(rows))
		for _, r := range rows {
			keys[r.Unit.Code] = strings.ToLower(asciiFilename(r.Unit.Name))
		}
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i].Unit, rows[j].Unit
			if keys[a.Code] != keys[b.Code] {
				return keys[a.Code] < keys[b.Code]
			}
			return a.Name < b.Name
		})
	case "days":
		// Units tintot could not see on any day come after those seen to miss every day.
		sort.SliceStable(rows, func(i, j int) bool {
			if ui, uj := rows[i].Unranked(), rows[j].Unranked(); ui != uj {
				return uj
			}
			return rows[i].DaysMet[models.LevelBaseline] > rows[j].DaysMet[models.LevelBaseline]
		})
	case "streak":
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Streak > rows[j].Streak })
	}
}

// paginateReview cuts the page the filter asks for out of rows (a page past the end
// shows the last one) and builds the page links, which keep the search, filters and
// sort.
func paginateReview(rows []reviewLine, f reviewFilter) (page []reviewLine, p reviewPager, first, last int) {
	p = reviewPager{Page: 1, Pages: max(1, (len(rows)+reviewPerPage-1)/reviewPerPage), All: f.All}
	if len(rows) == 0 {
		return nil, p, 0, 0
	}
	if f.All {
		p.PageURL = f.url(1)
		return rows, p, 1, len(rows)
	}
	p.Page = min(f.Page, p.Pages)
	first = (p.Page-1)*reviewPerPage + 1
	last = min(p.Page*reviewPerPage, len(rows))
	if p.Pages > 1 {
		p.AllURL = f.url(0)
	}
	if p.Page > 1 {
		p.PrevURL = f.url(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = f.url(p.Page + 1)
	}
	gap := false
	for n := 1; n <= p.Pages; n++ {
		if n == 1 || n == p.Pages || (n >= p.Page-2 && n <= p.Page+2) {
			p.Links = append(p.Links, reviewPageLink{N: n, URL: f.url(n), Current: n == p.Page})
			gap = false
		} else if !gap {
			p.Links = append(p.Links, reviewPageLink{Gap: true})
			gap = true
		}
	}
	return rows[first-1 : last], p, first, last
}

// reviewHistory reads the summaries of weeks' reviews: at once when the status service
// can, else one review after another (three at a time).
func (s *server) reviewHistory(ctx context.Context, parent string, weeks []string) ([]models.Review, error) {
	if sum, ok := s.Status.(ReviewSummarizer); ok {
		out, err := sum.ReviewSummaries(ctx, parent, weeks)
		if err == nil && len(out) != len(weeks) {
			err = errorf("%d summaries for %d weeks", len(out), len(weeks))
		}
		return out, err
	}
	out := make([]models.Review, len(weeks))
	errs := make([]error, len(weeks))
	sem := make(chan struct{}, 3)
	var wg sync.WaitGroup
	for i, w := range weeks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = safely(func() error {
				r, err := s.Status.Review(ctx, w, parent)
				r.Rows = nil
				out[i] = r
				return err
			})
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// safely runs fn, turning a panic into an error (a goroutine's panic would otherwise
// end the process, past the recover middleware).
func safely(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errorf("panic: %v", p)
		}
	}()
	return fn()
}

// weekLabel is how the charts name a week: its Monday, "24/11".
func weekLabel(monday time.Time) string { return monday.Format("02/01") }

// reviewShareChart draws the share of units meeting each baseline obligation over the
// reviews of weeks (oldest first, the reviewed week last): the daily quota per day (from
// DaySummary), each weekly quota per week (from WeekSummary). Days and weeks not begun,
// or where no unit could be judged, are gaps; today and the open week are hollow dots
// (their shares count the units not there yet as not met).
func reviewShareChart(l lang, weeks []models.Review, rows []reviewLine, today string, loc *time.Location) shareChart {
	n := len(weeks)
	last := weeks[n-1].Week
	c := shareChart{ID: "chart-share", Slots: 7 * n,
		Title:  fmt.Sprintf(l.T("Tỉ lệ đơn vị đạt chỉ tiêu, %d tuần đến tuần %s"), n, last),
		Desc:   l.T("Mỗi đường là một chỉ tiêu mức cơ bản: chỉ tiêu ngày theo từng ngày, chỉ tiêu tuần theo từng tuần. Tỉ lệ tính trên các đơn vị xác định được (không tính đơn vị không xác định)."),
		XLabel: l.T("Tuần (ngày thứ Hai)"), YLabel: l.T("Tỉ lệ đơn vị đạt"),
		Note: l.T("Chỗ trống: ngày hoặc tuần chưa bắt đầu, hoặc không đơn vị nào xác định được (không phải 0%)."),
	}
	step := tickStep(n, 6)
	mondays := make([]time.Time, n)
	for k, w := range weeks {
		week := w.Week
		if week == "" { // a week that could not be read: name it from the last one
			m, _ := models.WeekStart(last, loc)
			week = models.ISOWeek(m.AddDate(0, 0, -7*(n-1-k)), loc)
		}
		mondays[k], _ = models.WeekStart(week, loc)
		if (n-1-k)%step == 0 {
			c.Ticks = append(c.Ticks, chartTick{X: float64(7*k) + 3.5, Label: weekLabel(mondays[k])})
		}
		if k > 0 {
			c.Bounds = append(c.Bounds, float64(7*k))
		}
	}
	weekdays := []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
	if l.en {
		weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	}
	open := false // a point of a period not over is drawn
	// The daily quota, named by what it counts.
	daily := chartSeries{Key: "daily", Label: l.T("Chỉ tiêu ngày") + " · " + l.Level(models.LevelBaseline)}
	hasDaily := false
	for _, ln := range rows {
		if !ln.HasDaily {
			continue
		}
		hasDaily = true
		for _, ps := range ln.Baseline {
			if ps.PeriodKind == models.PeriodDay {
				daily.Label = l.Quota(ps) + " · " + l.Level(models.LevelBaseline)
				break
			}
		}
		break
	}
	for k, w := range weeks {
		for i := 0; i < 7; i++ {
			p := chartPoint{X: float64(7*k+i) + 0.5}
			day := mondays[k].AddDate(0, 0, i)
			if i < len(w.DaySummary) {
				ds := w.DaySummary[i]
				known := ds.Met + ds.Short + ds.AtRisk
				p.OK = !ds.Upcoming && known > 0
				p.Share = ds.ShareMet
				p.Open = ds.Day == today
				if p.OK {
					hasDaily = true
					p.Title = fmt.Sprintf("%s %s: %s (%d/%d)", weekdays[i], day.Format("02/01"), pctText(ds.ShareMet), ds.Met, known)
					if p.Open {
						open = true
						p.Title += " · " + l.T("tạm tính")
					}
				}
			}
			daily.Points = append(daily.Points, p)
		}
	}
	if hasDaily {
		c.Series = append(c.Series, daily)
	}
	// The weekly quotas of the baseline, in the order they first appear, named as the
	// summary chips name them.
	var sums []models.TargetSummary
	index := map[string]int{}
	for _, w := range weeks {
		for _, ts := range w.WeekSummary {
			if ts.Level != models.LevelBaseline {
				continue
			}
			if _, ok := index[ts.Target]; !ok {
				index[ts.Target] = len(sums)
				sums = append(sums, ts)
			}
		}
	}
	labels := summaryLabels(l, sums)
	for j, ts := range sums {
		sr := chartSeries{Key: "week:" + ts.Target, Label: labels[j], Markers: true}
		for k, w := range weeks {
			p := chartPoint{X: float64(7*k) + 3.5}
			for _, ws := range w.WeekSummary {
				if ws.Target == ts.Target && ws.Level == models.LevelBaseline {
					known := ws.Met + ws.Short + ws.AtRisk
					p.OK, p.Share = known > 0, ws.ShareMet
					p.Open = w.CompareDays > 0 && w.CompareDays < 7 // begun, not over
					p.Title = fmt.Sprintf("%s %s–%s: %s (%d/%d)", l.T("Tuần"), mondays[k].Format("02/01"), mondays[k].AddDate(0, 0, 6).Format("02/01"), pctText(ws.ShareMet), ws.Met, known)
					if p.Open && p.OK {
						open = true
						p.Title += " · " + l.T("tạm tính")
					}
				}
			}
			sr.Points = append(sr.Points, p)
		}
		c.Series = append(c.Series, sr)
	}
	if open {
		c.Note += " " + l.T("Chấm rỗng: hôm nay hoặc tuần đang diễn ra, tạm tính (đơn vị chưa đăng được tính là chưa đạt).")
	}
	return c
}

// pctText is a share as a whole percentage.
func pctText(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

// reviewDaysChart draws how many units met the baseline daily quota on 0, 1 … 7 days of
// the reviewed week. Units no day of which could be judged yet (unknown, not begun) are
// left out and counted in the note, never as 0 days; bars past the days begun so far
// are grey.
func reviewDaysChart(l lang, r models.Review, rows []reviewLine) barChart {
	var counts [8]int
	units, unjudged := 0, 0
	for _, ln := range rows {
		if !ln.HasDaily {
			continue
		}
		if ln.DaysApplied() == 0 {
			unjudged++
			continue
		}
		units++
		counts[min(max(ln.DaysMet[models.LevelBaseline], 0), 7)]++
	}
	c := barChart{ID: "chart-days",
		Title:  fmt.Sprintf(l.T("Số đơn vị theo số ngày đạt chỉ tiêu ngày, tuần %s"), r.Week),
		Desc:   fmt.Sprintf(l.T("%d đơn vị có chỉ tiêu ngày, chia theo số ngày trong tuần đạt chỉ tiêu ngày (mức cơ bản)."), units),
		XLabel: l.T("Số ngày đạt trong tuần"), YLabel: l.T("Số đơn vị"),
	}
	if unjudged > 0 {
		c.Note = fmt.Sprintf(l.T("%d đơn vị chưa có ngày nào xác định được (không tính vào biểu đồ)."), unjudged)
	}
	for k, n := range counts {
		c.Bars = append(c.Bars, chartBar{Key: strconv.Itoa(k), Label: strconv.Itoa(k), Count: n, Muted: k > r.CompareDays,
			Title: fmt.Sprintf(l.T("%d ngày: %d đơn vị"), k, n)})
	}
	return c
}

// parentChoices lists the units in scope that may be a review's parent (not communes
// or grassroots units).
func (s *server) parentChoices(c *fiber.Ctx) ([]models.Unit, error) {
	sc, err := s.scopeOf(c)
	if err != nil {
		return nil, err
	}
	f := store.UnitFilter{}
	if !sc.All {
		if sc.Empty() {
			return nil, nil
		}
		f.Codes = sc.List()
	}
	units, err := s.Store.ListUnits(c.UserContext(), f)
	if err != nil {
		return nil, errorf("unable to list units: %w", err)
	}
	out := units[:0]
	for _, u := range units {
		if u.Kind != models.UnitCommune && u.Kind != models.UnitGrassroots {
			out = append(out, u)
		}
	}
	return out, nil
}

// reviewPageXLSX is GET /review.xlsx, the page's download link (same exporter as the API).
func (s *server) reviewPageXLSX(c *fiber.Ctx) error { return s.exportReview(c, "xlsx") }

// reviewPageCSV is GET /review.csv.
func (s *server) reviewPageCSV(c *fiber.Ctx) error { return s.exportReview(c, "csv") }

// summaryLabels names each weekly summary by what it measures: the kinds and period
// ("Đấu tranh phản bác / tuần"), the level, and the unit kinds it binds (with their
// parents' kinds when the target names them), so that two summaries never read alike.
func summaryLabels(l lang, sums []models.TargetSummary) []string {
	out := make([]string, len(sums))
	for i, ts := range sums {
		label := l.Quota(models.PeriodStatus{Kinds: ts.Kinds, PeriodKind: models.PeriodWeek}) + " · " + l.Level(ts.Level)
		var who []string
		for _, k := range ts.UnitKinds {
			who = append(who, l.UnitKind(k))
		}
		w := strings.Join(who, ", ")
		if len(ts.ParentKinds) > 0 {
			var parents []string
			for _, k := range ts.ParentKinds {
				parents = append(parents, l.UnitKind(k))
			}
			w += " " + l.T("thuộc") + " " + strings.Join(parents, ", ")
		}
		if w != "" {
			label += " · " + w
		}
		out[i] = label
	}
	// Two targets may still bind the same kinds (a province's own policy file): the
	// target's name then tells them apart.
	count := map[string]int{}
	for _, s := range out {
		count[s]++
	}
	for i, s := range out {
		if count[s] > 1 {
			out[i] = s + " (" + sums[i].Target + ")"
		}
	}
	return out
}
