package feeds

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"tintot/models"
)

// FetchResult is the outcome of one conditional GET.
type FetchResult struct {
	Status       int
	NotModified  bool   // 304: nothing changed, Body is empty
	Body         []byte // decoded body (gzip/deflate/br removed), at most MaxBodyBytes
	ETag         string
	LastModified string
	RetryAfter   time.Duration // from Retry-After, 0 if absent
	MaxAge       time.Duration // from Cache-Control max-age, 0 if absent
	FinalURL     string        // after redirects
	Charset      string        // the charset parameter of Content-Type, lower case ("" if none)
}

// Fetch GETs the feed with If-None-Match / If-Modified-Since from its stored validators.
// A 304 returns NotModified; any status other than 2xx/304 is a *FetchError of kind
// ErrHTTPStatus carrying RetryAfter in the result.
func (c *Client) Fetch(ctx context.Context, feed models.Feed) (FetchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	h := http.Header{}
	h.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if feed.ETag != "" {
		h.Set("If-None-Match", feed.ETag)
	}
	if feed.LastModified != "" {
		h.Set("If-Modified-Since", feed.LastModified)
	}
	resp, err := c.get(ctx, strings.TrimSpace(feed.URL), h)
	if err != nil {
		return FetchResult{}, err
	}
	defer resp.Body.Close()
	now := time.Now()
	res := FetchResult{
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		RetryAfter:   retryAfter(resp.Header.Get("Retry-After"), now),
		MaxAge:       maxAge(resp.Header.Get("Cache-Control")),
		FinalURL:     resp.Request.URL.String(),
		Charset:      contentCharset(resp.Header.Get("Content-Type")),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return res, &FetchError{Kind: ErrHTTPStatus, Status: resp.StatusCode, Err: fmt.Errorf("GET %s: %s", res.FinalURL, resp.Status)}
	}
	body, err := c.readBody(resp)
	if err != nil {
		return res, err
	}
	res.Body = body
	return res, nil
}

// retryAfter parses delta-seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// maxAge reads max-age (or s-maxage) from Cache-Control.
func maxAge(v string) time.Duration {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(strings.ToLower(part))
		for _, p := range []string{"max-age=", "s-maxage="} {
			if rest, ok := strings.CutPrefix(part, p); ok {
				if n, err := strconv.Atoi(strings.Trim(rest, `"`)); err == nil && n > 0 {
					return time.Duration(n) * time.Second
				}
			}
		}
	}
	return 0
}

// FetchTitle reads the title of an HTML page (og:title, else <title>) through the guarded
// client, for posts submitted by hand.
func (c *Client) FetchTitle(ctx context.Context, pageURL string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	h := http.Header{}
	h.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	resp, err := c.get(ctx, strings.TrimSpace(pageURL), h)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", &FetchError{Kind: ErrHTTPStatus, Status: resp.StatusCode, Err: fmt.Errorf("GET %s: %s", pageURL, resp.Status)}
	}
	body, err := c.readBody(resp)
	if err != nil {
		return "", err
	}
	r, err := charset.NewReader(strings.NewReader(string(body)), resp.Header.Get("Content-Type"))
	if err != nil {
		r = strings.NewReader(string(body))
	}
	title := htmlTitle(r)
	if title == "" {
		return "", &FetchError{Kind: ErrParse, Status: resp.StatusCode, Err: fmt.Errorf("no <title> or og:title in %s", pageURL)}
	}
	return title, nil
}

// htmlTitle returns og:title if present, else the first <title> text, NFC-normalised.
func htmlTitle(r io.Reader) string {
	z := html.NewTokenizer(r)
	var title string
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return clean(title)
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "title":
				inTitle = title == ""
			case "meta":
				var prop, content string
				for _, a := range tok.Attr {
					switch strings.ToLower(a.Key) {
					case "property", "name":
						prop = strings.ToLower(a.Val)
					case "content":
						content = a.Val
					}
				}
				if prop == "og:title" && strings.TrimSpace(content) != "" {
					return clean(content)
				}
			case "body":
				if title != "" {
					return clean(title)
				}
			}
		case html.TextToken:
			if inTitle {
				title += string(z.Text())
			}
		case html.EndTagToken:
			if tn, _ := z.TagName(); string(tn) == "title" {
				inTitle = false
			}
		}
	}
}

// clean collapses whitespace and NFC-normalises.
func clean(s string) string {
	return toNFC(collapseSpace(s))
}

// parseURL is url.Parse on a trimmed string.
func parseURL(s string) (*url.URL, error) { return url.Parse(strings.TrimSpace(s)) }

// contentCharset is the charset parameter of a Content-Type header, lower case.
func contentCharset(ct string) string {
	if ct == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["charset"]))
}
