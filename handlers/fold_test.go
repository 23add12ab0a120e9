package handlers

import (
	"runtime"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// chainStrip is what stripMarks replaces: a new chain for each string.
func chainStrip(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return folded
}

// The pooled mark stripper gives what a chain of its own gives, names and searches alike.
func TestStripMarks(t *testing.T) {
	for _, s := range []string{"", "Đoàn xã Tân Phú", "PHƯỜNG BẾN NGHÉ", "Xã Mường Khương số 12", "Vie\u0323\u0302t Nam (NFD)",
		"thị trấn Phước Long", "ascii only X00012", "Ŧřǻƞǥ – “ngoặc” …", "한국어", "e\u0301\u0301", strings.Repeat("Đắk Lắk ", 2000)} {
		if got, want := stripMarks(s), chainStrip(s); got != want {
			t.Errorf("stripMarks(%.40q) = %.40q, want %.40q", s, got, want)
		}
	}
}

// Folding the names of a province's units for the review's search and name order costs
// little memory: a chain is not built for each name.
func TestFoldNamesMemory(t *testing.T) {
	names := make([]string, 2000)
	for i := range names {
		names[i] = "Đoàn Thanh niên xã Tân Phú số " + strings.Repeat("ố", i%7)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, n := range names {
		_ = foldSearch(n + " X01234")
		_ = asciiFilename(n)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / uint64(len(names)); per > 5000 { // ~21 KB with a chain each
		t.Errorf("folding a unit's name for search and sorting allocated %d bytes", per)
	}
}
