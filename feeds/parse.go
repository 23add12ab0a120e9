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
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	xhtml "golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

// Caps on what one item (and one feed) may store, so a hostile or broken feed cannot fill
// the database or the memory of whoever reads it back.
const (
	SummaryMaxRunes  = 1000 // a post's plain-text summary
	TitleMaxRunes    = 500  // a post's or a feed's title
	CategoryMaxRunes = 100  // one category
	MaxCategories    = 20   // categories kept per post
	LinkMaxBytes     = 2048 // longer links are not stored
	KeyMaxBytes      = 512  // longer GUID or link keys are replaced by their sha256
)

// DefaultMaxItems is how many items of one feed are read: the newest by date.
const DefaultMaxItems = 500

// futureSlack is how far in the future a date may be before it is clamped.
const futureSlack = time.Hour

// ParsedFeed is a parsed document: feed metadata and its items as posts. Posts carry
// ItemKey, Source, URL, Title, Summary, Categories, PublishedAt, LocalDay, FirstSeenAt and
// the date flags; the poller fills in unit, feed and kind. Posts are in document order.
type ParsedFeed struct {
	Title     string
	Link      string
	Generator string
	Format    string // "rss", "atom" or "json"
	Posts     []models.Post
	Recovered bool // the document was truncated or broken; only its complete items were read
	Dropped   int  // items dropped as duplicates of an earlier item key, or as placeholders (keeper)
	Clashes   int  // of those, items whose key (GUID, else link) an item with another title had
	Items     int  // distinct items in the document: len(Posts) + Capped
	Capped    int  // older items left out because the document has more than the cap
	Skipped   int  // items too large (or too broken) to be read within the parse's bounds
}

// Note returns a short Vietnamese remark for the feed's health when items were left out,
// "" when the whole document was read.
func (pf ParsedFeed) Note() string {
	var parts []string
	if pf.Capped > 0 {
		parts = append(parts, fmt.Sprintf("Nguồn tin có %d mục; chỉ đọc %d mục mới nhất", pf.Items, len(pf.Posts)))
	}
	if pf.Skipped > 0 {
		skip := "Bỏ qua"
		if len(parts) > 0 {
			skip = "bỏ qua"
		}
		parts = append(parts, fmt.Sprintf("%s %d mục quá lớn hoặc bị lỗi", skip, pf.Skipped))
	}
	if pf.Clashes > 0 {
		// Two different posts under one GUID (or link) are one item to any reader: the
		// later ones are not counted, and the unit's admin should know why.
		parts = append(parts, fmt.Sprintf("%d mục có cùng mã (GUID hoặc liên kết) với một mục khác tiêu đề nên không được tính: trang cần sửa mã của từng bài", pf.Clashes))
	}
	return strings.Join(parts, "; ")
}

// Parse reads an RSS 0.9x/1.0/2.0, Atom or JSON Feed body and keeps its DefaultMaxItems
// newest items. It repairs the common defects of real feeds first; a document that still
// cannot be read is a *FetchError of kind ErrParse. now is the first-seen time for items
// without a usable date.
func Parse(body []byte, feedURL string, now time.Time) (ParsedFeed, error) {
	return ParseLimit(body, feedURL, now, DefaultMaxItems)
}

// ParseLimit is Parse keeping the maxItems newest items by date (DefaultMaxItems when
// maxItems <= 0); on equal dates the earlier in the document wins. Whatever the number of
// items, its memory stays within a small multiple of the body's size: a large document is
// read a few hundred items at a time (see bounded.go).
func ParseLimit(body []byte, feedURL string, now time.Time, maxItems int) (ParsedFeed, error) {
	lim := defaultLimits
	if maxItems > 0 {
		lim.maxItems = maxItems
	}
	return parseWith(body, feedURL, now, lim)
}

// parseWith reads a document within lim: the whole document through gofeed when it is
// small, else in bounded chunks.
func parseWith(body []byte, feedURL string, now time.Time, lim parseLimits) (ParsedFeed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return ParsedFeed{}, &FetchError{Kind: ErrParse, Err: fmt.Errorf("empty document")}
	}
	base, _ := url.Parse(strings.TrimSpace(feedURL))
	jsonDoc := isJSON(body)
	var doc []byte
	if jsonDoc {
		doc = bytes.TrimPrefix(body, utf8BOM)
	} else {
		doc = cleanXML(body)
	}
	k := newKeeper(lim.maxItems)
	var (
		out ParsedFeed
		err error
	)
	switch {
	case structures(doc, jsonDoc) <= lim.wholeTags:
		out, err = parseWhole(doc, jsonDoc, base, now, k)
	case jsonDoc:
		out, err = streamJSON(doc, base, now, lim, k)
	case tooManyAttrs(doc):
		err = errTooManyAttrs
	default:
		out, err = streamXML(doc, base, now, lim, k)
	}
	if err != nil {
		return ParsedFeed{}, &FetchError{Kind: ErrParse, Err: err}
	}
	out.Posts, out.Items, out.Capped, out.Dropped = k.result()
	out.Clashes = k.clashes
	return out, nil
}

// maxAttrs bounds the attributes of one tag that encoding/xml is given: it builds them
// all at once, so a 4.6 MB document with one tag of 800,000 attributes made gofeed
// allocate 242 MB. No feed comes near it; the direct reader, which keeps none, still
// reads such a document when it is plain RSS.
const maxAttrs = 1000

var errTooManyAttrs = fmt.Errorf("XML: a tag has more than %d attributes", maxAttrs)

// tooManyAttrs reports whether a tag of doc may have more than maxAttrs attributes: the
// '=' between a '<' and the next '>' are counted (an upper bound), and only in a
// document with more than maxAttrs of them at all.
func tooManyAttrs(doc []byte) bool {
	if bytes.Count(doc, []byte{'='}) <= maxAttrs {
		return false
	}
	n, in := 0, false
	for _, c := range doc {
		switch c {
		case '<':
			in, n = true, 0
		case '>':
			in = false
		case '=':
			if in {
				if n++; n > maxAttrs {
					return true
				}
			}
		}
	}
	return false
}

// parseWhole reads a small document in one parse.
func parseWhole(doc []byte, jsonDoc bool, base *url.URL, now time.Time, k *keeper) (ParsedFeed, error) {
	f, recovered, err := parseBody(doc, jsonDoc)
	if err != nil {
		return ParsedFeed{}, err
	}
	out := feedMeta(f, base)
	out.Recovered = recovered
	nuke := isNukeViet(out.Generator)
	k.expect(len(f.Items))
	for _, it := range f.Items {
		if it != nil {
			k.add(itemPost(it, base, now, nuke))
		}
	}
	return out, nil
}

// feedMeta reads the feed-level fields of a parsed document.
func feedMeta(f *gofeed.Feed, base *url.URL) ParsedFeed {
	return ParsedFeed{
		Title:     capRunes(cleanText(precut(f.Title, TitleMaxRunes)), TitleMaxRunes),
		Link:      capLink(resolve(base, f.Link)),
		Generator: capRunes(strings.TrimSpace(precut(f.Generator, TitleMaxRunes)), TitleMaxRunes),
		Format:    f.FeedType,
	}
}

// isNukeViet reports whether a generator is NukeViet, whose dates need a fix.
func isNukeViet(generator string) bool {
	return strings.Contains(strings.ToLower(generator), "nukeviet")
}

// parseBody reads a cleaned document (cleanXML) or a JSON one: plain RSS directly
// (directRSS), anything else with gofeed, retrying on the complete items of a truncated
// XML document.
func parseBody(doc []byte, jsonDoc bool) (*gofeed.Feed, bool, error) {
	if !jsonDoc {
		if f, ok := directRSS(doc); ok && len(f.Items) > 0 {
			return f, false, nil
		}
		if tooManyAttrs(doc) {
			return nil, false, errTooManyAttrs
		}
	}
	fp := newFeedParser()
	if jsonDoc {
		f, err := fp.Parse(bytes.NewReader(doc))
		if err != nil {
			return nil, false, fmt.Errorf("JSON Feed: %w", err)
		}
		return f, false, nil
	}
	f, err := fp.Parse(bytes.NewReader(doc))
	if err == nil && len(f.Items) > 0 {
		return f, false, nil
	}
	if part := recoverTruncated(doc); part != nil {
		if f2, err2 := fp.Parse(bytes.NewReader(part)); err2 == nil && len(f2.Items) > 0 {
			return f2, true, nil
		}
	}
	if err != nil {
		return nil, false, fmt.Errorf("XML: %w", err)
	}
	return f, false, nil
}

// newFeedParser returns a gofeed parser that does not look for images in items' HTML:
// tintot stores no images, and that scan (a full HTML parse of every item's description
// and content) was a third of what parsing a feed allocated.
func newFeedParser() *gofeed.Parser {
	fp := gofeed.NewParser()
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return fp
}

// itemPost converts one gofeed item, within the caps on stored fields, and tells whether
// it is loose: without GUID, link or usable date, it says neither where nor when it was
// published (see keeper).
func itemPost(it *gofeed.Item, base *url.URL, now time.Time, nuke bool) (models.Post, bool) {
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
	title := capRunes(cleanText(precut(it.Title, TitleMaxRunes)), TitleMaxRunes)
	summary := capSummary(htmlToText(content, 0), SummaryMaxRunes)
	if title == "" { // title-less microblog posts: the start of the text is the title
		title = truncateRunes(summary, 100)
	}
	p := models.Post{
		Source:      models.SourceFeed,
		URL:         capLink(link),
		Title:       title,
		Summary:     summary,
		FirstSeenAt: now,
	}
	for _, c := range it.Categories {
		if len(p.Categories) == MaxCategories {
			break
		}
		if c = capRunes(cleanText(precut(c, CategoryMaxRunes)), CategoryMaxRunes); c != "" {
			p.Categories = append(p.Categories, c)
		}
	}
	// The key comes from the http(s) link even when it is too long to be stored.
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
	return p, !ok && strings.TrimSpace(it.GUID) == "" && normaliseLink(link) == ""
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
// fragment, else a sha256 of the NFC title and content. A GUID or link key longer than
// KeyMaxBytes is replaced by "sha256:" and the hex sha256 of it.
func ItemKey(guid, link, title, content string) string {
	if g := strings.TrimSpace(guid); g != "" {
		return capKey(g)
	}
	if l := normaliseLink(link); l != "" {
		return capKey(l)
	}
	if strings.TrimSpace(title) == "" && strings.TrimSpace(content) == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(norm.NFC.String(strings.TrimSpace(title)) + "\n" + norm.NFC.String(strings.TrimSpace(content))))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// capKey replaces a key longer than KeyMaxBytes by its sha256.
func capKey(k string) string {
	if len(k) <= KeyMaxBytes {
		return k
	}
	sum := sha256.Sum256([]byte(k))
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

// resolve makes a link absolute against the feed URL. Only http and https links with a
// host are kept: it returns "" for empty links and for any other scheme (javascript:,
// data:, vbscript:, file:, mailto: …), relative ones included. An absolute http(s) link
// that url.Parse rejects is kept trimmed as it is, as before.
func resolve(base *url.URL, link string) string {
	link = strings.TrimSpace(html.UnescapeString(strings.TrimSpace(link)))
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		if l := strings.ToLower(link); strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
			return link
		}
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// capLink drops a link longer than LinkMaxBytes.
func capLink(link string) string {
	if len(link) > LinkMaxBytes {
		return ""
	}
	return link
}

// precut cuts raw text that will be cleaned and then truncated to n runes, so a huge
// title or category is not cleaned whole; markup and entities get generous room.
func precut(s string, n int) string {
	limit := 64 * n
	if len(s) <= limit {
		return s
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}

// cleanText HTML-unescapes (tags stripped when present), collapses whitespace and NFC-normalises.
func cleanText(s string) string {
	if strings.ContainsRune(s, '<') {
		return htmlToText(s, 0)
	}
	return toNFC(collapseSpace(html.UnescapeString(s)))
}

// toNFC returns s in Unicode normal form C. Text made only of runes NFC neither changes
// nor composes with a neighbour — ASCII; U+00A0–U+02FF (Latin-1 to Latin Extended-B and
// the spacing modifiers); U+1E00–U+1EFF (Latin Extended Additional: Vietnamese letters
// with their tone marks, precomposed); U+2002–U+206F (general punctuation but the two
// quads, which NFC maps to U+2002 and U+2003) — is returned as it is after one quick
// pass; anything else goes through the full normalisation, whose per-character table
// lookups were a sixth of reading a feed.
func toNFC(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r >= 0xA0 && r <= 0x2FF || r >= 0x1E00 && r <= 0x1EFF || r >= 0x2002 && r <= 0x206F) {
			return norm.NFC.String(s)
		}
		i += n
	}
	return s
}

// htmlToText keeps the text of an HTML fragment (entities decoded, whitespace collapsed,
// NFC), capped to max runes when max > 0. Escaped HTML (&lt;p&gt;) is decoded first.
func htmlToText(s string, max int) string {
	if strings.Contains(s, "&lt;") && !strings.Contains(s, "<") {
		s = html.UnescapeString(s)
	}
	text, ok := stripTags(s)
	if !ok {
		text = tokenizeText(s)
	}
	// Text is already unescaped once; a second pass handles double-escaped feeds.
	out := html.UnescapeString(collapseSpace(text))
	out = toNFC(out)
	if max > 0 {
		out = truncateRunes(out, max)
	}
	return out
}

// tokenizeText returns the text of an HTML fragment as the HTML tokenizer reads it: each
// text run unescaped, a space for each tag but those of inline elements (inlineElement:
// "<b>Hà Nội</b>, ngày" reads "Hà Nội, ngày", not "Hà Nội , ngày"), and nothing of
// comments or of script and style elements.
func tokenizeText(s string) string {
	var sb strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return sb.String()
		case xhtml.TextToken:
			if skip == 0 {
				sb.Write(z.Text())
			}
		case xhtml.StartTagToken:
			if tn, _ := z.TagName(); string(tn) == "script" || string(tn) == "style" {
				skip++
			} else if !inlineElement(string(tn)) {
				sb.WriteByte(' ')
			}
		case xhtml.EndTagToken:
			tn, _ := z.TagName()
			if (string(tn) == "script" || string(tn) == "style") && skip > 0 {
				skip--
			} else if !inlineElement(string(tn)) {
				sb.WriteByte(' ')
			}
		case xhtml.SelfClosingTagToken:
			if tn, _ := z.TagName(); !inlineElement(string(tn)) {
				sb.WriteByte(' ')
			}
		}
	}
}

// inlineElement reports whether an element is part of the line of text around it (its
// tags separate no words); any other tag — a paragraph, a line break, an image, a list
// item, one tintot does not know — separates the words on either side.
func inlineElement(name string) bool {
	if len(name) > 6 {
		return false
	}
	var lower [6]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(name)]) {
	case "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark", "q", "s", "samp",
		"small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var":
		return true
	}
	return false
}

// stripTags is tokenizeText for the fragments feeds mostly hold: text, entities and
// plain tags (<p>, <b>, <a href="…">, <img … />, <br/>). It reads them without the
// tokenizer, which allocates a 4 KB buffer for every fragment (a fifth of what a poll
// allocated). ok is false, and the tokenizer must read the fragment, when it holds
// anything else: a comment or declaration, a '<' that opens no tag, an unterminated or
// oddly quoted tag, or an element whose content is not markup (script, style, title…).
func stripTags(s string) (text string, ok bool) {
	if strings.IndexByte(s, '<') < 0 {
		if strings.IndexByte(s, '\x00') >= 0 {
			return "", false
		}
		return xhtml.UnescapeString(s), true
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if run := s[:i]; run != "" {
			if strings.IndexByte(run, '\x00') >= 0 {
				return "", false
			}
			sb.WriteString(xhtml.UnescapeString(run))
		}
		if i == len(s) {
			break
		}
		n, name, good := plainTag(s[i:])
		if !good {
			return "", false
		}
		if !inlineElement(name) {
			sb.WriteByte(' ')
		}
		s = s[i+n:]
	}
	return sb.String(), true
}

// plainTag reads the tag t starts with ('<' first): its length, its element's name, and
// whether it is plain enough for stripTags.
func plainTag(t string) (n int, name string, ok bool) {
	i := 1
	start := true
	if i < len(t) && t[i] == '/' {
		i++
		start = false
	}
	nameStart := i
	if i >= len(t) || !asciiLetter(t[i]) {
		return 0, "", false
	}
	for i < len(t) && !tagSep(t[i]) {
		if c := t[i]; c == '"' || c == '\'' || c == '<' || c == '=' || c == 0 {
			return 0, "", false
		}
		i++
	}
	nameEnd := i
	if start && rawTextElement(t[nameStart:i]) {
		return 0, "", false
	}
	for i < len(t) {
		switch c := t[i]; {
		case c == '>':
			return i + 1, t[nameStart:nameEnd], true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/':
			i++
		case c == '"' || c == '\'' || c == '<' || c == '=' || c == 0:
			return 0, "", false
		default: // an attribute: its name, then maybe "=" and a value
			for i < len(t) && !tagSep(t[i]) && t[i] != '=' {
				if t[i] == '"' || t[i] == '\'' || t[i] == '<' || t[i] == 0 {
					return 0, "", false
				}
				i++
			}
			j := skipSpace(t, i)
			if j >= len(t) || t[j] != '=' {
				continue
			}
			j = skipSpace(t, j+1)
			if j < len(t) && (t[j] == '"' || t[j] == '\'') {
				end := strings.IndexByte(t[j+1:], t[j])
				if end < 0 {
					return 0, "", false
				}
				i = j + 1 + end + 1
				continue
			}
			for j < len(t) && !tagSep(t[j]) {
				if t[j] == '"' || t[j] == '\'' || t[j] == '<' || t[j] == '=' || t[j] == '`' || t[j] == 0 {
					return 0, "", false
				}
				j++
			}
			i = j
		}
	}
	return 0, "", false // unterminated
}

func asciiLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// tagSep ends a tag name, an attribute name or an unquoted value.
func tagSep(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>'
}

func skipSpace(t string, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r' || t[i] == '\f') {
		i++
	}
	return i
}

// rawTextElement reports whether the tokenizer reads an element's content as text, not
// markup (or, for script and style, tokenizeText leaves it out).
func rawTextElement(name string) bool {
	switch strings.ToLower(name) {
	case "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext":
		return true
	}
	return false
}

// collapseSpace is strings.Join(strings.Fields(s), " "): the words of s (split at
// Unicode white space) joined by single spaces. Text already in that form is returned
// as it is; otherwise it is copied once (strings.Fields allocates a slice of words for
// any text that is not ASCII, i.e. all Vietnamese, and Join copies them again).
func collapseSpace(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	word := -1 // start of the word being read, -1 between words
	for i := 0; i < len(s); {
		size, space := spaceAt(s, i)
		switch {
		case space && word >= 0:
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(s[word:i])
			word = -1
		case !space && word < 0:
			word = i
		}
		i += size
	}
	if word >= 0 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[word:])
	}
	return b.String()
}

// collapsed reports whether s is its own collapseSpace: no white space but single
// ASCII spaces between words.
func collapsed(s string) bool {
	prevSpace := true // at the start, a space would be leading
	for i := 0; i < len(s); {
		size, space := spaceAt(s, i)
		if space && (prevSpace || s[i] != ' ' || i+size == len(s)) {
			return false
		}
		prevSpace = space
		i += size
	}
	return true
}

// spaceAt returns the size of the character at s[i] and whether it is white space as
// strings.Fields sees it.
func spaceAt(s string, i int) (int, bool) {
	c := s[i]
	if c < utf8.RuneSelf {
		return 1, c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return n, unicode.IsSpace(r)
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

// capRunes cuts s to at most n runes in all, the last of them "…" when cut.
func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return truncateRunes(s, n-1)
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
