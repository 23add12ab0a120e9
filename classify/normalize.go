package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tableSize covers Latin, Latin Extended, combining marks, Greek, Cyrillic and Latin
// Extended Additional (U+1E00–U+1EFF, where the precomposed Vietnamese letters live).
const tableSize = 0x2000

// foldEntry is what one rune becomes after folding.
type foldEntry struct {
	s    string // replacement text; empty with drop=false means "keep the rune as is"
	drop bool   // the rune disappears (a combining mark, a zero-width character)
	sp   bool   // the rune is white space
}

// foldTable is built once at start-up; it is read-only afterwards, so safe for concurrent use.
var foldTable = buildFoldTable()

func buildFoldTable() []foldEntry {
	t := make([]foldEntry, tableSize)
	for r := rune(0); r < tableSize; r++ {
		t[r] = foldEntryOf(r)
	}
	return t
}

// foldEntryOf folds one rune the slow way: decompose, drop marks, map đ to d, lower case.
func foldEntryOf(r rune) foldEntry {
	switch {
	case unicode.IsSpace(r):
		return foldEntry{sp: true}
	case isInvisible(r):
		return foldEntry{drop: true}
	case unicode.Is(unicode.Mn, r):
		return foldEntry{drop: true}
	}
	out := foldSlow(string(r))
	// Folding must be a fixed point: fold the output again until nothing changes.
	for i := 0; i < 4; i++ {
		again := foldSlow(out)
		if again == out {
			break
		}
		out = again
	}
	if out == "" {
		return foldEntry{drop: true}
	}
	if out == string(r) {
		return foldEntry{}
	}
	return foldEntry{s: out}
}

// foldSlow folds a short string rune by rune through canonical decomposition.
func foldSlow(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), isInvisible(r):
			continue
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			// Ð/ð (eth) is often typed for Đ/đ in Vietnamese text.
			b.WriteByte('d')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isInvisible reports zero-width characters that social networks leave inside words.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}

// Normalize returns s in the form rules are matched in: Unicode NFC, lower case, Vietnamese
// diacritics folded (ế→e, đ→d), zero-width characters removed and runs of white space
// collapsed to one space, trimmed. Punctuation is kept. Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	return string(appendNormalized(make([]byte, 0, len(s)), s))
}

// appendNormalized appends the normalised form of s to dst.
func appendNormalized(dst []byte, s string) []byte {
	start := len(dst)
	space := true // at start: swallow leading spaces
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				if !space {
					dst = append(dst, ' ')
					space = true
				}
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			space = false
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		e := foldOf(r)
		switch {
		case e.drop:
			continue
		case e.sp:
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			continue
		case e.s != "":
			for j := 0; j < len(e.s); j++ {
				if e.s[j] == ' ' {
					if !space {
						dst = append(dst, ' ')
						space = true
					}
					continue
				}
				dst = append(dst, e.s[j])
				space = false
			}
			continue
		}
		dst = utf8.AppendRune(dst, r)
		space = false
	}
	if space && len(dst) > start {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// foldOf is what a non-ASCII rune becomes after folding: the table's entry, or the slow
// path for runes above it.
func foldOf(r rune) foldEntry {
	if r < tableSize {
		return foldTable[r]
	}
	return foldRare(r)
}

// foldRare folds a rune above the table (emoji, CJK, full-width forms…).
func foldRare(r rune) foldEntry {
	switch {
	case r == utf8.RuneError:
		return foldEntry{}
	case isInvisible(r), unicode.Is(unicode.Mn, r):
		return foldEntry{drop: true}
	case unicode.IsSpace(r):
		return foldEntry{sp: true}
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if norm.NFD.Properties(buf[:n]).Decomposition() == nil {
		if l := unicode.ToLower(r); l != r {
			return foldEntryOf(r)
		}
		return foldEntry{}
	}
	return foldEntryOf(r)
}

// NormalizeTag returns the comparable form of a hashtag or category name: Normalize, then
// only letters and digits kept, so "#Mỗi_ngày_một_tin_tốt", "#MoiNgayMotTinTot" and
// "mỗi ngày một tin tốt" all give "moingaymottintot". Idempotent.
func NormalizeTag(s string) string {
	return string(appendCompact(nil, Normalize(s)))
}

// appendCompact appends the letters and digits of an already normalised string.
func appendCompact(dst []byte, n string) []byte {
	for i := 0; i < len(n); {
		c := n[i]
		if c < utf8.RuneSelf {
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(n[i:])
		if isWordRune(r) {
			dst = append(dst, n[i:i+w]...)
		}
		i += w
	}
	return dst
}

// isWordRune reports whether r is part of a word (letters and digits of any script).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// appendWords appends the word form of an already normalised string: words separated by
// single spaces, with one space before and after, so " tin tot " can be found with a
// plain substring search that respects word boundaries.
func appendWords(dst []byte, n string) []byte {
	dst = append(dst, ' ')
	space := true
	for i := 0; i < len(n); {
		c := n[i]
		if c < utf8.RuneSelf {
			i++
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
				dst = append(dst, c)
				space = false
			} else if !space {
				dst = append(dst, ' ')
				space = true
			}
			continue
		}
		r, w := utf8.DecodeRuneInString(n[i:])
		if isWordRune(r) {
			dst = append(dst, n[i:i+w]...)
			space = false
		} else if !space {
			dst = append(dst, ' ')
			space = true
		}
		i += w
	}
	if !space {
		dst = append(dst, ' ')
	}
	return dst
}
