package handlers

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// reviewPage is the data of the weekly review page.
type reviewPage struct {
	Review     models.Review
	Rows       []reviewLine
	Total      int // rows before filtering
	Week       string
	Prev       string
	Next       string
	Parent     string
	Kind       string
	Short      bool
	Sort       string
	Parents    []models.Unit     // units that have children, for the parent filter
	Labels     map[string]string // target name -> people's name of the quota
	ParentName string
	XLSX       template.URL // download links for the same week and parent
	CSV        template.URL
	Days       []string
	Weekdays   []string
	Chips      []string // one label per Review.WeekSummary entry, never two alike
	Compare    string   // header of the comparison column
}

// reviewLine is one row of the review table, with the figures the template shows.
type reviewLine struct {
	models.ReviewRow
	Baseline []models.PeriodStatus
	Target   []models.PeriodStatus
	Change   int
	Compared bool // the week has begun, so Change means something
	Short    bool
}

// reviewDay is one day cell of a row: what the template shows for it.
type reviewDay struct {
	Status models.Status
	Count  string // models.ReviewRow.DayText: "" for a day not begun, "?" when unknown
	Retro  bool
}

// DayCells are the row's seven day cells.
func (l reviewLine) DayCells() []reviewDay {
	out := make([]reviewDay, 7)
	for i := range out {
		out[i] = reviewDay{Status: l.DailyStatus[i], Retro: l.DailyRetro[i], Count: l.DayText(i)}
	}
	return out
}

// KindCount is the row's weekly count of one kind.
func (l reviewLine) KindCount(k models.Kind) int { return l.WeekCounts[k] }

// BaseDays is the number of days the baseline daily quota was met.
func (l reviewLine) BaseDays() int { return l.DaysMet[models.LevelBaseline] }

// reviewPageView is GET /review?week=&parent=&short=&kind=&sort=.
func (s *server) reviewPageView(c *fiber.Ctx) error {
	r, err := s.buildReview(c)
	if err != nil {
		return err
	}
	d := reviewPage{Review: r, Week: r.Week, Parent: r.Parent, Kind: c.Query("kind"), Short: c.Query("short") != "", Sort: c.Query("sort"), Days: r.Days}
	if monday, err := models.WeekStart(r.Week, s.loc); err == nil {
		d.Prev = models.ISOWeek(monday.AddDate(0, 0, -7), s.loc)
		d.Next = models.ISOWeek(monday.AddDate(0, 0, 7), s.loc)
		if len(d.Days) == 0 {
			for i := 0; i < 7; i++ {
				d.Days = append(d.Days, models.LocalDay(monday.AddDate(0, 0, i), s.loc))
			}
		}
	}
	q := url.Values{"week": {r.Week}}
	if r.Parent != "" {
		q.Set("parent", r.Parent)
	}
	d.XLSX = template.URL("/review.xlsx?" + q.Encode())
	d.CSV = template.URL("/review.csv?" + q.Encode())
	d.Weekdays = []string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
	if langOf(c).en {
		d.Weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	}
	if d.Parents, err = s.parentChoices(c); err != nil {
		return err
	}
	for _, u := range d.Parents {
		if u.Code == r.Parent {
			d.ParentName = u.Name
		}
	}
	d.Labels = map[string]string{}
	l := langOf(c)
	for _, row := range r.Rows {
		for _, ps := range row.Statuses {
			if _, ok := d.Labels[ps.Target]; !ok {
				d.Labels[ps.Target] = l.Quota(ps)
			}
		}
	}
	d.Chips = summaryLabels(l, r.WeekSummary)
	d.Compare = l.T("So với tuần trước")
	if r.CompareDays > 0 && r.CompareDays < 7 {
		d.Compare = fmt.Sprintf(l.T("So với cùng kỳ tuần trước (%s–%s)"), d.Weekdays[0], d.Weekdays[r.CompareDays-1])
	}
	d.Total = len(r.Rows)
	for _, row := range r.Rows {
		ln := reviewLine{ReviewRow: row, Change: row.DaysMet[models.LevelBaseline] - row.PrevDaysMet, Compared: r.CompareDays > 0}
		for _, ps := range row.Statuses {
			if ps.Level == models.LevelTarget {
				ln.Target = append(ln.Target, ps)
				continue
			}
			ln.Baseline = append(ln.Baseline, ps)
			if ps.Status == models.StatusShort || ps.Status == models.StatusAtRisk {
				ln.Short = true
			}
		}
		if d.Short && !ln.Short {
			continue
		}
		if d.Kind != "" && string(row.Unit.Kind) != d.Kind {
			continue
		}
		d.Rows = append(d.Rows, ln)
	}
	switch d.Sort {
	case "name":
		keys := make(map[string]string, len(d.Rows))
		for _, r := range d.Rows {
			keys[r.Unit.Code] = strings.ToLower(asciiFilename(r.Unit.Name))
		}
		sort.SliceStable(d.Rows, func(i, j int) bool {
			a, b := d.Rows[i].Unit, d.Rows[j].Unit
			if keys[a.Code] != keys[b.Code] {
				return keys[a.Code] < keys[b.Code]
			}
			return a.Name < b.Name
		})
	case "days":
		sort.SliceStable(d.Rows, func(i, j int) bool {
			return d.Rows[i].DaysMet[models.LevelBaseline] > d.Rows[j].DaysMet[models.LevelBaseline]
		})
	case "streak":
		sort.SliceStable(d.Rows, func(i, j int) bool { return d.Rows[i].Streak > d.Rows[j].Streak })
	}
	return s.render(c, fiber.StatusOK, "review", page{Title: "Tổng hợp tuần " + r.Week, Nav: "review", Data: d})
}

// parentChoices lists the units in scope that may be a review's parent (not communes
// or grassroots units).
func (s *server) parentChoices(c *fiber.Ctx) ([]models.Unit, error) {
	sc, err := s.scopeOf(c)
	if err != nil {
		return nil, err
	}
	f := store.UnitFilter{}
	if !sc.All {
		if sc.Empty() {
			return nil, nil
		}
		f.Codes = sc.List()
	}
	units, err := s.Store.ListUnits(c.UserContext(), f)
	if err != nil {
		return nil, errorf("unable to list units: %w", err)
	}
	out := units[:0]
	for _, u := range units {
		if u.Kind != models.UnitCommune && u.Kind != models.UnitGrassroots {
			out = append(out, u)
		}
	}
	return out, nil
}

// reviewPageXLSX is GET /review.xlsx, the page's download link (same exporter as the API).
func (s *server) reviewPageXLSX(c *fiber.Ctx) error { return s.exportReview(c, "xlsx") }

// reviewPageCSV is GET /review.csv.
func (s *server) reviewPageCSV(c *fiber.Ctx) error { return s.exportReview(c, "csv") }

// summaryLabels names each weekly summary by what it measures: the kinds and period
// ("Đấu tranh phản bác / tuần"), the level, and the unit kinds it binds (with their
// parents' kinds when the target names them), so that two summaries never read alike.
func summaryLabels(l lang, sums []models.TargetSummary) []string {
	out := make([]string, len(sums))
	for i, ts := range sums {
		label := l.Quota(models.PeriodStatus{Kinds: ts.Kinds, PeriodKind: models.PeriodWeek}) + " · " + l.Level(ts.Level)
		var who []string
		for _, k := range ts.UnitKinds {
			who = append(who, l.UnitKind(k))
		}
		w := strings.Join(who, ", ")
		if len(ts.ParentKinds) > 0 {
			var parents []string
			for _, k := range ts.ParentKinds {
				parents = append(parents, l.UnitKind(k))
			}
			w += " " + l.T("thuộc") + " " + strings.Join(parents, ", ")
		}
		if w != "" {
			label += " · " + w
		}
		out[i] = label
	}
	// Two targets may still bind the same kinds (a province's own policy file): the
	// target's name then tells them apart.
	count := map[string]int{}
	for _, s := range out {
		count[s]++
	}
	for i, s := range out {
		if count[s] > 1 {
			out[i] = s + " (" + sums[i].Target + ")"
		}
	}
	return out
}
