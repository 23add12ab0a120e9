package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	xhtml "golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

// SummaryMaxRunes caps a post's plain-text summary.
const SummaryMaxRunes = 1000

// futureSlack is how far in the future a date may be before it is clamped.
const futureSlack = time.Hour

// ParsedFeed is a parsed document: feed metadata and its items as posts. Posts carry
// ItemKey, Source, URL, Title, Summary, Categories, PublishedAt, LocalDay, FirstSeenAt and
// the date flags; the poller fills in unit, feed and kind.
type ParsedFeed struct {
	Title     string
	Link      string
	Generator string
	Format    string // "rss", "atom" or "json"
	Posts     []models.Post
	Recovered bool // the document was truncated; only its complete items were read
	Dropped   int  // items dropped as duplicates of an earlier item key
}

// Parse reads an RSS 0.9x/1.0/2.0, Atom or JSON Feed body. It repairs the common defects
// of real feeds first; a document that still cannot be read is a *FetchError of kind
// ErrParse. now is the first-seen time for items without a usable date.
func Parse(body []byte, feedURL string, now time.Time) (ParsedFeed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return ParsedFeed{}, &FetchError{Kind: ErrParse, Err: fmt.Errorf("empty document")}
	}
	f, recovered, err := parseBody(body)
	if err != nil {
		return ParsedFeed{}, &FetchError{Kind: ErrParse, Err: err}
	}
	base, _ := url.Parse(strings.TrimSpace(feedURL))
	out := ParsedFeed{
		Title:     cleanText(f.Title),
		Link:      resolve(base, f.Link),
		Generator: strings.TrimSpace(f.Generator),
		Format:    f.FeedType,
		Recovered: recovered,
	}
	nuke := strings.Contains(strings.ToLower(out.Generator), "nukeviet")
	seen := make(map[string]bool, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		p := itemPost(it, base, now, nuke)
		if p.ItemKey == "" {
			continue
		}
		if seen[p.ItemKey] {
			out.Dropped++
			continue
		}
		seen[p.ItemKey] = true
		out.Posts = append(out.Posts, p)
	}
	return out, nil
}

// parseBody runs gofeed on the cleaned body, retrying on the original bytes and on the
// complete items of a truncated document.
func parseBody(body []byte) (*gofeed.Feed, bool, error) {
	fp := gofeed.NewParser()
	if isJSON(body) {
		f, err := fp.Parse(bytes.NewReader(bytes.TrimPrefix(body, utf8BOM)))
		if err != nil {
			return nil, false, fmt.Errorf("JSON Feed: %w", err)
		}
		return f, false, nil
	}
	cleaned := cleanXML(body)
	f, err := fp.Parse(bytes.NewReader(cleaned))
	if err == nil && len(f.Items) > 0 {
		return f, false, nil
	}
	if part := recoverTruncated(cleaned); part != nil {
		if f2, err2 := fp.Parse(bytes.NewReader(part)); err2 == nil && len(f2.Items) > 0 {
			return f2, true, nil
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("XML: %w", err)
	}
	return f, false, nil
}

// itemPost converts one gofeed item.
func itemPost(it *gofeed.Item, base *url.URL, now time.Time, nuke bool) models.Post {
	link := resolve(base, it.Link)
	if link == "" {
		for _, l := range it.Links {
			if link = resolve(base, l); link != "" {
				break
			}
		}
	}
	content := it.Description
	if strings.TrimSpace(content) == "" {
		content = it.Content
	}
	title := cleanText(it.Title)
	summary := capSummary(htmlToText(content, 0), SummaryMaxRunes)
	if title == "" { // title-less microblog posts: the start of the text is the title
		title = truncateRunes(summary, 100)
	}
	p := models.Post{
		Source:      models.SourceFeed,
		URL:         link,
		Title:       title,
		Summary:     summary,
		FirstSeenAt: now,
	}
	for _, c := range it.Categories {
		if c = cleanText(c); c != "" {
			p.Categories = append(p.Categories, c)
		}
	}
	p.ItemKey = ItemKey(it.GUID, link, title, content)
	pub, ok := itemDate(it, nuke)
	switch {
	case !ok:
		pub = now
		p.DateInferred = true
	case pub.After(now.Add(futureSlack)):
		pub = now
		p.DateClamped = true
	}
	p.PublishedAt = pub.UTC()
	p.LocalDay = models.LocalDay(pub, models.Vietnam)
	return p
}

// itemDate picks the first usable date: published, dc:date, updated; our parser first
// (it knows zone-less dates are Vietnamese time), gofeed's as a fallback.
func itemDate(it *gofeed.Item, nuke bool) (time.Time, bool) {
	cands := []string{it.Published}
	if it.DublinCoreExt != nil {
		cands = append(cands, it.DublinCoreExt.Date...)
	}
	cands = append(cands, it.Updated)
	for _, s := range cands {
		if t, ok := parseDate(s); ok && t.Year() > 1990 {
			if nuke { // NukeViet writes the month number where the minutes go
				t = t.Truncate(time.Hour)
			}
			return t, true
		}
	}
	for _, t := range []*time.Time{it.PublishedParsed, it.UpdatedParsed} {
		if t != nil && !t.IsZero() && t.Year() > 1990 {
			return *t, true
		}
	}
	return time.Time{}, false
}

// ItemKey identifies an item within a unit: the trimmed GUID, else the link without its
// fragment, else a sha256 of the NFC title and content.
func ItemKey(guid, link, title, content string) string {
	if g := strings.TrimSpace(guid); g != "" {
		return g
	}
	if l := normaliseLink(link); l != "" {
		return l
	}
	if strings.TrimSpace(title) == "" && strings.TrimSpace(content) == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(norm.NFC.String(strings.TrimSpace(title)) + "\n" + norm.NFC.String(strings.TrimSpace(content))))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// normaliseLink trims a link and drops its fragment.
func normaliseLink(link string) string {
	link = strings.TrimSpace(link)
	if i := strings.IndexByte(link, '#'); i >= 0 {
		link = link[:i]
	}
	return link
}

// resolve makes a link absolute against the feed URL; it returns "" for empty links and
// leaves unparsable ones trimmed as they are.
func resolve(base *url.URL, link string) string {
	link = strings.TrimSpace(html.UnescapeString(strings.TrimSpace(link)))
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	if u.IsAbs() || base == nil {
		return u.String()
	}
	return base.ResolveReference(u).String()
}

// cleanText HTML-unescapes (tags stripped when present), collapses whitespace and NFC-normalises.
func cleanText(s string) string {
	if strings.ContainsRune(s, '<') {
		return htmlToText(s, 0)
	}
	return norm.NFC.String(strings.Join(strings.Fields(html.UnescapeString(s)), " "))
}

// htmlToText keeps the text of an HTML fragment (entities decoded, whitespace collapsed,
// NFC), capped to max runes when max > 0. Escaped HTML (&lt;p&gt;) is decoded first.
func htmlToText(s string, max int) string {
	if strings.Contains(s, "&lt;") && !strings.Contains(s, "<") {
		s = html.UnescapeString(s)
	}
	var sb strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
loop:
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			break loop
		case xhtml.TextToken:
			if skip == 0 {
				sb.Write(z.Text())
				sb.WriteByte(' ')
			}
		case xhtml.StartTagToken:
			if tn, _ := z.TagName(); string(tn) == "script" || string(tn) == "style" {
				skip++
			} else {
				sb.WriteByte(' ')
			}
		case xhtml.EndTagToken:
			if tn, _ := z.TagName(); (string(tn) == "script" || string(tn) == "style") && skip > 0 {
				skip--
			}
		case xhtml.SelfClosingTagToken:
			sb.WriteByte(' ')
		}
	}
	// Text tokens are already unescaped once; a second pass handles double-escaped feeds.
	out := html.UnescapeString(strings.Join(strings.Fields(sb.String()), " "))
	out = norm.NFC.String(out)
	if max > 0 {
		out = truncateRunes(out, max)
	}
	return out
}

var hashtagRe = regexp.MustCompile(`#[\p{L}\p{M}\p{N}_]+`)

// capSummary cuts a summary to max runes but keeps the hashtags of the cut-off part
// (appended), since campaign tags often sit at the end of a long post.
func capSummary(s string, max int) string {
	cut := truncateRunes(s, max)
	if cut == s {
		return s
	}
	kept := strings.TrimSuffix(cut, "…")
	rest := s[len(kept):]
	var tags []string
	seen := map[string]bool{}
	for _, t := range hashtagRe.FindAllString(rest, -1) {
		if !seen[t] && !strings.Contains(kept, t) {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	if len(tags) == 0 {
		return cut
	}
	return cut + " " + strings.Join(tags, " ")
}

// truncateRunes cuts s to at most n runes, adding "…" when cut.
func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return strings.TrimSpace(s[:pos]) + "…"
		}
		i++
	}
	return s
}
