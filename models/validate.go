package models

import (
	"net/mail"
	"net/url"
	"strings"
)

// ValidEmail reports whether s is a single plain address (no display name).
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " <>\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// ValidFeedURL reports whether s is an absolute http(s) URL with a host, as feeds must be.
// It does not resolve the host: the fetcher's dialer guards the addresses.
func ValidFeedURL(s string) bool {
	if len(s) > 2048 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// WebLink returns s when it is an absolute http(s) URL with a host and no user info,
// else "": a link tintot shows or returns can never run script (javascript:, data:,
// vbscript:) or open a local file.
func WebLink(s string) string {
	if s == "" || !ValidFeedURL(s) || strings.ContainsAny(s, "\x00\r\n\t") {
		return ""
	}
	return s
}
