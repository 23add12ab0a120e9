package campaign

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

// ChannelCoverage counts, for parent's subtree ("" : every unit), the active
// commune-level and grassroots units with a working channel at now: a feed read
// successfully in the last seven days, or a manual post submitted in that time and not
// rejected (seed 002 §I: 80 % by 2025, 100 % by 2030). A manual post counts when it was
// published or submitted in the window and its day is in it.
func (s *Service) ChannelCoverage(ctx context.Context, parent string) (models.ChannelCoverage, error) {
	all, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return models.ChannelCoverage{}, err
	}
	return s.coverageOf(ctx, parent, all)
}

// coverageOf computes the coverage of units (the subtree of parent, already read).
func (s *Service) coverageOf(ctx context.Context, parent string, all []models.Unit) (models.ChannelCoverage, error) {
	return s.coverageWith(ctx, parent, all, nil)
}

// coverageWith is coverageOf with the feeds from list (which may hold more units), or
// read for the covered units when list is nil.
func (s *Service) coverageWith(ctx context.Context, parent string, all []models.Unit, list feedLister) (models.ChannelCoverage, error) {
	now := s.now()
	since := now.Add(-models.CoverageWindow)
	c := models.ChannelCoverage{AsOf: now.UTC(), Since: since.UTC(), Baseline: models.CoverageBaseline, Target: models.CoverageTarget,
		ByKind: []models.KindCoverage{}, Without: []models.UnitRef{}}
	// Pointers into all: a province's units are not copied.
	var units []*models.Unit
	var codes []string
	for i := range all {
		if u := &all[i]; slices.Contains(models.CoverageKinds, u.Kind) && u.ActiveAt(now) {
			units = append(units, u)
			codes = append(codes, u.Code)
		}
	}
	if len(units) == 0 {
		return c, nil
	}
	feedCodes := codes
	if parent == "" {
		feedCodes = nil // every unit: no filter is cheaper than a long IN list
	}
	working := make(map[string]bool, len(units))
	if list == nil {
		list = s.sharedFeeds(ctx, feedCodes)
	}
	fs, err := list()
	if err != nil {
		return c, fmt.Errorf("campaign: unable to list feeds for coverage: %w", err)
	}
	for _, f := range fs {
		if f.LastSuccessAt != nil && !f.LastSuccessAt.Before(since) && !f.LastSuccessAt.After(now) {
			working[f.UnitCode] = true
		}
	}
	// Manual posts of the units not yet known to work, by their local days (an index
	// range per unit in both backends), then by the instant: published or submitted
	// within the window.
	var rest []string
	for _, code := range codes {
		if !working[code] {
			rest = append(rest, code)
		}
	}
	if len(rest) > 0 {
		ps, err := s.Store.ListPosts(ctx, store.PostFilter{UnitCodes: rest, Source: models.SourceManual, FromDay: models.LocalDay(since, s.loc())})
		if err != nil {
			return c, fmt.Errorf("campaign: unable to list manual posts for coverage: %w", err)
		}
		for _, p := range ps {
			if !p.Rejected && (!p.PublishedAt.Before(since) || !p.FirstSeenAt.Before(since)) && !p.PublishedAt.After(now.Add(time.Hour)) {
				working[p.UnitCode] = true
			}
		}
	}
	for _, k := range models.CoverageKinds {
		kc := models.KindCoverage{Kind: k}
		for _, u := range units {
			if u.Kind != k {
				continue
			}
			kc.Units++
			if working[u.Code] {
				kc.Working++
			}
		}
		if kc.Units > 0 {
			kc.Share = float64(kc.Working) / float64(kc.Units)
			c.ByKind = append(c.ByKind, kc)
		}
		c.Units += kc.Units
		c.Working += kc.Working
	}
	c.Share = float64(c.Working) / float64(c.Units)
	for _, u := range units {
		if !working[u.Code] {
			c.Without = append(c.Without, models.UnitRef{Code: u.Code, Name: u.Name})
		}
	}
	slices.SortFunc(c.Without, func(a, b models.UnitRef) int { return strings.Compare(a.Code, b.Code) })
	if len(c.Without) > models.CoverageWithoutMax {
		c.Without = c.Without[:models.CoverageWithoutMax]
	}
	return c, nil
}
