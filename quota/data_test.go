package quota

import (
	"testing"
	"time"
)

func TestDayNumber(t *testing.T) {
	for d := time.Date(1999, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2032; d = d.AddDate(0, 0, 1) {
		got, ok := dayNumber(d.Format("2006-01-02"))
		if !ok || int64(got) != d.Unix()/86400 {
			t.Fatalf("%s: %d, want %d", d.Format("2006-01-02"), got, d.Unix()/86400)
		}
	}
	for _, bad := range []string{"", "2026-13-01", "2026-1-01", "26-11-2026", "2026-11-3x"} {
		if _, ok := dayNumber(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
