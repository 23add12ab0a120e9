package campaign

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// TopTrendPosts is how many posts a trend report shows: the newest, at most
// topPostsPerUnit of one unit, so that the list shows the trend's spread.
const (
	TopTrendPosts   = 10
	topPostsPerUnit = 2
)

// How long a trend's count of joined units is reused by TrendTarget: a trend still
// running (or ended yesterday, whose late posts may still come) is counted again after
// TrendTallyOpenTTL, an older one after TrendTallyClosedTTL. TrendYear and TrendReport
// always count afresh and refresh the reused count. Counting reads only the posts
// carrying the trend's hashtags (~50–120 ms for 5,000 of them), so the reuse is short:
// it spares the pages that show the target on every load from counting each time.
const (
	TrendTallyOpenTTL   = 30 * time.Second
	TrendTallyClosedTTL = 5 * time.Minute
)

// trendTally is what TrendTarget needs of a trend.
type trendTally struct {
	at     time.Time
	key    string // what the count depends on (tallyKey): a changed trend is counted again
	posts  int
	counts bool
}

// tallyKey is what a trend's count depends on: its hashtags and days.
func tallyKey(t models.Trend) string {
	return strings.Join(t.Hashtags, "\x00") + "\x00" + t.StartDay + "\x00" + t.EndDay
}

// TrendTarget is TrendYear for the summaries that show the yearly target on every
// review, report and dashboard: each trend comes without its units, days and posts
// (only Posts and Counts), and a trend's count may be reused for up to
// TrendTallyOpenTTL (TrendTallyClosedTTL once it ended).
func (s *Service) TrendTarget(ctx context.Context, parent string, year int) (models.TrendYear, error) {
	return s.trendYear(ctx, parent, year, true)
}

// TrendYear returns the trends parent registered for year (every parent's when parent is
// ""), each with the units that joined it and its posts, and parent's yearly trend
// target (trào lưu): a trend counts for the year of its first day once at least
// Policy.MinUnitsPerTrend units joined.
func (s *Service) TrendYear(ctx context.Context, parent string, year int) (models.TrendYear, error) {
	return s.trendYear(ctx, parent, year, false)
}

func (s *Service) trendYear(ctx context.Context, parent string, year int, reuse bool) (models.TrendYear, error) {
	ty := models.TrendYear{Parent: parent, Year: year, MinUnits: s.Engine.Policy.MinUnitsPerTrend(), Trends: []models.TrendReport{}, Status: []models.PeriodStatus{}}
	trends, err := s.Store.ListTrends(ctx, store.TrendFilter{ParentCode: parent, Year: year})
	if err != nil {
		return ty, fmt.Errorf("campaign: unable to list trends of %q in %d: %w", parent, year, err)
	}
	subtrees := map[string][]models.Unit{}
	for _, t := range trends {
		if reuse {
			if c, ok := s.tally(t); ok {
				ty.Trends = append(ty.Trends, models.TrendReport{Trend: t, JoinedUnits: []models.TrendUnit{}, Posts: c.posts, Counts: c.counts,
					PerDay: []models.TrendDay{}, TopPosts: []models.Post{}})
				if c.counts {
					ty.Counted++
				}
				continue
			}
		}
		units, ok := subtrees[t.ParentCode]
		if !ok {
			if units, err = s.Store.Descendants(ctx, t.ParentCode); err != nil {
				return ty, fmt.Errorf("campaign: units under %s: %w", t.ParentCode, err)
			}
			subtrees[t.ParentCode] = units
		}
		r, err := s.trendReport(ctx, t, units)
		if err != nil {
			return ty, err
		}
		if r.Counts {
			ty.Counted++
		}
		ty.Trends = append(ty.Trends, r)
	}
	if parent != "" {
		u, err := s.unit(ctx, parent)
		if err != nil {
			return ty, err
		}
		ty.Status = append(ty.Status, s.Engine.TrendStatuses(u, year, ty.Counted, s.now())...)
	}
	return ty, nil
}

// TrendReport returns one trend with the units that joined it and its posts.
func (s *Service) TrendReport(ctx context.Context, id string) (models.TrendReport, error) {
	t, err := s.Store.GetTrend(ctx, id)
	if err != nil {
		return models.TrendReport{}, fmt.Errorf("campaign: trend %q: %w", id, err)
	}
	units, err := s.Store.Descendants(ctx, t.ParentCode)
	if err != nil {
		return models.TrendReport{}, fmt.Errorf("campaign: units under %s: %w", t.ParentCode, err)
	}
	return s.trendReport(ctx, t, units)
}

// trendReport finds the posts of units (the organiser's subtree, without the organiser)
// that carry one of the trend's hashtags in the trend's days and still count (not
// excluded by a reviewer, not a rejected manual post).
func (s *Service) trendReport(ctx context.Context, t models.Trend, units []models.Unit) (models.TrendReport, error) {
	r := models.TrendReport{Trend: t, JoinedUnits: []models.TrendUnit{}, PerDay: []models.TrendDay{}, TopPosts: []models.Post{}}
	last := t.EndDay
	if today := models.LocalDay(s.now(), s.loc()); today < last {
		last = today
	}
	if len(units) == 0 || last < t.StartDay {
		r.PerDay = s.trendDays(t.StartDay, last, nil)
		return r, nil
	}
	codes := make([]string, 0, len(units))
	for _, u := range units {
		codes = append(codes, u.Code)
	}
	m := classify.NewTagMatcher(t.Hashtags)
	terms := m.Terms()
	if len(terms) == 0 { // no hashtag with a letter or digit: nothing carries it
		r.PerDay = s.trendDays(t.StartDay, last, nil)
		return r, nil
	}
	// Only the posts recorded with one of the hashtags' terms are read; Carries decides
	// among them.
	posts, err := s.Store.ListPosts(ctx, store.PostFilter{UnitCodes: codes, FromDay: t.StartDay, ToDay: last, Tags: terms})
	if err != nil {
		return r, fmt.Errorf("campaign: posts of trend %q: %w", t.Name, err)
	}
	s.tallyTrend(&r, m, posts, units, last)
	s.keepTally(r)
	return r, nil
}

// tallyTrend fills r from posts (newest first, of units in the trend's days up to last):
// those that still count and carry one of the trend's hashtags.
func (s *Service) tallyTrend(r *models.TrendReport, m *classify.TagMatcher, posts []models.Post, units []models.Unit, last string) {
	names := make(map[string]string, len(units))
	for _, u := range units {
		names[u.Code] = u.Name
	}
	joined := map[string]*models.TrendUnit{}
	perDay := map[string]int{}
	shown := map[string]int{}
	for _, p := range posts { // newest first
		if !p.Counted() || !m.Carries(p) {
			continue
		}
		r.Posts++
		perDay[p.LocalDay]++
		ju := joined[p.UnitCode]
		if ju == nil {
			ju = &models.TrendUnit{Code: p.UnitCode, Name: names[p.UnitCode]}
			joined[p.UnitCode] = ju
		}
		ju.Posts++
		ju.FirstDay = p.LocalDay // posts come newest first: the last one seen is the first
		if len(r.TopPosts) < TopTrendPosts && shown[p.UnitCode] < topPostsPerUnit {
			shown[p.UnitCode]++
			r.TopPosts = append(r.TopPosts, p)
		}
	}
	for _, ju := range joined {
		r.JoinedUnits = append(r.JoinedUnits, *ju)
	}
	sort.Slice(r.JoinedUnits, func(i, j int) bool {
		a, b := r.JoinedUnits[i], r.JoinedUnits[j]
		if a.Posts != b.Posts {
			return a.Posts > b.Posts
		}
		return a.Code < b.Code
	})
	r.Counts = len(r.JoinedUnits) >= s.Engine.Policy.MinUnitsPerTrend()
	r.PerDay = s.trendDays(r.StartDay, last, perDay)
}

// tally returns the trend's last count when it is recent enough to reuse.
func (s *Service) tally(t models.Trend) (trendTally, bool) {
	s.trendMu.Lock()
	c, ok := s.tallies[t.ID]
	s.trendMu.Unlock()
	if !ok || c.key != tallyKey(t) {
		return c, false
	}
	now := s.now()
	ttl := TrendTallyClosedTTL
	if yesterday := models.LocalDay(now.AddDate(0, 0, -1), s.loc()); t.EndDay >= yesterday {
		ttl = TrendTallyOpenTTL
	}
	return c, !now.Before(c.at) && now.Sub(c.at) < ttl
}

// keepTally remembers a trend's count for TrendTarget.
func (s *Service) keepTally(r models.TrendReport) {
	if r.ID == "" {
		return
	}
	s.trendMu.Lock()
	defer s.trendMu.Unlock()
	if s.tallies == nil {
		s.tallies = map[string]trendTally{}
	}
	s.tallies[r.ID] = trendTally{at: s.now(), key: tallyKey(r.Trend), posts: r.Posts, counts: r.Counts}
}

// trendDays lists every local day in [from, to] with its posts.
func (s *Service) trendDays(from, to string, perDay map[string]int) []models.TrendDay {
	out := []models.TrendDay{}
	for d := from; d <= to && len(out) <= 366; d = addDays(d, 1, s.loc()) {
		out = append(out, models.TrendDay{Day: d, Posts: perDay[d]})
	}
	return out
}

// yearStatus is the unit's yearly trend target for the year of date, when it has one.
func (s *Service) yearStatus(ctx context.Context, u models.Unit, date string) ([]models.PeriodStatus, error) {
	if len(s.Engine.Targets(u, models.PeriodYear)) == 0 {
		return nil, nil
	}
	year := models.Trend{StartDay: date}.Year()
	ty, err := s.TrendTarget(ctx, u.Code, year)
	if err != nil {
		return nil, err
	}
	return ty.Status, nil
}
