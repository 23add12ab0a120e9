package campaign

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"tintot/models"
	"tintot/store"
)

// memStore is an in-memory store.Store used until the SQLite backend lands.
type memStore struct {
	mu       sync.Mutex
	pingErr  error
	units    map[string]models.Unit
	feeds    map[string]models.Feed
	posts    map[string]models.Post
	alerts   []models.Alert
	users    map[string]models.User
	sessions map[string]models.Session
	tokens   map[string]models.APIToken
	audit    []models.AuditEntry
	settings map[string]string
	outages  []models.FeedOutage
	evals    map[string]models.Evaluation
	corr     []models.Correction
}

var _ store.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{
		units: map[string]models.Unit{}, feeds: map[string]models.Feed{}, posts: map[string]models.Post{},
		users: map[string]models.User{}, sessions: map[string]models.Session{}, tokens: map[string]models.APIToken{},
		settings: map[string]string{},
	}
}

func (m *memStore) Ping(context.Context) error { return m.pingErr }
func (m *memStore) Close() error               { return nil }

func (m *memStore) CreateUnit(_ context.Context, u models.Unit) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.units[u.Code]; ok {
		return store.ErrConflict
	}
	if u.ParentCode != "" {
		if _, ok := m.units[u.ParentCode]; !ok {
			return store.ErrInvalid
		}
	}
	m.units[u.Code] = u
	return nil
}
func (m *memStore) UpdateUnit(_ context.Context, u models.Unit) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.units[u.Code]; !ok {
		return store.ErrNotFound
	}
	for p := u.ParentCode; p != ""; p = m.units[p].ParentCode {
		if _, ok := m.units[p]; !ok || p == u.Code {
			return store.ErrInvalid
		}
	}
	m.units[u.Code] = u
	return nil
}
func (m *memStore) GetUnit(_ context.Context, code string) (models.Unit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.units[code]
	if !ok {
		return u, store.ErrNotFound
	}
	return u, nil
}
func (m *memStore) ListUnits(_ context.Context, f store.UnitFilter) ([]models.Unit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Unit
	for _, u := range m.units {
		if (f.Kind == "" || u.Kind == f.Kind) && (f.ParentCode == "" || u.ParentCode == f.ParentCode) &&
			(len(f.Codes) == 0 || contains(f.Codes, u.Code)) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
func (m *memStore) DeleteUnit(_ context.Context, code string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.units[code]; !ok {
		return store.ErrNotFound
	}
	for _, u := range m.units {
		if u.ParentCode == code {
			return store.ErrConflict
		}
	}
	delete(m.units, code)
	for id, f := range m.feeds {
		if f.UnitCode == code {
			delete(m.feeds, id)
		}
	}
	return nil
}
func (m *memStore) Descendants(_ context.Context, code string) ([]models.Unit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.units[code]; !ok {
		return nil, store.ErrNotFound
	}
	var out []models.Unit
	frontier := []string{code}
	for len(frontier) > 0 {
		p := frontier[0]
		frontier = frontier[1:]
		for _, u := range m.units {
			if u.ParentCode == p {
				out = append(out, u)
				frontier = append(frontier, u.Code)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}
func (m *memStore) ApplyRegistry(context.Context, []store.RegistryEntry) (store.RegistryChanges, error) {
	return store.RegistryChanges{}, nil
}

func (m *memStore) CreateFeed(_ context.Context, f models.Feed) (models.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.units[f.UnitCode]; !ok {
		return f, store.ErrInvalid
	}
	for _, o := range m.feeds {
		if o.UnitCode == f.UnitCode && o.URL == f.URL {
			return f, store.ErrConflict
		}
	}
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
func (m *memStore) ListFeeds(_ context.Context, f store.FeedFilter) ([]models.Feed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Feed
	for _, fd := range m.feeds {
		if (f.UnitCode == "" || fd.UnitCode == f.UnitCode) && (len(f.UnitCodes) == 0 || contains(f.UnitCodes, fd.UnitCode)) &&
			(len(f.States) == 0 || contains(f.States, fd.State)) && (f.URL == "" || fd.URL == f.URL) {
			out = append(out, fd)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitCode+out[i].URL < out[j].UnitCode+out[j].URL })
	return out, nil
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
func (m *memStore) DeleteFeed(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.feeds[id]; !ok {
		return store.ErrNotFound
	}
	delete(m.feeds, id)
	return nil
}
func (m *memStore) ClaimDueFeeds(context.Context, string, time.Time, time.Time, int) ([]models.Feed, error) {
	return nil, nil
}
func (m *memStore) OpenOutage(_ context.Context, o models.FeedOutage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outages = append(m.outages, o)
	return nil
}
func (m *memStore) CloseOutage(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.outages {
		if m.outages[i].FeedID == id && m.outages[i].To == nil {
			m.outages[i].To = &at
		}
	}
	return nil
}
func (m *memStore) ListOutages(_ context.Context, codes []string, from, to time.Time) ([]models.FeedOutage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.FeedOutage
	for _, o := range m.outages {
		if (len(codes) == 0 || contains(codes, o.UnitCode)) && o.Overlaps(from, to) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (m *memStore) UpsertPosts(_ context.Context, posts []models.Post) (store.UpsertResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var res store.UpsertResult
	for _, p := range posts {
		found := false
		for id, o := range m.posts {
			if o.UnitCode == p.UnitCode && o.ItemKey == p.ItemKey {
				o.Title, o.RuleKind, o.RuleReason = p.Title, p.RuleKind, p.RuleReason
				m.posts[id] = o
				res.Updated++
				found = true
			}
		}
		if !found {
			if p.ID == "" {
				p.ID = store.NewID()
			}
			m.posts[p.ID] = p
			res.Inserted = append(res.Inserted, p)
		}
	}
	return res, nil
}
func (m *memStore) CreateManualPost(_ context.Context, p models.Post) (models.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.posts {
		if o.UnitCode == p.UnitCode && o.ItemKey == p.ItemKey {
			return p, store.ErrConflict
		}
	}
	p.ID = store.NewID()
	m.posts[p.ID] = p
	return p, nil
}
func (m *memStore) GetPost(_ context.Context, id string) (models.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.posts[id]
	if !ok {
		return p, store.ErrNotFound
	}
	return p, nil
}
func (m *memStore) ListPosts(_ context.Context, f store.PostFilter) ([]models.Post, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Post
	for _, p := range m.posts {
		if (f.UnitCode == "" || p.UnitCode == f.UnitCode) && (f.FromDay == "" || p.LocalDay >= f.FromDay) &&
			(f.ToDay == "" || p.LocalDay <= f.ToDay) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PublishedAt.After(out[j].PublishedAt) })
	return out, nil
}
func (m *memStore) SetOverride(_ context.Context, id string, o *models.Override) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.posts[id]
	if !ok {
		return store.ErrNotFound
	}
	p.Override = o
	m.posts[id] = p
	return nil
}
func (m *memStore) SetRejected(_ context.Context, id string, rejected bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.posts[id]
	if !ok {
		return store.ErrNotFound
	}
	p.Rejected = rejected
	m.posts[id] = p
	return nil
}
func (m *memStore) SetRuleKinds(context.Context, []store.RuleKindUpdate) error { return nil }
func (m *memStore) CountPosts(_ context.Context, q store.CountQuery) ([]models.DayCount, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	counts := map[[3]string]*models.DayCount{}
	for _, p := range m.posts {
		if !p.Counted() || p.LocalDay < q.FromDay || p.LocalDay > q.ToDay ||
			(len(q.UnitCodes) > 0 && !contains(q.UnitCodes, p.UnitCode)) {
			continue
		}
		k := [3]string{p.UnitCode, p.LocalDay, string(p.Kind())}
		if counts[k] == nil {
			counts[k] = &models.DayCount{UnitCode: p.UnitCode, Day: p.LocalDay, Kind: p.Kind()}
		}
		counts[k].Count++
	}
	var out []models.DayCount
	for _, c := range counts {
		out = append(out, *c)
	}
	return out, nil
}

func (m *memStore) SaveEvaluations(_ context.Context, evals []models.Evaluation, now time.Time, why string) ([]models.Correction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.evals == nil {
		m.evals = map[string]models.Evaluation{}
	}
	var out []models.Correction
	for _, e := range evals {
		if old, ok := m.evals[e.Key()]; ok && (old.Status != e.Status || old.Actual != e.Actual) {
			c := models.Correction{UnitCode: e.UnitCode, Target: e.Target, Period: e.Period, Level: e.Level,
				OldStatus: old.Status, NewStatus: e.Status, OldActual: old.Actual, NewActual: e.Actual, At: now, Why: why}
			m.corr = append(m.corr, c)
			out = append(out, c)
		}
		m.evals[e.Key()] = e
	}
	return out, nil
}
func (m *memStore) ListEvaluations(_ context.Context, codes []string, periods []string) ([]models.Evaluation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Evaluation
	for _, e := range m.evals {
		if (len(codes) == 0 || contains(codes, e.UnitCode)) && (len(periods) == 0 || contains(periods, e.Period)) {
			out = append(out, e)
		}
	}
	return out, nil
}
func (m *memStore) ListCorrections(_ context.Context, codes []string, from, to time.Time) ([]models.Correction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Correction
	for _, c := range m.corr {
		if (len(codes) == 0 || contains(codes, c.UnitCode)) && !c.At.Before(from) && c.At.Before(to) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memStore) EnqueueAlert(_ context.Context, a models.Alert) (models.Alert, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a.ID = store.NewID()
	m.alerts = append(m.alerts, a)
	return a, true, nil
}
func (m *memStore) DueAlerts(context.Context, time.Time, int) ([]models.Alert, error) {
	return nil, nil
}
func (m *memStore) UpdateAlert(context.Context, models.Alert) error { return nil }
func (m *memStore) GetAlert(context.Context, string) (models.Alert, error) {
	return models.Alert{}, store.ErrNotFound
}
func (m *memStore) ListAlerts(_ context.Context, f store.AlertFilter) ([]models.Alert, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Alert
	for _, a := range m.alerts {
		if (len(f.UnitCodes) == 0 || contains(f.UnitCodes, a.UnitCode)) && (len(f.Types) == 0 || contains(f.Types, a.Type)) &&
			(f.Status == "" || a.Status == f.Status) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (m *memStore) CreateUser(_ context.Context, u models.User) (models.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.users {
		if strings.EqualFold(o.Email, u.Email) {
			return u, store.ErrConflict
		}
	}
	if u.ID == "" {
		u.ID = store.NewID()
	}
	m.users[u.ID] = u
	return u, nil
}
func (m *memStore) GetUser(_ context.Context, id string) (models.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return u, store.ErrNotFound
	}
	return u, nil
}
func (m *memStore) GetUserByEmail(_ context.Context, email string) (models.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if strings.EqualFold(u.Email, email) {
			return u, nil
		}
	}
	return models.User{}, store.ErrNotFound
}
func (m *memStore) ListUsers(context.Context) ([]models.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.User
	for _, u := range m.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Email < out[j].Email })
	return out, nil
}
func (m *memStore) UpdateUser(_ context.Context, u models.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.ID]; !ok {
		return store.ErrNotFound
	}
	m.users[u.ID] = u
	return nil
}
func (m *memStore) CreateSession(_ context.Context, s models.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[s.ID] = s
	return nil
}
func (m *memStore) GetSession(_ context.Context, id string, now time.Time) (models.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok || !now.Before(s.ExpiresAt) {
		return s, store.ErrNotFound
	}
	return s, nil
}
func (m *memStore) DeleteSession(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}
func (m *memStore) DeleteUserSessions(_ context.Context, userID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, s := range m.sessions {
		if s.UserID == userID {
			delete(m.sessions, id)
		}
	}
	return nil
}
func (m *memStore) CreateAPIToken(_ context.Context, t models.APIToken) (models.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.ID == "" {
		t.ID = store.NewID()
	}
	m.tokens[t.ID] = t
	return t, nil
}
func (m *memStore) GetAPITokenByHash(_ context.Context, hash string) (models.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if t.Hash == hash {
			return t, nil
		}
	}
	return models.APIToken{}, store.ErrNotFound
}
func (m *memStore) ListAPITokens(_ context.Context, userID string) ([]models.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.APIToken
	for _, t := range m.tokens {
		if t.UserID == userID {
			out = append(out, t)
		}
	}
	return out, nil
}
func (m *memStore) DeleteAPIToken(_ context.Context, userID, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tokens[id]; !ok || t.UserID != userID {
		return store.ErrNotFound
	}
	delete(m.tokens, id)
	return nil
}

func (m *memStore) AddAudit(_ context.Context, e models.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e.ID = store.NewID()
	m.audit = append(m.audit, e)
	return nil
}
func (m *memStore) ListAudit(_ context.Context, target string, limit int) ([]models.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.AuditEntry
	for i := len(m.audit) - 1; i >= 0; i-- {
		if target == "" || strings.HasPrefix(m.audit[i].Target, target) {
			out = append(out, m.audit[i])
		}
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

func (m *memStore) AcquireLease(context.Context, string, string, time.Time, time.Duration) (bool, error) {
	return true, nil
}
func (m *memStore) ReleaseLease(context.Context, string, string) error { return nil }
func (m *memStore) GetSetting(_ context.Context, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.settings[key]
	if !ok {
		return "", store.ErrNotFound
	}
	return v, nil
}
func (m *memStore) SetSetting(_ context.Context, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.settings[key] = value
	return nil
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
