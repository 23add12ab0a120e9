package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// HonoursExporter writes the yearly honour roll as a workbook (the report package does).
type HonoursExporter interface {
	WriteHonoursXLSX(w io.Writer, title string, rows []models.HonourLine) error
}

// honourParams reads ?year= (default: this year in Vietnam time) and ?parent=, and
// returns the codes of the parent's subtree in the caller's scope (nil: every unit).
func (s *server) honourParams(c *fiber.Ctx) (year int, parent string, codes []string, err error) {
	year = s.now().In(s.loc).Year()
	if raw := strings.TrimSpace(c.Query("year")); raw != "" {
		if year, err = strconv.Atoi(raw); err != nil || year < 2000 || year > 2100 {
			return 0, "", nil, badField("year", fmt.Sprintf("Năm không hợp lệ %q", raw))
		}
	}
	if parent, err = s.parentParam(c); err != nil {
		return 0, "", nil, err
	}
	if parent == "" {
		return year, "", nil, nil
	}
	ds, err := s.Store.Descendants(c.UserContext(), parent)
	if err != nil {
		return 0, "", nil, errorf("unable to read units under %s: %w", parent, err)
	}
	codes = []string{parent}
	for _, u := range ds {
		codes = append(codes, u.Code)
	}
	return year, parent, codes, nil
}

// honourEntry is a proposal with the names the pages and the export show.
type honourEntry struct {
	models.Honour
	UnitName string `json:"unit_name"`
	Story    string `json:"story"`
	Day      string `json:"day"`
	URL      string `json:"url,omitempty"`
}

// honourRoll is a year's honour roll of a parent's subtree and the picked stories a
// proposal may name.
type honourRoll struct {
	Year       int               `json:"year"`
	Parent     string            `json:"parent,omitempty"`
	Entries    []honourEntry     `json:"entries"`
	Candidates []honourCandidate `json:"candidates"`
}

// honourCandidate is a picked story of the year.
type honourCandidate struct {
	PostID   string `json:"post_id"`
	UnitCode string `json:"unit_code"`
	UnitName string `json:"unit_name"`
	Title    string `json:"title"`
	Day      string `json:"day"`
}

// buildHonourRoll reads the year's proposals and picked stories in the request's scope.
func (s *server) buildHonourRoll(c *fiber.Ctx) (honourRoll, error) {
	year, parent, codes, err := s.honourParams(c)
	if err != nil {
		return honourRoll{}, err
	}
	ctx := c.UserContext()
	r := honourRoll{Year: year, Parent: parent, Entries: []honourEntry{}, Candidates: []honourCandidate{}}
	hs, err := s.Store.ListHonours(ctx, year, codes)
	if err != nil {
		return r, errorf("unable to list honours: %w", err)
	}
	picks, err := s.Store.ListPicks(ctx, store.PickFilter{UnitCodes: codes, FromDay: fmt.Sprintf("%04d-01-01", year), ToDay: fmt.Sprintf("%04d-12-31", year)})
	if err != nil {
		return r, errorf("unable to list picks: %w", err)
	}
	need := map[string]bool{}
	for _, h := range hs {
		need[h.UnitCode] = true
	}
	for _, p := range picks {
		need[p.UnitCode] = true
	}
	names := map[string]string{}
	if len(need) > 0 {
		list := make([]string, 0, len(need))
		for code := range need {
			list = append(list, code)
		}
		us, err := s.Store.ListUnits(ctx, store.UnitFilter{Codes: list})
		if err != nil {
			return r, errorf("unable to list units: %w", err)
		}
		for _, u := range us {
			names[u.Code] = u.Name
		}
	}
	posts := map[string]models.Post{}
	post := func(id string) (models.Post, error) {
		if p, ok := posts[id]; ok {
			return p, nil
		}
		p, err := s.Store.GetPost(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return p, errorf("unable to read post %s: %w", id, err)
		}
		posts[id] = p
		return p, nil
	}
	for _, pk := range picks {
		p, err := post(pk.PostID)
		if err != nil {
			return r, err
		}
		if p.ID != "" {
			r.Candidates = append(r.Candidates, honourCandidate{PostID: p.ID, UnitCode: p.UnitCode, UnitName: names[p.UnitCode], Title: p.Title, Day: p.LocalDay})
		}
	}
	for _, h := range hs {
		p, err := post(h.PostID)
		if err != nil {
			return r, err
		}
		r.Entries = append(r.Entries, honourEntry{Honour: h, UnitName: names[h.UnitCode], Story: p.Title, Day: p.LocalDay, URL: models.WebLink(p.URL)})
	}
	return r, nil
}

// honourInput is the body of POST /api/v1/honours and of the page's form.
type honourInput struct {
	PostID string `json:"post_id"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// createHonour records a reviewer's proposal: a person, a group or (no name) the unit
// itself, named in a picked story of the caller's subtree.
func (s *server) createHonour(c *fiber.Ctx, in honourInput) (models.Honour, error) {
	id := strings.TrimSpace(in.PostID)
	if id == "" {
		return models.Honour{}, badField("post_id", "Cần chọn câu chuyện đã chọn đăng bản tin")
	}
	p, err := s.postInScope(c, id)
	if err != nil {
		var ue *userError
		if errors.As(err, &ue) && ue.Status == fiber.StatusNotFound {
			return models.Honour{}, badField("post_id", "Không tìm thấy bài viết")
		}
		return models.Honour{}, err
	}
	picks, err := s.Store.ListPicks(c.UserContext(), store.PickFilter{UnitCodes: []string{p.UnitCode}, FromDay: p.LocalDay, ToDay: p.LocalDay})
	if err != nil {
		return models.Honour{}, errorf("unable to read picks: %w", err)
	}
	picked := false
	for _, pk := range picks {
		picked = picked || pk.PostID == p.ID
	}
	if !picked {
		return models.Honour{}, badField("post_id", "Bài viết chưa được chọn đăng bản tin: hãy chọn đăng trước khi đề nghị tuyên dương")
	}
	year, _ := strconv.Atoi(p.LocalDay[:4])
	h := models.Honour{Year: year, UnitCode: p.UnitCode, Name: strings.TrimSpace(in.Name), PostID: p.ID,
		Reason: strings.TrimSpace(in.Reason), ProposedBy: actor(c), CreatedAt: s.now().UTC()}
	if err := h.Validate(); err != nil {
		return h, err
	}
	if h, err = s.Store.CreateHonour(c.UserContext(), h); err != nil {
		return h, errorf("unable to create honour: %w", err)
	}
	s.audit(c.UserContext(), actor(c), "honour.create", "honour:"+h.ID, h.UnitCode, nil, h, "")
	return h, nil
}

// deleteHonour removes a proposal of the caller's subtree.
func (s *server) deleteHonour(c *fiber.Ctx, id string) error {
	h, err := s.Store.GetHonour(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return httpErr(fiber.StatusNotFound, "Không tìm thấy đề nghị tuyên dương")
	}
	if err != nil {
		return errorf("unable to read honour %s: %w", id, err)
	}
	if err := s.mustSee(c, h.UnitCode); err != nil {
		return err
	}
	if err := s.Store.DeleteHonour(c.UserContext(), id); err != nil {
		return errorf("unable to delete honour %s: %w", id, err)
	}
	s.audit(c.UserContext(), actor(c), "honour.delete", "honour:"+id, h.UnitCode, h, nil, "")
	return nil
}

// apiHonours is GET /api/v1/honours?year=&parent=.
func (s *server) apiHonours(c *fiber.Ctx) error {
	r, err := s.buildHonourRoll(c)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiCreateHonour is POST /api/v1/honours.
func (s *server) apiCreateHonour(c *fiber.Ctx) error {
	var in honourInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	h, err := s.createHonour(c, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(h)
}

// apiDeleteHonour is DELETE /api/v1/honours/:id.
func (s *server) apiDeleteHonour(c *fiber.Ctx) error {
	if err := s.deleteHonour(c, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// honoursXLSX is GET /honours.xlsx and /api/v1/honours.xlsx: the year's honour roll
// with Vietnamese headers, for the yearly commendation.
func (s *server) honoursXLSX(c *fiber.Ctx) error {
	ex, ok := s.Exports.(HonoursExporter)
	if s.Exports == nil || !ok {
		return unavailable("xuất danh sách đề nghị tuyên dương")
	}
	r, err := s.buildHonourRoll(c)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Danh sách tập thể, cá nhân đề nghị tuyên dương năm %d qua Cuộc vận động \"Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp\"", r.Year)
	rows := make([]models.HonourLine, 0, len(r.Entries))
	for _, e := range r.Entries {
		name := e.Name
		if name == "" {
			name = e.UnitName
		}
		rows = append(rows, models.HonourLine{Name: name, UnitName: e.UnitName, UnitCode: e.UnitCode, Story: e.Story, Day: dateText(e.Day),
			URL: e.URL, Reason: e.Reason, ProposedBy: e.ProposedBy})
	}
	var buf bytes.Buffer
	if err := ex.WriteHonoursXLSX(&buf, title, rows); err != nil {
		return errorf("unable to export honours %d: %w", r.Year, err)
	}
	name := "Đề nghị tuyên dương " + strconv.Itoa(r.Year)
	if r.Parent != "" {
		name += " " + r.Parent
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name+".xlsx"))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// honoursPageData is the data of the honour-roll page.
type honoursPageData struct {
	honourRoll
	Parents []models.Unit
	Self    string
	XLSX    string
	Form    honourInput
}

// honoursPage is GET /honours?year=&parent=.
func (s *server) honoursPage(c *fiber.Ctx) error {
	return s.renderHonours(c, fiber.StatusOK, page{}, honourInput{})
}

func (s *server) renderHonours(c *fiber.Ctx, status int, p page, form honourInput) error {
	r, err := s.buildHonourRoll(c)
	if err != nil {
		return err
	}
	d := honoursPageData{honourRoll: r, Form: form}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	v := url.Values{"year": {strconv.Itoa(r.Year)}}
	if r.Parent != "" {
		v.Set("parent", r.Parent)
	}
	d.Self, d.XLSX = "/honours?"+v.Encode(), "/honours.xlsx?"+v.Encode()
	p.Title, p.Nav, p.Data = fmt.Sprintf("Đề nghị tuyên dương năm %d", r.Year), "honours", d
	return s.render(c, status, "honours", p)
}

// pageCreateHonour is POST /honours?year=&parent=; a bad field shows the form again
// with the message beside it.
func (s *server) pageCreateHonour(c *fiber.Ctx) error {
	in := honourInput{PostID: c.FormValue("post_id"), Name: c.FormValue("name"), Reason: c.FormValue("reason")}
	if _, err := s.createHonour(c, in); err != nil {
		status, msg, field, ok := formError(err)
		if !ok || status == fiber.StatusForbidden {
			return err
		}
		return s.renderHonours(c, status, page{Error: msg, Field: field}, in)
	}
	return redirect(c, s.honoursBack(c)+"&ok=honour_add")
}

// pageDeleteHonour is POST /honours/:id/delete?year=&parent=.
func (s *server) pageDeleteHonour(c *fiber.Ctx) error {
	if err := s.deleteHonour(c, c.Params("id")); err != nil {
		return err
	}
	return redirect(c, s.honoursBack(c)+"&ok=honour_del")
}

// honoursBack is the honour-roll page the form came from.
func (s *server) honoursBack(c *fiber.Ctx) string {
	v := url.Values{}
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 2000 && y <= 2100 {
		v.Set("year", strconv.Itoa(y))
	} else {
		v.Set("year", strconv.Itoa(s.now().In(s.loc).Year()))
	}
	if p := c.Query("parent"); p != "" {
		v.Set("parent", p)
	}
	return "/honours?" + v.Encode()
}
