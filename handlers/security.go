package handlers

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/web"
)

// contentSecurityPolicy lets pages load only tintot's own stylesheet, script and images:
// no inline script, no event-handler attribute, no inline style, no frame, no plug-in,
// forms posted only to tintot itself. Charts are inline SVG, which needs no source.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries: the Content-Security-Policy,
// no framing (clickjacking), no MIME sniffing, and no full URL sent to other sites.
func securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Next()
}

// staticFile is GET /static/:name: the embedded stylesheet and script. Links carry
// ?v=<hash of the files>, so a versioned request may be cached for a year.
func staticFile(c *fiber.Ctx) error {
	name := c.Params("name")
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		return fiber.ErrNotFound
	}
	b, err := web.Static.ReadFile(path.Join("static", name))
	if err != nil {
		return fiber.ErrNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ctype)
	if c.Query("v") == web.AssetVersion {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	return c.Send(b)
}
