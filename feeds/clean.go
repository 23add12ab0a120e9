package feeds

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// isJSON reports whether the body looks like a JSON document.
func isJSON(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, utf8BOM), " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

var (
	xmlDeclRe  = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>`)
	encAttrRe  = regexp.MustCompile(`(?i)encoding\s*=\s*["']([^"']*)["']`)
	verAttrRe  = regexp.MustCompile(`version\s*=\s*["']([^"']*)["']`)
	rootTagRe  = regexp.MustCompile(`<(?:rss|feed|rdf:RDF|RDF|channel)[\s>]`)
	ampRe      = regexp.MustCompile(`&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)?`)
	xmlEntites = map[string]bool{"amp;": true, "lt;": true, "gt;": true, "quot;": true, "apos;": true}
)

// cleanXML repairs what strict XML parsers choke on in real feeds: bytes before the
// declaration or root (BOM, blank lines, a browser's banner), a declared encoding that
// does not match the bytes, illegal control characters, bare '&' and HTML-only entities.
// It returns UTF-8 with an encoding-free declaration.
func cleanXML(b []byte) []byte {
	b = bytes.TrimPrefix(b, utf8BOM)
	// UTF-16 with a BOM: decode first.
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		if enc, err := htmlindex.Get("utf-16"); err == nil {
			if d, err := enc.NewDecoder().Bytes(b); err == nil {
				b = bytes.TrimPrefix(d, utf8BOM)
			}
		}
	}
	// Drop anything before the declaration, else before the root element.
	if i := bytes.Index(b, []byte("<?xml")); i > 0 {
		b = b[i:]
	} else if i < 0 {
		if loc := rootTagRe.FindIndex(b); loc != nil {
			// keep comments/PIs immediately before the root: harmless, but junk text is not
			b = b[loc[0]:]
		}
	}
	declared := ""
	valid := utf8.Valid(b)
	if m := xmlDeclRe.Find(b); m != nil {
		if em := encAttrRe.FindSubmatch(m); em != nil {
			declared = strings.ToLower(strings.TrimSpace(string(em[1])))
		}
		// A UTF-8 document already declared as such is kept as it is: copying a large
		// body only to rewrite an equivalent declaration would double its memory.
		if vm := verAttrRe.FindSubmatch(m); !valid || declared != "" && declared != "utf-8" || vm == nil || string(vm[1]) != "1.0" {
			b = append([]byte(`<?xml version="1.0" encoding="utf-8"?>`), b[len(m):]...)
		}
	}
	if !valid {
		b = toUTF8(b, declared)
	}
	b = dropControlChars(b)
	return fixAmpersands(b)
}

// withHTTPCharset decodes a body the server says is in a legacy charset (Content-Type's
// charset parameter) when the document itself says nothing of its encoding and is not
// UTF-8: a Vietnamese site serving windows-1258 without an XML declaration would
// otherwise be read as windows-1252, every accented letter wrong. A document that
// declares its encoding, or is valid UTF-8, is left as it is (servers often name a
// charset the bytes are not in).
func withHTTPCharset(b []byte, charset string) []byte {
	if charset == "" || strings.HasPrefix(charset, "utf") || utf8.Valid(b) {
		return b
	}
	head := b[:min(len(b), 512)]
	if m := xmlDeclRe.Find(head); m != nil && encAttrRe.Match(m) {
		return b
	}
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return b
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return b
	}
	return out
}

// toUTF8 converts legacy single-byte content to UTF-8 using the declared charset, falling
// back to windows-1252 (a superset of ISO-8859-1) when none or a wrong one is declared.
func toUTF8(b []byte, declared string) []byte {
	var enc encoding.Encoding = charmap.Windows1252
	if declared != "" && !strings.HasPrefix(declared, "utf") {
		if e, err := htmlindex.Get(declared); err == nil {
			enc = e
		}
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return out
}

// hasForbidden reports whether b holds anything dropControlChars removes: a C0 control
// other than tab, LF and CR, U+FFFE or U+FFFF (EF BF BE/BF), or invalid UTF-8. Bytes are
// looked at, not runes: most documents have none, and this look is most of their cost.
func hasForbidden(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return !utf8.Valid(b) || bytes.Contains(b, []byte("\xef\xbf\xbe")) || bytes.Contains(b, []byte("\xef\xbf\xbf"))
}

// dropControlChars removes characters XML 1.0 forbids (C0 controls except tab, LF, CR,
// U+FFFE/U+FFFF) and invalid UTF-8 sequences.
func dropControlChars(b []byte) []byte {
	if !hasForbidden(b) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if !((r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF || (r == utf8.RuneError && n == 1)) {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// fixAmpersands escapes bare '&' and turns HTML named entities (&nbsp;, &ocirc;…) into
// numeric references XML understands. Inside CDATA this changes the text to an escaped
// form, which the HTML-unescape after parsing turns back.
func fixAmpersands(b []byte) []byte {
	if !needsAmpFix(b) {
		return b
	}
	return ampRe.ReplaceAllFunc(b, func(m []byte) []byte {
		if len(m) == 1 {
			return []byte("&amp;")
		}
		ent := string(m[1:])
		if ent[0] == '#' || xmlEntites[ent] {
			return m
		}
		u := html.UnescapeString(string(m))
		if u == string(m) { // unknown name: keep the text literally
			return append([]byte("&amp;"), m[1:]...)
		}
		var sb strings.Builder
		for _, r := range u {
			sb.WriteString("&#")
			sb.WriteString(itoa(int(r)))
			sb.WriteByte(';')
		}
		return []byte(sb.String())
	})
}

// needsAmpFix reports whether b has an '&' that fixAmpersands would change: one that
// does not start a numeric reference or one of XML's five named entities. Most feeds
// have none, and are then neither scanned by the regexp nor copied.
func needsAmpFix(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return false
		}
		b = b[i+1:]
		if !xmlRefAt(b) {
			return true
		}
	}
}

// xmlRefAt reports whether b (the bytes after an '&') starts with a reference XML
// knows, as ampRe matches it: "#" 1-7 digits ";", "#x" 1-6 hex digits ";", or a name of
// xmlEntites.
func xmlRefAt(b []byte) bool {
	if len(b) > 0 && b[0] == '#' {
		b = b[1:]
		limit, digit := 7, func(c byte) bool { return c >= '0' && c <= '9' }
		if len(b) > 0 && (b[0] == 'x' || b[0] == 'X') {
			b = b[1:]
			limit, digit = 6, func(c byte) bool {
				return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
			}
		}
		n := 0
		for n < len(b) && n < limit && digit(b[n]) {
			n++
		}
		return n > 0 && n < len(b) && b[n] == ';'
	}
	for _, e := range [...]string{"amp;", "lt;", "gt;", "quot;", "apos;"} {
		if bytes.HasPrefix(b, []byte(e)) {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [12]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// recoverTruncated closes a document cut off mid-way after its last complete item, so the
// items that did arrive can be read. It returns nil when there is no complete item.
func recoverTruncated(b []byte) []byte {
	for _, p := range []struct{ end, tail string }{
		{"</item>", ""},
		{"</entry>", "</feed>"},
	} {
		i := bytes.LastIndex(b, []byte(p.end))
		if i < 0 {
			continue
		}
		out := append([]byte{}, b[:i+len(p.end)]...)
		tail := p.tail
		if tail == "" {
			s := string(b[:i])
			open := strings.Count(s, "<channel") > strings.Count(s, "</channel>")
			switch {
			case strings.Contains(s, "<rdf:RDF") || strings.Contains(s, "<RDF"):
				root := "</rdf:RDF>"
				if !strings.Contains(s, "<rdf:RDF") {
					root = "</RDF>"
				}
				tail = root
				if open {
					tail = "</channel>" + root
				}
			default:
				tail = "</channel></rss>"
			}
		}
		return append(out, tail...)
	}
	return nil
}
