package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// heatWeeks is how many weeks the dashboard calendar shows.
const heatWeeks = 12

// unitPage is the data of the unit dashboard.
type unitPage struct {
	Unit     models.Unit
	Report   models.UnitStatusReport
	Today    []models.PeriodStatus
	Week     []models.PeriodStatus
	AtRisk   *models.PeriodStatus // the baseline daily quota, when today is not met yet
	Heat     []heatCell
	HeatW    int
	Posts    []models.Post
	Feeds    []models.Feed
	Today0   string // today's day key, the manual form's default date
	CanJudge bool   // reviewer or admin: may reject manual posts
	Form     manualInput
}

// heatCell is one day of the calendar heatmap.
type heatCell struct {
	X, Y   int
	Day    string
	Count  int
	Status models.Status
	Retro  bool // judged in hindsight: before tintot first read the unit
	Color  string
}

// heatColors colour a day by its baseline daily status.
var heatColors = map[models.Status]string{
	models.StatusMet:     "#43a047",
	models.StatusShort:   "#e53935",
	models.StatusAtRisk:  "#fbc02d",
	models.StatusUnknown: "#9e9e9e",
	models.StatusExcused: "#90caf9",
	models.StatusNA:      "#eeeeee",
}

// unitDashboard is GET /units/:code.
func (s *server) unitDashboard(c *fiber.Ctx) error {
	return s.renderUnit(c, c.Params("code"), fiber.StatusOK, page{}, manualInput{})
}

// renderUnit renders the dashboard of a unit in scope, with a form error if any.
func (s *server) renderUnit(c *fiber.Ctx, code string, status int, p page, form manualInput) error {
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
	d := unitPage{Unit: u, Report: rep, Today: rep.Day, Week: rep.WeekSt, Today0: today, Form: form}
	if form.Date == "" {
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
	if d.Heat, d.HeatW, err = s.heatmap(c, u, rep, today); err != nil {
		return err
	}
	if d.Posts, err = s.Store.ListPosts(ctx, store.PostFilter{UnitCode: u.Code, Limit: 30}); err != nil {
		return errorf("unable to list posts of %s: %w", u.Code, err)
	}
	for i := range d.Posts {
		d.Posts[i].URL = models.WebLink(d.Posts[i].URL) // only http(s) links become links
	}
	if d.Feeds, err = s.Store.ListFeeds(ctx, store.FeedFilter{UnitCode: u.Code}); err != nil {
		return errorf("unable to list feeds of %s: %w", u.Code, err)
	}
	p.Title, p.Nav, p.Data = u.Name, "unit", d
	return s.render(c, status, "unit", p)
}

// DayStatuser gives a unit's baseline daily status over a range of days (campaign.Service
// does): with it the calendar takes outages, exemptions and active dates into account.
type DayStatuser interface {
	DayStatuses(ctx context.Context, code, fromDay, toDay string) (map[string]models.DayMark, error)
}

// heatmap colours the last 12 weeks by the baseline daily quota. With a DayStatuser the
// colours are the engine's statuses (a day behind a broken feed is unknown, not short);
// otherwise the counted posts of the target's kinds against its minimum. Later days are
// left blank.
func (s *server) heatmap(c *fiber.Ctx, u models.Unit, rep models.UnitStatusReport, today string) ([]heatCell, int, error) {
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
		return nil, 0, errorf("unable to compute week start: %w", err)
	}
	first := monday.AddDate(0, 0, -7*(heatWeeks-1))
	last := monday.AddDate(0, 0, 6)
	counts := map[string]int{}
	if base != nil {
		dcs, err := s.Store.CountPosts(c.UserContext(), store.CountQuery{
			UnitCodes: []string{u.Code}, FromDay: models.LocalDay(first, s.loc), ToDay: models.LocalDay(last, s.loc),
		})
		if err != nil {
			return nil, 0, errorf("unable to count posts of %s: %w", u.Code, err)
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
			return nil, 0, errorf("unable to compute the calendar of %s: %w", u.Code, err)
		}
	}
	const cell, gap = 14, 3
	var cells []heatCell
	for w := 0; w < heatWeeks; w++ {
		for d := 0; d < 7; d++ {
			t := first.AddDate(0, 0, 7*w+d)
			day := models.LocalDay(t, s.loc)
			hc := heatCell{X: 30 + w*(cell+gap), Y: 4 + d*(cell+gap), Day: day, Count: counts[day]}
			switch {
			case base == nil:
				hc.Status = models.StatusNA
			case day > today:
				hc.Status = ""
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
			hc.Color = heatColors[hc.Status]
			if hc.Status == "" {
				hc.Color = "#ffffff"
			}
			cells = append(cells, hc)
		}
	}
	return cells, 30 + heatWeeks*(cell+gap), nil
}

// backToUnit redirects to a unit dashboard with a success message.
func backToUnit(c *fiber.Ctx, code, ok, anchor string) error {
	target := fmt.Sprintf("/units/%s?ok=%s", url.PathEscape(code), url.QueryEscape(ok))
	if anchor != "" {
		target += "#" + anchor
	}
	return redirect(c, target)
}

// formOrFail re-renders the unit dashboard with a user error, or passes a server error on.
func (s *server) formOrFail(c *fiber.Ctx, code string, err error, form manualInput) error {
	status, msg, field, ok := formError(err)
	if !ok || code == "" || status == fiber.StatusForbidden || status == fiber.StatusNotFound {
		return err
	}
	return s.renderUnit(c, code, status, page{Error: msg, Field: field}, form)
}

// pageOverridePost is POST /posts/:id/override: the dashboard's reclassify / exclude form.
// It goes through overridePost, the same code (scope, validation, audit) as PATCH /api/v1/posts/:id.
func (s *server) pageOverridePost(c *fiber.Ctx) error {
	var in overrideInput
	ok := "override"
	if c.FormValue("clear") != "" {
		in.Clear, ok = true, "clear"
	} else {
		kind := c.FormValue("kind")
		excluded := c.FormValue("excluded") != ""
		note := c.FormValue("note")
		in.Kind, in.Excluded, in.Note = &kind, &excluded, &note
	}
	p, proposed, err := s.overridePost(c, c.Params("id"), in)
	if err != nil {
		return s.formOrFail(c, c.FormValue("unit"), err, manualInput{})
	}
	if proposed {
		ok = "proposed"
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok="+url.QueryEscape(ok)) // back to the check list
	}
	return backToUnit(c, p.UnitCode, ok, "post-"+p.ID)
}

// pageRejectPost is POST /posts/:id/reject (reviewers and admins): a pending proposal,
// or else a hand-submitted post.
func (s *server) pageRejectPost(c *fiber.Ctx) error {
	before, err := s.postInScope(c, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := s.rejectPost(c, c.Params("id"), c.FormValue("note"))
	if err != nil {
		return s.formOrFail(c, c.FormValue("unit"), err, manualInput{})
	}
	ok := "reject"
	if before.Proposal != nil {
		ok = "proposal_reject"
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok="+url.QueryEscape(ok))
	}
	return backToUnit(c, p.UnitCode, ok, "post-"+p.ID)
}

// pageApprovePost is POST /posts/:id/approve (reviewers and admins): a unit's proposal
// becomes the post's kind, and the unit's quota is recomputed.
func (s *server) pageApprovePost(c *fiber.Ctx) error {
	p, err := s.approveProposal(c, c.Params("id"))
	if err != nil {
		return err
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/check?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok=approve")
	}
	return backToUnit(c, p.UnitCode, "approve", "post-"+p.ID)
}

// pageSubmitPost is POST /units/:code/posts: a post submitted by hand, through
// submitManualPost (the API's logic; the title is fetched by the guarded client).
func (s *server) pageSubmitPost(c *fiber.Ctx) error {
	in := manualInput{URL: c.FormValue("url"), Date: c.FormValue("date"), Kind: c.FormValue("kind"), Title: c.FormValue("title")}
	p, err := s.submitManualPost(c, c.Params("code"), in)
	if err != nil {
		return s.formOrFail(c, c.Params("code"), err, in)
	}
	return backToUnit(c, p.UnitCode, "submitted", "post-"+p.ID)
}
