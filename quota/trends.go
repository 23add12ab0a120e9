package quota

import (
	"fmt"
	"time"

	"tintot/models"
)

// YearPeriod returns the instant range [start, end) of a calendar year in the engine's
// zone (Asia/Ho_Chi_Minh): a trend counts for the year of its first local day.
func (e Engine) YearPeriod(year int) (time.Time, time.Time) {
	start := time.Date(year, time.January, 1, 0, 0, 0, 0, e.loc())
	return start, start.AddDate(1, 0, 0)
}

// TrendStatuses evaluates the yearly trend targets (trào lưu) that apply to u for a year
// in which trends of its trends counted (enough units joined, Policy.MinUnitsPerTrend).
// Trends are registered, not read from feeds, so nothing about them is unknown: a year
// not begun is upcoming, enough trends is met, an exemption covering the whole year
// excuses, and otherwise the year is at_risk while open and short once over.
func (e Engine) TrendStatuses(u models.Unit, year, trends int, now time.Time) []models.PeriodStatus {
	start, end := e.YearPeriod(year)
	p := period{kind: models.PeriodYear, key: fmt.Sprintf("%04d", year), start: start, end: end}
	var out []models.PeriodStatus
	for _, t := range e.Targets(u, models.PeriodYear) {
		ps := models.PeriodStatus{
			Target: t.Name, Kinds: []models.Kind{}, PeriodKind: models.PeriodYear, Period: p.key, Level: t.Level,
			Obligatory: obligatory(t, start), Required: t.Minimum,
		}
		switch {
		case (t.From != nil && !end.After(*t.From)) || (t.To != nil && !t.To.After(start)):
			ps.Status, ps.Note = models.StatusNA, "Chỉ tiêu không áp dụng trong kỳ này"
		case (u.ActiveFrom != nil && !u.ActiveFrom.Before(end)) || (u.ActiveTo != nil && !u.ActiveTo.After(start)):
			ps.Status, ps.Note = models.StatusNA, "Đơn vị không hoạt động trong kỳ này"
		case now.Before(start):
			ps.Status, ps.Note = models.StatusUpcoming, "Chưa đến kỳ"
		default:
			ps.Actual = trends
			if trends >= t.Minimum {
				ps.Status = models.StatusMet
				break
			}
			ps.Missing = t.Minimum - trends
			if reason, ok := e.excused(u.Code, p); ok {
				ps.Status, ps.Note = models.StatusExcused, "Miễn: "+reason
			} else if now.Before(end) {
				ps.Status, ps.TimeLeft = models.StatusAtRisk, end.Sub(now)
			} else {
				ps.Status = models.StatusShort
			}
		}
		out = append(out, ps)
	}
	return out
}
