package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
	"tintot/web"
)

// errorf wraps an internal error with the package prefix.
func errorf(format string, args ...any) error {
	return fmt.Errorf("handlers: "+format, args...)
}

// userError is an error meant for the user: an HTTP status, a Vietnamese message and,
// for bad input, the name of the field that is wrong.
type userError struct {
	Status int
	Msg    string
	Field  string
}

func (e *userError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%d %s: %s", e.Status, e.Field, e.Msg)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Msg)
}

// badField is a 400 naming the field that is wrong.
func badField(field, msg string) error {
	return &userError{Status: fiber.StatusBadRequest, Msg: msg, Field: field}
}

// httpErr is a user error without a field.
func httpErr(status int, msg string) error {
	return &userError{Status: status, Msg: msg}
}

// Common user errors.
var (
	errUnauthorized = httpErr(fiber.StatusUnauthorized, "Bạn cần đăng nhập")
	errForbidden    = httpErr(fiber.StatusForbidden, "Bạn không có quyền với đơn vị hoặc dữ liệu này")
	errNotFound     = httpErr(fiber.StatusNotFound, "Không tìm thấy")
	errCSRF         = httpErr(fiber.StatusForbidden, "Phiên làm việc không hợp lệ hoặc đã hết hạn, vui lòng tải lại trang")
)

// unavailable is the 503 of a route whose dependency is not configured.
func unavailable(what string) error {
	return httpErr(fiber.StatusServiceUnavailable, "Chức năng "+what+" chưa được bật trên máy chủ này")
}

// vietnameseStatus translates Fiber's English messages of the standard errors.
func vietnameseStatus(code int) string {
	switch code {
	case fiber.StatusBadRequest:
		return "Yêu cầu không hợp lệ"
	case fiber.StatusUnauthorized:
		return "Bạn cần đăng nhập"
	case fiber.StatusForbidden:
		return "Bạn không có quyền truy cập"
	case fiber.StatusNotFound:
		return "Không tìm thấy trang hoặc dữ liệu yêu cầu"
	case fiber.StatusMethodNotAllowed:
		return "Phương thức không được hỗ trợ"
	case fiber.StatusRequestEntityTooLarge:
		return "Dữ liệu gửi lên quá lớn"
	case fiber.StatusRequestTimeout:
		return "Yêu cầu quá thời gian"
	case fiber.StatusUnsupportedMediaType:
		return "Định dạng dữ liệu không được hỗ trợ"
	case fiber.StatusTooManyRequests:
		return "Quá nhiều yêu cầu, vui lòng thử lại sau"
	case fiber.StatusServiceUnavailable:
		return "Dịch vụ tạm thời không sẵn sàng"
	}
	return "Yêu cầu không thực hiện được"
}

// handleError is the one Fiber ErrorHandler: user errors keep their 4xx, everything else
// is a generic 500 with the request id, logged once. JSON under /api, HTML elsewhere.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	msg := ""
	field := ""
	var ue *userError
	var fe *fiber.Error
	var mfe *models.FieldError
	switch {
	case errors.As(err, &ue):
		status, msg, field = ue.Status, ue.Msg, ue.Field
	case errors.As(err, &mfe):
		status, msg, field = fiber.StatusBadRequest, mfe.Msg, mfe.Field
	case errors.As(err, &fe) && fe.Code < 500:
		status, msg = fe.Code, vietnameseStatus(fe.Code)
	case errors.Is(err, store.ErrNotFound):
		status, msg = fiber.StatusNotFound, "Không tìm thấy"
	}
	rid := requestIDOf(c)
	var pe *panicError
	if status >= 500 && msg == "" && !errors.As(err, &pe) { // a panic was logged with its stack
		s.Log.Error("request failed",
			slog.String("method", c.Method()), slog.String("path", c.Path()),
			slog.String("request_id", rid), slog.Any("error", err))
		msg = "Đã có lỗi phía máy chủ. Vui lòng thử lại sau hoặc báo mã yêu cầu " + rid + " cho quản trị viên."
	}
	if status == fiber.StatusTooManyRequests {
		c.Set(fiber.HeaderRetryAfter, "900")
	}
	c.Response().ResetBody() // drop anything a failing handler wrote
	if isAPI(c) {
		body := fiber.Map{"error": msg}
		if field != "" {
			body["field"] = field
		}
		if status >= 500 {
			body["request_id"] = rid
		}
		return c.Status(status).JSON(body)
	}
	if status == fiber.StatusUnauthorized {
		return redirect(c, "/login?next="+url.QueryEscape(safeNext(c.OriginalURL())))
	}
	if pr := principalOf(c); pr != nil {
		// A signed-in user keeps the frame (menu, language, log out) and a way back.
		nav := navOf(c.Path())
		if own := "/units/" + url.PathEscape(pr.User.UnitCode); nav == "unit" && (pr.User.UnitCode == "" || c.Path() != own && !strings.HasPrefix(c.Path(), own+"/")) {
			nav = "" // "my unit" is not the place of another unit's page
		}
		rerr := s.render(c, status, "error", page{Title: "Lỗi", TitleTail: strconv.Itoa(status), Nav: nav,
			Data: errorData{Status: status, Msg: msg, Field: field, Back: errorBack(c, status)}})
		if rerr == nil {
			return nil
		}
		s.Log.Error("error page failed", slog.Any("error", rerr), slog.String("request_id", rid))
		c.Response().ResetBody()
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return errorPage.Execute(c.Response().BodyWriter(), map[string]any{"Status": status, "Msg": msg, "Field": field, "Asset": web.AssetVersion})
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lỗi {{.Status}} · tintot</title>
<link rel="stylesheet" href="/static/app.css?v={{.Asset}}"></head>
<body class="errorpage"><main>
<h1>Lỗi {{.Status}}</h1><p>{{.Msg}}</p>
<p><a class="btn" href="/">Về trang chủ</a></p></main></body></html>`))

// errorData is what the error page shows inside the layout.
type errorData struct {
	Status int
	Msg    string
	Field  string
	Back   string // the page to go back to, if known
}

// navOf is the menu entry a path belongs to, so an error keeps the menu's place.
func navOf(path string) string {
	for _, n := range []struct{ prefix, nav string }{
		{"/review", "review"}, {"/check", "check"}, {"/report", "report"}, {"/units/", "unit"},
		{"/posts/", "unit"}, {"/feeds", "feeds"}, {"/alerts", "alerts"}, {"/admin", "admin"},
	} {
		if strings.HasPrefix(path, n.prefix) {
			return n.nav
		}
	}
	return ""
}

// errorBack is where the error page's "back" link goes: the same-origin page the user
// came from, else for a bad query the same page without it; "" when neither is known.
func errorBack(c *fiber.Ctx, status int) string {
	if ref := c.Get(fiber.HeaderReferer); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host == string(c.Request().Host()) {
			back := u.EscapedPath()
			if u.RawQuery != "" {
				back += "?" + u.RawQuery
			}
			if back != "" && safeRedirect(back) == back && back != c.OriginalURL() {
				return back
			}
		}
	}
	if status < 500 && c.Method() == fiber.MethodGet && len(c.Request().URI().QueryString()) > 0 && safeRedirect(c.Path()) == c.Path() {
		return c.Path()
	}
	return ""
}

// isAPI reports whether the request is for the JSON API.
func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

// requestID takes a sane incoming X-Request-ID or makes one, and echoes it.
func (s *server) requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !saneRequestID(id) {
		id = randomHex(8)
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	return c.Next()
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// requestIDOf returns the request's id.
func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// observe turns a handler error into its response, then logs the request and counts it.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			s.Log.Error("error handler failed", slog.Any("error", herr), slog.String("request_id", requestIDOf(c)))
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route := routeLabel(c, status)
	s.requests.WithLabelValues(route, c.Method(), statusText(status)).Inc()
	s.duration.WithLabelValues(route).Observe(elapsed.Seconds())
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	s.Log.LogAttrs(c.UserContext(), level, "http request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Int64("duration_ms", elapsed.Milliseconds()),
		slog.String("client_ip", s.clientIP(c)),
		slog.String("request_id", requestIDOf(c)))
	return nil
}

// recoverPanic turns a panic into an internal error, logged with its stack.
func (s *server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("panic in handler", slog.Any("panic", r), slog.String("stack", string(debug.Stack())),
				slog.String("request_id", requestIDOf(c)))
			err = &panicError{value: r}
		}
	}()
	return c.Next()
}

// panicError is a recovered panic, already logged.
type panicError struct{ value any }

func (e *panicError) Error() string { return fmt.Sprintf("handlers: panic: %v", e.value) }

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("handlers: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Keys of c.Locals.
const (
	localRequestID = "tintot_request_id"
	localPrincipal = "tintot_principal"
	localScope     = "tintot_scope"
)
