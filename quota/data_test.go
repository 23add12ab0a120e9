package quota

import (
	"testing"
	"time"

	"tintot/models"
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

func TestCountsAnyOrder(t *testing.T) {
	d := NewData(nil, nil, nil)
	for _, day := range []string{"2026-11-25", "2026-11-20", "2026-11-28", "2026-11-20", "bad"} {
		d.AddCount(models.DayCount{UnitCode: "u", Day: day, Kind: models.KindStory, Count: 2})
	}
	d.AddCount(models.DayCount{UnitCode: "u", Day: "2026-11-25", Kind: models.KindGoodNews, Count: 1})
	dn, _ := dayNumber("2026-11-20")
	tests := []struct {
		from  int32
		n     int
		kinds []models.Kind
		want  int
	}{
		{dn, 1, []models.Kind{models.KindStory}, 4},
		{dn, 9, []models.Kind{models.KindStory}, 8},
		{dn, 9, []models.Kind{models.KindGoodNews, models.KindStory}, 9},
		{dn - 30, 20, []models.Kind{models.KindStory}, 0},
		{dn + 5, 1, []models.Kind{models.KindIdeology}, 0},
	}
	for _, tt := range tests {
		if got := count(d.counts["u"], tt.from, tt.n, kindMask(tt.kinds)); got != tt.want {
			t.Errorf("count(%d, %d, %v) = %d, want %d", tt.from, tt.n, tt.kinds, got, tt.want)
		}
	}
	if got := count(d.counts["nobody"], dn, 7, 0xff); got != 0 {
		t.Errorf("unknown unit counted %d", got)
	}
}

// Counts added after Expect, inside the expected days or outside them, sum up as without it.
func TestExpectKeepsCounts(t *testing.T) {
	counts := []models.DayCount{
		{UnitCode: "A", Day: "2026-11-23", Kind: models.KindGoodNews, Count: 2},
		{UnitCode: "A", Day: "2026-11-29", Kind: models.KindStory, Count: 1},
		{UnitCode: "B", Day: "2026-11-25", Kind: models.KindGoodNews, Count: 1},
		{UnitCode: "A", Day: "2026-11-20", Kind: models.KindGoodNews, Count: 4}, // before the span
		{UnitCode: "C", Day: "2026-12-02", Kind: models.KindOther, Count: 3},    // after it
		{UnitCode: "A", Day: "2026-11-23", Kind: models.KindGoodNews, Count: 1},
	}
	plain := NewData(counts, nil, nil)
	d := NewData(nil, nil, nil)
	d.Expect("2026-11-23", "2026-11-29")
	for _, c := range counts {
		d.AddCount(c)
	}
	for _, u := range []string{"A", "B", "C"} {
		for _, r := range [][2]string{{"2026-11-01", "2026-12-31"}, {"2026-11-23", "2026-11-23"}, {"2026-11-20", "2026-11-22"}} {
			want, got := plain.Posts(u, r[0], r[1]), d.Posts(u, r[0], r[1])
			if len(want) != len(got) {
				t.Fatalf("%s %v: %v, want %v", u, r, got, want)
			}
			for k, n := range want {
				if got[k] != n {
					t.Fatalf("%s %v: %v, want %v", u, r, got, want)
				}
			}
		}
	}
	if got := d.Posts("A", "2026-11-01", "2026-12-31"); got[models.KindGoodNews] != 7 || got[models.KindStory] != 1 {
		t.Fatalf("A over the month: %v", got)
	}
}
