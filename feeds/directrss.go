package feeds

import (
	"bytes"
	"html"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

// The direct reader: most units' feeds are plain RSS 2.0 (NukeViet, the newspapers'
// CMSs), and gofeed reads every text element of them through encoding/xml's reflection
// (the largest part of a first poll's parsing). directRSS reads that common shape straight
// from the bytes into the gofeed fields tintot uses, with gofeed's own rules for them: an
// element's text is its trimmed inner XML, CDATA taken verbatim and the rest
// entity-decoded; the last title, link, guid and pubDate of an item win; every link and
// category is kept in order. Anything outside that shape — another root, a DOCTYPE,
// namespaces other than a few ignored ones, markup inside a text element, an entity
// other than XML's five and character references, xml:base, a date only gofeed can read,
// a document that is not well formed — makes it decline, and gofeed reads the document
// as before. TestDirectRSSMatchesGofeed and FuzzDirectRSS hold the two readers to the
// same result.

// directRSSOff makes directRSS always decline (tests compare both readers).
var directRSSOff bool

// Namespaces whose elements an item may carry without changing any field tintot reads.
const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
)

var ignoredItemNS = map[string]bool{
	"http://purl.org/rss/1.0/modules/slash/": true,
	"http://search.yahoo.com/mrss/":          true,
	"http://wellformedweb.org/CommentAPI/":   true,
}

// nativeNS are the namespaces gofeed reads as RSS's own elements.
var nativeNS = map[string]bool{
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#": true,
	"http://purl.org/rss/1.0/":                    true,
	"http://channel.netscape.com/rdf/simple/0.9/": true,
	"http://my.netscape.com/rdf/simple/0.9/":      true,
}

var (
	cdataStart = []byte("<![CDATA[")
	cdataEnd   = []byte("]]>")
)

// directRSS returns the document read directly, or ok false when it is not of the
// shape described above (then nothing of it is used). doc is cleanXML's output: valid
// UTF-8 without the characters gofeed's reader drops or encoding/xml refuses.
func directRSS(doc []byte) (f *gofeed.Feed, ok bool) {
	if directRSSOff || bytes.Contains(doc, []byte("xml:base")) {
		return nil, false
	}
	s := &rssScan{doc: doc}
	return s.feed()
}

// rssScan walks a document; every method returns false when the document leaves the
// shape it reads.
type rssScan struct {
	doc []byte
	i   int
	ns  map[string]string // prefix → namespace declared on <rss>
	// What link needs of the current start tag's attributes (nothing else is kept, so a
	// tag with a million attributes costs no memory): its href, and whether any
	// attribute name has a prefix.
	href             []byte
	hasHref, prefAtt bool
	buf              []byte
	low              []byte
}

// tag is a start tag just read.
type tag struct {
	prefix, local []byte // local name as written
	raw           []byte // the qualified name, to match its end tag
	empty         bool   // <x/>
}

func (s *rssScan) feed() (*gofeed.Feed, bool) {
	if !s.prolog() {
		return nil, false
	}
	root, ok := s.startTag(true)
	if !ok || string(root.raw) != "rss" || root.empty {
		return nil, false
	}
	var f *gofeed.Feed
	for {
		t, end, ok := s.child(root)
		if !ok {
			return nil, false
		}
		if end {
			break // what follows </rss> is not read, as by gofeed
		}
		switch {
		case t.prefix == nil && string(t.raw) == "channel":
			if f != nil || t.empty {
				return nil, false
			}
			if f, ok = s.channel(t); !ok {
				return nil, false
			}
		case t.prefix == nil && string(s.lower(t.local)) == "item":
			return nil, false // items outside the channel: gofeed's own merging
		default:
			if !s.skip(t) {
				return nil, false
			}
		}
	}
	if f == nil {
		return nil, false
	}
	return f, true
}

// prolog reads the XML declaration, comments and processing instructions before the root.
func (s *rssScan) prolog() bool {
	d := s.doc
	if bytes.HasPrefix(d, []byte("<?xml")) && len(d) > 5 && isSpace(d[5]) {
		end := bytes.Index(d, []byte("?>"))
		if end < 0 {
			return false
		}
		decl := bytes.ToLower(d[:end])
		if !bytes.Contains(decl, []byte(`version="1.0"`)) && !bytes.Contains(decl, []byte(`version='1.0'`)) {
			return false
		}
		if i := bytes.Index(decl, []byte("encoding")); i >= 0 {
			rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
			if !bytes.HasPrefix(rest, []byte(`"utf-8"`)) && !bytes.HasPrefix(rest, []byte(`'utf-8'`)) {
				return false
			}
		}
		s.i = end + 2
	}
	for {
		s.space()
		switch {
		case bytes.HasPrefix(d[s.i:], []byte("<!--")):
			if !s.comment() {
				return false
			}
		case bytes.HasPrefix(d[s.i:], []byte("<?")):
			// A processing instruction (xml-stylesheet); a second declaration is an error.
			s.i += 2
			n := s.name()
			end := bytes.Index(d[s.i:], []byte("?>"))
			if n == 0 || end < 0 || bytes.EqualFold(d[s.i:s.i+n], []byte("xml")) {
				return false
			}
			s.i += end + 2
		case s.i < len(d) && d[s.i] == '<' && s.i+1 < len(d) && isNameStart(d[s.i+1]):
			return true
		default:
			return false
		}
	}
}

func (s *rssScan) comment() bool {
	body := s.doc[s.i+4:]
	end := bytes.Index(body, []byte("--"))
	if end < 0 || end+2 >= len(body) || body[end+2] != '>' {
		return false
	}
	s.i += 4 + end + 3
	return true
}

func (s *rssScan) space() {
	for s.i < len(s.doc) && isSpace(s.doc[s.i]) {
		s.i++
	}
}

// child reads up to the next child start tag of parent, or its end tag (end true). Only
// white space may come between children.
func (s *rssScan) child(parent tag) (t tag, end bool, ok bool) {
	s.space()
	d := s.doc[s.i:]
	if len(d) < 2 || d[0] != '<' {
		return tag{}, false, false
	}
	if d[1] == '/' {
		return tag{}, true, s.endTag(parent)
	}
	t, ok = s.startTag(false)
	return t, false, ok
}

// startTag reads a start tag at s.i (and what link needs of its attributes). Only the
// root may declare namespaces.
func (s *rssScan) startTag(root bool) (tag, bool) {
	d := s.doc
	if s.i >= len(d) || d[s.i] != '<' {
		return tag{}, false
	}
	s.i++
	var t tag
	n := s.name()
	if n == 0 {
		return tag{}, false
	}
	t.raw = d[s.i : s.i+n]
	if c := bytes.IndexByte(t.raw, ':'); c >= 0 {
		t.prefix, t.local = t.raw[:c], t.raw[c+1:]
	} else {
		t.local = t.raw
	}
	s.i += n
	s.href, s.hasHref, s.prefAtt = nil, false, false
	for {
		sp := s.i
		s.space()
		if s.i >= len(d) {
			return tag{}, false
		}
		switch {
		case d[s.i] == '>':
			s.i++
			return t, s.prefixKnown(t)
		case d[s.i] == '/' && s.i+1 < len(d) && d[s.i+1] == '>':
			s.i += 2
			t.empty = true
			return t, s.prefixKnown(t)
		}
		if sp == s.i { // attributes are separated by white space
			return tag{}, false
		}
		an := s.name()
		if an == 0 {
			return tag{}, false
		}
		name := d[s.i : s.i+an]
		s.i += an
		s.space()
		if s.i >= len(d) || d[s.i] != '=' {
			return tag{}, false
		}
		s.i++
		s.space()
		if s.i >= len(d) || d[s.i] != '"' && d[s.i] != '\'' {
			return tag{}, false
		}
		q := d[s.i]
		end := bytes.IndexByte(d[s.i+1:], q)
		if end < 0 {
			return tag{}, false
		}
		val := d[s.i+1 : s.i+1+end]
		s.i += end + 2
		if bytes.IndexByte(val, '<') >= 0 || !refsValid(val) {
			return tag{}, false
		}
		if string(name) == "xmlns" || bytes.HasPrefix(name, []byte("xmlns:")) {
			// A default namespace changes what counts as RSS's own elements; a
			// declaration below the root would need scoping: both are gofeed's.
			uri := string(bytes.TrimSpace(val))
			if !root || len(name) == len("xmlns") || bytes.IndexByte(val, '&') >= 0 || nativeNS[uri] || !isHTTP(uri) {
				return tag{}, false
			}
			if s.ns == nil {
				s.ns = map[string]string{}
			}
			s.ns[string(name[len("xmlns:"):])] = uri
			continue
		}
		switch {
		case bytes.IndexByte(name, ':') >= 0:
			s.prefAtt = true
		case string(name) == "href":
			s.href, s.hasHref = val, true
		}
	}
}

// prefixKnown reports whether a prefixed name's prefix is declared (encoding/xml reads an
// undeclared one as a namespace of its own name, which gofeed treats in its own ways).
func (s *rssScan) prefixKnown(t tag) bool {
	if t.prefix == nil {
		return true
	}
	_, ok := s.ns[string(t.prefix)]
	return ok && len(t.local) > 0
}

// name returns the length of the ASCII XML name at s.i (0 if none): at most one colon.
func (s *rssScan) name() int {
	d := s.doc[s.i:]
	if len(d) == 0 || !isNameStart(d[0]) {
		return 0
	}
	colon := false
	for n := 1; n < len(d); n++ {
		c := d[n]
		switch {
		case isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.':
		case c == ':' && !colon && n+1 < len(d) && isNameStart(d[n+1]):
			colon = true
		case c == ':':
			return 0
		default:
			if c >= utf8.RuneSelf {
				return 0
			}
			return n
		}
	}
	return 0
}

// endTag reads the end tag of t at s.i.
func (s *rssScan) endTag(t tag) bool {
	d := s.doc[s.i:]
	if !bytes.HasPrefix(d, []byte("</")) || !bytes.HasPrefix(d[2:], t.raw) {
		return false
	}
	s.i += 2 + len(t.raw)
	s.space()
	if s.i >= len(s.doc) || s.doc[s.i] != '>' {
		return false
	}
	s.i++
	return true
}

// channel reads <channel>'s children: the feed's title, link and generator, its items.
func (s *rssScan) channel(ct tag) (*gofeed.Feed, bool) {
	f := &gofeed.Feed{FeedType: "rss", Items: []*gofeed.Item{}}
	foreign := false
	for {
		t, end, ok := s.child(ct)
		if !ok {
			return nil, false
		}
		if end {
			break
		}
		if t.prefix != nil {
			// Channel extensions (atom:link, sy:…) matter only as a missing title's
			// or link's fallback: then gofeed decides.
			foreign = true
			if !s.skip(t) {
				return nil, false
			}
			continue
		}
		switch string(s.lower(t.local)) {
		case "title":
			f.Title, ok = s.text(t)
		case "link":
			f.Link, ok = s.link(t)
		case "generator":
			f.Generator, ok = s.text(t)
		case "item":
			if string(t.raw) != "item" {
				return nil, false
			}
			var it *gofeed.Item
			if it, ok = s.item(t); ok {
				f.Items = append(f.Items, it)
			}
		default:
			ok = s.skip(t)
		}
		if !ok {
			return nil, false
		}
	}
	if foreign && (f.Title == "" || f.Link == "") {
		return nil, false
	}
	return f, true
}

// item reads one <item>.
func (s *rssScan) item(it tag) (*gofeed.Item, bool) {
	out := &gofeed.Item{}
	if it.empty {
		return out, true
	}
	for {
		t, end, ok := s.child(it)
		if !ok {
			return nil, false
		}
		if end {
			break
		}
		if t.prefix != nil {
			ns, local := s.ns[string(t.prefix)], s.lower(t.local)
			switch {
			case ns == nsContent && string(local) == "encoded":
				out.Content, ok = s.text(t)
			case ignoredItemNS[ns] || ns == nsDC && string(local) == "creator":
				ok = s.skip(t)
			default:
				return nil, false
			}
			if !ok {
				return nil, false
			}
			continue
		}
		switch string(s.lower(t.local)) {
		case "title":
			out.Title, ok = s.text(t)
		case "description":
			out.Description, ok = s.text(t)
		case "link":
			var l string
			if l, ok = s.link(t); ok {
				out.Link = l
				out.Links = append(out.Links, l)
			}
		case "guid":
			out.GUID, ok = s.text(t)
		case "pubdate":
			out.Published, ok = s.text(t)
			if ok && out.Published != "" {
				// A date tintot's parser cannot read falls to gofeed's.
				d, good := parseDate(out.Published)
				ok = good && d.Year() > 1990
			}
		case "category":
			var c string
			if c, ok = s.text(t); ok {
				out.Categories = append(out.Categories, c)
			}
		default:
			ok = s.skip(t)
		}
		if !ok {
			return nil, false
		}
	}
	return out, true
}

// link reads a <link>: its text, else its href.
func (s *rssScan) link(t tag) (string, bool) {
	if s.prefAtt {
		return "", false // gofeed's href lookup ignores prefixes
	}
	href, hasHref := s.href, s.hasHref
	v, ok := s.text(t)
	if ok && v == "" && hasHref {
		if bytes.IndexByte(href, '&') >= 0 {
			return "", false
		}
		v = string(href)
	}
	return v, ok
}

// text reads the content of a text element (no markup but CDATA sections) up to its end
// tag, trimmed and decoded as gofeed does.
func (s *rssScan) text(t tag) (string, bool) {
	if t.empty {
		return "", true
	}
	d := s.doc
	start := s.i
	hasCDATA := false
	for {
		lt := bytes.IndexByte(d[s.i:], '<')
		if lt < 0 {
			return "", false
		}
		s.i += lt
		if bytes.HasPrefix(d[s.i:], cdataStart) {
			end := bytes.Index(d[s.i+len(cdataStart):], cdataEnd)
			if end < 0 {
				return "", false
			}
			s.i += len(cdataStart) + end + len(cdataEnd)
			hasCDATA = true
			continue
		}
		break
	}
	raw := d[start:s.i]
	if !s.endTag(t) {
		return "", false
	}
	raw = bytes.TrimSpace(raw)
	s.buf = s.buf[:0]
	for len(raw) > 0 {
		var plain, cdata []byte
		if hasCDATA {
			if i := bytes.Index(raw, cdataStart); i >= 0 {
				plain = raw[:i]
				rest := raw[i+len(cdataStart):]
				j := bytes.Index(rest, cdataEnd)
				cdata, raw = rest[:j], rest[j+len(cdataEnd):]
			} else {
				plain, raw = raw, nil
			}
		} else {
			plain, raw = raw, nil
		}
		if bytes.Contains(plain, cdataEnd) {
			return "", false
		}
		var ok bool
		if s.buf, ok = appendDecoded(s.buf, plain); !ok {
			return "", false
		}
		s.buf = append(s.buf, cdata...)
	}
	return string(s.buf), true
}

// skip reads past an element and everything in it, checking that it is well formed.
func (s *rssScan) skip(t tag) bool {
	if t.empty {
		return true
	}
	d := s.doc
	open := []tag{t}
	for len(open) > 0 {
		lt := bytes.IndexByte(d[s.i:], '<')
		if lt < 0 || !refsValid(d[s.i:s.i+lt]) || bytes.Contains(d[s.i:s.i+lt], cdataEnd) {
			return false
		}
		s.i += lt
		rest := d[s.i:]
		switch {
		case bytes.HasPrefix(rest, cdataStart):
			end := bytes.Index(rest[len(cdataStart):], cdataEnd)
			if end < 0 {
				return false
			}
			s.i += len(cdataStart) + end + len(cdataEnd)
		case bytes.HasPrefix(rest, []byte("<!--")):
			if !s.comment() {
				return false
			}
		case bytes.HasPrefix(rest, []byte("</")):
			if !s.endTag(open[len(open)-1]) {
				return false
			}
			open = open[:len(open)-1]
		default:
			c, ok := s.startTag(false)
			if !ok {
				return false
			}
			if !c.empty {
				open = append(open, c)
			}
		}
	}
	return true
}

// refsValid reports whether every '&' in b starts one of XML's five entities or a
// character reference to an XML character.
func refsValid(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return true
		}
		n := refLen(b[i:])
		if n == 0 {
			return false
		}
		b = b[i+n:]
	}
}

// refLen returns the length of the reference at the start of b, 0 if it is not one
// directRSS accepts.
func refLen(b []byte) int {
	for _, e := range [...]string{"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"} {
		if bytes.HasPrefix(b, []byte(e)) {
			return len(e)
		}
	}
	if len(b) < 4 || b[1] != '#' {
		return 0
	}
	hex := b[2] == 'x'
	i := 2
	if hex {
		i = 3
	}
	r := 0
	digits := 0
	for ; i < len(b) && b[i] != ';'; i++ {
		c := b[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case hex && c >= 'a' && c <= 'f':
			v = int(c-'a') + 10
		case hex && c >= 'A' && c <= 'F':
			v = int(c-'A') + 10
		default:
			return 0
		}
		if digits++; digits > 7 {
			return 0
		}
		if hex {
			r = r*16 + v
		} else {
			r = r*10 + v
		}
	}
	if i >= len(b) || digits == 0 || !xmlChar(rune(r)) {
		return 0
	}
	return i + 1
}

// xmlChar reports whether r is a character XML allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// appendDecoded appends b with its references decoded as gofeed's entity decoding does
// (html.UnescapeString of each), false if b holds a reference directRSS does not accept.
func appendDecoded(dst, b []byte) ([]byte, bool) {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return append(dst, b...), true
		}
		dst = append(dst, b[:i]...)
		n := refLen(b[i:])
		if n == 0 {
			return dst, false
		}
		dst = append(dst, html.UnescapeString(string(b[i:i+n]))...)
		b = b[i+n:]
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isHTTP(uri string) bool {
	return len(uri) > 8 && (uri[:7] == "http://" || uri[:8] == "https://")
}

// lower returns an ASCII name lowercased (names with other bytes are refused earlier),
// in the scanner's buffer: valid until the next call.
func (s *rssScan) lower(b []byte) []byte {
	s.low = append(s.low[:0], b...)
	for i, c := range s.low {
		if c >= 'A' && c <= 'Z' {
			s.low[i] = c + 'a' - 'A'
		}
	}
	return s.low
}
