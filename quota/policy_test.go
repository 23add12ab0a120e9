package quota

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"tintot/models"
)

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	if err := ValidatePolicy(p); err != nil {
		t.Fatalf("default policy invalid: %v", err)
	}
	if !p.StoryCountsAsGoodNews {
		t.Error("a story must count toward daily good news by default")
	}
	e := NewEngine(p)
	tests := []struct {
		kind   models.UnitKind
		parent models.UnitKind
		period models.PeriodKind
		want   string // name:level:minimum, joined
	}{
		{models.UnitCommune, models.UnitDistrict, models.PeriodDay, "commune_daily_good_news:baseline:1 commune_daily_good_news:target:2"},
		{models.UnitCommune, models.UnitDistrict, models.PeriodWeek, "commune_weekly_story:baseline:1 commune_weekly_story:target:2"},
		{models.UnitProvince, "", models.PeriodWeek, "province_weekly_ideology:baseline:2 province_weekly_ideology:target:5"},
		// Seed 004 §II.2 asks ideology articles of grassroots Đoàn under a bloc only.
		{models.UnitGrassroots, models.UnitBloc, models.PeriodWeek, "grassroots_weekly_ideology:baseline:2"},
		{models.UnitGrassroots, models.UnitDistrict, models.PeriodWeek, ""},
		{models.UnitGrassroots, models.UnitProvince, models.PeriodWeek, ""},
		{models.UnitBloc, models.UnitProvince, models.PeriodDay, "bloc_daily_good_news:baseline:1"},
		{models.UnitDistrict, models.UnitProvince, models.PeriodDay, ""},
	}
	for _, tt := range tests {
		var got []string
		for _, tg := range e.Targets(models.Unit{Kind: tt.kind, ParentKind: tt.parent}, tt.period) {
			got = append(got, tg.Name+":"+string(tg.Level)+":"+strconv.Itoa(tg.Minimum))
			if tg.Level == models.LevelTarget {
				if tg.Obligatory == nil || models.LocalDay(*tg.Obligatory, models.Vietnam) != "2030-01-01" || tg.Obligatory.In(models.Vietnam).Hour() != 0 {
					t.Errorf("%s target level obligatory from %v, want 2030-01-01 00:00 local", tg.Name, tg.Obligatory)
				}
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s under %s/%s targets = %q, want %q", tt.kind, tt.parent, tt.period, g, tt.want)
		}
	}
	if got := Label(e.Targets(models.Unit{Kind: models.UnitBloc}, models.PeriodDay)[0]); got != "Tin tốt hoặc Câu chuyện đẹp / ngày" {
		t.Errorf("label = %q", got)
	}
}

func yamlNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Content) == 0 {
		return &n
	}
	return n.Content[0]
}

func TestPolicyFromYAML(t *testing.T) {
	p, err := PolicyFromYAML(nil)
	if err != nil || len(p.Targets) != len(DefaultPolicy().Targets) {
		t.Fatalf("nil node: %v, %d targets", err, len(p.Targets))
	}
	p, err = PolicyFromYAML(&yaml.Node{})
	if err != nil || len(p.Targets) != len(DefaultPolicy().Targets) {
		t.Fatalf("zero node: %v, %d targets", err, len(p.Targets))
	}
	p, err = PolicyFromYAML(yamlNode(t, `
story_counts_as_good_news: false
peaks:
  - name: Tuần cao điểm 26/3
    from: 2026-03-23
    to: 2026-03-30
    minimums: {commune_weekly_story: 3}
exemptions:
  - unit_code: xa-a
    from: 2026-02-14
    to: 2026-02-21
    reason: Nghỉ Tết
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.StoryCountsAsGoodNews {
		t.Error("story_counts_as_good_news: false was ignored")
	}
	if len(p.Targets) != len(DefaultPolicy().Targets) {
		t.Errorf("targets not kept from defaults: %d", len(p.Targets))
	}
	want := time.Date(2026, 3, 23, 0, 0, 0, 0, models.Vietnam)
	if len(p.Peaks) != 1 || !p.Peaks[0].From.Equal(want) {
		t.Errorf("peak from = %v, want local midnight %v", p.Peaks, want)
	}
	if len(p.Exemptions) != 1 || p.Exemptions[0].Reason != "Nghỉ Tết" {
		t.Errorf("exemptions = %+v", p.Exemptions)
	}
	p, err = PolicyFromYAML(yamlNode(t, `
targets:
  - name: commune_daily_good_news
    unit_kinds: [commune]
    kinds: [good_news]
    period: day
    minimum: 3
    level: baseline
`))
	if err != nil || len(p.Targets) != 1 || p.Targets[0].Minimum != 3 {
		t.Errorf("targets list must replace the defaults: %v %+v", err, p.Targets)
	}
	if _, err := PolicyFromYAML(yamlNode(t, `
targets:
  - name: a
    unit_kinds: [xa]
    kinds: [good_news]
    period: day
    minimum: 1
    level: baseline
`)); err == nil || !strings.Contains(err.Error(), `unknown unit kind "xa"`) {
		t.Errorf("invalid policy accepted: %v", err)
	}
	if _, err := PolicyFromYAML(yamlNode(t, "targetz: []\n")); err == nil || !strings.Contains(err.Error(), "targetz") {
		t.Errorf("unknown field: err = %v", err)
	}
}

func TestValidatePolicy(t *testing.T) {
	day := func(s string) time.Time { d, _ := models.DayStart(s, models.Vietnam); return d }
	base := func() models.Policy { return DefaultPolicy() }
	tests := []struct {
		name   string
		modify func(p *models.Policy)
		want   string
	}{
		{"default ok", func(p *models.Policy) {}, ""},
		{"overlapping peaks", func(p *models.Policy) {
			p.Peaks = []models.PeakPeriod{
				{Name: "A", From: day("2026-03-23"), To: day("2026-03-30"), Minimums: map[string]int{"commune_weekly_story": 3}},
				{Name: "B", From: day("2026-03-29"), To: day("2026-04-05"), Minimums: map[string]int{"commune_weekly_story": 3}},
			}
		}, `peaks[1] "B" overlaps peaks[0] "A"`},
		{"adjacent peaks ok", func(p *models.Policy) {
			p.Peaks = []models.PeakPeriod{
				{Name: "A", From: day("2026-03-23"), To: day("2026-03-30"), Minimums: map[string]int{"commune_weekly_story": 3}},
				{Name: "B", From: day("2026-03-30"), To: day("2026-04-06"), Minimums: map[string]int{"commune_weekly_story": 3}},
			}
		}, ""},
		{"negative minimum", func(p *models.Policy) { p.Targets[0].Minimum = -1 }, "minimum -1 is below zero"},
		{"unknown post kind", func(p *models.Policy) { p.Targets[0].Kinds = []models.Kind{"tin_tot"} }, `unknown post kind "tin_tot"`},
		{"unknown unit kind", func(p *models.Policy) { p.Targets[0].UnitKinds = []models.UnitKind{"xa"} }, `unknown unit kind "xa"`},
		{"unknown parent kind", func(p *models.Policy) { p.Targets[0].ParentKinds = []models.UnitKind{"khoi"} }, `unknown parent kind "khoi"`},
		{"unknown period", func(p *models.Policy) { p.Targets[0].Period = "month" }, `unknown period "month"`},
		{"yearly target with post kinds", func(p *models.Policy) { p.Targets[0].Period = models.PeriodYear }, "a yearly target counts trends, not posts"},
		{"yearly target without kinds", func(p *models.Policy) {
			p.Targets[0].Period, p.Targets[0].Kinds = models.PeriodYear, nil
		}, ""},
		{"negative trend_min_units", func(p *models.Policy) { p.TrendMinUnits = -1 }, "trend_min_units -1 is below zero"},
		{"unknown level", func(p *models.Policy) { p.Targets[0].Level = "2030" }, `unknown level "2030"`},
		{"duplicate", func(p *models.Policy) { p.Targets = append(p.Targets, p.Targets[0]) }, "duplicate target"},
		{"peak unknown target", func(p *models.Policy) {
			p.Peaks = []models.PeakPeriod{{Name: "A", From: day("2026-03-23"), To: day("2026-03-30"), Minimums: map[string]int{"weekly_stories": 3}}}
		}, `unknown target "weekly_stories"`},
		{"exemption to before from", func(p *models.Policy) {
			p.Exemptions = []models.Exemption{{UnitCode: "xa-a", From: day("2026-02-21"), To: day("2026-02-14")}}
		}, `exemptions[0] (unit "xa-a"): to 2026-02-14 is not after from 2026-02-21`},
		{"exemption empty", func(p *models.Policy) {
			p.Exemptions = []models.Exemption{{From: day("2026-02-21"), To: day("2026-02-21")}}
		}, "is not after from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.modify(&p)
			err := ValidatePolicy(p)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
