package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// heatWeeks is how many weeks the dashboard calendar shows.
const heatWeeks = 12

// postsPerPage is how many posts one page of the dashboard's post list shows.
const postsPerPage = 20

// maxPostPage bounds ?page= so an offset never overflows.
const maxPostPage = 100000

// dayPostsLimit is how many posts of one day the day panel lists.
const dayPostsLimit = 50

// unitPage is the data of the unit dashboard.
type unitPage struct {
	Unit     models.Unit
	Report   models.UnitStatusReport
	Today    []models.PeriodStatus
	Week     []models.PeriodStatus
	AtRisk   *models.PeriodStatus // the baseline daily quota, when today is not met yet
	Cal      heatCalendar
	Day      *dayPanel // the day opened in the calendar (?day=), if any
	View     unitView  // the day, page and filters shown
	Posts    []postRow
	More     bool // a next page of posts exists
	Feeds    []models.Feed
	Today0   string // today's day key, the manual form's default date
	CanJudge bool   // reviewer or admin: may reject manual posts
	Form     manualInput
	Err      formErr // the form that failed, its field and message
}

// postRow is one post of the dashboard list with the values its form shows (the post's
// own, or what the user sent when that form failed).
type postRow struct {
	models.Post
	SelKind  models.Kind
	Excluded bool
	Note     string
	// Messages of a failed form of this post, beside the field they name.
	ErrKind, ErrNote, ErrOther, ErrReject, ErrApprove string
	// Pick is the post's bulletin pick, if any (shown to reviewers); ErrPick the
	// message of its failed form.
	Pick    *models.Pick
	ErrPick string
}

// formErr names the form of a page that failed, and the field the message belongs to.
type formErr struct {
	Form  string // "submit", "post:ID", "reject:ID", "approve:ID", "filter"; "unit", "feed", "user", "import" on /admin
	Field string
	Msg   string
}

// On returns the message when it belongs to that field of that form.
func (e formErr) On(form, field string) string {
	if e.Msg != "" && e.Form == form && e.Field == field {
		return e.Msg
	}
	return ""
}

// Other returns the message when it belongs to the form but to none of the fields the
// form shows, so it is still shown beside the form.
func (e formErr) Other(form string, fields ...string) string {
	if e.Msg == "" || e.Form != form {
		return ""
	}
	for _, f := range fields {
		if f == e.Field {
			return ""
		}
	}
	return e.Msg
}

// unitView is what the dashboard shows besides its fixed cards: the day opened in the
// calendar and the page and filters of the post list. It travels in the query
// (?day=&page=&kind=&proposed=1) and, through a hidden field, in the post forms, so a
// saved or failed form comes back to the same view.
type unitView struct {
	Day      string
	Page     int
	Kind     models.Kind
	Proposed bool
}

// parseUnitView reads a view from query values. A bad value is a user error naming its
// field; the view returned then keeps the values that were valid.
func parseUnitView(q url.Values, today string, loc *time.Location) (unitView, error) {
	v := unitView{Page: 1}
	var bad error
	if p := strings.TrimSpace(q.Get("page")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > maxPostPage {
			bad = badField("page", fmt.Sprintf("Số trang không hợp lệ: %q", p))
		} else {
			v.Page = n
		}
	}
	if k := models.Kind(strings.TrimSpace(q.Get("kind"))); k != "" {
		if !k.Valid() {
			bad = badField("kind", fmt.Sprintf("Loại bài không hợp lệ: %q (good_news, story, ideology, other)", k))
		} else {
			v.Kind = k
		}
	}
	v.Proposed = q.Get("proposed") != "" && q.Get("proposed") != "0"
	if d := strings.TrimSpace(q.Get("day")); d != "" {
		if _, err := models.DayStart(d, loc); err != nil || len(d) != len(models.DayLayout) {
			bad = badField("day", fmt.Sprintf("Ngày không hợp lệ: %q (YYYY-MM-DD)", d))
		} else if d > today {
			bad = badField("day", fmt.Sprintf("Ngày %s chưa đến", d))
		} else {
			v.Day = d
		}
	}
	return v, bad
}

// values is the view as query values, without defaults.
func (v unitView) values() url.Values {
	q := url.Values{}
	if v.Day != "" {
		q.Set("day", v.Day)
	}
	if v.Page > 1 {
		q.Set("page", strconv.Itoa(v.Page))
	}
	if v.Kind != "" {
		q.Set("kind", string(v.Kind))
	}
	if v.Proposed {
		q.Set("proposed", "1")
	}
	return q
}

// Encode is the view as a query string ("" for the default view), for the forms' hidden field.
func (v unitView) Encode() string { return v.values().Encode() }

// Filtered reports whether the post list is narrowed by kind or proposals.
func (v unitView) Filtered() bool { return v.Kind != "" || v.Proposed }

// unitURL is the dashboard of code showing view v, with an optional fragment.
func unitURL(code string, v unitView, fragment string) string {
	u := "/units/" + url.PathEscape(code)
	if q := v.Encode(); q != "" {
		u += "?" + q
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// DayURL opens a day of the calendar, keeping the list's page and filters.
func (d unitPage) DayURL(day string) string {
	v := d.View
	v.Day = day
	return unitURL(d.Unit.Code, v, "calendar")
}

// CloseDayURL closes the day panel.
func (d unitPage) CloseDayURL() string {
	v := d.View
	v.Day = ""
	return unitURL(d.Unit.Code, v, "calendar")
}

// PageURL is page n of the post list with the same filters and day.
func (d unitPage) PageURL(n int) string {
	v := d.View
	v.Page = n
	return unitURL(d.Unit.Code, v, "posts")
}

// PrevPage and NextPage are the neighbouring page numbers.
func (d unitPage) PrevPage() int { return d.View.Page - 1 }

// NextPage is the page after the current one.
func (d unitPage) NextPage() int { return d.View.Page + 1 }

// unitState is how a dashboard is rendered: the view, and for a failed form its values
// and message.
type unitState struct {
	View   unitView
	Manual manualInput
	Err    formErr
	// The post form's values as sent, kept when that form failed.
	Kind     string
	Excluded bool
	Note     string
}

// heatCell is one day of the calendar heatmap.
type heatCell struct {
	X, Y   int
	Day    string
	Count  int
	Status models.Status
	Retro  bool // judged in hindsight: before tintot first read the unit
	Color  string
	Link   bool // the day has begun: it opens the day panel
	Sel    bool // the day open in the panel
	Today  bool
}

// heatLabel is a text of the calendar: a weekday, a month or a day of the month.
type heatLabel struct {
	X, Y int
	Text string
}

// heatLegendItem is one entry of the calendar's legend, with a cell's exact colour.
type heatLegendItem struct {
	Status models.Status
	Color  string
	Retro  bool
}

// heatCalendar is the 12-week calendar: the cells, the weekday labels on the left, the
// month and day-of-month labels of each week on top, and the legend.
type heatCalendar struct {
	W, H   int
	Cell   int
	Cells  []heatCell
	Rows   []heatLabel
	Months []heatLabel
	Dates  []heatLabel
	Legend []heatLegendItem
}

// Calendar geometry, in SVG units: a label column, two label rows, cells and gaps.
const (
	heatCellSize = 20
	heatGap      = 4
	heatLeft     = 26
	heatTop      = 30
)

// heatColors colour a day by its baseline daily status; the legend is drawn from the
// same map, so its swatches are exactly the cells' colours.
var heatColors = map[models.Status]string{
	models.StatusMet:      "#43a047",
	models.StatusShort:    "#e53935",
	models.StatusAtRisk:   "#fbc02d",
	models.StatusUnknown:  "#9e9e9e",
	models.StatusExcused:  "#90caf9",
	models.StatusNA:       "#eeeeee",
	models.StatusUpcoming: "#ffffff",
}

// heatLegendOrder is the order of the legend's entries.
var heatLegendOrder = []models.Status{
	models.StatusMet, models.StatusAtRisk, models.StatusShort, models.StatusUnknown,
	models.StatusExcused, models.StatusNA, models.StatusUpcoming,
}

// heatStroke is the outline of a cell: dashed and dark for a day judged in hindsight.
func heatStroke(retro bool) string {
	if retro {
		return "#333333"
	}
	return "#00000033"
}

// Stroke is the cell's outline colour.
func (h heatCell) Stroke() string { return heatStroke(h.Retro) }

// Stroke is the swatch's outline colour.
func (h heatLegendItem) Stroke() string { return heatStroke(h.Retro) }

// dayPanel is the day opened in the calendar: its statuses, its mark and its posts.
type dayPanel struct {
	Day      string
	Weekday  string
	Statuses []models.PeriodStatus
	Cell     heatCell
	Posts    []models.Post
	More     bool
}

// unitDashboard is GET /units/:code[?day=&page=&kind=&proposed=1].
func (s *server) unitDashboard(c *fiber.Ctx) error {
	code := c.Params("code")
	v, err := parseUnitView(queryValues(c), s.today(), s.loc)
	if err != nil {
		status, msg, field, ok := formError(err)
		if !ok {
			return err
		}
		return s.renderUnit(c, code, status, page{Error: msg, Field: field}, unitState{View: v, Err: formErr{Form: "filter", Field: field, Msg: msg}})
	}
	return s.renderUnit(c, code, fiber.StatusOK, page{}, unitState{View: v})
}

// queryValues copies the request's query.
func queryValues(c *fiber.Ctx) url.Values {
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	return q
}

// renderUnit renders the dashboard of a unit in scope, with a form error if any.
func (s *server) renderUnit(c *fiber.Ctx, code string, status int, p page, st unitState) error {
	if s.Status == nil {
		return unavailable("tính chỉ tiêu")
	}
	u, err := s.unitInScope(c, code)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	today := s.today()
	rep, err := s.Status.UnitStatus(ctx, u.Code, today)
	if err != nil {
		return errorf("unable to compute status of %s: %w", u.Code, err)
	}
	if st.View.Page < 1 {
		st.View.Page = 1
	}
	d := unitPage{Unit: u, Report: rep, Today: rep.Day, Week: rep.WeekSt, Today0: today, Form: st.Manual, View: st.View, Err: st.Err}
	if d.Form.Date == "" {
		d.Form.Date = today
	}
	if r := principalOf(c).User.Role; r == models.RoleAdmin || r == models.RoleReviewer {
		d.CanJudge = true
	}
	for i, ps := range rep.Day {
		if ps.Level == models.LevelBaseline && ps.Status == models.StatusAtRisk {
			d.AtRisk = &rep.Day[i]
			break
		}
	}
	l := langOf(c)
	if d.Cal, err = s.heatmap(c, u, rep, today, st.View.Day, l); err != nil {
		return err
	}
	if st.View.Day != "" {
		if d.Day, err = s.dayPanel(ctx, u, d.Cal, st.View.Day, l); err != nil {
			return err
		}
	}
	posts, err := s.Store.ListPosts(ctx, store.PostFilter{
		UnitCode: u.Code, Kind: st.View.Kind, Proposed: st.View.Proposed,
		Limit: postsPerPage + 1, Offset: (st.View.Page - 1) * postsPerPage,
	})
	if err != nil {
		return errorf("unable to list posts of %s: %w", u.Code, err)
	}
	if len(posts) > postsPerPage {
		posts, d.More = posts[:postsPerPage], true
	}
	for _, po := range posts {
		po.URL = models.WebLink(po.URL) // only http(s) links become links
		r := postRow{Post: po, SelKind: po.Kind(), Excluded: po.Override != nil && po.Override.Excluded}
		if form := "post:" + po.ID; st.Err.Form == form {
			if k := models.Kind(st.Kind); k.Valid() {
				r.SelKind = k
			}
			r.Excluded, r.Note = st.Excluded, st.Note
			r.ErrKind, r.ErrNote, r.ErrOther = st.Err.On(form, "kind"), st.Err.On(form, "note"), st.Err.Other(form, "kind", "note")
		}
		r.ErrReject, r.ErrApprove = st.Err.Other("reject:"+po.ID), st.Err.Other("approve:"+po.ID)
		r.ErrPick = st.Err.Other("pick:" + po.ID)
		d.Posts = append(d.Posts, r)
	}
	if d.CanJudge && len(d.Posts) > 0 {
		if err := s.attachPicks(ctx, u.Code, d.Posts); err != nil {
			return err
		}
	}
	if d.Feeds, err = s.Store.ListFeeds(ctx, store.FeedFilter{UnitCode: u.Code}); err != nil {
		return errorf("unable to list feeds of %s: %w", u.Code, err)
	}
	p.Title, p.Nav, p.Data = u.Name, "unit", d
	return s.render(c, status, "unit", p)
}

// dayPanel gathers what the calendar shows of one day: the engine's statuses of that day
// (both levels), the calendar cell and the day's posts.
func (s *server) dayPanel(ctx context.Context, u models.Unit, cal heatCalendar, day string, l lang) (*dayPanel, error) {
	rep, err := s.Status.UnitStatus(ctx, u.Code, day)
	if err != nil {
		return nil, errorf("unable to compute status of %s on %s: %w", u.Code, day, err)
	}
	p := &dayPanel{Day: day, Statuses: rep.Day}
	if t, err := models.DayStart(day, s.loc); err == nil {
		p.Weekday = weekdayName(l, t.Weekday())
	}
	p.Cell = heatCell{Day: day}
	found := false
	for _, hc := range cal.Cells {
		if hc.Day == day {
			p.Cell, found = hc, true
			break
		}
	}
	if !found { // older than the calendar: the baseline daily status of that day
		for _, ps := range rep.Day {
			if ps.Level == models.LevelBaseline {
				p.Cell.Status, p.Cell.Retro = ps.Status, ps.Retroactive
				break
			}
		}
		p.Cell.Color = heatColors[p.Cell.Status]
	}
	posts, err := s.Store.ListPosts(ctx, store.PostFilter{UnitCode: u.Code, FromDay: day, ToDay: day, Limit: dayPostsLimit + 1})
	if err != nil {
		return nil, errorf("unable to list posts of %s on %s: %w", u.Code, day, err)
	}
	if len(posts) > dayPostsLimit {
		posts, p.More = posts[:dayPostsLimit], true
	}
	for i := range posts {
		posts[i].URL = models.WebLink(posts[i].URL)
	}
	p.Posts = posts
	return p, nil
}

// weekdayName names a day of the week ("Thứ Hai" … "Chủ nhật").
func weekdayName(l lang, wd time.Weekday) string {
	names := [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
	return l.T(names[wd])
}

// weekdayShort are the calendar's row labels, Monday first.
var weekdayShort = [...]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}

// monthName names a month for the calendar's top row ("Tháng 10").
func monthName(l lang, m time.Month) string {
	if l.en {
		return m.String()[:3]
	}
	return fmt.Sprintf("Tháng %d", int(m))
}

// DayStatuser gives a unit's baseline daily status over a range of days (campaign.Service
// does): with it the calendar takes outages, exemptions and active dates into account.
type DayStatuser interface {
	DayStatuses(ctx context.Context, code, fromDay, toDay string) (map[string]models.DayMark, error)
}

// heatmap colours the last 12 weeks by the baseline daily quota. With a DayStatuser the
// colours are the engine's statuses (a day behind a broken feed is unknown, not short);
// otherwise the counted posts of the target's kinds against its minimum. Later days are
// "upcoming". sel is the day open in the panel.
func (s *server) heatmap(c *fiber.Ctx, u models.Unit, rep models.UnitStatusReport, today, sel string, l lang) (heatCalendar, error) {
	var cal heatCalendar
	var base *models.PeriodStatus
	for i, ps := range rep.Day {
		if ps.Level == models.LevelBaseline {
			base = &rep.Day[i]
			break
		}
	}
	week := models.ISOWeek(s.now(), s.loc)
	monday, err := models.WeekStart(week, s.loc)
	if err != nil {
		return cal, errorf("unable to compute week start: %w", err)
	}
	first := monday.AddDate(0, 0, -7*(heatWeeks-1))
	last := monday.AddDate(0, 0, 6)
	counts := map[string]int{}
	if base != nil {
		dcs, err := s.Store.CountPosts(c.UserContext(), store.CountQuery{
			UnitCodes: []string{u.Code}, FromDay: models.LocalDay(first, s.loc), ToDay: models.LocalDay(last, s.loc),
		})
		if err != nil {
			return cal, errorf("unable to count posts of %s: %w", u.Code, err)
		}
		for _, dc := range dcs {
			if contains(base.Kinds, dc.Kind) {
				counts[dc.Day] += dc.Count
			}
		}
	}
	var statuses map[string]models.DayMark
	if ds, ok := s.Status.(DayStatuser); ok && base != nil {
		to := min(models.LocalDay(last, s.loc), today)
		if statuses, err = ds.DayStatuses(c.UserContext(), u.Code, models.LocalDay(first, s.loc), to); err != nil {
			return cal, errorf("unable to compute the calendar of %s: %w", u.Code, err)
		}
	}
	const pitch = heatCellSize + heatGap
	cal.Cell = heatCellSize
	for d, name := range weekdayShort {
		cal.Rows = append(cal.Rows, heatLabel{X: 0, Y: heatTop + d*pitch + 14, Text: l.T(name)})
	}
	lastMonth, lastMonthCol := time.Month(0), -10
	for w := 0; w < heatWeeks; w++ {
		mon := first.AddDate(0, 0, 7*w)
		x := heatLeft + w*pitch
		if mon.Month() != lastMonth {
			// A month label needs about three columns; the first one gives way to the next.
			if w-lastMonthCol < 3 && len(cal.Months) > 0 {
				cal.Months = cal.Months[:len(cal.Months)-1]
			}
			cal.Months = append(cal.Months, heatLabel{X: x, Y: 11, Text: monthName(l, mon.Month())})
			lastMonth, lastMonthCol = mon.Month(), w
		}
		cal.Dates = append(cal.Dates, heatLabel{X: x + heatCellSize/2, Y: 24, Text: mon.Format("02")})
		for d := 0; d < 7; d++ {
			t := first.AddDate(0, 0, 7*w+d)
			day := models.LocalDay(t, s.loc)
			hc := heatCell{X: x, Y: heatTop + d*pitch, Day: day, Count: counts[day], Sel: day == sel, Today: day == today}
			switch {
			case day > today:
				hc.Status = models.StatusUpcoming
			case base == nil:
				hc.Status = models.StatusNA
			case statuses != nil:
				hc.Status, hc.Retro = statuses[day].Status, statuses[day].Retroactive
			case !u.ActiveAt(t.Add(24*time.Hour - time.Second)):
				hc.Status = models.StatusNA
			case hc.Count >= base.Required:
				hc.Status = models.StatusMet
			case day == today:
				hc.Status = models.StatusAtRisk
			default:
				hc.Status = models.StatusShort
			}
			hc.Link = day <= today
			hc.Color = heatColors[hc.Status]
			if hc.Color == "" {
				hc.Color = heatColors[models.StatusNA]
			}
			cal.Cells = append(cal.Cells, hc)
		}
	}
	for _, st := range heatLegendOrder {
		cal.Legend = append(cal.Legend, heatLegendItem{Status: st, Color: heatColors[st]})
	}
	cal.Legend = append(cal.Legend, heatLegendItem{Status: models.StatusMet, Color: heatColors[models.StatusMet], Retro: true})
	cal.W = heatLeft + heatWeeks*pitch - heatGap + 2
	cal.H = heatTop + 7*pitch - heatGap + 2
	return cal, nil
}

// backToUnit redirects to a unit dashboard in a view with a success message.
func backToUnit(c *fiber.Ctx, code string, v unitView, ok, anchor string) error {
	q := v.values()
	q.Set("ok", ok)
	target := "/units/" + url.PathEscape(code) + "?" + q.Encode()
	if anchor != "" {
		target += "#" + anchor
	}
	return redirect(c, target)
}

// formView reads the dashboard view a form came from (its hidden "view" field); a bad
// one is the default view.
func (s *server) formView(c *fiber.Ctx) unitView {
	q, err := url.ParseQuery(c.FormValue("view"))
	if err != nil {
		return unitView{Page: 1}
	}
	v, err := parseUnitView(q, s.today(), s.loc)
	if err != nil {
		return unitView{Page: 1}
	}
	return v
}

// formOrFail re-renders the unit dashboard with a user error beside the form that
// failed, or passes the error on (server failures, and a refusal or an absence, which
// the error page shows inside the layout).
func (s *server) formOrFail(c *fiber.Ctx, code string, err error, st unitState) error {
	status, msg, field, ok := formError(err)
	if !ok || code == "" || status == fiber.StatusForbidden || status == fiber.StatusNotFound {
		return err
	}
	st.Err.Field, st.Err.Msg = field, msg
	return s.renderUnit(c, code, status, page{Error: msg, Field: field}, st)
}

// postUnit is the unit a post form belongs to: the form's "unit" field, else the post's
// own unit when the caller may see it ("" otherwise: the error page shows the error).
func (s *server) postUnit(c *fiber.Ctx, id string) string {
	if code := c.FormValue("unit"); code != "" {
		return code
	}
	if p, err := s.postInScope(c, id); err == nil {
		return p.UnitCode
	}
	return ""
}

// pageOverridePost is POST /posts/:id/override: the dashboard's reclassify / exclude form.
// It goes through overridePost, the same code (scope, validation, audit) as PATCH /api/v1/posts/:id.
func (s *server) pageOverridePost(c *fiber.Ctx) error {
	var in overrideInput
	ok := "override"
	id := c.Params("id")
	st := unitState{View: s.formView(c), Err: formErr{Form: "post:" + id}}
	if c.FormValue("clear") != "" {
		in.Clear, ok = true, "clear"
	} else {
		kind := c.FormValue("kind")
		excluded := c.FormValue("excluded") != ""
		note := c.FormValue("note")
		in.Kind, in.Excluded, in.Note = &kind, &excluded, &note
		st.Kind, st.Excluded, st.Note = kind, excluded, note
	}
	p, proposed, err := s.overridePost(c, id, in)
	if err != nil {
		return s.checkFormOrFail(c, err, st.Err, st.Kind, st.Note, func() error { return s.formOrFail(c, s.postUnit(c, id), err, st) })
	}
	if proposed {
		ok = "proposed"
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok="+url.QueryEscape(ok)) // back to the check list
	}
	return backToUnit(c, p.UnitCode, st.View, ok, "post-"+p.ID)
}

// pageRejectPost is POST /posts/:id/reject (reviewers and admins): a pending proposal,
// or else a hand-submitted post.
func (s *server) pageRejectPost(c *fiber.Ctx) error {
	id := c.Params("id")
	before, err := s.postInScope(c, id)
	if err != nil {
		return err
	}
	st := unitState{View: s.formView(c), Err: formErr{Form: "reject:" + id}}
	p, err := s.rejectPost(c, id, c.FormValue("note"))
	if err != nil {
		return s.checkFormOrFail(c, err, st.Err, "", c.FormValue("note"), func() error { return s.formOrFail(c, before.UnitCode, err, st) })
	}
	ok := "reject"
	if before.Proposal != nil {
		ok = "proposal_reject"
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok="+url.QueryEscape(ok))
	}
	return backToUnit(c, p.UnitCode, st.View, ok, "post-"+p.ID)
}

// pageApprovePost is POST /posts/:id/approve (reviewers and admins): a unit's proposal
// becomes the post's kind, and the unit's quota is recomputed.
func (s *server) pageApprovePost(c *fiber.Ctx) error {
	id := c.Params("id")
	st := unitState{View: s.formView(c), Err: formErr{Form: "approve:" + id}}
	p, err := s.approveProposal(c, id)
	if err != nil {
		return s.checkFormOrFail(c, err, st.Err, "", "", func() error { return s.formOrFail(c, s.postUnit(c, id), err, st) })
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok=approve")
	}
	return backToUnit(c, p.UnitCode, st.View, "approve", "post-"+p.ID)
}

// pageSubmitPost is POST /units/:code/posts: a post submitted by hand, through
// submitManualPost (the API's logic; the title is fetched by the guarded client).
func (s *server) pageSubmitPost(c *fiber.Ctx) error {
	in := manualInput{URL: c.FormValue("url"), Date: c.FormValue("date"), Kind: c.FormValue("kind"), Title: c.FormValue("title")}
	p, err := s.submitManualPost(c, c.Params("code"), in)
	if err != nil {
		return s.formOrFail(c, c.Params("code"), err, unitState{View: unitView{Page: 1}, Manual: in, Err: formErr{Form: "submit"}})
	}
	return backToUnit(c, p.UnitCode, unitView{Page: 1}, "submitted", "post-"+p.ID)
}
