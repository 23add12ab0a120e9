package handlers

import (
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// checkLimit caps the posts one check page lists; the rest wait for the next visit.
const checkLimit = 300

// checkPage is the data of the "posts to check" page: a week's posts that no rule
// recognised, so they count as other, grouped by unit.
type checkPage struct {
	Week       string
	Prev, Next string
	Parent     string
	ParentName string
	Parents    []models.Unit
	Proposals  []proposalRow // unit admins' proposals awaiting a decision, any week, oldest first
	Groups     []checkGroup
	Total      int  // posts listed
	More       bool // more than checkLimit posts matched
	Back       string
	// Err is a rejected form of this page (its message shown beside the field), with what
	// was typed in it.
	Err        formErr
	Kind, Note string
}

// proposalRow is a post with a pending proposal and its unit, on the check page.
type proposalRow struct {
	models.Post
	Unit models.Unit
}

// checkGroup is one unit's posts on the check page.
type checkGroup struct {
	Unit  models.Unit
	Posts []models.Post
}

// checkPageView is GET /check?week=&parent=: reviewers and admins go through the week's
// unrecognised posts of their units and correct the kind where a rule missed it (the
// same override form and code as the unit dashboard).
func (s *server) checkPageView(c *fiber.Ctx) error {
	week, parent, err := s.reviewParams(c)
	if err != nil {
		return err
	}
	return s.renderCheck(c, week, parent, fiber.StatusOK, page{}, checkPage{})
}

// checkFormOrFail shows a rejected /check form on the check page it came from (next, a
// /check?… address), the message beside the field and what was typed kept; other errors,
// and forms not sent from /check, go to fallback.
func (s *server) checkFormOrFail(c *fiber.Ctx, err error, form formErr, kind, note string, fallback func() error) error {
	next := c.FormValue("next")
	if !strings.HasPrefix(next, "/check?") || safeRedirect(next) != next {
		return fallback()
	}
	status, msg, field, ok := formError(err)
	if !ok || status == fiber.StatusForbidden || status == fiber.StatusNotFound {
		return err
	}
	u, perr := url.Parse(next)
	if perr != nil {
		return fallback()
	}
	week, parent, perr := s.reviewParamsOf(c, u.Query().Get("week"), u.Query().Get("parent"))
	if perr != nil {
		return fallback()
	}
	form.Field, form.Msg = field, msg
	return s.renderCheck(c, week, parent, status, page{Error: msg, Field: field}, checkPage{Err: form, Kind: kind, Note: note})
}

// renderCheck renders the check page of a week and parent (validated by the caller) with
// the given status; pg carries a form error, d its per-form state.
func (s *server) renderCheck(c *fiber.Ctx, week, parent string, status int, pg page, d checkPage) error {
	ctx := c.UserContext()
	monday, err := models.WeekStart(week, s.loc)
	if err != nil {
		return badField("week", "Tuần không hợp lệ")
	}
	d.Week, d.Parent = week, parent
	d.Prev, d.Next = models.ISOWeek(monday.AddDate(0, 0, -7), s.loc), models.ISOWeek(monday.AddDate(0, 0, 7), s.loc)

	units := map[string]models.Unit{}
	if parent != "" {
		root, err := s.unitInScope(c, parent)
		if err != nil {
			return err
		}
		sub, err := s.Store.Descendants(ctx, parent)
		if err != nil {
			return errorf("unable to list units under %s: %w", parent, err)
		}
		d.ParentName = root.Name
		units[root.Code] = root
		for _, u := range sub {
			units[u.Code] = u
		}
	} else {
		sc, err := s.scopeOf(c)
		if err != nil {
			return err
		}
		f := store.UnitFilter{}
		if !sc.All {
			if sc.Empty() {
				return httpErr(fiber.StatusForbidden, "Tài khoản chưa được gán đơn vị")
			}
			f.Codes = sc.List()
		}
		all, err := s.Store.ListUnits(ctx, f)
		if err != nil {
			return errorf("unable to list units: %w", err)
		}
		for _, u := range all {
			units[u.Code] = u
		}
	}
	pf := store.PostFilter{FromDay: models.LocalDay(monday, s.loc), ToDay: models.LocalDay(monday.AddDate(0, 0, 6), s.loc),
		Kind: models.KindOther, NoOverride: true}
	if parent != "" || !principalIsAdmin(c) {
		for code := range units {
			pf.UnitCodes = append(pf.UnitCodes, code)
		}
		sort.Strings(pf.UnitCodes)
	}
	proposed, err := s.Store.ListPosts(ctx, store.PostFilter{UnitCodes: pf.UnitCodes, Proposed: true, Limit: checkLimit})
	if err != nil {
		return errorf("unable to list proposals: %w", err)
	}
	for _, p := range proposed {
		if u, ok := units[p.UnitCode]; ok && p.Proposal != nil {
			p.URL = models.WebLink(p.URL)
			d.Proposals = append(d.Proposals, proposalRow{Post: p, Unit: u})
		}
	}
	sort.SliceStable(d.Proposals, func(i, j int) bool { return d.Proposals[i].Proposal.At.Before(d.Proposals[j].Proposal.At) })
	posts, err := s.Store.ListPosts(ctx, pf)
	if err != nil {
		return errorf("unable to list posts of %s: %w", week, err)
	}
	// Posts the model decided without being sure, whatever kind it guessed.
	uf := pf
	uf.Kind, uf.Uncertain = "", s.reviewConfidence()
	unsure, err := s.Store.ListPosts(ctx, uf)
	if err != nil {
		return errorf("unable to list uncertain posts of %s: %w", week, err)
	}
	posts = append(unsure, posts...)
	byUnit := map[string]*checkGroup{}
	for _, p := range posts {
		unsureModel := p.RuleConfidence > 0 && p.RuleConfidence < s.reviewConfidence()
		if (p.RuleReason != classify.ReasonNoMatch && !unsureModel) || p.Override != nil || p.Proposal != nil {
			continue // recognised on purpose ("Hội nghị …"), already judged, or proposed (listed above)
		}
		u, ok := units[p.UnitCode]
		if !ok {
			continue
		}
		if d.Total == checkLimit {
			d.More = true
			break
		}
		g := byUnit[u.Code]
		if g == nil {
			g = &checkGroup{Unit: u}
			byUnit[u.Code] = g
		}
		p.URL = models.WebLink(p.URL) // only http(s) links become links
		g.Posts = append(g.Posts, p)
		d.Total++
	}
	for _, g := range byUnit {
		sort.SliceStable(g.Posts, func(i, j int) bool { return g.Posts[i].PublishedAt.After(g.Posts[j].PublishedAt) })
		d.Groups = append(d.Groups, *g)
	}
	sort.Slice(d.Groups, func(i, j int) bool { return d.Groups[i].Unit.Code < d.Groups[j].Unit.Code })
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	q := url.Values{"week": {week}}
	if parent != "" {
		q.Set("parent", parent)
	}
	d.Back = "/check?" + q.Encode()
	pg.Title, pg.Nav, pg.Data = "Bài cần xem lại", "check", d
	return s.render(c, status, "check", pg)
}

// principalIsAdmin reports whether the caller is an administrator (sees every unit).
func principalIsAdmin(c *fiber.Ctx) bool {
	p := principalOf(c)
	return p != nil && p.User.Role == models.RoleAdmin
}

// reviewConfidence is the model confidence under which a post is listed for reviewers.
func (s *server) reviewConfidence() float64 {
	if rc, ok := s.Classifier.(interface{ ReviewConfidence() float64 }); ok && rc.ReviewConfidence() > 0 {
		return rc.ReviewConfidence()
	}
	return classify.DefaultReviewConfidence
}
