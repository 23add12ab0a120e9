package handlers

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// BulletinBuilder builds a quarter's e-bulletin for a parent's subtree (campaign.Service does).
type BulletinBuilder interface {
	Bulletin(ctx context.Context, parent string, q models.Quarter) (models.Bulletin, error)
}

// registerBulletinAPI mounts the e-bulletin and honour-roll API (reviewers and admins).
func (s *server) registerBulletinAPI(api fiber.Router) {
	judge := requireRole(models.RoleAdmin, models.RoleReviewer)
	api.Get("/bulletin", judge, s.apiBulletin)
	api.Post("/bulletin/send", judge, s.apiSendBulletin)
	api.Put("/posts/:id/pick", judge, s.apiPickPost)
	api.Delete("/posts/:id/pick", judge, s.apiUnpickPost)
	api.Get("/honours", judge, s.apiHonours)
	api.Post("/honours", judge, s.apiCreateHonour)
	api.Delete("/honours/:id", judge, s.apiDeleteHonour)
	api.Get("/honours.xlsx", judge, s.honoursXLSX)
}

// registerBulletinPages mounts the e-bulletin and honour-roll pages (reviewers and admins).
func (s *server) registerBulletinPages(pages fiber.Router) {
	judge := requireRole(models.RoleAdmin, models.RoleReviewer)
	pages.Get("/bulletin", judge, s.bulletinPage)
	pages.Get("/bulletin/sent", judge, s.sentBulletinPage)
	pages.Post("/bulletin/arrange", judge, s.pageArrangeBulletin)
	pages.Post("/bulletin/send", judge, s.pageSendBulletin)
	pages.Post("/posts/:id/pick", judge, s.pagePickPost)
	pages.Post("/posts/:id/unpick", judge, s.pageUnpickPost)
	pages.Get("/honours", judge, s.honoursPage)
	pages.Get("/honours.xlsx", judge, s.honoursXLSX)
	pages.Post("/honours", judge, s.pageCreateHonour)
	pages.Post("/honours/:id/delete", judge, s.pageDeleteHonour)
}

// bulletinParams reads ?quarter= (default: the quarter before this one, the issue being
// made once a quarter is over) and ?parent= (as reviews do). Forms carry both in their
// action's query.
func (s *server) bulletinParams(c *fiber.Ctx) (models.Quarter, string, error) {
	raw := strings.TrimSpace(c.Query("quarter"))
	q := models.QuarterOf(s.now(), s.loc).Prev()
	if raw != "" {
		var err error
		if q, err = models.ParseQuarter(raw); err != nil {
			return q, "", badField("quarter", fmt.Sprintf("Quý không hợp lệ %q (cần YYYY-Qn, ví dụ 2026-Q4)", raw))
		}
	}
	parent, err := s.parentParam(c)
	return q, parent, err
}

// buildBulletin builds the issue the request asks for.
func (s *server) buildBulletin(c *fiber.Ctx) (models.Bulletin, error) {
	bb, ok := s.Status.(BulletinBuilder)
	if s.Status == nil || !ok {
		return models.Bulletin{}, unavailable("bản tin")
	}
	q, parent, err := s.bulletinParams(c)
	if err != nil {
		return models.Bulletin{}, err
	}
	b, err := bb.Bulletin(c.UserContext(), parent, q)
	if err != nil {
		return b, errorf("unable to build bulletin %s/%s: %w", q, parent, err)
	}
	return b, nil
}

// apiBulletin is GET /api/v1/bulletin?parent=&quarter=.
func (s *server) apiBulletin(c *fiber.Ctx) error {
	b, err := s.buildBulletin(c)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

// pickInput is the body of PUT /api/v1/posts/:id/pick.
type pickInput struct {
	Note string `json:"note"`
}

// pickPost marks a post of the caller's subtree for the bulletin, or changes its note.
// A re-pick keeps the story's place and whether it is left out.
func (s *server) pickPost(c *fiber.Ctx, id, note string) (models.Pick, error) {
	p, err := s.postInScope(c, id)
	if err != nil {
		return models.Pick{}, err
	}
	if p.Rejected {
		return models.Pick{}, httpErr(fiber.StatusConflict, "Bài nộp thủ công đã bị từ chối, không thể chọn đăng bản tin")
	}
	pk := models.Pick{PostID: p.ID, UnitCode: p.UnitCode, LocalDay: p.LocalDay, Note: strings.TrimSpace(note),
		PickedBy: actor(c), PickedAt: s.now().UTC()}
	if err := pk.Validate(); err != nil {
		return pk, err
	}
	old, err := s.Store.ListPicks(c.UserContext(), store.PickFilter{UnitCodes: []string{p.UnitCode}, FromDay: p.LocalDay, ToDay: p.LocalDay})
	if err != nil {
		return pk, errorf("unable to read picks: %w", err)
	}
	var before *models.Pick
	for i := range old {
		if old[i].PostID == p.ID {
			before = &old[i]
			pk.Position, pk.Omitted = old[i].Position, old[i].Omitted
		}
	}
	if before == nil {
		// A new story goes after those the reviewers already placed in its quarter.
		q := models.QuarterOf(p.PublishedAt, s.loc)
		if d, err := models.DayStart(p.LocalDay, s.loc); err == nil {
			q = models.QuarterOf(d, s.loc)
		}
		placed, err := s.Store.ListPicks(c.UserContext(), store.PickFilter{FromDay: q.FirstDay(), ToDay: q.LastDay()})
		if err != nil {
			return pk, errorf("unable to read picks: %w", err)
		}
		for _, o := range placed {
			if o.Position > 0 {
				pk.Position = max(pk.Position, o.Position+1)
			}
		}
	}
	if err := s.Store.SavePick(c.UserContext(), pk); err != nil {
		return pk, errorf("unable to save pick: %w", err)
	}
	s.audit(c.UserContext(), actor(c), "post.pick", "post:"+p.ID, p.UnitCode, before, pk, "")
	return pk, nil
}

// unpickPost removes a post's pick.
func (s *server) unpickPost(c *fiber.Ctx, id string) (models.Post, error) {
	p, err := s.postInScope(c, id)
	if err != nil {
		return p, err
	}
	err = s.Store.DeletePick(c.UserContext(), p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return p, httpErr(fiber.StatusNotFound, "Bài viết chưa được chọn đăng bản tin")
	}
	if err != nil {
		return p, errorf("unable to delete pick: %w", err)
	}
	s.audit(c.UserContext(), actor(c), "post.unpick", "post:"+p.ID, p.UnitCode, nil, nil, "")
	return p, nil
}

// apiPickPost is PUT /api/v1/posts/:id/pick {"note": "..."}.
func (s *server) apiPickPost(c *fiber.Ctx) error {
	var in pickInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	pk, err := s.pickPost(c, c.Params("id"), in.Note)
	if err != nil {
		return err
	}
	return c.JSON(pk)
}

// apiUnpickPost is DELETE /api/v1/posts/:id/pick.
func (s *server) apiUnpickPost(c *fiber.Ctx) error {
	if _, err := s.unpickPost(c, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// attachPicks sets the bulletin pick of each listed post of a unit.
func (s *server) attachPicks(ctx context.Context, code string, rows []postRow) error {
	from, to := rows[0].LocalDay, rows[0].LocalDay
	for _, r := range rows {
		from, to = min(from, r.LocalDay), max(to, r.LocalDay)
	}
	picks, err := s.Store.ListPicks(ctx, store.PickFilter{UnitCodes: []string{code}, FromDay: from, ToDay: to})
	if err != nil {
		return errorf("unable to list picks of %s: %w", code, err)
	}
	byPost := map[string]*models.Pick{}
	for i := range picks {
		byPost[picks[i].PostID] = &picks[i]
	}
	for i := range rows {
		rows[i].Pick = byPost[rows[i].ID]
	}
	return nil
}

// pagePickPost is POST /posts/:id/pick from the unit dashboard.
func (s *server) pagePickPost(c *fiber.Ctx) error {
	id := c.Params("id")
	st := unitState{View: s.formView(c), Err: formErr{Form: "pick:" + id}}
	pk, err := s.pickPost(c, id, c.FormValue("note"))
	if err != nil {
		return s.formOrFail(c, s.postUnit(c, id), err, st)
	}
	return backToUnit(c, pk.UnitCode, st.View, "picked", "post-"+pk.PostID)
}

// pageUnpickPost is POST /posts/:id/unpick from the unit dashboard or the bulletin page.
func (s *server) pageUnpickPost(c *fiber.Ctx) error {
	id := c.Params("id")
	st := unitState{View: s.formView(c), Err: formErr{Form: "pick:" + id}}
	p, err := s.unpickPost(c, id)
	if err != nil {
		return s.formOrFail(c, s.postUnit(c, id), err, st)
	}
	if next := c.FormValue("next"); strings.HasPrefix(next, "/bulletin?") && safeRedirect(next) == next {
		return redirect(c, next+"&ok=unpicked")
	}
	return backToUnit(c, p.UnitCode, st.View, "unpicked", "post-"+p.ID)
}

// bulletinPage is the data of the bulletin page.
type bulletinPage struct {
	B          models.Bulletin
	Parents    []models.Unit
	Quarters   []string
	ShareChart template.HTML
	Self       string // this page's URL, for the forms' way back
	Recipients []string
	SentURL    template.URL
}

// bulletinPage is GET /bulletin?parent=&quarter=: the issue to arrange, print and send,
// or, once sent, the issue as it was sent.
func (s *server) bulletinPage(c *fiber.Ctx) error {
	b, err := s.buildBulletin(c)
	if err != nil {
		return err
	}
	d := bulletinPage{B: b}
	if len(b.Weeks) > 0 {
		d.ShareChart = reportShareChart(langOf(c), b.Report, b.Weeks).render()
	}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	q := models.QuarterOf(s.now(), s.loc)
	for i := 0; i < 8; i++ {
		d.Quarters = append(d.Quarters, q.String())
		q = q.Prev()
	}
	v := url.Values{"quarter": {b.Quarter}}
	if b.Parent != "" {
		v.Set("parent", b.Parent)
		if u, err := s.Store.GetUnit(c.UserContext(), b.Parent); err == nil {
			d.Recipients = u.Emails
		}
	}
	d.Self = "/bulletin?" + v.Encode()
	d.SentURL = template.URL("/bulletin/sent?" + v.Encode())
	return s.render(c, fiber.StatusOK, "bulletin", page{Title: "Bản tin", TitleTail: b.Label, Nav: "bulletin", Data: d})
}

// sentBulletinPage is GET /bulletin/sent: the sent issue's HTML exactly as it was mailed.
func (s *server) sentBulletinPage(c *fiber.Ctx) error {
	q, parent, err := s.bulletinParams(c)
	if err != nil {
		return err
	}
	sent, err := s.Store.GetSentBulletin(c.UserContext(), parent, q.String())
	if errors.Is(err, store.ErrNotFound) {
		return httpErr(fiber.StatusNotFound, "Bản tin "+q.Label()+" chưa được gửi")
	}
	if err != nil {
		return errorf("unable to read bulletin: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(sent.HTML)
}

// arrangeBulletin applies the bulletin page's order and leave-out boxes to the
// quarter's picks in the caller's scope: "pos.<post id>" is a story's place (1 first),
// "omit.<post id>" present leaves it out. A sent issue is not changed.
func (s *server) arrangeBulletin(c *fiber.Ctx) (models.Bulletin, error) {
	b, err := s.buildBulletin(c)
	if err != nil {
		return b, err
	}
	if b.Sent != nil {
		return b, httpErr(fiber.StatusConflict, "Bản tin "+b.Label+" đã được gửi, không thể sửa")
	}
	all := append(append([]models.BulletinStory{}, b.Stories...), b.Omitted...)
	for _, st := range all {
		pk := st.Pick
		if raw := strings.TrimSpace(c.FormValue("pos." + pk.PostID)); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 10000 {
				return b, badField("pos."+pk.PostID, fmt.Sprintf("Thứ tự của bài %q phải là số từ 1 đến 10000", st.Title))
			}
			pk.Position = n
		}
		pk.Omitted = c.FormValue("omit."+pk.PostID) != ""
		if pk == st.Pick {
			continue
		}
		if err := s.Store.SavePick(c.UserContext(), pk); err != nil {
			return b, errorf("unable to save pick: %w", err)
		}
	}
	s.audit(c.UserContext(), actor(c), "bulletin.arrange", "bulletin:"+b.Parent+"|"+b.Quarter, b.Parent, nil, nil, "")
	return b, nil
}

// pageArrangeBulletin is POST /bulletin/arrange.
func (s *server) pageArrangeBulletin(c *fiber.Ctx) error {
	b, err := s.arrangeBulletin(c)
	if err != nil {
		return err
	}
	return redirect(c, bulletinURL(b)+"&ok=arranged")
}

// bulletinURL is the page of an issue.
func bulletinURL(b models.Bulletin) string {
	v := url.Values{"quarter": {b.Quarter}}
	if b.Parent != "" {
		v.Set("parent", b.Parent)
	}
	return "/bulletin?" + v.Encode()
}

// sendBulletin renders the issue as an HTML e-mail to the parent unit's list, puts it
// in the outbox (sent by the mailer like every alert) and keeps it as sent. One issue
// per parent and quarter: a second send is refused.
func (s *server) sendBulletin(c *fiber.Ctx) (models.SentBulletin, error) {
	b, err := s.buildBulletin(c)
	if err != nil {
		return models.SentBulletin{}, err
	}
	if b.Parent == "" {
		return models.SentBulletin{}, badField("parent", "Chọn đơn vị cấp trên: bản tin được gửi tới danh sách e-mail của đơn vị đó")
	}
	if b.Sent != nil {
		return *b.Sent, httpErr(fiber.StatusConflict, "Bản tin "+b.Label+" đã được gửi lúc "+b.Sent.SentAt.In(s.loc).Format("15:04 02/01/2006"))
	}
	parent, err := s.Store.GetUnit(c.UserContext(), b.Parent)
	if err != nil {
		return models.SentBulletin{}, errorf("unable to read unit %s: %w", b.Parent, err)
	}
	now := s.now().UTC()
	sent := models.SentBulletin{Parent: b.Parent, Quarter: b.Quarter, Subject: bulletinSubject(b), Recipients: parent.Emails,
		SentBy: actor(c), SentAt: now, Items: []models.BulletinItem{}}
	for _, st := range b.Stories {
		sent.Items = append(sent.Items, models.BulletinItem{PostID: st.Pick.PostID, UnitCode: st.Pick.UnitCode, UnitName: st.UnitName,
			Title: st.Title, Day: st.Pick.LocalDay, URL: st.URL, Note: st.Pick.Note})
	}
	html, text, err := renderBulletinMail(b, now)
	if err != nil {
		return sent, err
	}
	sent.HTML = html
	a := models.Alert{Type: models.AlertBulletin, UnitCode: b.Parent, Period: b.Quarter, Recipients: parent.Emails,
		Subject: sent.Subject, BodyText: text, BodyHTML: html, CreatedAt: now.Truncate(time.Millisecond), NextTryAt: now.Truncate(time.Millisecond), Status: models.AlertPending}
	if len(a.Recipients) == 0 {
		a.Status = models.AlertNoMail
	}
	a.DedupKey = models.AlertDedupKey(a.Type, a.UnitCode, a.Period, "")
	// The outbox first: its dedup key makes a retry after a failure below harmless.
	if _, _, err := s.Store.EnqueueAlert(c.UserContext(), a); err != nil {
		return sent, errorf("unable to enqueue bulletin %s: %w", b.Quarter, err)
	}
	err = s.Store.SaveSentBulletin(c.UserContext(), sent)
	if errors.Is(err, store.ErrConflict) {
		return sent, httpErr(fiber.StatusConflict, "Bản tin "+b.Label+" đã được gửi")
	}
	if err != nil {
		return sent, errorf("unable to keep bulletin %s: %w", b.Quarter, err)
	}
	s.audit(c.UserContext(), actor(c), "bulletin.send", "bulletin:"+b.Parent+"|"+b.Quarter, b.Parent, nil, sent.Items, strings.Join(sent.Recipients, ", "))
	return sent, nil
}

// apiSendBulletin is POST /api/v1/bulletin/send?parent=&quarter=.
func (s *server) apiSendBulletin(c *fiber.Ctx) error {
	sent, err := s.sendBulletin(c)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sent)
}

// pageSendBulletin is POST /bulletin/send.
func (s *server) pageSendBulletin(c *fiber.Ctx) error {
	sent, err := s.sendBulletin(c)
	if err != nil {
		return err
	}
	return redirect(c, bulletinURL(models.Bulletin{Parent: sent.Parent, Quarter: sent.Quarter})+"&ok=sent")
}
