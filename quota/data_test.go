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
