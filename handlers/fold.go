package handlers

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// markStrippers remove combining marks (NFD, drop Mn, NFC). A chain holds its own
// buffers (several KB), so chains are pooled rather than built for every string: folding
// the names of a province's 8,000 units for the review's search and name order built
// 16,000 of them (~146 MB of garbage each time a review was computed).
var markStrippers = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// stripMarks returns s without its combining marks (diacritics), s itself when it is
// ASCII or cannot be transformed.
func stripMarks(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	t := markStrippers.Get().(transform.Transformer)
	defer markStrippers.Put(t)
	folded, _, err := transform.String(t, s) // resets t first
	if err != nil {
		return s
	}
	return folded
}

// The letter đ, which has no combining mark to drop.
var (
	dToD = strings.NewReplacer("đ", "d", "Đ", "D")
	dTod = strings.NewReplacer("đ", "d", "Đ", "d")
)
