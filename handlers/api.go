package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
)

// registerAPI mounts /api/v1.
func (s *server) registerAPI(app *fiber.App) {
	// Logging in and out: no session needed to log in.
	app.Post("/api/v1/login", s.apiLogin)

	api := app.Group("/api/v1", s.requireAPIUser)
	api.Post("/logout", s.apiLogout)
	api.Get("/me", s.apiMe)

	api.Get("/units", s.listUnits)
	api.Post("/units", requireRole(models.RoleAdmin), s.createUnit)
	api.Get("/units/:code", s.getUnit)
	api.Put("/units/:code", s.updateUnit)
	api.Patch("/units/:code", s.updateUnit)
	api.Delete("/units/:code", requireRole(models.RoleAdmin), s.deleteUnit)

	api.Get("/units/:code/feeds", s.listUnitFeeds)
	api.Post("/units/:code/feeds", s.createFeed)
	api.Get("/feeds", s.listFeeds)
	api.Delete("/feeds/:id", s.deleteFeed)

	api.Get("/units/:code/posts", s.listPosts)
	api.Post("/units/:code/posts", s.apiSubmitPost)
	api.Patch("/posts/:id", s.apiOverridePost)
	api.Post("/posts/:id/reject", requireRole(models.RoleAdmin, models.RoleReviewer), s.apiRejectPost)
	api.Post("/posts/:id/approve", requireRole(models.RoleAdmin, models.RoleReviewer), s.apiApprovePost)

	api.Post("/classify", s.classifyPreview)

	api.Get("/units/:code/status", s.unitStatus)
	api.Get("/review", s.review)
	api.Get("/review.xlsx", s.reviewXLSX)
	api.Get("/review.csv", s.reviewCSV)
	api.Get("/report", s.apiPeriodReport)
	api.Get("/report.xlsx", s.periodReportXLSX)
	api.Get("/trends", s.apiTrends)
	api.Post("/trends", requireRole(models.RoleAdmin, models.RoleReviewer), s.apiCreateTrend)
	api.Get("/trends/:id", s.apiTrend)
	api.Put("/trends/:id", requireRole(models.RoleAdmin, models.RoleReviewer), s.apiUpdateTrend)
	api.Delete("/trends/:id", requireRole(models.RoleAdmin, models.RoleReviewer), s.apiDeleteTrend)

	api.Get("/alerts", s.listAlerts)
	api.Get("/audit", s.listAudit)

	api.Get("/users", requireRole(models.RoleAdmin), s.listUsers)
	api.Post("/users", requireRole(models.RoleAdmin), s.apiCreateUser)
	api.Patch("/users/:id", requireRole(models.RoleAdmin), s.apiUpdateUser)

	api.Get("/tokens", s.listTokens)
	api.Post("/tokens", s.createToken)
	api.Delete("/tokens/:id", s.deleteToken)
	s.registerBulletinAPI(api)
}

// decodeJSON reads a JSON object into v, rejecting unknown fields and naming the bad one.
// The body must be declared as application/json (415 otherwise): a form or text/plain
// body, which a page on another site can send without a preflight, is never read as JSON.
func decodeJSON(c *fiber.Ctx, v any) error {
	if !isJSONContent(c.Get(fiber.HeaderContentType)) {
		return httpErr(fiber.StatusUnsupportedMediaType, "Dữ liệu gửi lên phải có Content-Type: application/json")
	}
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return badField("body", "Thiếu dữ liệu JSON trong yêu cầu")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "body"
			}
			return badField(field, fmt.Sprintf("Trường %q có kiểu dữ liệu không đúng (cần %s)", field, jsonTypeName(te.Type.Kind().String())))
		case errors.As(err, &se):
			return badField("body", fmt.Sprintf("JSON không hợp lệ ở vị trí %d", se.Offset))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return badField(f, fmt.Sprintf("Trường %q không được hỗ trợ", f))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return badField("body", "JSON bị cắt cụt")
		default:
			return badField("body", "JSON không hợp lệ")
		}
	}
	if dec.More() {
		return badField("body", "Chỉ gửi một đối tượng JSON")
	}
	return nil
}

// isJSONContent reports whether a Content-Type header names application/json (any
// parameters, such as charset, allowed).
func isJSONContent(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == fiber.MIMEApplicationJSON
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "chuỗi"
	case "bool":
		return "true/false"
	case "slice", "array":
		return "danh sách"
	case "struct", "map", "ptr":
		return "đối tượng"
	}
	if strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint") || strings.HasPrefix(kind, "float") {
		return "số"
	}
	return kind
}

// queryLimit parses ?limit= with a default and a cap.
func queryLimit(c *fiber.Ctx, def, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badField("limit", "limit phải là số nguyên dương")
	}
	if n > max {
		n = max
	}
	return n, nil
}

// apiLogin opens a session from a JSON body {email, password}. A JSON body cannot be
// sent cross-site without a CORS preflight, so this route needs no CSRF token.
func (s *server) apiLogin(c *fiber.Ctx) error {
	if !isJSONContent(c.Get(fiber.HeaderContentType)) {
		return httpErr(fiber.StatusUnsupportedMediaType, "Gửi dữ liệu đăng nhập dạng application/json")
	}
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, secret, sess, err := s.login(c.UserContext(), s.clientIP(c), in.Email, in.Password)
	if err != nil {
		return err
	}
	s.setSessionCookie(c, secret, sess.ExpiresAt)
	return c.JSON(fiber.Map{"user": u, "csrf_token": sess.CSRFToken, "expires_at": sess.ExpiresAt})
}

// apiLogout ends the session.
func (s *server) apiLogout(c *fiber.Ctx) error {
	if err := s.logout(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// apiMe returns the caller and, for a session, the CSRF token to send on changes.
func (s *server) apiMe(c *fiber.Ctx) error {
	p := principalOf(c)
	out := fiber.Map{"user": p.User}
	if p.Session != nil {
		out["csrf_token"] = p.Session.CSRFToken
	}
	return c.JSON(out)
}
