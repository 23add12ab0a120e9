// Package synth writes the synthetic province that tintot's review benchmarks measure:
// the handlers' review-API benchmark and tools/benchreview (the binary as users run it)
// read the same data.
package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

// Province describes a synthetic province.
type Province struct {
	Parent    models.Unit // written as given, with the communes under it
	Communes  int
	CodeWidth int       // digits of the communes' codes: XA0001 for 4
	Days      int       // days of posts before Now's day (Now's day is written too, up to Now)
	Now       time.Time // in Vietnam time
	NextCheck time.Time // when the feeds are checked next; zero leaves the store's default
}

// Write puts p's communes under p.Parent in one registry import, each with a feed read for
// a year (one in a hundred broken), and 0–3 posts a day, mostly good news, up to p.Now.
// The same p always gives the same posts.
func Write(ctx context.Context, st store.Store, p Province) error {
	created := p.Now.AddDate(-1, 0, 0).UTC()
	code := func(i int) string { return fmt.Sprintf("XA%0*d", p.CodeWidth, i) }
	entries := []store.RegistryEntry{{Unit: p.Parent}}
	for i := range p.Communes {
		c := code(i)
		entries = append(entries, store.RegistryEntry{Unit: models.Unit{Code: c, Name: fmt.Sprintf("Đoàn xã Số %d", i), Kind: models.UnitCommune,
			ParentCode: p.Parent.Code, CreatedAt: created, UpdatedAt: created}, FeedURLs: []string{"https://" + strings.ToLower(c) + ".example.vn/rss"}})
	}
	if _, err := st.ApplyRegistry(ctx, entries); err != nil {
		return err
	}
	feeds, err := st.ListFeeds(ctx, store.FeedFilter{})
	if err != nil {
		return err
	}
	feedOf := map[string]string{}
	for i := range feeds {
		feedOf[feeds[i].UnitCode] = feeds[i].ID
		feeds[i].FirstReadAt, feeds[i].CoveredFrom = &created, &created
		if !p.NextCheck.IsZero() {
			feeds[i].NextCheckAt = p.NextCheck
		}
		if i%100 == 0 {
			feeds[i].State = models.FeedBroken
		}
	}
	if err := st.UpdateFeeds(ctx, feeds); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(2026, uint64(p.Communes)))
	kinds := []models.Kind{models.KindGoodNews, models.KindGoodNews, models.KindGoodNews, models.KindStory, models.KindOther}
	batch := make([]models.Post, 0, 5000)
	first := p.Now.In(models.Vietnam).AddDate(0, 0, -p.Days)
	for d := 0; d <= p.Days; d++ {
		day := time.Date(first.Year(), first.Month(), first.Day()+d, 0, 0, 0, 0, models.Vietnam)
		key := day.Format(models.DayLayout)
		for i := range p.Communes {
			c := code(i)
			for j := range r.IntN(4) {
				pub := day.Add(time.Duration(6*3600+r.IntN(16*3600)) * time.Second)
				if pub.After(p.Now) {
					continue
				}
				batch = append(batch, models.Post{UnitCode: c, FeedID: feedOf[c], ItemKey: fmt.Sprintf("%s/%d", key, j), Source: models.SourceFeed,
					Title: "Tin " + key, PublishedAt: pub.UTC(), LocalDay: key, FirstSeenAt: pub.UTC(), RuleKind: kinds[r.IntN(len(kinds))],
					RuleReason: "hashtag", UpdatedAt: pub.UTC()})
				if len(batch) == cap(batch) {
					if _, err := st.UpsertPosts(ctx, batch); err != nil {
						return err
					}
					batch = batch[:0]
				}
			}
		}
	}
	_, err = st.UpsertPosts(ctx, batch)
	return err
}
