package models

import (
	"net/url"
	"strings"
)

// LinkKey is what tells two links to one article from links to different ones, however
// each was written: the host in lower case without "www." and without the scheme or a
// default port, the path without its trailing slash, the query without tracking
// parameters (utm_*, fbclid, gclid, zarsrc, mibextid) and in key order, no fragment. A
// unit's admin submitting "https://www.xa.vn/tin/1/?utm_source=zalo" and its feed
// bringing "http://xa.vn/tin/1" name one article. "" for what is not an http(s) link.
func LinkKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	q := u.Query()
	for k := range q {
		if TrackingParam(k) {
			q.Del(k)
		}
	}
	key := host + path
	if len(q) > 0 {
		key += "?" + q.Encode() // Encode sorts by key
	}
	return key
}

// TrackingParam reports whether a query parameter only says where a link was shared
// (utm_*, fbclid, gclid, zarsrc, mibextid): the same article with or without it.
func TrackingParam(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "utm_") || n == "fbclid" || n == "gclid" || n == "zarsrc" || n == "mibextid"
}
