package feeds

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"tintot/models"
	"tintot/store"
)

// Classifier gives a post its kind and the reason (implemented by package classify).
type Classifier interface {
	Classify(p models.Post, f models.Feed) (models.Kind, string)
}

// confidenceClassifier is a Classifier that also tells how sure a learned model was
// (implemented by *classify.Classifier).
type confidenceClassifier interface {
	Confidence(p models.Post, f models.Feed) (models.Kind, string, float64)
}

// Outcome is what one poll of a feed produced, as input to the IntervalPolicy.
type Outcome struct {
	OK          bool          // fetched and parsed, or 304
	NotModified bool          // 304
	Failures    int           // consecutive failures including this one (0 on success)
	RetryAfter  time.Duration // server's Retry-After
	MaxAge      time.Duration // server's Cache-Control max-age
}

// IntervalPolicy decides how long to wait before the next check of a feed.
type IntervalPolicy func(f models.Feed, o Outcome) time.Duration

// PollerOptions configures a Poller; zero fields take their defaults.
type PollerOptions struct {
	Workers          int           // global worker pool (default 16)
	PerHost          int           // concurrent fetches per host (default 2)
	Interval         time.Duration // normal check interval (default 30m)
	MaxInterval      time.Duration // cap for Retry-After, max-age and backoff (default 6h)
	BrokenAfterFails int           // failures before a feed is broken (default 6)
	BrokenAfter      time.Duration // hours failing before a feed is broken (default 12h)
	Holder           string        // lease holder name of this instance (default "tintot")
	LeaseTTL         time.Duration // how long a claim lasts (default 10m)
	BatchSize        int           // feeds claimed per PollDue (default 500)
	MaxItemsPerFeed  int           // newest items read from one feed (default DefaultMaxItems)
	MaxParseBytes    int64         // bytes of large bodies parsed at once (default 32 MiB), see parseBody
	Policy           IntervalPolicy
	Log              *slog.Logger
	// OnStateChange is called after a feed's health state changed and was stored.
	OnStateChange func(ctx context.Context, feed models.Feed, old, new models.FeedState)
}

// Summary counts what a poll run did.
type Summary struct {
	Feeds        int           `json:"feeds"`
	OK           int           `json:"ok"`
	NotModified  int           `json:"not_modified"`
	Failed       int           `json:"failed"`
	NewPosts     int           `json:"new_posts"`
	UpdatedPosts int           `json:"updated_posts"`
	Duration     time.Duration `json:"duration"`
	// Failures lists the feeds counted in Failed, in the order they were stored.
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is one feed a poll could not read: its unit and address, the Vietnamese reason
// a unit admin understands (as stored in the feed's health) and the technical detail.
type Failure struct {
	FeedID   string `json:"feed_id"`
	UnitCode string `json:"unit_code"`
	URL      string `json:"url"`
	Reason   string `json:"reason"`
	Detail   string `json:"detail"`
}

// String renders the summary for logs.
func (s Summary) String() string {
	return fmt.Sprintf("feeds=%d ok=%d not_modified=%d failed=%d new_posts=%d updated_posts=%d duration=%s",
		s.Feeds, s.OK, s.NotModified, s.Failed, s.NewPosts, s.UpdatedPosts, s.Duration.Round(time.Millisecond))
}

// Poller polls feeds: fetch, parse, classify, store, and keep each feed's schedule and health.
type Poller struct {
	st     store.Store
	client *Client
	cls    Classifier
	clock  models.Clock
	opts   PollerOptions
	log    *slog.Logger

	mu    sync.Mutex
	hosts map[string]chan struct{}
	parse *byteBudget // large bodies being parsed
}

// NewPoller builds a Poller.
func NewPoller(st store.Store, client *Client, cls Classifier, clock models.Clock, opts PollerOptions) *Poller {
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 2
	}
	if opts.Interval <= 0 {
		opts.Interval = 30 * time.Minute
	}
	if opts.MaxInterval <= 0 {
		opts.MaxInterval = 6 * time.Hour
	}
	if opts.MaxInterval < opts.Interval {
		opts.MaxInterval = opts.Interval
	}
	if opts.BrokenAfterFails <= 0 {
		opts.BrokenAfterFails = 6
	}
	if opts.BrokenAfter <= 0 {
		opts.BrokenAfter = 12 * time.Hour
	}
	if opts.Holder == "" {
		opts.Holder = "tintot"
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = 10 * time.Minute
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.MaxItemsPerFeed <= 0 {
		opts.MaxItemsPerFeed = DefaultMaxItems
	}
	if opts.MaxParseBytes <= 0 {
		opts.MaxParseBytes = 32 << 20
	}
	if opts.Policy == nil {
		opts.Policy = DefaultPolicy(opts.Interval, opts.MaxInterval)
	}
	if clock == nil {
		clock = models.SystemClock{}
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	return &Poller{st: st, client: client, cls: cls, clock: clock, opts: opts, log: log, hosts: map[string]chan struct{}{},
		parse: newByteBudget(opts.MaxParseBytes)}
}

// DefaultPolicy checks every interval; honours Retry-After and max-age when longer, up to
// max; backs off exponentially on failures (interval/2 · 2^(n-1)), up to max.
func DefaultPolicy(interval, max time.Duration) IntervalPolicy {
	return func(_ models.Feed, o Outcome) time.Duration {
		d := interval
		if !o.OK {
			d = interval / 2
			for i := 1; i < o.Failures && d < max; i++ {
				d *= 2
			}
		}
		if o.RetryAfter > d {
			d = o.RetryAfter
		}
		if o.OK && o.MaxAge > d {
			d = o.MaxAge
		}
		if d > max {
			d = max
		}
		if d < time.Minute {
			d = time.Minute
		}
		return d
	}
}

// PollDue claims the feeds that are due (with a lease, so no other instance polls them)
// and polls them.
func (p *Poller) PollDue(ctx context.Context) (Summary, error) {
	now := p.clock.Now()
	fs, err := p.st.ClaimDueFeeds(ctx, p.opts.Holder, now, now.Add(p.opts.LeaseTTL), p.opts.BatchSize)
	if err != nil {
		return Summary{}, fmt.Errorf("feeds: unable to claim due feeds: %w", err)
	}
	return p.PollFeeds(ctx, fs), nil
}

// PollStale polls now the feeds of the given units that were not read in the last
// olderThan (never read ones included), but for broken feeds, which the health check
// retries: what a unit posted since its feeds were last read is seen before a decision
// about it (the afternoon reminder, the late-day boost, a shortfall mail about to go).
func (p *Poller) PollStale(ctx context.Context, unitCodes []string, olderThan time.Duration) (Summary, error) {
	if len(unitCodes) == 0 {
		return Summary{}, nil
	}
	fl, err := p.st.ListFeeds(ctx, store.FeedFilter{UnitCodes: unitCodes})
	if err != nil {
		return Summary{}, fmt.Errorf("feeds: unable to list the feeds of %d units: %w", len(unitCodes), err)
	}
	now := p.clock.Now()
	stale := fl[:0]
	for _, f := range fl {
		if f.State == models.FeedBroken {
			continue
		}
		if f.LastCheckAt == nil || now.Sub(*f.LastCheckAt) >= olderThan {
			stale = append(stale, f)
		}
	}
	return p.PollFeeds(ctx, stale), nil
}

// PollFeeds polls the given feeds now, whatever their schedule (forced polls, one unit,
// the end-of-day boost). Workers fetch and parse in parallel; one writer stores the posts
// of a batch of polled feeds together (one UpsertPosts call, so SQLite commits once for
// many feeds) and then records their schedules and health (one UpdateFeeds call).
func (p *Poller) PollFeeds(ctx context.Context, feeds []models.Feed) Summary {
	start := p.clock.Now()
	sum := Summary{Feeds: len(feeds)}
	if len(feeds) == 0 {
		return sum
	}
	jobs := make(chan models.Feed)
	// Room for a whole batch, so workers keep fetching while the writer writes one.
	ready := make(chan polled, max(p.opts.Workers, maxBatchFeeds))
	var wg sync.WaitGroup
	for range min(p.opts.Workers, len(feeds)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				ready <- p.fetchOne(ctx, f)
			}
		}()
	}
	go func() {
		for _, f := range feeds {
			jobs <- f
		}
		close(jobs)
		wg.Wait()
		close(ready)
	}()
	// The writer stores full batches (one transaction for many feeds costs far less per
	// post than several small ones) and waits for the workers to fill them; the last one
	// goes when no more feeds will come, and a partial one when none has come for
	// batchWait (the rest are slow hosts: what is read is not held up behind them).
	batch := make([]polled, 0, maxBatchFeeds)
	idle := time.NewTimer(batchWait)
	defer idle.Stop()
	for first := range ready {
		batch = append(batch[:0], first)
		posts := len(first.posts)
	fill:
		for len(batch) < maxBatchFeeds && posts < maxBatchPosts {
			idle.Reset(batchWait)
			select {
			case x, ok := <-ready:
				if !ok {
					break fill
				}
				batch = append(batch, x)
				posts += len(x.posts)
			case <-idle.C:
				break fill
			}
		}
		p.store(ctx, batch, &sum)
	}
	sum.Duration = p.clock.Now().Sub(start)
	return sum
}

// A batch of polled feeds is stored (one UpsertPosts, one UpdateFeeds) once it holds
// maxBatchFeeds feeds or maxBatchPosts posts (a hundred milliseconds or so of writing on
// a small machine, during which other writes wait). Twice that made no faster poll on
// SQLite but held twice the posts in memory: a batch being written and one filling.
const (
	maxBatchFeeds = 64
	maxBatchPosts = 2000
	batchWait     = 2 * time.Second
)

// polled is one feed fetched and parsed, waiting to be stored.
type polled struct {
	feed   models.Feed
	fr     FetchResult
	parsed bool          // a body was parsed (not a 304, nor the body already stored)
	posts  []models.Post // the new and changed items of a parsed body
	title  string
	note   string // ParsedFeed.Note of the parsed body
	// What the parsed body holds, kept in the feed's state once its posts are stored.
	bodyHash   []byte
	itemHashes models.ItemHashes
	// oldest is the publication time of the body's oldest item with a usable date (zero:
	// none): how far back this read reached, stored or not.
	oldest time.Time
	err    error
}

// fetchOne fetches one feed within its host's concurrency limit, then parses it. The
// host's slot is held only while fetching: parsing loads this machine, not the host, so
// the other workers go on fetching from it meanwhile.
func (p *Poller) fetchOne(ctx context.Context, f models.Feed) polled {
	slot := p.hostSlot(f.URL)
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return polled{feed: f, err: &FetchError{Kind: ErrCanceled, Err: ctx.Err()}}
	}
	held := true
	release := func() {
		if held {
			held = false
			<-slot
		}
	}
	defer release()
	return p.fetchAndParse(ctx, f, release)
}

// store writes a batch's posts in one call, then its feeds' states in another.
func (p *Poller) store(ctx context.Context, batch []polled, sum *Summary) {
	p.dropManualTwins(ctx, batch)
	// The same item in two feeds of one unit is one post; items of one feed are already
	// distinct (Parse drops repeated keys), so only units with several feeds here need
	// the check.
	feedsOf := make(map[string]int, len(batch))
	n := 0
	for _, b := range batch {
		if b.err == nil && len(b.posts) > 0 {
			feedsOf[b.feed.UnitCode]++
			n += len(b.posts)
		}
	}
	posts := make([]models.Post, 0, n)
	var seen map[[2]string]bool
	for _, b := range batch {
		if b.err != nil {
			continue
		}
		if feedsOf[b.feed.UnitCode] < 2 {
			posts = append(posts, b.posts...)
			continue
		}
		if seen == nil {
			seen = map[[2]string]bool{}
		}
		for _, q := range b.posts {
			k := [2]string{q.UnitCode, q.ItemKey}
			if !seen[k] {
				seen[k] = true
				posts = append(posts, q)
			}
		}
	}
	if len(posts) > 0 {
		p.storePosts(ctx, batch, posts, sum)
	}
	for _, b := range batch {
		switch {
		case b.err != nil:
			sum.Failed++
			sum.Failures = append(sum.Failures, Failure{FeedID: b.feed.ID, UnitCode: b.feed.UnitCode, URL: b.feed.URL, Reason: message(b.err), Detail: b.err.Error()})
		case b.fr.NotModified:
			sum.NotModified++
		default:
			sum.OK++
		}
	}
	p.finish(ctx, batch)
}

// manualTwinDays is how far before a batch's oldest post a post submitted by hand is
// looked for: the day an admin gives a submission may be a day or two off the feed's.
const manualTwinDays = 7

// dropManualTwins leaves out the posts of a batch whose link is that of a post their unit
// submitted by hand (the admin filled the gap the feed left; the feed then brought the
// same article under its own key, a GUID such as "?p=123"): the article counts once, as
// the submitted post. When the submitted posts cannot be read, the batch goes as it is.
func (p *Poller) dropManualTwins(ctx context.Context, batch []polled) {
	units := map[string]bool{}
	oldest := ""
	for _, b := range batch {
		if b.err != nil {
			continue
		}
		for _, q := range b.posts {
			units[q.UnitCode] = true
			if oldest == "" || q.LocalDay < oldest {
				oldest = q.LocalDay
			}
		}
	}
	if len(units) == 0 {
		return
	}
	codes := make([]string, 0, len(units))
	for c := range units {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	from := oldest
	if start, err := models.DayStart(oldest, models.Vietnam); err == nil {
		from = models.LocalDay(start.AddDate(0, 0, -manualTwinDays), models.Vietnam)
	}
	manual, err := p.st.ListPosts(ctx, store.PostFilter{UnitCodes: codes, Source: models.SourceManual, FromDay: from})
	if err != nil {
		p.log.Warn("unable to look for posts submitted by hand", slog.Any("error", err))
		return
	}
	if len(manual) == 0 {
		return
	}
	submitted := map[[2]string]bool{}
	for _, m := range manual {
		if m.Rejected {
			continue // a reviewer refused it: the feed's copy is the one to count
		}
		if k := models.LinkKey(m.URL); k != "" {
			submitted[[2]string{m.UnitCode, k}] = true
		}
	}
	for i := range batch {
		b := &batch[i]
		out := b.posts[:0]
		for _, q := range b.posts {
			if k := models.LinkKey(q.URL); k != "" && submitted[[2]string{q.UnitCode, k}] {
				p.log.Info("feed item already submitted by hand: counted once", slog.String("unit", q.UnitCode), slog.String("url", q.URL))
				continue
			}
			out = append(out, q)
		}
		b.posts = out
	}
}

// storePosts writes the posts of a batch in one call. If that fails, it writes each
// feed's posts on its own, so one feed whose posts cannot be stored does not fail the
// others. A feed whose posts were not stored is marked failed (shutting down: canceled),
// so what its body held is not recorded as read: it is read and stored again next time.
func (p *Poller) storePosts(ctx context.Context, batch []polled, posts []models.Post, sum *Summary) {
	fail := func(b *polled, err error) {
		if ctx.Err() != nil {
			b.err = &FetchError{Kind: ErrCanceled, Err: ctx.Err()}
			return
		}
		b.err = &FetchError{Kind: ErrInternal, Err: fmt.Errorf("feeds: unable to store posts of feed %s: %w", b.feed.ID, err)}
	}
	withPosts := 0
	for _, b := range batch {
		if b.err == nil && len(b.posts) > 0 {
			withPosts++
		}
	}
	err := ctx.Err()
	if err == nil {
		var ur store.UpsertResult
		if ur, err = p.st.UpsertPosts(ctx, posts); err == nil {
			sum.NewPosts += len(ur.Inserted)
			sum.UpdatedPosts += ur.Updated
			return
		}
		p.log.Error("unable to store posts", slog.Int("posts", len(posts)), slog.Int("feeds", withPosts), slog.Any("error", err))
	}
	for i := range batch {
		b := &batch[i]
		if b.err != nil || len(b.posts) == 0 {
			continue
		}
		if ctx.Err() != nil || withPosts == 1 {
			fail(b, err)
			continue
		}
		ur, ferr := p.st.UpsertPosts(ctx, b.posts)
		if ferr != nil {
			p.log.Error("unable to store the posts of a feed", slog.String("feed_id", b.feed.ID), slog.Int("posts", len(b.posts)), slog.Any("error", ferr))
			fail(b, ferr)
			continue
		}
		sum.NewPosts += len(ur.Inserted)
		sum.UpdatedPosts += ur.Updated
	}
}

// finish records the batch's feeds' schedules and health after their poll, in one write,
// and releases their leases.
func (p *Poller) finish(ctx context.Context, batch []polled) {
	now := p.clock.Now()
	shutdown, wctx := ctx.Err() != nil, ctx
	if shutdown {
		wctx = context.WithoutCancel(ctx) // what was learnt before the shutdown is kept
	}
	feeds := make([]models.Feed, len(batch))
	for i, b := range batch {
		f := b.feed
		if b.err != nil && shutdown {
			// not the feed's fault: release the lease and keep its health
			f.LeaseHolder, f.LeaseUntil = "", nil
		} else {
			p.record(wctx, &f, b, now)
			firstRead(&f, b, now)
		}
		feeds[i] = f
	}
	saved := p.saveFeeds(wctx, feeds)
	for i, b := range batch {
		if b.err != nil && shutdown {
			continue
		}
		f, old := feeds[i], b.feed.State
		if saved[i] && old != f.State && p.opts.OnStateChange != nil && !(old == "" && f.State == models.FeedOK) {
			p.opts.OnStateChange(ctx, f, old, f.State)
		}
		if b.err != nil {
			p.log.Info("feed poll failed", slog.String("feed_id", f.ID), slog.String("url", f.URL),
				slog.Int("failures", f.ConsecutiveFailures), slog.Any("error", b.err))
		}
	}
}

// saveFeeds writes the feeds' states in one call. If that fails (a feed deleted while it
// was polled, a write error), it writes them one by one, so each feed gets its own
// outcome. It reports which feeds were saved.
func (p *Poller) saveFeeds(ctx context.Context, feeds []models.Feed) []bool {
	saved := make([]bool, len(feeds))
	err := p.st.UpdateFeeds(ctx, feeds)
	if err == nil {
		for i := range saved {
			saved[i] = true
		}
		return saved
	}
	p.log.Warn("unable to save feed states together, saving one by one", slog.Int("feeds", len(feeds)), slog.Any("error", err))
	for i, f := range feeds {
		if uerr := p.st.UpdateFeed(ctx, f); uerr != nil {
			p.log.Error("unable to save feed state", slog.String("feed_id", f.ID), slog.Any("error", uerr))
			continue
		}
		saved[i] = true
	}
	return saved
}

// hostSlot returns the semaphore of a URL's host.
func (p *Poller) hostSlot(rawURL string) chan struct{} {
	host := rawURL
	if u, err := url.Parse(strings.TrimSpace(rawURL)); err == nil && u.Host != "" {
		host = strings.ToLower(u.Hostname())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.hosts[host]
	if !ok {
		s = make(chan struct{}, p.opts.PerHost)
		p.hosts[host] = s
	}
	return s
}

// fetchAndParse fetches, parses and classifies a feed; a panic in any of it is recorded as
// the feed's failure instead of taking the process down.
// fetched is called once the fetch is over (body read or failed).
func (p *Poller) fetchAndParse(ctx context.Context, f models.Feed, fetched func()) (b polled) {
	b.feed = f
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("panic while reading feed", slog.String("feed_id", f.ID), slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
			b.posts, b.parsed = nil, false
			b.err = &FetchError{Kind: ErrInternal, Err: fmt.Errorf("feeds: panic while reading %s: %v", f.URL, r)}
		}
	}()
	b.fr, b.err = p.client.Fetch(ctx, f)
	fetched()
	if b.err != nil || b.fr.NotModified {
		return b
	}
	body := b.fr.Body
	b.fr.Body = nil
	// A server without validators re-sending the very body whose posts are stored:
	// nothing to parse or write.
	sum := p.bodyHash(f, body)
	if bytes.Equal(sum, f.BodyHash) {
		return b
	}
	body = withHTTPCharset(body, b.fr.Charset)
	pf, err := p.parseBody(ctx, &body, f.URL)
	if err != nil {
		var fe *FetchError
		if errors.As(err, &fe) {
			fe.Status = b.fr.Status
		}
		b.err = err
		return b
	}
	// A feed that listed items and now lists none is broken, not silent: a site's
	// cache or plugin serving an empty channel would otherwise make the unit's days
	// look seen and empty (short) instead of unseen (unknown).
	if pf.Items == 0 && pf.Dropped == 0 && f.ItemHashes.Len() > 0 {
		b.err = &FetchError{Kind: ErrEmpty, Status: b.fr.Status, Err: errors.New("the feed listed items before and lists none now")}
		return b
	}
	// Items stored as they are now are left out: only new and changed ones are
	// classified and written. Before the feed's first stored read, none counts as stored.
	stored := f.ItemHashes
	if f.FirstReadAt == nil {
		stored = nil
	}
	hashes := make([]models.ItemHash, 0, len(pf.Posts))
	var buf []byte
	changed := pf.Posts[:0]
	now := p.clock.Now()
	b.oldest = oldestDated(pf.Posts)
	for i := range pf.Posts {
		var ih models.ItemHash
		ih, buf = itemHash(f, &pf.Posts[i], buf)
		hashes = append(hashes, ih)
		if c, ok := stored.Content(ih.Key); ok && c == ih.Content {
			continue
		}
		changed = append(changed, pf.Posts[i])
		q := &changed[len(changed)-1]
		q.UnitCode, q.FeedID, q.UpdatedAt = f.UnitCode, f.ID, now
		q.RuleKind, q.RuleReason = models.KindOther, ""
		if p.cls != nil {
			if cc, ok := p.cls.(confidenceClassifier); ok {
				q.RuleKind, q.RuleReason, q.RuleConfidence = cc.Confidence(*q, f)
			} else {
				q.RuleKind, q.RuleReason = p.cls.Classify(*q, f)
			}
		}
	}
	if pf.Capped > 0 || pf.Skipped > 0 {
		p.log.Info("feed read in part", slog.String("feed_id", f.ID), slog.String("url", f.URL),
			slog.Int("items", pf.Items), slog.Int("kept", len(pf.Posts)), slog.Int("skipped", pf.Skipped))
	}
	clear(pf.Posts[len(changed):]) // the unchanged items' strings can go
	b.parsed, b.posts, b.title, b.note = true, changed, pf.Title, pf.Note()
	b.bodyHash, b.itemHashes = sum, models.NewItemHashes(hashes)
	return b
}

// readHashVersion names how a body is read into posts; changing what a read stores from
// the same bytes (parsing, cleaning, caps) must change it, so stored reads are redone.
const readHashVersion = "tintot-read-2"

// bodyHash is the hash of a feed's body as read: the body, with what else decides the
// posts read from it (the feed's default kind, the item cap, readHashVersion).
func (p *Poller) bodyHash(f models.Feed, body []byte) []byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", readHashVersion, f.DefaultKind, p.opts.MaxItemsPerFeed)
	h.Write(body)
	return h.Sum(nil)
}

// itemHash returns the hashes of a parsed item: of its key, and of what a re-poll
// writes of it (its link, title, summary and categories, and the feed's default kind,
// which decides its kind). buf is scratch space, returned for reuse.
func itemHash(f models.Feed, q *models.Post, buf []byte) (models.ItemHash, []byte) {
	key := sha256.Sum256([]byte(q.ItemKey))
	buf = append(buf[:0], readHashVersion...)
	for _, s := range append([]string{string(f.DefaultKind), q.URL, q.Title, q.Summary}, q.Categories...) {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
		buf = append(buf, s...)
	}
	content := sha256.Sum256(buf)
	return models.ItemHash{Key: binary.BigEndian.Uint64(key[:8]), Content: binary.BigEndian.Uint64(content[:8])}, buf
}

// largeBody is the size from which a body's parse counts against MaxParseBytes.
const largeBody = 1 << 20

// parseBody parses a fetched body with the feed's item cap. A large body (over 1 MiB)
// first waits for room in the MaxParseBytes budget, so the workers cannot all hold a huge
// parse at once; a body larger than the whole budget is parsed alone. While it waits, the
// body is kept compressed: many workers fetching large feeds at once then hold a fraction
// of their bodies (a feed's XML compresses five to ten times) instead of all of them.
// The caller's body is taken (set to nil), so no reference to it outlives the parse.
func (p *Poller) parseBody(ctx context.Context, bodyp *[]byte, feedURL string) (ParsedFeed, error) {
	body := *bodyp
	*bodyp = nil
	if n := int64(len(body)); n > largeBody {
		if !p.parse.tryAcquire(n) {
			packed, err := deflate(body)
			if err != nil {
				return ParsedFeed{}, &FetchError{Kind: ErrInternal, Err: err}
			}
			body = nil // the compressed copy is all that waits
			if err := p.parse.acquire(ctx, n); err != nil {
				return ParsedFeed{}, &FetchError{Kind: ErrCanceled, Err: err}
			}
			if body, err = inflate(packed, n); err != nil {
				p.parse.release(n)
				return ParsedFeed{}, &FetchError{Kind: ErrInternal, Err: err}
			}
		}
		defer p.parse.release(n)
	}
	return ParseLimit(body, feedURL, p.clock.Now(), p.opts.MaxItemsPerFeed)
}

// deflate compresses a body waiting to be parsed.
func deflate(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("feeds: unable to compress a waiting body: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("feeds: unable to compress a waiting body: %w", err)
	}
	return buf.Bytes(), nil
}

// inflate restores a body of n bytes compressed by deflate.
func inflate(packed []byte, n int64) ([]byte, error) {
	body := make([]byte, n)
	zr := flate.NewReader(bytes.NewReader(packed))
	defer zr.Close()
	if _, err := io.ReadFull(zr, body); err != nil {
		return nil, fmt.Errorf("feeds: unable to restore a waiting body: %w", err)
	}
	return body, nil
}

// record updates the feed's validators, schedule and health after a poll.
func (p *Poller) record(ctx context.Context, f *models.Feed, b polled, now time.Time) {
	fr, title, err := b.fr, b.title, b.err
	f.LastCheckAt = &now
	f.LeaseHolder, f.LeaseUntil = "", nil
	if fr.Status != 0 {
		f.LastStatus = fr.Status
	}
	if err == nil {
		if !fr.NotModified { // validators only after a successful parse
			f.ETag, f.LastModified = fr.ETag, fr.LastModified
			if f.Title == "" && title != "" {
				f.Title = title
			}
		}
		if b.parsed { // a 304 or the stored body again: what was noted still holds
			f.Note = b.note
			f.BodyHash, f.ItemHashes = b.bodyHash, b.itemHashes
		}
		wasFailing := f.ConsecutiveFailures > 0 || f.FailingSince != nil
		covered := recoveryCoverage(b, f.LastSuccessAt, now)
		f.State = models.FeedOK
		f.ConsecutiveFailures = 0
		f.FailingSince = nil
		f.LastError, f.LastErrorDetail = "", ""
		f.LastSuccessAt = &now
		if wasFailing {
			if cerr := p.st.CloseOutage(ctx, f.ID, now, &covered); cerr != nil {
				p.log.Error("unable to close outage", slog.String("feed_id", f.ID), slog.Any("error", cerr))
			}
		}
		f.NextCheckAt = now.Add(p.opts.Policy(*f, Outcome{OK: true, NotModified: fr.NotModified, RetryAfter: fr.RetryAfter, MaxAge: fr.MaxAge}))
		return
	}
	f.ConsecutiveFailures++
	if f.FailingSince == nil {
		f.FailingSince = &now
		reason := message(err)
		if oerr := p.st.OpenOutage(ctx, models.FeedOutage{FeedID: f.ID, UnitCode: f.UnitCode, From: now, Reason: reason}); oerr != nil {
			p.log.Error("unable to open outage", slog.String("feed_id", f.ID), slog.Any("error", oerr))
		}
	}
	f.LastError = message(err)
	f.LastErrorDetail = err.Error()
	if f.ConsecutiveFailures >= p.opts.BrokenAfterFails || now.Sub(*f.FailingSince) >= p.opts.BrokenAfter {
		f.State = models.FeedBroken
	} else {
		f.State = models.FeedFailing
	}
	f.NextCheckAt = now.Add(p.opts.Policy(*f, Outcome{Failures: f.ConsecutiveFailures, RetryAfter: fr.RetryAfter}))
}

// recoveryCoverage is how far back a successful read reached, for the outage it ends: the
// oldest dated item of a parsed body; the previous good read when the feed answered 304
// or sent the body already stored (nothing was published since); else the read itself
// (a body without usable dates shows nothing of the past).
func recoveryCoverage(b polled, lastSuccess *time.Time, now time.Time) time.Time {
	switch {
	case b.parsed && !b.oldest.IsZero() && b.oldest.Before(now):
		return b.oldest.UTC()
	case !b.parsed && lastSuccess != nil:
		return lastSuccess.UTC()
	}
	return now.UTC()
}

// byteBudget is a semaphore weighted in bytes. A request larger than the whole budget is
// granted once nothing else holds any, so it runs alone.
type byteBudget struct {
	mu      sync.Mutex
	size    int64
	used    int64
	waiters []*budgetWaiter // first come, first served
}

type budgetWaiter struct {
	n     int64
	ready chan struct{}
}

func newByteBudget(size int64) *byteBudget { return &byteBudget{size: size} }

// tryAcquire takes n bytes if they are free now (or nothing is held) and nobody waits.
func (b *byteBudget) tryAcquire(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiters) == 0 && b.fits(n) {
		b.used += n
		return true
	}
	return false
}

// acquire waits until n bytes are free (or nothing is held) or ctx is done.
func (b *byteBudget) acquire(ctx context.Context, n int64) error {
	b.mu.Lock()
	if len(b.waiters) == 0 && b.fits(n) {
		b.used += n
		b.mu.Unlock()
		return nil
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		select {
		case <-w.ready: // granted meanwhile: give it back
			b.used -= n
			b.grant()
		default:
			b.waiters = slices.DeleteFunc(b.waiters, func(x *budgetWaiter) bool { return x == w })
			b.grant() // the next waiter may fit now that this one no longer blocks the line
		}
		b.mu.Unlock()
		return ctx.Err()
	}
}

// release returns n bytes.
func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	b.grant()
	b.mu.Unlock()
}

func (b *byteBudget) fits(n int64) bool { return b.used == 0 || b.used+n <= b.size }

// grant admits waiters in order while they fit; b.mu is held.
func (b *byteBudget) grant() {
	for len(b.waiters) > 0 && b.fits(b.waiters[0].n) {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.used += w.n
		close(w.ready)
	}
}
