package handlers

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the address a request came from. Behind a trusted reverse proxy
// (TINTOT_TRUSTED_PROXIES) it is the right-most X-Forwarded-For address that is not itself
// a trusted proxy: addresses to its left were written by the client and prove nothing.
// Without trusted proxies the header is ignored, so nobody can pick the address the login
// limiter counts against.
func (s *server) clientIP(c *fiber.Ctx) string {
	remote, err := netip.ParseAddr(c.Context().RemoteIP().String())
	if err != nil {
		return c.IP()
	}
	remote = remote.Unmap()
	if !s.trustedProxy(remote) {
		return remote.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing further left
		}
		if a = a.Unmap(); !s.trustedProxy(a) {
			return a.String()
		}
	}
	return remote.String()
}

func (s *server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
