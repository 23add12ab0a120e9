package handlers

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
)

// unitStatus is GET /units/:code/status?date=.
func (s *server) unitStatus(c *fiber.Ctx) error {
	if s.Status == nil {
		return unavailable("tính chỉ tiêu")
	}
	u, err := s.unitInScope(c, c.Params("code"))
	if err != nil {
		return err
	}
	date, err := s.parseDayParam(c, "date")
	if err != nil {
		return err
	}
	if date == "" {
		date = s.today()
	}
	rep, err := s.Status.UnitStatus(c.UserContext(), u.Code, date)
	if err != nil {
		return errorf("unable to compute status of %s on %s: %w", u.Code, date, err)
	}
	return c.JSON(rep)
}

// reviewParams validates ?week= (default: this week) and ?parent= (default: the caller's
// unit; an admin may leave it empty for every unit). Unit admins see only their own unit,
// so the review of a subtree is for reviewers and admins.
func (s *server) reviewParams(c *fiber.Ctx) (week, parent string, err error) {
	p := principalOf(c)
	if p.User.Role == models.RoleUnitAdmin {
		return "", "", httpErr(fiber.StatusForbidden, "Tổng hợp tuần dành cho người duyệt và quản trị viên")
	}
	return s.reviewParamsOf(c, c.Query("week"), c.Query("parent"))
}

// reviewParamsOf validates a week and a parent given other than in the query (a form's
// return address).
func (s *server) reviewParamsOf(c *fiber.Ctx, week, parent string) (string, string, error) {
	week = strings.TrimSpace(week)
	if week == "" {
		week = models.ISOWeek(s.now(), s.loc)
	} else if _, err := models.WeekStart(week, s.loc); err != nil {
		return "", "", badField("week", fmt.Sprintf("Tuần không hợp lệ %q (cần YYYY-Www, ví dụ 2026-W48)", week))
	}
	parent, err := s.parentOf(c, parent)
	return week, parent, err
}

// parentParam reads the parent query parameter of reviews and reports: by default the
// caller's own unit (every unit for admins); a parent out of scope is refused.
func (s *server) parentParam(c *fiber.Ctx) (string, error) {
	return s.parentOf(c, c.Query("parent"))
}

// parentOf is parentParam for a parent given other than in the query.
func (s *server) parentOf(c *fiber.Ctx, parent string) (string, error) {
	p := principalOf(c)
	parent = strings.TrimSpace(parent)
	if parent == "" && p.User.Role != models.RoleAdmin {
		parent = p.User.UnitCode
	}
	if parent != "" {
		if _, err := s.unitInScope(c, parent); err != nil {
			return "", err
		}
	}
	return parent, nil
}

// buildReview computes the review of the request's week and parent.
func (s *server) buildReview(c *fiber.Ctx) (models.Review, error) {
	if s.Status == nil {
		return models.Review{}, unavailable("tổng hợp tuần")
	}
	week, parent, err := s.reviewParams(c)
	if err != nil {
		return models.Review{}, err
	}
	r, err := s.Status.Review(c.UserContext(), week, parent)
	if err != nil {
		return models.Review{}, errorf("unable to build review %s/%s: %w", week, parent, err)
	}
	return r, nil
}

// reviewXLSX is GET /review.xlsx.
func (s *server) reviewXLSX(c *fiber.Ctx) error {
	return s.exportReview(c, "xlsx")
}

// reviewCSV is GET /review.csv.
func (s *server) reviewCSV(c *fiber.Ctx) error {
	return s.exportReview(c, "csv")
}

// exportReview writes the review as an attachment; pages reuse it for their download links.
func (s *server) exportReview(c *fiber.Ctx, format string) error {
	if s.Exports == nil {
		return unavailable("xuất bảng tổng hợp")
	}
	r, err := s.buildReview(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	ctype := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	if format == "csv" {
		ctype = "text/csv; charset=utf-8"
		err = s.Exports.WriteCSV(&buf, r)
	} else {
		err = s.Exports.WriteXLSX(&buf, r)
	}
	if err != nil {
		return errorf("unable to export review %s as %s: %w", r.Week, format, err)
	}
	name := "Tổng hợp tuần " + r.Week
	if r.Parent != "" {
		name += " " + r.Parent
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name+"."+format))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// contentDisposition names an attachment so that every browser keeps the Vietnamese
// name (RFC 6266 filename*) and old ones get a folded ASCII fallback.
func contentDisposition(name string) string {
	ascii := asciiFilename(name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}

// asciiFilename folds diacritics (đ→d) and keeps letters, digits, '-', '_' and '.'.
func asciiFilename(name string) string {
	folded := dToD.Replace(stripMarks(name))
	var b strings.Builder
	for _, r := range folded {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "tintot"
	}
	return b.String()
}
