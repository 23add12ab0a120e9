package classify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"tintot/models"
	"tintot/store"
)

// reclassifyPage is how many posts are read and written per round trip.
const reclassifyPage = 500

// KindChange counts posts whose rule kind went From → To.
type KindChange struct {
	From  models.Kind `json:"from"`
	To    models.Kind `json:"to"`
	Count int         `json:"count"`
}

// ReclassifyResult reports what Reclassify did.
type ReclassifyResult struct {
	Checked int `json:"checked"` // posts without an override that were examined
	Changed int `json:"changed"` // posts whose rule kind or reason was rewritten
	// ByKind lists the kind transitions (reason-only changes are not listed), largest first.
	ByKind []KindChange `json:"by_kind"`
}

// String is the Vietnamese summary printed by the reclassify command.
func (r ReclassifyResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Đã kiểm tra %d bài, cập nhật %d bài.", r.Checked, r.Changed)
	for _, c := range r.ByKind {
		fmt.Fprintf(&b, "\n  %s → %s: %d bài", c.From.Label(), c.To.Label(), c.Count)
	}
	return b.String()
}

// Reclassify re-applies c to every post without a manual override, of one unit (all if
// unitCode is empty) from local day since on (all if empty), and stores the posts whose
// rule kind or reason changed. Posts with an override are never read nor written. Feed
// default kinds are looked up from the store.
func Reclassify(ctx context.Context, st store.Store, c *Classifier, unitCode string, since string) (ReclassifyResult, error) {
	var res ReclassifyResult
	if c == nil || st == nil {
		return res, fmt.Errorf("classify: reclassify needs a store and a classifier")
	}
	if since != "" {
		if _, err := models.DayStart(since, models.Vietnam); err != nil {
			return res, fmt.Errorf("classify: reclassify since: %w", err)
		}
	}
	feeds := map[string]models.Feed{}
	fl, err := st.ListFeeds(ctx, store.FeedFilter{UnitCode: unitCode})
	if err != nil {
		return res, fmt.Errorf("classify: unable to list feeds: %w", err)
	}
	for _, f := range fl {
		feeds[f.ID] = f
	}
	type change struct{ from, to models.Kind }
	moved := map[change]int{}
	// A walk, not pages by offset: every page of an offset re-reads the pages before it
	// (all posts of a year: some 7,000 pages, each a sort of up to millions of rows).
	err = st.WalkPosts(ctx, store.PostFilter{UnitCode: unitCode, FromDay: since, NoOverride: true}, reclassifyPage, func(posts []models.Post) error {
		var updates []store.RuleKindUpdate
		for _, p := range posts {
			if p.Override != nil { // defensive: never touch a person's decision
				continue
			}
			res.Checked++
			d := c.Decide(p, feeds[p.FeedID])
			kind, reason := d.Kind, d.Reason
			if kind == p.RuleKind && reason == p.RuleReason {
				continue
			}
			updates = append(updates, store.RuleKindUpdate{ID: p.ID, Kind: kind, Reason: reason, Confidence: d.Confidence})
			if kind != p.RuleKind {
				moved[change{p.RuleKind, kind}]++
			}
		}
		if len(updates) > 0 {
			if err := st.SetRuleKinds(ctx, updates); err != nil {
				return fmt.Errorf("classify: unable to store %d new kinds: %w", len(updates), err)
			}
			res.Changed += len(updates)
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("classify: reclassify: %w", err)
	}
	for ch, n := range moved {
		res.ByKind = append(res.ByKind, KindChange{From: ch.from, To: ch.to, Count: n})
	}
	sort.Slice(res.ByKind, func(i, j int) bool {
		a, b := res.ByKind[i], res.ByKind[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.From+a.To < b.From+b.To
	})
	slog.InfoContext(ctx, "posts reclassified", slog.String("unit_code", unitCode), slog.String("since", since),
		slog.Int("checked", res.Checked), slog.Int("changed", res.Changed))
	return res, nil
}

// RulesSetting is the setting that holds the fingerprint of the rules the stored posts
// were last classified with.
const RulesSetting = "classify_rules_fingerprint"

// ReclassifyIfRulesChanged re-applies c to the posts from local day since on when the
// rules differ from those recorded by the previous call (an upgrade brought new default
// rules, or the config file's rules were edited), then records c's fingerprint. Days
// before since keep the kinds they were reviewed with; `tintot reclassify --since`
// reaches them on purpose. It reports whether anything was reclassified.
func ReclassifyIfRulesChanged(ctx context.Context, st store.Store, c *Classifier, since string) (ReclassifyResult, bool, error) {
	if c == nil || st == nil {
		return ReclassifyResult{}, false, fmt.Errorf("classify: reclassify needs a store and a classifier")
	}
	prev, err := st.GetSetting(ctx, RulesSetting)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ReclassifyResult{}, false, fmt.Errorf("classify: unable to read the rules fingerprint: %w", err)
	}
	if prev == c.Fingerprint() {
		return ReclassifyResult{}, false, nil
	}
	res, err := Reclassify(ctx, st, c, "", since)
	if err != nil {
		return res, true, err
	}
	if err := st.SetSetting(ctx, RulesSetting, c.Fingerprint()); err != nil {
		return res, true, fmt.Errorf("classify: unable to record the rules fingerprint: %w", err)
	}
	return res, true, nil
}
