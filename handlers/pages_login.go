package handlers

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/web"
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
	pages.Post("/posts/:id/approve", s.pageApprovePost)
	pages.Get("/review", s.reviewPageView)
	pages.Get("/check", s.checkPageView)
	pages.Get("/report", s.reportPageView)
	pages.Get("/report.xlsx", s.periodReportXLSX)
	pages.Get("/review.xlsx", s.reviewPageXLSX)
	pages.Get("/review.csv", s.reviewPageCSV)
	pages.Get("/feeds", s.feedsPage)
	pages.Get("/alerts", s.alertsPage)
	pages.Get("/trends", s.trendsPageView)
	pages.Post("/trends", requireRole(models.RoleAdmin, models.RoleReviewer), s.trendsPageSubmit)
	pages.Get("/trends/:id", s.trendPageView)
	pages.Post("/trends/:id", requireRole(models.RoleAdmin, models.RoleReviewer), s.trendPageSubmit)
	pages.Post("/trends/:id/delete", requireRole(models.RoleAdmin, models.RoleReviewer), s.trendPageDelete)
	s.registerBulletinPages(pages)
	admin := pages.Group("/admin", requireRole(models.RoleAdmin))
	admin.Get("", s.adminPage)
	admin.Post("/units", s.adminSaveUnit)
	admin.Post("/feeds", s.adminAddFeed)
	admin.Post("/feeds/:id/delete", s.adminDeleteFeed)
	admin.Post("/users", s.adminAddUser)
	admin.Post("/import", s.adminImport)
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Đăng nhập · tintot</title>
<link rel="stylesheet" href="/static/app.css?v={{.Asset}}"></head>
<body class="login"><main>
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
		"Asset": web.AssetVersion, "CSRF": token, "Next": safeNext(next), "Email": email, "Error": msg,
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
		return redirect(c, safeNext(c.Query("next")))
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
	return redirect(c, safeNext(next))
}

// logoutSubmit is POST /logout (CSRF-checked by requirePageUser).
func (s *server) logoutSubmit(c *fiber.Ctx) error {
	if err := s.logout(c); err != nil {
		return err
	}
	return redirect(c, "/login")
}

// homePage sends a unit admin to their unit and reviewers and admins to the weekly review.
func (s *server) homePage(c *fiber.Ctx) error {
	u := principalOf(c).User
	if u.Role == models.RoleUnitAdmin && u.UnitCode != "" {
		return redirect(c, "/units/"+url.PathEscape(u.UnitCode))
	}
	return redirect(c, "/review")
}
