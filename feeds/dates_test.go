package feeds

import (
	"testing"
	"time"
)

// parseDate reads a date whatever white space surrounds or splits it, as written in
// feeds (a pubDate over several lines, tabs, a no-break space).
func TestParseDateWhiteSpace(t *testing.T) {
	want := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	for _, s := range []string{"Fri, 20 Nov 2026 09:30:00 +0000", "  Fri, 20 Nov 2026 09:30:00 +0000\n", "Fri,\n\t20 Nov  2026 09:30:00\u00a0+0000"} {
		got, ok := parseDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
