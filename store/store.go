// Package store defines tintot's storage contract. Backends (store/sqlite, store/mongo)
// implement Store and pass the contract suite in store/storetest.
package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"tintot/models"
)

// Errors every backend returns (wrapped or not) so callers can use errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: already exists") // a unique key is taken
	ErrInvalid  = errors.New("store: invalid reference")
)

// Store is the whole persistence surface of tintot. Every method takes a ctx. Times are
// returned in UTC unless noted; day keys are Asia/Ho_Chi_Minh local days.
type Store interface {
	// Ping checks that the backend answers (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the backend.
	Close() error

	UnitStore
	FeedStore
	PostStore
	EvaluationStore
	AlertStore
	UserStore
	AuditStore
	LeaseStore
	SettingStore
	TrendStore
	BulletinStore
}

// UnitStore holds the registry of units.
type UnitStore interface {
	// CreateUnit inserts a unit; ErrConflict if the code exists, ErrInvalid if the parent does not.
	CreateUnit(ctx context.Context, u models.Unit) error
	// UpdateUnit replaces a unit's fields by code; ErrNotFound if absent, ErrInvalid if the
	// new parent does not exist or would make a cycle.
	UpdateUnit(ctx context.Context, u models.Unit) error
	// GetUnit returns one unit or ErrNotFound.
	GetUnit(ctx context.Context, code string) (models.Unit, error)
	// ListUnits returns units matching the filter, ordered by code.
	ListUnits(ctx context.Context, f UnitFilter) ([]models.Unit, error)
	// DeleteUnit removes a unit and its feeds; ErrNotFound if absent, ErrConflict if it has children.
	DeleteUnit(ctx context.Context, code string) error
	// Descendants returns every unit below code (children, grandchildren…), not code itself,
	// ordered by code. ErrNotFound if code does not exist.
	Descendants(ctx context.Context, code string) ([]models.Unit, error)
	// ApplyRegistry upserts units and their feed URLs in one transaction: all or nothing.
	// Units are matched by code, feeds by (unit, URL). Feeds not listed for a unit in the
	// batch are kept (removal is explicit). Parents may be in the batch or already stored.
	ApplyRegistry(ctx context.Context, entries []RegistryEntry) (RegistryChanges, error)
}

// UnitFilter selects units. Zero fields match everything.
type UnitFilter struct {
	Kind       models.UnitKind
	ParentCode string
	Codes      []string
}

// RegistryEntry is one unit with the feed URLs it should have.
type RegistryEntry struct {
	Unit     models.Unit
	FeedURLs []string
}

// RegistryChanges counts what an ApplyRegistry changed.
type RegistryChanges struct {
	UnitsCreated int `json:"units_created"`
	UnitsUpdated int `json:"units_updated"`
	UnitsSame    int `json:"units_unchanged"`
	FeedsCreated int `json:"feeds_created"`
}

// FeedStore holds feeds, their scheduling state and health history.
type FeedStore interface {
	// CreateFeed inserts a feed (ID assigned if empty) and returns it; ErrConflict if the
	// unit already has this URL, ErrInvalid if the unit does not exist.
	CreateFeed(ctx context.Context, f models.Feed) (models.Feed, error)
	// GetFeed returns one feed or ErrNotFound.
	GetFeed(ctx context.Context, id string) (models.Feed, error)
	// ListFeeds returns feeds matching the filter, ordered by unit code then URL.
	ListFeeds(ctx context.Context, f FeedFilter) ([]models.Feed, error)
	// UpdateFeed replaces a feed's mutable fields (title, default kind, validators,
	// scheduling, health); ErrNotFound if absent.
	UpdateFeed(ctx context.Context, f models.Feed) error
	// UpdateFeeds does what UpdateFeed does for many feeds in one write (one transaction
	// where the backend has them), so a poll records a batch of feeds at once. Absent
	// feeds are skipped: the others are still written and the error wraps ErrNotFound.
	UpdateFeeds(ctx context.Context, feeds []models.Feed) error
	// DeleteFeed removes a feed (its posts stay); ErrNotFound if absent.
	DeleteFeed(ctx context.Context, id string) error
	// ClaimDueFeeds leases up to limit feeds with NextCheckAt <= now whose lease is free or
	// expired, setting LeaseHolder=holder and LeaseUntil=leaseUntil atomically, so no two
	// instances poll the same feed. Ordered by NextCheckAt.
	ClaimDueFeeds(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]models.Feed, error)

	// OpenOutage starts an outage for a feed at from, unless one is already open (no-op).
	OpenOutage(ctx context.Context, o models.FeedOutage) error
	// CloseOutage ends the feed's open outage at `at` (no-op if none is open), recording
	// how far back the read that ended it reached (FeedOutage.CoveredFrom; nil: unknown).
	CloseOutage(ctx context.Context, feedID string, at time.Time, coveredFrom *time.Time) error
	// ListOutages returns outages of the given units (all if empty) overlapping [from, to).
	ListOutages(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.FeedOutage, error)
}

// FeedFilter selects feeds. Zero fields match everything.
type FeedFilter struct {
	UnitCode  string
	UnitCodes []string
	States    []models.FeedState
	URL       string
	// Brief fills only ID, UnitCode, URL, State, CreatedAt, FirstReadAt, CoveredFrom and
	// LastSuccessAt: the health, observation and channel overview a review needs for
	// thousands of feeds, read at
	// a fraction of the cost of whole feeds.
	Brief bool
}

// PostStore holds posts, idempotent on (unit, item key).
type PostStore interface {
	// UpsertPosts writes a poll's posts in one transaction. A post whose (unit, item key)
	// is new is inserted (ID assigned); an existing one gets its URL, title, summary,
	// categories and rule kind/reason updated, while its ID, PublishedAt, LocalDay,
	// FirstSeenAt, Source, Override and Rejected are kept. Returns the inserted posts.
	UpsertPosts(ctx context.Context, posts []models.Post) (UpsertResult, error)
	// CreateManualPost inserts a hand-submitted post; ErrConflict if the unit already has the key.
	CreateManualPost(ctx context.Context, p models.Post) (models.Post, error)
	// GetPost returns one post or ErrNotFound.
	GetPost(ctx context.Context, id string) (models.Post, error)
	// ListPosts returns posts matching the filter, newest PublishedAt first.
	ListPosts(ctx context.Context, f PostFilter) ([]models.Post, error)
	// WalkPosts calls fn with successive pages of at most size posts (0: 500) matching f,
	// in an order of the backend's that begins with the local day, until none is left or
	// fn returns an error (returned as is). Each page continues after the page before, so
	// a walk of all posts reads each once, whatever its length (an OFFSET would re-read
	// every page before). fn may change the posts it is given. A post inserted, or moved
	// to another day, during the walk may be missed; none is passed twice. f's Limit,
	// Offset and Tags must be unset (ErrInvalid).
	WalkPosts(ctx context.Context, f PostFilter, size int, fn func([]models.Post) error) error
	// SetOverride sets (or clears, with nil) a post's manual override; ErrNotFound if absent.
	SetOverride(ctx context.Context, id string, o *models.Override) error
	// SetProposal sets (or clears, with nil) a post's pending proposal, which never
	// changes what counts; ErrNotFound if absent. A re-poll keeps it.
	SetProposal(ctx context.Context, id string, o *models.Override) error
	// SetRejected marks a manual post rejected or not; ErrNotFound if absent.
	SetRejected(ctx context.Context, id string, rejected bool) error
	// SetRuleKinds updates rule kind and reason of many posts at once (re-classification).
	SetRuleKinds(ctx context.Context, updates []RuleKindUpdate) error
	// CountPosts counts counted posts (not excluded, not rejected) by unit, local day and
	// effective kind (override kind, else rule kind), for days in [FromDay, ToDay].
	CountPosts(ctx context.Context, q CountQuery) ([]models.DayCount, error)
	// EachCount calls fn for each count CountPosts would return, in the same order,
	// without building the list (a province's weekly review reads ~100,000 counts). The
	// strings of a count may share memory with larger buffers: clone the ones kept.
	EachCount(ctx context.Context, q CountQuery, fn func(models.DayCount)) error
}

// UpsertResult reports what an UpsertPosts did.
type UpsertResult struct {
	Inserted []models.Post
	Updated  int
}

// PostFilter selects posts. Zero fields match everything.
type PostFilter struct {
	UnitCode   string
	UnitCodes  []string
	FromDay    string // inclusive local day
	ToDay      string // inclusive local day
	Kind       models.Kind
	Source     models.PostSource
	NoOverride bool // only posts without an override (for re-classification)
	Proposed   bool // only posts with a pending proposal (for the reviewers' queue)
	// Uncertain, when above 0, selects posts the model decided with a confidence below it
	// (for the reviewers' queue).
	Uncertain float64
	// Decided selects posts a person gave a kind (an override with a kind): the
	// installation's own training examples.
	Decided   bool
	SeenSince *time.Time
	// Tags selects posts that carry any of these index terms (classify.PostTags, which
	// every backend records with each post it writes; classify.TagMatcher.Terms gives the
	// terms of a trend's hashtags). Empty: no selection by tags.
	Tags   []string
	Limit  int // 0: no limit
	Offset int
}

// RuleKindUpdate is one re-classification result.
type RuleKindUpdate struct {
	ID         string
	Kind       models.Kind
	Reason     string
	Confidence float64 // the model's, 0 when a rule decided
}

// CountQuery selects counts. Empty UnitCodes means all units.
type CountQuery struct {
	UnitCodes []string
	FromDay   string
	ToDay     string
}

// EvaluationStore keeps evaluated periods and the corrections to them.
type EvaluationStore interface {
	// SaveEvaluations upserts evaluations by Key(). For each one that already existed with
	// a different Status or Actual, a Correction (At=now, Why=why) is stored and returned.
	SaveEvaluations(ctx context.Context, evals []models.Evaluation, now time.Time, why string) ([]models.Correction, error)
	// ListEvaluations returns stored evaluations for units (all if empty) and periods (all if empty).
	ListEvaluations(ctx context.Context, unitCodes []string, periods []string) ([]models.Evaluation, error)
	// ListCorrections returns corrections for units (all if empty) made in [from, to), oldest first.
	ListCorrections(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.Correction, error)
}

// AlertStore is the outbox.
type AlertStore interface {
	// EnqueueAlert inserts an alert unless one with its DedupKey exists. Returns the stored
	// alert and whether it was created now.
	EnqueueAlert(ctx context.Context, a models.Alert) (models.Alert, bool, error)
	// DueAlerts returns pending alerts with NextTryAt <= now, oldest first.
	DueAlerts(ctx context.Context, now time.Time, limit int) ([]models.Alert, error)
	// UpdateAlert replaces status, attempts, next try, last error and sent time; ErrNotFound if absent.
	UpdateAlert(ctx context.Context, a models.Alert) error
	// GetAlert returns one alert or ErrNotFound.
	GetAlert(ctx context.Context, id string) (models.Alert, error)
	// ListAlerts returns alerts matching the filter, newest first.
	ListAlerts(ctx context.Context, f AlertFilter) ([]models.Alert, error)
	// PruneAlertBodies empties the e-mail bodies (text and HTML) of the alerts created
	// before before that are no longer pending; everything else of them stays. It returns
	// how many it emptied.
	PruneAlertBodies(ctx context.Context, before time.Time) (int, error)
}

// AlertFilter selects alerts. Zero fields match everything.
type AlertFilter struct {
	UnitCodes []string
	Types     []models.AlertType
	Status    models.AlertStatus
	Since     *time.Time
	Limit     int
}

// UserStore holds accounts, sessions and API tokens.
type UserStore interface {
	// CreateUser inserts a user (ID assigned if empty); ErrConflict if the e-mail is taken
	// (case-insensitive).
	CreateUser(ctx context.Context, u models.User) (models.User, error)
	// GetUser returns a user by ID or ErrNotFound.
	GetUser(ctx context.Context, id string) (models.User, error)
	// GetUserByEmail returns a user by e-mail (case-insensitive) or ErrNotFound.
	GetUserByEmail(ctx context.Context, email string) (models.User, error)
	// ListUsers returns all users ordered by e-mail.
	ListUsers(ctx context.Context) ([]models.User, error)
	// UpdateUser replaces name, role, unit, password hash and disabled; ErrNotFound if absent.
	UpdateUser(ctx context.Context, u models.User) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s models.Session) error
	// GetSession returns an unexpired session by ID (at now) or ErrNotFound.
	GetSession(ctx context.Context, id string, now time.Time) (models.Session, error)
	// DeleteSession removes a session (no error if absent).
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of a user (password change, disable).
	DeleteUserSessions(ctx context.Context, userID string) error

	// CreateAPIToken stores a token (ID assigned if empty).
	CreateAPIToken(ctx context.Context, t models.APIToken) (models.APIToken, error)
	// GetAPITokenByHash returns a token by its hash or ErrNotFound.
	GetAPITokenByHash(ctx context.Context, hash string) (models.APIToken, error)
	// ListAPITokens returns a user's tokens.
	ListAPITokens(ctx context.Context, userID string) ([]models.APIToken, error)
	// DeleteAPIToken removes a token of a user; ErrNotFound if absent.
	DeleteAPIToken(ctx context.Context, userID, id string) error
}

// AuditStore is the append-only audit log.
type AuditStore interface {
	// AddAudit appends an entry (ID assigned if empty).
	AddAudit(ctx context.Context, e models.AuditEntry) error
	// ListAudit returns entries for a target prefix (e.g. "post:ID"; all if empty), newest first.
	ListAudit(ctx context.Context, target string, limit int) ([]models.AuditEntry, error)
}

// LeaseStore provides named leases for leader election across instances.
type LeaseStore interface {
	// AcquireLease takes or renews the named lease for holder until now+ttl. It succeeds if
	// the lease is free, expired, or already held by holder; else returns false.
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	// ReleaseLease gives up the lease if holder holds it.
	ReleaseLease(ctx context.Context, name, holder string) error
}

// SettingStore is a small key-value store for instance settings (e.g. the admin token hash).
type SettingStore interface {
	// GetSetting returns a value or ErrNotFound.
	GetSetting(ctx context.Context, key string) (string, error)
	// SetSetting writes a value.
	SetSetting(ctx context.Context, key, value string) error
}

// TrendStore holds the online trends (trào lưu) provincial Đoàn units register.
type TrendStore interface {
	// CreateTrend inserts a trend (ID assigned if empty) and returns it; ErrInvalid if the
	// parent unit does not exist, ErrConflict if the parent already has a trend of that
	// name in the same year (Trend.Year). Deleting the unit later keeps its trends.
	CreateTrend(ctx context.Context, t models.Trend) (models.Trend, error)
	// GetTrend returns one trend or ErrNotFound.
	GetTrend(ctx context.Context, id string) (models.Trend, error)
	// ListTrends returns the trends matching the filter, by first day, then name.
	ListTrends(ctx context.Context, f TrendFilter) ([]models.Trend, error)
	// UpdateTrend replaces a trend's name, hashtags, days and description (its organiser
	// and creation stay) and returns it as stored; ErrNotFound if there is none with that
	// ID, ErrConflict if its organiser has another trend of the new name in the new year.
	UpdateTrend(ctx context.Context, t models.Trend) (models.Trend, error)
	// DeleteTrend removes a trend; ErrNotFound if there is none with that ID.
	DeleteTrend(ctx context.Context, id string) error
}

// TrendFilter selects trends. Zero fields match everything.
type TrendFilter struct {
	ParentCode string
	Year       int // the year of the trend's first day
}

// BulletinStore keeps what reviewers pick for the quarterly e-bulletin, the issues sent,
// and the proposals for the yearly honour roll.
type BulletinStore interface {
	// SavePick inserts or replaces the pick of p.PostID (one per post).
	SavePick(ctx context.Context, p models.Pick) error
	// DeletePick removes a post's pick; ErrNotFound if it has none.
	DeletePick(ctx context.Context, postID string) error
	// ListPicks returns picks of the units (all if empty) whose day is in [FromDay, ToDay]
	// (open ends when empty), ordered by position, then day, then post ID.
	ListPicks(ctx context.Context, f PickFilter) ([]models.Pick, error)
	// SaveSentBulletin stores an issue as sent; ErrConflict if the parent's issue of that
	// quarter is already stored: a sent issue never changes.
	SaveSentBulletin(ctx context.Context, b models.SentBulletin) error
	// GetSentBulletin returns the issue of a parent ("" : every unit) and quarter, or ErrNotFound.
	GetSentBulletin(ctx context.Context, parent, quarter string) (models.SentBulletin, error)
	// CreateHonour inserts a proposal for the honour roll (ID assigned if empty).
	CreateHonour(ctx context.Context, h models.Honour) (models.Honour, error)
	// ListHonours returns the year's proposals for the units (all if empty), ordered by
	// unit code, then creation time, then ID.
	ListHonours(ctx context.Context, year int, unitCodes []string) ([]models.Honour, error)
	// GetHonour returns one proposal or ErrNotFound.
	GetHonour(ctx context.Context, id string) (models.Honour, error)
	// DeleteHonour removes a proposal; ErrNotFound if absent.
	DeleteHonour(ctx context.Context, id string) error
}

// PickFilter selects picks. Zero fields match everything.
type PickFilter struct {
	UnitCodes []string
	FromDay   string
	ToDay     string
}

// NewID returns a random 16-byte hex identifier, used by backends for new records.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// WalkPage checks a WalkPosts filter (its Limit, Offset and Tags unset) and returns the
// page size to use (500 when size is not above 0). Every backend's WalkPosts starts so.
func WalkPage(f PostFilter, size int) (int, error) {
	if f.Limit != 0 || f.Offset != 0 || len(f.Tags) > 0 {
		return 0, fmt.Errorf("walk posts: a limit, an offset or tags cannot be walked: %w", ErrInvalid)
	}
	if size <= 0 {
		size = 500
	}
	return size, nil
}
