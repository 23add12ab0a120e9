package feeds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Bounds of one Discover call: the pages and candidate feeds it fetches (the address
// itself included), the time it may take in all, and how many feeds a page's
// <link rel="alternate"> tags may propose.
const (
	MaxDiscoveryFetches = 10
	DiscoveryTimeout    = 45 * time.Second
	maxAlternates       = 3
)

// Discovery is the feed Discover found behind an address.
type Discovery struct {
	Input   string `json:"input"`    // the address given
	FeedURL string `json:"feed_url"` // the feed to store and poll
	Via     string `json:"via"`      // how, for code: "input", "alternate", "wordpress", "nukeviet", "nukeviet_index", "joomla", "rss_xml", "feed_xml", "atom_xml"
	How     string `json:"how"`      // how, in Vietnamese, for people
	Title   string `json:"title"`    // the feed's title
	Format  string `json:"format"`   // "rss", "atom" or "json"
	Items   int    `json:"items"`    // items the feed lists now
	Fetches int    `json:"fetches"`  // fetches made
}

// DiscoveryError says why no feed was found behind an address: Message is a Vietnamese
// sentence for the person who typed it, Err the technical cause (a *FetchError when the
// address itself could not be read), if any.
type DiscoveryError struct {
	URL    string
	Reason string
	Err    error
}

// Error returns the technical description.
func (e *DiscoveryError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("feeds: no feed found at %s: %s (%v)", e.URL, e.Reason, e.Err)
	}
	return fmt.Sprintf("feeds: no feed found at %s: %s", e.URL, e.Reason)
}

// Unwrap returns the technical cause.
func (e *DiscoveryError) Unwrap() error { return e.Err }

// Message returns the Vietnamese reason.
func (e *DiscoveryError) Message() string { return e.Reason }

// candidate is an address that may be the feed, with how it was guessed.
type candidate struct {
	url, via, how string
}

// Discover finds the feed behind any address an officer may have: the feed itself, or a
// page of the unit's website. The address is fetched through the guarded client; if its
// body is an RSS, Atom or JSON Feed document, it is the feed. If it is an HTML page, the
// feeds it declares (<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">)
// are tried, then the usual addresses of the CMSs Vietnamese sites run: WordPress /feed/,
// NukeViet /rss/ and /index.php?nv=news&op=rss, Joomla ?format=feed&type=rss (on the page
// address), /rss.xml, /feed.xml and /atom.xml (on the site root). The first candidate
// that parses as a feed wins, with items or a valid empty one: a feed the page declares is
// the unit's own, even while empty, and is never passed over for a guessed address that
// may be another site's on a shared portal (the root of the portal). At most
// MaxDiscoveryFetches fetches are made, each within the client's timeout, and all of them
// within DiscoveryTimeout. When nothing is found the error is a *DiscoveryError whose
// Message says why in Vietnamese (the address cannot be reached, is blocked, answers an
// HTTP error, is neither a feed nor a web page, or is a page without a feed).
func (c *Client) Discover(ctx context.Context, rawURL string) (Discovery, error) {
	ctx, cancel := context.WithTimeout(ctx, DiscoveryTimeout)
	defer cancel()
	in := strings.TrimSpace(rawURL)
	d := Discovery{Input: in}
	fail := func(reason string, err error) (Discovery, error) {
		return Discovery{}, &DiscoveryError{URL: in, Reason: reason, Err: err}
	}

	doc, err := c.fetchDoc(ctx, in)
	d.Fetches++
	if err != nil {
		return fail("Không mở được địa chỉ này: "+lowerFirst(message(err)), err)
	}
	if pf, ok := feedOf(doc.body, doc.finalURL); ok {
		d.FeedURL, d.Via, d.How = in, "input", "địa chỉ đã nhập là nguồn tin"
		d.Title, d.Format, d.Items = pf.Title, pf.Format, pf.Items
		return d, nil
	}
	if !doc.isHTML() {
		if looksLikeFeed(doc.body) {
			_, perr := Parse(doc.body, doc.finalURL, time.Now())
			if perr == nil {
				perr = &FetchError{Kind: ErrParse, Err: errors.New("JSON document is not a JSON Feed (no jsonfeed.org version)")}
			}
			return fail("Địa chỉ này trả về dữ liệu nhưng không đọc được như một nguồn tin RSS/Atom/JSON Feed (XML/JSON lỗi)", perr)
		}
		return fail(fmt.Sprintf("Địa chỉ này không phải nguồn tin (RSS/Atom/JSON Feed) cũng không phải trang web (nội dung %s)", doc.mediaType()), nil)
	}

	page, err := url.Parse(doc.finalURL)
	if err != nil {
		return fail("Địa chỉ trang không hợp lệ", err)
	}
	alternates := pageAlternates(doc, page)
	cands := append(alternates, guessedCandidates(page)...)
	tried := map[string]bool{in: true, doc.finalURL: true}
	altFailed := "" // why the first declared feed could not be read
	for _, cand := range cands {
		if tried[cand.url] {
			continue
		}
		tried[cand.url] = true
		if d.Fetches >= MaxDiscoveryFetches || ctx.Err() != nil {
			break
		}
		d.Fetches++
		cdoc, err := c.fetchDoc(ctx, cand.url)
		if err != nil {
			if cand.via == "alternate" && altFailed == "" {
				altFailed = fmt.Sprintf("Trang khai báo nguồn tin %s nhưng không mở được: %s", cand.url, lowerFirst(message(err)))
			}
			continue
		}
		pf, ok := feedOf(cdoc.body, cdoc.finalURL)
		if !ok {
			if cand.via == "alternate" && altFailed == "" {
				altFailed = fmt.Sprintf("Trang khai báo nguồn tin %s nhưng địa chỉ đó không phải nguồn tin đọc được", cand.url)
			}
			continue
		}
		d.FeedURL, d.Via, d.How = cand.url, cand.via, cand.how
		d.Title, d.Format, d.Items = pf.Title, pf.Format, pf.Items
		return d, nil
	}
	switch ctx.Err() {
	case context.DeadlineExceeded:
		return fail(fmt.Sprintf("Hết thời gian kiểm tra (đã thử %d địa chỉ) mà chưa tìm thấy nguồn tin; hãy thử lại hoặc nhập địa chỉ nguồn tin của trang", d.Fetches), ctx.Err())
	case context.Canceled:
		return fail("Việc kiểm tra bị hủy trước khi tìm thấy nguồn tin", ctx.Err())
	}
	if altFailed != "" {
		return fail(altFailed, nil)
	}
	return fail("Trang web này không khai báo nguồn tin (RSS/Atom/JSON Feed) và không có nguồn tin ở các đường dẫn thường gặp (/feed/, /rss/, /rss.xml…); hãy nhập địa chỉ nguồn tin của trang", nil)
}

// fetched is a document fetched for discovery.
type fetched struct {
	body        []byte
	contentType string
	finalURL    string
}

// fetchDoc GETs any document (feed or page) within the client's limits; a status other
// than 2xx is a *FetchError of kind ErrHTTPStatus.
func (c *Client) fetchDoc(ctx context.Context, rawURL string) (fetched, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	h := http.Header{}
	h.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, text/html;q=0.9, application/xhtml+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5")
	resp, err := c.get(ctx, rawURL, h)
	if err != nil {
		return fetched{}, err
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return fetched{}, &FetchError{Kind: ErrHTTPStatus, Status: resp.StatusCode, Err: fmt.Errorf("GET %s: %s", final, resp.Status)}
	}
	body, err := c.readBody(resp)
	if err != nil {
		return fetched{}, err
	}
	return fetched{body: body, contentType: resp.Header.Get("Content-Type"), finalURL: final}, nil
}

// mediaType is the document's media type, from its header or else sniffed.
func (f fetched) mediaType() string {
	if mt, _, err := mime.ParseMediaType(f.contentType); err == nil && mt != "" {
		return mt
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(f.body))
	return mt
}

// isHTML reports whether the document is a web page: declared as HTML, or starting like
// one whatever its header says.
func (f fetched) isHTML() bool {
	switch f.mediaType() {
	case "text/html", "application/xhtml+xml":
		return true
	}
	head := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(f.body[:min(len(f.body), 1024)], utf8BOM), " \t\r\n"))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) || bytes.Contains(head, []byte("<head"))
}

// looksLikeFeed reports whether a body that is not a page looks like XML or JSON, so a
// parse failure means a broken feed rather than some other file.
func looksLikeFeed(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
	return len(b) > 0 && (b[0] == '<' || b[0] == '{')
}

// feedOf parses body as a feed. A JSON document counts only with a JSON Feed version (an
// API's {"items": …} or {"error": …} is not a feed); an XML one with an RSS, RDF or Atom
// root (Parse checks that).
func feedOf(body []byte, feedURL string) (ParsedFeed, bool) {
	pf, err := Parse(body, feedURL, time.Now())
	if err != nil {
		return ParsedFeed{}, false
	}
	if isJSON(body) {
		var v struct {
			Version string `json:"version"`
		}
		if json.Unmarshal(bytes.TrimPrefix(body, utf8BOM), &v) != nil || !strings.Contains(v.Version, "jsonfeed.org/version/") {
			return ParsedFeed{}, false
		}
	}
	return pf, true
}

// feedTypes are the link types of feeds a page may declare.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
	"application/rdf+xml":   true,
}

// pageAlternates returns the feeds a page declares with <link rel="alternate">, resolved
// against the page (or its <base href>), in document order with comment feeds last, at
// most maxAlternates.
func pageAlternates(doc fetched, page *url.URL) []candidate {
	r, err := charset.NewReader(bytes.NewReader(doc.body), doc.contentType)
	if err != nil {
		r = bytes.NewReader(doc.body)
	}
	base := page
	var posts, comments []string
	z := html.NewTokenizer(r)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr || (string(name) != "link" && string(name) != "base") {
			continue
		}
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			attrs[strings.ToLower(string(k))] = strings.TrimSpace(string(v))
			if !more {
				break
			}
		}
		if string(name) == "base" {
			if b, err := page.Parse(attrs["href"]); err == nil && attrs["href"] != "" && base == page {
				base = b
			}
			continue
		}
		if !hasToken(attrs["rel"], "alternate") {
			continue
		}
		mt, _, _ := mime.ParseMediaType(attrs["type"])
		if !feedTypes[strings.ToLower(mt)] || attrs["href"] == "" {
			continue
		}
		u, err := base.Parse(attrs["href"])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		u.Fragment = ""
		s := u.String()
		if isCommentFeed(s, attrs["title"]) {
			comments = append(comments, s)
		} else {
			posts = append(posts, s)
		}
	}
	var out []candidate
	seen := map[string]bool{}
	for _, s := range append(posts, comments...) {
		if !seen[s] && len(out) < maxAlternates {
			seen[s] = true
			out = append(out, candidate{url: s, via: "alternate", how: "thẻ link rel=alternate của trang"})
		}
	}
	return out
}

// hasToken reports whether a space-separated attribute value holds tok (any case).
func hasToken(v, tok string) bool {
	for _, f := range strings.Fields(v) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// isCommentFeed recognises a WordPress comments feed, tried after the posts' feeds.
func isCommentFeed(href, title string) bool {
	t := strings.ToLower(title)
	return strings.Contains(href, "/comments/feed") || strings.Contains(t, "comments feed") || strings.Contains(t, "phản hồi") || strings.Contains(t, "bình luận")
}

// guessedCandidates are the usual feed addresses of the CMSs Vietnamese sites run.
func guessedCandidates(page *url.URL) []candidate {
	root := &url.URL{Scheme: page.Scheme, Host: page.Host, Path: "/"}
	at := func(ref string) string {
		u, err := root.Parse(ref)
		if err != nil {
			return ""
		}
		return u.String()
	}
	joomla := *page
	joomla.Fragment = ""
	q := joomla.Query()
	q.Set("format", "feed")
	q.Set("type", "rss")
	joomla.RawQuery = q.Encode()
	return []candidate{
		{at("/feed/"), "wordpress", "đường dẫn WordPress /feed/"},
		{at("/rss/"), "nukeviet", "đường dẫn NukeViet /rss/"},
		{at("/index.php?nv=news&op=rss"), "nukeviet_index", "đường dẫn NukeViet /index.php?nv=news&op=rss"},
		{joomla.String(), "joomla", "đường dẫn Joomla ?format=feed&type=rss"},
		{at("/rss.xml"), "rss_xml", "đường dẫn /rss.xml"},
		{at("/feed.xml"), "feed_xml", "đường dẫn /feed.xml"},
		{at("/atom.xml"), "atom_xml", "đường dẫn /atom.xml"},
	}
}

// Message returns the Vietnamese reason of a discovery or fetch error, for people.
func Message(err error) string {
	var de *DiscoveryError
	if errors.As(err, &de) {
		return de.Message()
	}
	return message(err)
}

// lowerFirst lowers the first letter of a sentence that follows a colon.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	// Keep acronyms ("HTTPS", "XML") as they are.
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}
