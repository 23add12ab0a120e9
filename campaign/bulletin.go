package campaign

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"tintot/models"
	"tintot/store"
)

// Bulletin builds the quarterly e-bulletin of parent's subtree ("" : every unit) for
// quarter (seed 003, appendix III.2): the quarter's period report and its weekly split
// (the same figures as the period report), the best units, and the picked stories in
// issue order. Once the issue was sent, Sent holds it as it was sent.
func (s *Service) Bulletin(ctx context.Context, parent string, q models.Quarter) (models.Bulletin, error) {
	b := models.Bulletin{Parent: parent, Quarter: q.String(), Label: q.Label(), From: q.FirstDay(), To: q.LastDay(),
		Best: []models.PeriodRow{}, Stories: []models.BulletinStory{}, Omitted: []models.BulletinStory{}}
	sent, err := s.Store.GetSentBulletin(ctx, parent, b.Quarter)
	switch {
	case err == nil:
		b.Sent = &sent
	case !errors.Is(err, store.ErrNotFound):
		return b, fmt.Errorf("campaign: unable to read bulletin %s: %w", b.Quarter, err)
	}
	units, err := s.reviewUnits(ctx, parent)
	if err != nil {
		return b, err
	}
	names := map[string]string{}
	var codes []string
	for _, u := range units {
		names[u.Code] = u.Name
		codes = append(codes, u.Code)
	}
	if parent != "" {
		b.ParentName = names[parent]
	} else {
		codes = nil
	}
	if b.Report, b.Weeks, err = s.PeriodReportByWeek(ctx, parent, b.From, b.To); err != nil {
		return b, err
	}
	cov, err := s.coverageOf(ctx, parent, units)
	if err != nil {
		return b, err
	}
	b.Report.ChannelCoverage = &cov
	b.Best = bestUnits(b.Report.Rows, models.BestUnitsInBulletin)

	picks, err := s.Store.ListPicks(ctx, store.PickFilter{UnitCodes: codes, FromDay: b.From, ToDay: b.To})
	if err != nil {
		return b, fmt.Errorf("campaign: unable to list picks: %w", err)
	}
	for _, p := range picks {
		post, err := s.Store.GetPost(ctx, p.PostID)
		if errors.Is(err, store.ErrNotFound) {
			continue // the post is gone (its feed removed with it): nothing to show
		}
		if err != nil {
			return b, fmt.Errorf("campaign: unable to read picked post %s: %w", p.PostID, err)
		}
		st := models.BulletinStory{Pick: p, UnitName: names[p.UnitCode], Title: post.Title, Summary: post.Summary,
			Kind: post.Kind(), URL: models.WebLink(post.URL)}
		if p.Omitted {
			b.Omitted = append(b.Omitted, st)
		} else {
			b.Stories = append(b.Stories, st)
		}
	}
	return b, nil
}

// bestUnits ranks the units that could be judged on some day by their share of days
// met, then weeks met, then good news and stories posted, and keeps the first n that
// met at least one day.
func bestUnits(rows []models.PeriodRow, n int) []models.PeriodRow {
	var cands []models.PeriodRow
	for _, r := range rows {
		if r.Days.Met > 0 {
			cands = append(cands, r)
		}
	}
	posts := func(r models.PeriodRow) int { return r.Posts[models.KindGoodNews] + r.Posts[models.KindStory] }
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.Days.ShareMet != b.Days.ShareMet {
			return a.Days.ShareMet > b.Days.ShareMet
		}
		if a.Weeks.ShareMet != b.Weeks.ShareMet {
			return a.Weeks.ShareMet > b.Weeks.ShareMet
		}
		if posts(a) != posts(b) {
			return posts(a) > posts(b)
		}
		return a.Unit.Code < b.Unit.Code
	})
	if len(cands) > n {
		cands = cands[:n]
	}
	if cands == nil {
		cands = []models.PeriodRow{}
	}
	return cands
}
