package feeds

import (
	"context"
	"sort"
	"sync"
	"time"

	"tintot/models"
	"tintot/store"
)

// memStore is the part of store.Store the poller uses, kept in memory with the contract's
// semantics (idempotent upsert on unit+item key, leases, one open outage per feed). The
// embedded nil interface makes any other method call fail loudly.
type memStore struct {
	store.Store
	mu       sync.Mutex
	feeds    map[string]models.Feed
	posts    map[[2]string]models.Post
	outages  []models.FeedOutage
	upserts  int
	nextPost int
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{feeds: map[string]models.Feed{}, posts: map[[2]string]models.Post{}}
}

func (m *memStore) CreateFeed(_ context.Context, f models.Feed) (models.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.ID == "" {
		f.ID = store.NewID()
	}
	m.feeds[f.ID] = f
	return f, nil
}

func (m *memStore) GetFeed(_ context.Context, id string) (models.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.feeds[id]
	if !ok {
		return f, store.ErrNotFound
	}
	return f, nil
}

func (m *memStore) UpdateFeed(_ context.Context, f models.Feed) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.feeds[f.ID]; !ok {
		return store.ErrNotFound
	}
	m.feeds[f.ID] = f
	return nil
}

func (m *memStore) ClaimDueFeeds(_ context.Context, holder string, now, until time.Time, limit int) ([]models.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Feed
	for _, f := range m.feeds {
		if f.NextCheckAt.After(now) || (f.LeaseHolder != "" && f.LeaseUntil != nil && f.LeaseUntil.After(now)) {
			continue
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NextCheckAt.Before(out[j].NextCheckAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		u := until
		out[i].LeaseHolder, out[i].LeaseUntil = holder, &u
		m.feeds[out[i].ID] = out[i]
	}
	return out, nil
}

func (m *memStore) OpenOutage(_ context.Context, o models.FeedOutage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.outages {
		if x.FeedID == o.FeedID && x.To == nil {
			return nil
		}
	}
	m.outages = append(m.outages, o)
	return nil
}

func (m *memStore) CloseOutage(_ context.Context, feedID string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, x := range m.outages {
		if x.FeedID == feedID && x.To == nil {
			m.outages[i].To = &at
		}
	}
	return nil
}

func (m *memStore) UpsertPosts(_ context.Context, posts []models.Post) (store.UpsertResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.upserts++
	var r store.UpsertResult
	for _, p := range posts {
		k := [2]string{p.UnitCode, p.ItemKey}
		if old, ok := m.posts[k]; ok {
			old.URL, old.Title, old.Summary, old.Categories = p.URL, p.Title, p.Summary, p.Categories
			old.RuleKind, old.RuleReason, old.UpdatedAt = p.RuleKind, p.RuleReason, p.UpdatedAt
			m.posts[k] = old
			r.Updated++
			continue
		}
		m.nextPost++
		p.ID = store.NewID()
		m.posts[k] = p
		r.Inserted = append(r.Inserted, p)
	}
	return r, nil
}

func (m *memStore) ListPosts(_ context.Context, f store.PostFilter) ([]models.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Post
	for _, p := range m.posts {
		if f.UnitCode != "" && p.UnitCode != f.UnitCode {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].PublishedAt.Equal(out[j].PublishedAt) {
			return out[i].PublishedAt.After(out[j].PublishedAt)
		}
		return out[i].ItemKey < out[j].ItemKey
	})
	return out, nil
}

func (m *memStore) ListOutages(_ context.Context, _ []string, _, _ time.Time) ([]models.FeedOutage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]models.FeedOutage(nil), m.outages...), nil
}

func (m *memStore) CreateUnit(context.Context, models.Unit) error { return nil }
func (m *memStore) Close() error { return nil }
