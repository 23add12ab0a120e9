package quota

import (
	"testing"
	"time"

	"tintot/models"
)

func TestTrendStatuses(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	province := models.Unit{Code: "TD", Kind: models.UnitProvince}
	commune := models.Unit{Code: "X", Kind: models.UnitCommune, ParentCode: "TD"}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, models.Vietnam) }
	tests := []struct {
		name       string
		year, n    int
		now        time.Time
		base, goal models.Status
		goalOblig  bool
	}{
		{"year open, one trend", 2026, 1, at(2026, 11, 27), models.StatusAtRisk, models.StatusAtRisk, false},
		{"year open, two trends", 2026, 2, at(2026, 6, 1), models.StatusMet, models.StatusAtRisk, false},
		{"year over, one trend", 2025, 1, at(2026, 1, 1), models.StatusShort, models.StatusShort, false},
		// 31/12 23:30 in Vietnam is still the year (16:30 UTC): not short yet.
		{"last evening of the year", 2026, 0, time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), models.StatusAtRisk, models.StatusAtRisk, false},
		{"first minutes of next year in Vietnam", 2026, 0, time.Date(2026, 12, 31, 17, 1, 0, 0, time.UTC), models.StatusShort, models.StatusShort, false},
		{"year not begun", 2027, 0, at(2026, 11, 27), models.StatusUpcoming, models.StatusUpcoming, false},
		{"2030: five are the obligation", 2030, 5, at(2030, 3, 1), models.StatusMet, models.StatusMet, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sts := e.TrendStatuses(province, tt.year, tt.n, tt.now)
			if len(sts) != 2 {
				t.Fatalf("got %d statuses, want baseline and target: %+v", len(sts), sts)
			}
			b, g := sts[0], sts[1]
			if b.Level != models.LevelBaseline || b.Required != 2 || b.Status != tt.base || !b.Obligatory {
				t.Errorf("baseline = %+v, want %s of 2, obligatory", b, tt.base)
			}
			if g.Level != models.LevelTarget || g.Required != 5 || g.Status != tt.goal || g.Obligatory != tt.goalOblig {
				t.Errorf("target = %+v, want %s of 5, obligatory %v", g, tt.goal, tt.goalOblig)
			}
			if b.PeriodKind != models.PeriodYear || b.Period != time.Date(tt.year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") {
				t.Errorf("period = %s %s", b.PeriodKind, b.Period)
			}
		})
	}
	if sts := e.TrendStatuses(commune, 2026, 0, at(2026, 11, 27)); len(sts) != 0 {
		t.Errorf("a commune has no trend target, got %+v", sts)
	}
	ex := DefaultPolicy()
	ex.Exemptions = []models.Exemption{{UnitCode: "TD", From: time.Date(2025, 1, 1, 0, 0, 0, 0, models.Vietnam), To: time.Date(2026, 1, 1, 0, 0, 0, 0, models.Vietnam), Reason: "sáp nhập tỉnh"}}
	if sts := NewEngine(ex).TrendStatuses(province, 2025, 0, at(2026, 2, 1)); sts[0].Status != models.StatusExcused {
		t.Errorf("exempt year = %+v, want excused", sts[0])
	}
}

func TestYearlyTargetsStayOutOfDaysAndWeeks(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	province := models.Unit{Code: "TD", Kind: models.UnitProvince}
	for _, pk := range []models.PeriodKind{models.PeriodDay, models.PeriodWeek} {
		for _, tg := range e.Targets(province, pk) {
			if tg.Period == models.PeriodYear {
				t.Errorf("%s targets include the yearly %s", pk, tg.Name)
			}
		}
	}
	if got := DefaultPolicy().MinUnitsPerTrend(); got != 3 {
		t.Errorf("default units per trend = %d, want 3", got)
	}
}
