package classify

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"tintot/models"
)

//go:embed default_rules.yaml
var defaultRulesYAML []byte

// KindPatterns lists patterns per kind, e.g. {good_news: ["#TinTốt"], story: [...]}.
type KindPatterns map[models.Kind][]string

// FeedRule gives every post of the feeds whose URL starts with URL a default kind.
type FeedRule struct {
	URL  string      `yaml:"url"`
	Kind models.Kind `yaml:"kind"`
}

// RuleSet is one set of rules: the global one, or the extra rules of one unit.
type RuleSet struct {
	// Hashtags are matched in title, summary and categories ("#TinTốt", "#tintot",
	// "#Tin_tốt" are the same tag).
	Hashtags KindPatterns `yaml:"hashtags,omitempty"`
	// Categories are feed categories, compared whole, ignoring case, diacritics and separators.
	Categories KindPatterns `yaml:"categories,omitempty"`
	// URLs are substrings of the post link (lower case, percent-decoded, diacritics folded).
	URLs KindPatterns `yaml:"urls,omitempty"`
	// TitlePrefixes are words a title starts with, e.g. "Hội nghị", "Thông báo" for
	// administrative posts; they decide before keywords do.
	TitlePrefixes KindPatterns `yaml:"title_prefixes,omitempty"`
	// Keywords are whole words or phrases searched in the title, then in the summary.
	Keywords KindPatterns `yaml:"keywords,omitempty"`
	// Feeds give a default kind to all posts of matching feeds.
	Feeds []FeedRule `yaml:"feeds,omitempty"`
}

// Rules is the whole classification configuration: the global rule set, per-unit extra
// rules, and how the configured rules combine with the embedded defaults.
type Rules struct {
	RuleSet `yaml:",inline"`
	// Units holds extra rules by unit code; they add to (and, for the same pattern,
	// override) the global rules for that unit's posts only.
	Units map[string]RuleSet `yaml:"units,omitempty"`
	// ReplaceDefaults, in the config file, drops the embedded defaults instead of adding to them.
	ReplaceDefaults bool `yaml:"replace_defaults,omitempty"`
	// Disable removes patterns (of any section and kind) from the merged rules, e.g. a
	// default keyword that misfires in one province.
	Disable []string `yaml:"disable,omitempty"`
}

// section names a pattern list in messages.
type section struct {
	name string
	get  func(*RuleSet) *KindPatterns
}

var sections = []section{
	{"hashtags", func(r *RuleSet) *KindPatterns { return &r.Hashtags }},
	{"categories", func(r *RuleSet) *KindPatterns { return &r.Categories }},
	{"urls", func(r *RuleSet) *KindPatterns { return &r.URLs }},
	{"title_prefixes", func(r *RuleSet) *KindPatterns { return &r.TitlePrefixes }},
	{"keywords", func(r *RuleSet) *KindPatterns { return &r.Keywords }},
}

// DefaultRules returns the rules embedded in the binary (a fresh copy each call).
func DefaultRules() Rules {
	r, err := parseRules(defaultRulesYAML)
	if err != nil {
		// The embedded file is covered by tests; an empty rule set classifies all as "other".
		return Rules{}
	}
	return r
}

// parseRules decodes a YAML document of rules, rejecting unknown keys.
func parseRules(b []byte) (Rules, error) {
	var r Rules
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&r); err != nil {
		return Rules{}, fmt.Errorf("classify: default rules: %w", err)
	}
	return r, nil
}

// RulesFromYAML reads the `rules:` section of the config file and merges it onto the
// defaults: listed patterns are added, `replace_defaults: true` starts from nothing
// instead, `disable:` removes patterns, and `units:` adds per-unit rules. A nil or empty
// node gives the defaults. The result is validated.
func RulesFromYAML(node *yaml.Node) (Rules, error) {
	def, err := parseRules(defaultRulesYAML)
	if err != nil {
		return Rules{}, err
	}
	if node == nil || node.Kind == 0 {
		return def, def.Validate()
	}
	if node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return def, def.Validate()
	}
	if node.Kind != yaml.MappingNode {
		return Rules{}, fmt.Errorf("classify: rules (line %d): must be a mapping of hashtags, categories, urls, title_prefixes, keywords, feeds, units, replace_defaults, disable", node.Line)
	}
	if err := checkKeys(node, "rules", true); err != nil {
		return Rules{}, err
	}
	var over Rules
	if err := node.Decode(&over); err != nil {
		return Rules{}, fmt.Errorf("classify: rules: %w", err)
	}
	merged := over
	if !over.ReplaceDefaults {
		merged = def
		merged.RuleSet = mergeSets(def.RuleSet, over.RuleSet)
		merged.Units = over.Units
		merged.Disable = over.Disable
	}
	merged.ReplaceDefaults = false
	if len(merged.Disable) > 0 {
		if err := merged.disable(merged.Disable); err != nil {
			return Rules{}, err
		}
	}
	if err := merged.Validate(); err != nil {
		return Rules{}, err
	}
	return merged, nil
}

var (
	ruleSetKeys = []string{"hashtags", "categories", "urls", "title_prefixes", "keywords", "feeds"}
	topKeys     = append(slices.Clone(ruleSetKeys), "units", "replace_defaults", "disable")
)

// checkKeys reports an unknown key of a rules mapping with its line number.
func checkKeys(m *yaml.Node, where string, top bool) error {
	known := ruleSetKeys
	if top {
		known = topKeys
	}
	var errs []error
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !slices.Contains(known, k.Value) {
			errs = append(errs, fmt.Errorf("classify: %s (line %d): unknown key %q (known: %s)", where, k.Line, k.Value, strings.Join(known, ", ")))
			continue
		}
		if top && k.Value == "units" && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				if u := v.Content[j+1]; u.Kind == yaml.MappingNode {
					if err := checkKeys(u, "rules.units."+v.Content[j].Value, false); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

// mergeSets returns base with the patterns and feed rules of add appended (no duplicates).
func mergeSets(base, add RuleSet) RuleSet {
	out := cloneSet(base)
	for _, s := range sections {
		dst, src := s.get(&out), s.get(&add)
		if *dst == nil && len(*src) > 0 {
			*dst = KindPatterns{}
		}
		for k, pats := range *src {
			for _, p := range pats {
				if !slices.Contains((*dst)[k], p) {
					(*dst)[k] = append((*dst)[k], p)
				}
			}
		}
	}
	out.Feeds = append(out.Feeds, add.Feeds...)
	return out
}

// cloneSet deep-copies a rule set.
func cloneSet(r RuleSet) RuleSet {
	out := RuleSet{Feeds: slices.Clone(r.Feeds)}
	for _, s := range sections {
		src := *s.get(&r)
		if src == nil {
			continue
		}
		dst := make(KindPatterns, len(src))
		for k, v := range src {
			dst[k] = slices.Clone(v)
		}
		*s.get(&out) = dst
	}
	return out
}

// disable removes every pattern that normalises like one of pats; a pattern that matches
// nothing is an error, so a typo does not go unnoticed.
func (r *Rules) disable(pats []string) error {
	var errs []error
	for _, d := range pats {
		key := Normalize(d)
		found := false
		for _, s := range sections {
			kp := *s.get(&r.RuleSet)
			for k, list := range kp {
				kept := list[:0:0]
				for _, p := range list {
					if Normalize(p) == key {
						found = true
						continue
					}
					kept = append(kept, p)
				}
				kp[k] = kept
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("classify: rules.disable: %q matches no rule", d))
		}
	}
	return errors.Join(errs...)
}

// Validate checks every rule and names the bad one: unknown kinds, empty patterns, a
// pattern listed under two kinds, feed rules without URL, empty unit codes.
func (r Rules) Validate() error {
	errs := validateSet(r.RuleSet, "rules")
	codes := make([]string, 0, len(r.Units))
	for code := range r.Units {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if strings.TrimSpace(code) == "" {
			errs = append(errs, errors.New("classify: rules.units: empty unit code"))
			continue
		}
		errs = append(errs, validateSet(r.Units[code], "rules.units."+code)...)
	}
	return errors.Join(errs...)
}

// validateSet checks one rule set; where prefixes each message.
func validateSet(r RuleSet, where string) []error {
	var errs []error
	for _, s := range sections {
		kp := *s.get(&r)
		seen := map[string]models.Kind{}
		for _, k := range sortedKinds(kp) {
			if !k.Valid() {
				errs = append(errs, fmt.Errorf("classify: %s.%s: unknown kind %q (use good_news, story, ideology or other)", where, s.name, k))
				continue
			}
			for i, p := range kp[k] {
				key := patternKey(s.name, p)
				if key == "" {
					errs = append(errs, fmt.Errorf("classify: %s.%s.%s[%d]: pattern %q has no letters or digits", where, s.name, k, i, p))
					continue
				}
				if prev, ok := seen[key]; ok && prev != k {
					errs = append(errs, fmt.Errorf("classify: %s.%s: %q is listed under both %s and %s", where, s.name, p, prev, k))
					continue
				}
				seen[key] = k
			}
		}
	}
	for i, f := range r.Feeds {
		if strings.TrimSpace(f.URL) == "" {
			errs = append(errs, fmt.Errorf("classify: %s.feeds[%d]: url is empty", where, i))
		}
		if !f.Kind.Valid() {
			errs = append(errs, fmt.Errorf("classify: %s.feeds[%d] (%s): unknown kind %q (use good_news, story, ideology or other)", where, i, f.URL, f.Kind))
		}
	}
	return errs
}

// patternKey is the comparable form of a pattern of the given section.
func patternKey(sec, p string) string {
	switch sec {
	case "hashtags", "categories":
		return NormalizeTag(p)
	case "keywords", "title_prefixes":
		return strings.TrimSpace(string(appendWords(nil, Normalize(p))))
	default:
		return urlKey(p)
	}
}

// sortedKinds returns the kinds of kp in a stable order for messages.
func sortedKinds(kp KindPatterns) []models.Kind {
	ks := make([]models.Kind, 0, len(kp))
	for k := range kp {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// fingerprint hashes the merged rules. encoding/json writes map keys in sorted order,
// so equal rules give equal fingerprints.
func (r Rules) fingerprint() string {
	b, err := json.Marshal(r)
	if err != nil { // cannot happen for these plain types; never match a stored one
		return "unhashable: " + err.Error()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
