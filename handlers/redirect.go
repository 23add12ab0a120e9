package handlers

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
)

// safeRedirect is the one rule for every redirect target that a request can influence
// (?next=, a form's next field, the page that sent a user to the login form). It keeps
// target only when it is a same-origin path: "/" followed by anything but "/" or "\",
// with no control character or whitespace anywhere, neither raw nor once percent-decoded
// (nor after further rounds of decoding), and no scheme or host when parsed as a URL.
// Anything else becomes "/".
func safeRedirect(target string) string {
	if !localPath(target) {
		return "/"
	}
	// Decode up to a few rounds: %252f%252f decodes to %2f%2f, then to //.
	dec := target
	for range 3 {
		d, err := url.PathUnescape(dec)
		if err != nil {
			return "/"
		}
		if d == dec {
			break
		}
		if !localPath(d) {
			return "/"
		}
		dec = d
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return target
}

// safeNext is safeRedirect for the page to go to after logging in (or switching the
// language): the login page itself is never that page, so a login can not loop.
func safeNext(next string) string {
	next = safeRedirect(next)
	if p, _, _ := strings.Cut(next, "?"); p == "/login" || strings.HasPrefix(p, "/login/") {
		return "/"
	}
	return next
}

// localPath reports whether s is "/" alone or "/" then a character other than "/" and
// "\", and holds no control character or whitespace.
func localPath(s string) bool {
	if s == "" || s[0] != '/' {
		return false
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || unicode.IsControl(r) || unicode.IsSpace(r) || r == '\uFFFD' {
			return false
		}
	}
	return true
}

// redirect answers 303 See Other to target after passing it through safeRedirect. Every
// redirect in the app goes through here, so no header can be injected and no user-supplied
// value can send a browser to another site.
func redirect(c *fiber.Ctx, target string) error {
	return c.Redirect(safeRedirect(target), fiber.StatusSeeOther)
}
