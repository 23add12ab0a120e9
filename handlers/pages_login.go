package handlers

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
)

// registerPages mounts the server-rendered pages. Page files (pages_*.go) add their
// routes here; every page behind requirePageUser gets the login redirect and CSRF check.
func (s *server) registerPages(app *fiber.App) {
	app.Get("/login", s.loginPage)
	app.Post("/login", s.loginSubmit)

	pages := app.Group("", s.requirePageUser)
	pages.Post("/logout", s.logoutSubmit)
	pages.Get("/", s.homePage)
	pages.Get("/lang/:code", s.setLang)
	pages.Get("/units/:code", s.unitDashboard)
	pages.Post("/units/:code/posts", s.pageSubmitPost)
	pages.Post("/posts/:id/override", s.pageOverridePost)
	pages.Post("/posts/:id/reject", s.pageRejectPost)
	pages.Get("/review", s.reviewPageView)
	pages.Get("/check", s.checkPageView)
	pages.Get("/report", s.reportPageView)
	pages.Get("/report.xlsx", s.periodReportXLSX)
	pages.Get("/review.xlsx", s.reviewPageXLSX)
	pages.Get("/review.csv", s.reviewPageCSV)
	pages.Get("/feeds", s.feedsPage)
	pages.Get("/alerts", s.alertsPage)
	admin := pages.Group("/admin", requireRole(models.RoleAdmin))
	admin.Get("", s.adminPage)
	admin.Post("/units", s.adminSaveUnit)
	admin.Post("/feeds", s.adminAddFeed)
	admin.Post("/feeds/:id/delete", s.adminDeleteFeed)
	admin.Post("/users", s.adminAddUser)
	admin.Post("/import", s.adminImport)
}

// safeNext keeps only a local path as the post-login destination.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập · tintot</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f5f5f5;margin:0}
main{max-width:24rem;margin:3rem auto;background:#fff;padding:1.5rem;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #bbb;border-radius:4px}
button{margin-top:1rem;width:100%;padding:.7rem;font-size:1rem;background:#0d47a1;color:#fff;border:0;border-radius:4px}
.err{background:#fdecea;color:#b71c1c;padding:.6rem;border-radius:4px}
</style></head>
<body><main>
<h1>Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp</h1>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="_csrf" value="{{.CSRF}}">
<input type="hidden" name="next" value="{{.Next}}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="{{.Email}}">
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button>
</form>
</main></body></html>`))

// renderLogin shows the login form with a pre-session CSRF token (double-submit cookie).
// A token the browser already holds is kept, so that a second tab or a repeated request
// of the login page does not invalidate the form already on screen.
func (s *server) renderLogin(c *fiber.Ctx, status int, email, next, msg string) error {
	token := c.Cookies(loginCSRFCookie)
	if !isHexToken(token) {
		token = randomHex(16)
	}
	c.Cookie(&fiber.Cookie{
		Name: loginCSRFCookie, Value: token, Path: "/login", Expires: s.now().Add(time.Hour),
		HTTPOnly: true, Secure: s.Config.SecureCookies, SameSite: fiber.CookieSameSiteStrictMode,
	})
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return loginTmpl.Execute(c.Response().BodyWriter(), map[string]string{
		"CSRF": token, "Next": safeNext(next), "Email": email, "Error": msg,
	})
}

// isHexToken reports whether v looks like a token made by randomHex(16).
func isHexToken(v string) bool {
	if len(v) != 32 {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// loginPage is GET /login.
func (s *server) loginPage(c *fiber.Ctx) error {
	if principalOf(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.StatusOK, "", c.Query("next"), "")
}

// loginSubmit is POST /login.
func (s *server) loginSubmit(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	next := c.FormValue("next")
	if !tokenEqual(c.FormValue(CSRFField), c.Cookies(loginCSRFCookie)) {
		return s.renderLogin(c, fiber.StatusForbidden, email, next, "Phiên đăng nhập đã hết hạn, vui lòng thử lại.")
	}
	_, secret, sess, err := s.login(c.UserContext(), s.clientIP(c), email, c.FormValue("password"))
	if err != nil {
		if ue, ok := err.(*userError); ok {
			if ue.Status == fiber.StatusTooManyRequests {
				c.Set(fiber.HeaderRetryAfter, "900")
			}
			return s.renderLogin(c, ue.Status, email, next, ue.Msg)
		}
		return err
	}
	s.setSessionCookie(c, secret, sess.ExpiresAt)
	return c.Redirect(safeNext(next), fiber.StatusSeeOther)
}

// logoutSubmit is POST /logout (CSRF-checked by requirePageUser).
func (s *server) logoutSubmit(c *fiber.Ctx) error {
	if err := s.logout(c); err != nil {
		return err
	}
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// homePage sends a unit admin to their unit and reviewers and admins to the weekly review.
func (s *server) homePage(c *fiber.Ctx) error {
	u := principalOf(c).User
	if u.Role == models.RoleUnitAdmin && u.UnitCode != "" {
		return c.Redirect("/units/"+url.PathEscape(u.UnitCode), fiber.StatusSeeOther)
	}
	return c.Redirect("/review", fiber.StatusSeeOther)
}
