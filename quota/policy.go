// Package quota is the pure evaluation of the campaign's quotas: targets × counts × feed
// health × exemptions → statuses, rollups and at-risk lists. It does no I/O and reads no
// clock: "now" is always a parameter.
//
// # The observation rule
//
// Every screen, export, close and alert takes its statuses from this package, so they
// all follow one rule of what tintot could see of a unit in a period (a day or an ISO
// week, Asia/Ho_Chi_Minh), applied in this order:
//
//   - A period not begun is upcoming: no count is shown for it.
//   - Enough posts seen: met, whatever else holds (a manual post proves itself).
//   - An exemption covering the period: excused.
//   - A unit with feeds none of which was ever read successfully is unknown: tintot has
//     seen nothing of it, so it claims no shortfall and sends no alert.
//   - A period that began before the oldest item the first read of any of the unit's
//     feeds showed (Feed.CoveredFrom) is unknown: a feed lists only its latest items,
//     so an empty day before them proves nothing. A unit without feeds submits by hand
//     and is seen from its registration (Unit.CreatedAt) on.
//   - Every feed of the unit failing at the end of the period (or now, while it is
//     open): unknown.
//   - Otherwise at_risk while the period is open, short once it is over.
//
// A period that began before the unit's first successful read (Feed.FirstReadAt) but
// after what that read reached back to is judged from what the read showed, and marked
// Retroactive: it is shown (with a mark), counted in reviews and reports, and never the
// cause of an alert, a reminder or an escalation. A status that changes for a closed
// period (a late post, a first read, a reviewer's decision) is saved as a correction.
package quota

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"tintot/models"
)

//go:embed default_policy.yaml
var defaultPolicyYAML []byte

// DefaultPolicy returns the embedded policy of DESIGN.md §1.
func DefaultPolicy() models.Policy {
	p, err := parsePolicy(defaultPolicyYAML, models.Policy{})
	if err != nil {
		// The embedded file is covered by tests; reaching this is a build defect.
		panic("quota: embedded default policy is invalid: " + err.Error())
	}
	return p
}

// PolicyFromYAML reads the `policy:` section of the TINTOT_CONFIG file. A zero node gives
// the default policy; fields left out keep their defaults (a `targets:` list replaces the
// default targets as a whole). The result is validated.
func PolicyFromYAML(node *yaml.Node) (models.Policy, error) {
	if node == nil || node.Kind == 0 {
		return DefaultPolicy(), nil
	}
	b, err := yaml.Marshal(node)
	if err != nil {
		return models.Policy{}, fmt.Errorf("quota: unable to read policy: %w", err)
	}
	p, err := parsePolicy(b, DefaultPolicy())
	if err != nil {
		return models.Policy{}, err
	}
	return p, nil
}

func parsePolicy(b []byte, base models.Policy) (models.Policy, error) {
	p := base
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && err.Error() != "EOF" {
		return models.Policy{}, fmt.Errorf("quota: policy: %w", err)
	}
	normalizeDates(&p)
	if err := ValidatePolicy(p); err != nil {
		return models.Policy{}, err
	}
	return p, nil
}

// normalizeDates reads bare dates ("2030-01-01", decoded by YAML as UTC midnight) as local
// Vietnamese midnight, which is what a province means by a date.
func normalizeDates(p *models.Policy) {
	fix := func(t time.Time) time.Time {
		if t.IsZero() || t.Location() != time.UTC {
			return t
		}
		if h, m, s := t.Clock(); h != 0 || m != 0 || s != 0 || t.Nanosecond() != 0 {
			return t
		}
		y, mo, d := t.Date()
		return time.Date(y, mo, d, 0, 0, 0, 0, models.Vietnam)
	}
	fixPtr := func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		v := fix(*t)
		return &v
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		t.From, t.To, t.Obligatory = fixPtr(t.From), fixPtr(t.To), fixPtr(t.Obligatory)
	}
	for i := range p.Peaks {
		p.Peaks[i].From, p.Peaks[i].To = fix(p.Peaks[i].From), fix(p.Peaks[i].To)
	}
	for i := range p.Exemptions {
		p.Exemptions[i].From, p.Exemptions[i].To = fix(p.Exemptions[i].From), fix(p.Exemptions[i].To)
	}
}

// ValidatePolicy checks a policy and names every problem found: unknown kinds, unit kinds,
// periods or levels, negative minimums, duplicate targets, peaks that overlap or name an
// unknown target, and empty date ranges.
func ValidatePolicy(p models.Policy) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("quota: policy: "+format, args...))
	}
	names := map[string]bool{}
	seen := map[string]bool{}
	if len(p.Targets) == 0 {
		bad("no targets")
	}
	for i, t := range p.Targets {
		where := fmt.Sprintf("targets[%d] %q", i, t.Name)
		if strings.TrimSpace(t.Name) == "" {
			bad("targets[%d]: name is empty", i)
		}
		if len(t.UnitKinds) == 0 {
			bad("%s: unit_kinds is empty", where)
		}
		for _, k := range t.UnitKinds {
			if !k.Valid() {
				bad("%s: unknown unit kind %q (want one of province, district, bloc, commune, grassroots)", where, k)
			}
		}
		for _, k := range t.ParentKinds {
			if !k.Valid() {
				bad("%s: unknown parent kind %q (want one of province, district, bloc, commune, grassroots)", where, k)
			}
		}
		if len(t.Kinds) == 0 && t.Period != models.PeriodYear {
			bad("%s: kinds is empty", where)
		}
		for _, k := range t.Kinds {
			if !k.Valid() {
				bad("%s: unknown post kind %q (want one of good_news, story, ideology, other)", where, k)
			}
		}
		switch t.Period {
		case models.PeriodDay, models.PeriodWeek:
		case models.PeriodYear:
			// A yearly target counts the online trends (trào lưu) a unit ran, not posts.
			if len(t.Kinds) > 0 {
				bad("%s: a yearly target counts trends, not posts: leave kinds out", where)
			}
		default:
			bad("%s: unknown period %q (want day, week or year)", where, t.Period)
		}
		if t.Minimum < 0 {
			bad("%s: minimum %d is below zero", where, t.Minimum)
		}
		switch t.Level {
		case models.LevelBaseline, models.LevelTarget:
		default:
			bad("%s: unknown level %q (want baseline or target)", where, t.Level)
		}
		if t.From != nil && t.To != nil && !t.To.After(*t.From) {
			bad("%s: to %s is not after from %s", where, day(*t.To), day(*t.From))
		}
		key := t.Name + "|" + string(t.Level)
		if seen[key] {
			bad("%s: duplicate target name and level", where)
		}
		seen[key] = true
		names[t.Name] = true
	}
	if p.TrendMinUnits < 0 {
		bad("trend_min_units %d is below zero", p.TrendMinUnits)
	}
	for i, pk := range p.Peaks {
		where := fmt.Sprintf("peaks[%d] %q", i, pk.Name)
		if !pk.To.After(pk.From) {
			bad("%s: to %s is not after from %s", where, day(pk.To), day(pk.From))
		}
		if len(pk.Minimums) == 0 {
			bad("%s: minimums is empty", where)
		}
		for name, m := range pk.Minimums {
			if !names[name] {
				bad("%s: unknown target %q", where, name)
			}
			if m < 0 {
				bad("%s: minimum %d for %q is below zero", where, m, name)
			}
		}
		for j := 0; j < i; j++ {
			q := p.Peaks[j]
			if pk.From.Before(q.To) && q.From.Before(pk.To) {
				bad("%s overlaps peaks[%d] %q", where, j, q.Name)
			}
		}
	}
	for i, ex := range p.Exemptions {
		if !ex.To.After(ex.From) {
			bad("exemptions[%d] (unit %q): to %s is not after from %s", i, ex.UnitCode, day(ex.To), day(ex.From))
		}
	}
	return errors.Join(errs...)
}

func day(t time.Time) string { return t.In(models.Vietnam).Format(models.DayLayout) }

// Label returns the Vietnamese name of a target as users read it, e.g. "Tin tốt / ngày".
func Label(t models.Target) string {
	if t.Period == models.PeriodYear {
		return "Trào lưu / năm"
	}
	parts := make([]string, len(t.Kinds))
	for i, k := range t.Kinds {
		parts[i] = k.Label()
	}
	per := "ngày"
	if t.Period == models.PeriodWeek {
		per = "tuần"
	}
	return strings.Join(parts, " hoặc ") + " / " + per
}
