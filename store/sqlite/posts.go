package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

const postCols = `id, unit_code, feed_id, item_key, source, url, title, summary, categories, published_at, local_day,
	first_seen_at, date_inferred, date_clamped, rule_kind, rule_reason, override, submitted_by, rejected, updated_at, proposal, rule_confidence`

// effKindSQL is the effective kind of a row given a new rule kind parameter.
const effKindSQL = `COALESCE(NULLIF(json_extract(override, '$.kind'), ''), ?)`

func scanPost(sc rowScanner) (models.Post, error) {
	var (
		p                     models.Post
		cats                  string
		ov, prop              sql.NullString
		pub, seen, up         sql.NullInt64
		inferred, clamped, rj int
	)
	err := sc.Scan(&p.ID, &p.UnitCode, &p.FeedID, &p.ItemKey, &p.Source, &p.URL, &p.Title, &p.Summary, &cats, &pub, &p.LocalDay,
		&seen, &inferred, &clamped, &p.RuleKind, &p.RuleReason, &ov, &p.SubmittedBy, &rj, &up, &prop, &p.RuleConfidence)
	if err != nil {
		return p, err
	}
	if p.Categories, err = fromJSON[string](cats); err != nil {
		return p, err
	}
	if ov.Valid && ov.String != "" {
		var o models.Override
		if err := json.Unmarshal([]byte(ov.String), &o); err != nil {
			return p, fmt.Errorf("sqlite: corrupt override of post %s: %w", p.ID, err)
		}
		o.At = o.At.UTC()
		p.Override = &o
	}
	if prop.Valid && prop.String != "" {
		var o models.Override
		if err := json.Unmarshal([]byte(prop.String), &o); err != nil {
			return p, fmt.Errorf("sqlite: corrupt proposal of post %s: %w", p.ID, err)
		}
		o.At = o.At.UTC()
		p.Proposal = &o
	}
	p.PublishedAt, p.FirstSeenAt, p.UpdatedAt = fromMS(pub), fromMS(seen), fromMS(up)
	p.DateInferred, p.DateClamped, p.Rejected = inferred != 0, clamped != 0, rj != 0
	return p, nil
}

func overrideJSON(o *models.Override) (any, error) {
	if o == nil {
		return nil, nil
	}
	c := *o
	c.At = c.At.UTC().Truncate(1e6)
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to encode override: %w", err)
	}
	return string(b), nil
}

// newPostID returns a random 32-hex-digit ID, like store.NewID, whose first 12 digits are
// the current unix millisecond: new posts land at the end of the ID index instead of on
// random pages of it, so a batch of inserts dirties a few pages rather than most of them.
func newPostID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(b[6:]) // never fails (it crashes the program instead)
	return hex.EncodeToString(b[:])
}

// preparePost checks a post's identity and fills the derived fields.
func preparePost(p *models.Post) error {
	if p.UnitCode == "" || p.ItemKey == "" {
		return fmt.Errorf("sqlite: post %q needs a unit code and an item key: %w", p.Title, store.ErrInvalid)
	}
	if p.ID == "" {
		p.ID = newPostID()
	}
	if p.Source == "" {
		p.Source = models.SourceFeed
	}
	if p.FirstSeenAt.IsZero() {
		p.FirstSeenAt = nowIfZero(p.PublishedAt)
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt = p.FirstSeenAt
	}
	if p.LocalDay == "" {
		p.LocalDay = models.LocalDay(p.PublishedAt, models.Vietnam)
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.FirstSeenAt
	}
	return nil
}

// insertPostSQL inserts one post with its effective kind and whether it counts, unless
// its unit already has the item key (then nothing changes and no row is affected).
const insertPostSQL = `INSERT INTO posts(` + postCols + `, eff_kind, counted, tags) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
	ON CONFLICT(unit_code, item_key) DO NOTHING`

// updatePostSQL refreshes what a re-poll may change of a post already stored, with the
// hashtag terms of its text (post_tags follows through the trigger post_tags_update when
// they change).
const updatePostSQL = `UPDATE posts SET url = ?, title = ?, summary = ?, categories = ?, rule_kind = ?, rule_confidence = ?,
	rule_reason = ?, updated_at = ?, eff_kind = ` + effKindSQL + `, tags = ? WHERE unit_code = ? AND item_key = ?`

// insertTagSQL records one hashtag term of an inserted post. The store writes post_tags
// itself rather than through a trigger on posts: a trigger makes every post insert a
// statement that writes several tables, which SQLite guards with a statement journal (a
// copy of each page the insert touches), ~15 % of a first poll's writing (migration 19).
const insertTagSQL = `INSERT INTO post_tags(post_id, tag, unit_code, local_day) VALUES (?, ?, ?, ?)
	ON CONFLICT(post_id, tag) DO NOTHING`

// insertTags records the hashtag terms of an inserted post with st (insertTagSQL within
// the post's transaction).
func insertTags(ctx context.Context, st *rawStmt, p models.Post, tags []string) error {
	for _, tag := range tags {
		if _, err := st.exec(ctx, p.ID, tag, p.UnitCode, p.LocalDay); err != nil {
			return fmt.Errorf("sqlite: unable to record hashtag %q of post %s of %s: %w", tag, p.ItemKey, p.UnitCode, mapErr(err))
		}
	}
	return nil
}

// insertPostArgs are the arguments of insertPostSQL for p, whose hashtag terms are tags
// (classify.PostTags).
func insertPostArgs(p models.Post, tags []string) ([]any, error) {
	ov, err := overrideJSON(p.Override)
	if err != nil {
		return nil, err
	}
	prop, err := overrideJSON(p.Proposal)
	if err != nil {
		return nil, err
	}
	return []any{p.ID, p.UnitCode, p.FeedID, p.ItemKey, string(p.Source), p.URL, p.Title, p.Summary, jsonText(p.Categories), ms(p.PublishedAt), p.LocalDay,
		ms(p.FirstSeenAt), boolInt(p.DateInferred), boolInt(p.DateClamped), string(p.RuleKind), p.RuleReason, ov, p.SubmittedBy, boolInt(p.Rejected), ms(p.UpdatedAt),
		prop, p.RuleConfidence, string(p.Kind()), boolInt(p.Counted()), jsonText(tags)}, nil
}

// countKey is one post_counts row.
type countKey struct{ day, unit, kind string }

// countDelta is what inserted posts add to one post_counts row.
type countDelta struct{ count, manual int }

// pendingCounts collects the counter increments of posts inserted in a transaction, so
// each (day, unit, kind) row is written once per batch rather than once per post. Posts
// already stored move their counters through the update and delete triggers, so the
// increments must be written before any such statement runs in the same transaction.
type pendingCounts map[countKey]countDelta

// add records an inserted post.
func (c pendingCounts) add(p models.Post) {
	if !p.Counted() {
		return
	}
	k := countKey{day: p.LocalDay, unit: p.UnitCode, kind: string(p.Kind())}
	d := c[k]
	d.count++
	if p.Source == models.SourceManual {
		d.manual++
	}
	c[k] = d
}

// countPostsSQL adds inserted posts to a post_counts row.
const countPostsSQL = `INSERT INTO post_counts(local_day, unit_code, kind, count, manual) VALUES (?, ?, ?, ?, ?)
	ON CONFLICT(local_day, unit_code, kind) DO UPDATE SET count = count + excluded.count, manual = manual + excluded.manual`

// flush writes the collected increments in key order with st (countPostsSQL within the
// posts' transaction), gives their days new versions with bump (bumpDaySQL), and forgets
// them.
func (c pendingCounts) flush(ctx context.Context, st, bump *rawStmt) error {
	if len(c) == 0 {
		return nil
	}
	keys := make([]countKey, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b countKey) int {
		if n := strings.Compare(a.day, b.day); n != 0 {
			return n
		}
		if n := strings.Compare(a.unit, b.unit); n != 0 {
			return n
		}
		return strings.Compare(a.kind, b.kind)
	})
	for _, k := range keys {
		d := c[k]
		if _, err := st.exec(ctx, k.day, k.unit, k.kind, d.count, d.manual); err != nil {
			return fmt.Errorf("sqlite: unable to count posts of %s on %s: %w", k.unit, k.day, err)
		}
	}
	// Each day written gets a new version once (see migration 13), in the same
	// transaction, so a reader holding the day in memory reads it again.
	for i, k := range keys {
		if i > 0 && keys[i-1].day == k.day {
			continue
		}
		if _, err := bump.exec(ctx, k.day); err != nil {
			return fmt.Errorf("sqlite: unable to mark the counters of %s changed: %w", k.day, err)
		}
	}
	clear(c)
	return nil
}

// bumpDaySQL gives a day of counters a new version.
const bumpDaySQL = `INSERT INTO count_days(local_day, version) VALUES (?, 1)
	ON CONFLICT(local_day) DO UPDATE SET version = version + 1`

// UpsertPosts writes a poll's posts in one transaction, idempotent on (unit, item key).
func (s *Store) UpsertPosts(ctx context.Context, posts []models.Post) (store.UpsertResult, error) {
	var res store.UpsertResult
	if len(posts) == 0 {
		return res, nil
	}
	prepared := make([]models.Post, len(posts))
	for i, p := range posts {
		if err := preparePost(&p); err != nil {
			return res, err
		}
		prepared[i] = p
	}
	err := s.writePosts(ctx, func(w *postWriter) error {
		var err error
		res, err = upsertPosts(ctx, w, prepared)
		return err
	})
	if err != nil {
		return store.UpsertResult{}, err
	}
	return res, nil
}

// upsertPosts inserts the new posts and updates the stored ones within w's transaction,
// keeping the day counters. The posts are already prepared, and reordered: the inserted
// ones are returned as the front of posts.
func upsertPosts(ctx context.Context, w *postWriter, posts []models.Post) (store.UpsertResult, error) {
	var res store.UpsertResult
	counts := pendingCounts{}
	inserted := 0
	// The rows' statements run without ctx's cancellation: with it, the driver starts a
	// watcher goroutine and a progress handler for every statement (three a post). ctx
	// is checked before each row instead, and the transaction rolls back when it ends.
	rowCtx := context.WithoutCancel(ctx)
	for _, p := range posts {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		tags := classify.PostTags(p)
		args, err := insertPostArgs(p, tags)
		if err != nil {
			return res, err
		}
		n, err := w.insertPost.exec(rowCtx, args...)
		if err != nil {
			return res, fmt.Errorf("sqlite: unable to insert post %s of %s: %w", p.ItemKey, p.UnitCode, mapErr(err))
		}
		if n > 0 {
			if len(tags) > 0 {
				if err := insertTags(rowCtx, w.insertTag, p, tags); err != nil {
					return res, err
				}
			}
			posts[inserted] = p // posts is UpsertPosts' own copy: the inserted ones move to its front
			inserted++
			counts.add(p)
			continue
		}
		// Already stored: its counters may move (update trigger), so the pending
		// increments go first.
		if err := counts.flush(rowCtx, w.countPosts, w.bumpDay); err != nil {
			return res, err
		}
		_, err = w.updatePost.exec(rowCtx, p.URL, p.Title, p.Summary, jsonText(p.Categories), string(p.RuleKind), p.RuleConfidence,
			p.RuleReason, ms(p.UpdatedAt), string(p.RuleKind), jsonText(classify.PostTags(p)), p.UnitCode, p.ItemKey)
		if err != nil {
			return res, fmt.Errorf("sqlite: unable to update post %s of %s: %w", p.ItemKey, p.UnitCode, mapErr(err))
		}
		res.Updated++
	}
	if err := counts.flush(rowCtx, w.countPosts, w.bumpDay); err != nil {
		return res, err
	}
	if inserted > 0 {
		res.Inserted = posts[:inserted:inserted]
	}
	return res, nil
}

// CreateManualPost inserts a hand-submitted post; ErrConflict if the unit already has the key.
func (s *Store) CreateManualPost(ctx context.Context, p models.Post) (models.Post, error) {
	p.Source = models.SourceManual
	if err := preparePost(&p); err != nil {
		return models.Post{}, err
	}
	tags := classify.PostTags(p)
	args, err := insertPostArgs(p, tags)
	if err != nil {
		return models.Post{}, err
	}
	err = s.writePosts(ctx, func(w *postWriter) error {
		// Without ctx's cancellation (see writePosts); a request that ends meanwhile still
		// rolls back, at the next check.
		rowCtx := context.WithoutCancel(ctx)
		n, err := w.insertPost.exec(rowCtx, args...)
		if err != nil {
			return fmt.Errorf("sqlite: unable to insert post %s of %s: %w", p.ItemKey, p.UnitCode, mapErr(err))
		}
		if n == 0 {
			return fmt.Errorf("sqlite: post %s of %s already exists: %w", p.ItemKey, p.UnitCode, store.ErrConflict)
		}
		if err := insertTags(rowCtx, w.insertTag, p, tags); err != nil {
			return err
		}
		counts := pendingCounts{}
		counts.add(p)
		if err := counts.flush(rowCtx, w.countPosts, w.bumpDay); err != nil {
			return err
		}
		return ctx.Err()
	})
	if err != nil {
		return models.Post{}, err
	}
	return p, nil
}

// GetPost returns one post or ErrNotFound.
func (s *Store) GetPost(ctx context.Context, id string) (models.Post, error) {
	return getOne(ctx, s.r, "post "+id, scanPost, `SELECT `+postCols+` FROM posts WHERE id = ?`, id)
}

// ListPosts returns posts matching the filter, newest PublishedAt first.
func (s *Store) ListPosts(ctx context.Context, f store.PostFilter) ([]models.Post, error) {
	q, args := listPostsSQL(f)
	return queryAll(ctx, s.r, "posts", "post", scanPost, q, args...)
}

// listPostsSQL is ListPosts' query for f, and its arguments.
func listPostsSQL(f store.PostFilter) (string, []any) {
	w := postsWhere(f)
	order := ` ORDER BY published_at DESC, id`
	if f.Decided || f.Proposed {
		// Few posts match: find them through their small partial index and sort them
		// (unary + keeps the planner from any index that would give the order).
		order = ` ORDER BY +published_at DESC, id`
	}
	from, args := ` FROM posts`, w.args
	if len(f.Tags) > 0 {
		// The posts carrying the terms, found through post_tags' (tag, local_day) index,
		// drive the query (INDEXED BY and CROSS JOIN hold the plan): a trend reads its few posts,
		// never every post of its units in its days.
		var t where
		t.in("tag", f.Tags)
		if f.FromDay != "" {
			t.add("local_day >= ?", f.FromDay)
		}
		if f.ToDay != "" {
			t.add("local_day <= ?", f.ToDay)
		}
		from = ` FROM (SELECT DISTINCT post_id FROM post_tags INDEXED BY post_tags_tag_day` + t.String() + `) AS tagged CROSS JOIN posts ON posts.id = tagged.post_id`
		args = append(t.args, w.args...)
	}
	q := `SELECT ` + postCols + from + w.String() + order
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = -1
		}
		q += ` LIMIT ? OFFSET ?`
		args = append(args, limit, max(f.Offset, 0))
	}
	return q, args
}

// postsWhere is the condition on posts of every selection of f but its tags.
func postsWhere(f store.PostFilter) where {
	var w where
	if f.UnitCode != "" {
		w.add("unit_code = ?", f.UnitCode)
	}
	if len(f.UnitCodes) > 0 {
		w.in("unit_code", f.UnitCodes)
	}
	if f.FromDay != "" {
		w.add("local_day >= ?", f.FromDay)
	}
	if f.ToDay != "" {
		w.add("local_day <= ?", f.ToDay)
	}
	if f.Kind != "" {
		w.add("eff_kind = ?", string(f.Kind))
	}
	if f.Source != "" {
		w.add("source = ?", string(f.Source))
	}
	if f.NoOverride {
		w.add("override IS NULL")
	}
	if f.Proposed {
		w.add("proposal IS NOT NULL")
	}
	if f.Uncertain > 0 {
		w.add("rule_confidence > 0 AND rule_confidence < ?", f.Uncertain)
	}
	if f.Decided {
		// override IS NOT NULL lets SQLite use the small posts_overridden index.
		w.add("override IS NOT NULL AND NULLIF(json_extract(override, '$.kind'), '') IS NOT NULL")
	}
	if f.SeenSince != nil {
		w.add("first_seen_at >= ?", f.SeenSince.UnixMilli())
	}
	return w
}

// WalkPosts calls fn with successive pages of at most size posts matching f (its Limit,
// Offset and Tags must be unset), in local day and rowid order. Each page is one query
// that continues after the last post of the page before (through posts_day, or the
// unit's posts in posts_unit_day), never an OFFSET re-reading the pages before it; fn
// may write the posts it is given. A post inserted or moved to another day during the
// walk may be missed; none is passed twice.
func (s *Store) WalkPosts(ctx context.Context, f store.PostFilter, size int, fn func([]models.Post) error) error {
	size, err := store.WalkPage(f, size)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	var (
		after *walkCursor
		rowid int64
	)
	scan := func(sc rowScanner) (models.Post, error) {
		return scanPost(rowidScanner{sc, &rowid})
	}
	for {
		q, args := walkPageSQL(f, after, size)
		posts, err := queryAll(ctx, s.r, "posts", "post", scan, q, args...)
		if err != nil {
			return err
		}
		if len(posts) == 0 {
			return nil
		}
		after = &walkCursor{day: posts[len(posts)-1].LocalDay, rowid: rowid} // rowid: the last row's, scanned last
		if err := fn(posts); err != nil {
			return err
		}
		if len(posts) < size {
			return nil
		}
	}
}

// walkCursor is where a walk of posts goes on from: the last post passed.
type walkCursor struct {
	day   string
	rowid int64
}

// walkPageSQL is the query of a page of WalkPosts after a cursor (nil: the first page),
// selecting postCols and the rowid.
func walkPageSQL(f store.PostFilter, after *walkCursor, size int) (string, []any) {
	if after != nil {
		// The cursor's day is the lower bound of the day range (never before f's): the
		// range starts there in posts_day, and only the posts of that day passed already
		// are read again (a filter on the rowid, which is in the index). With f's bound
		// kept and the cursor in an OR, every page read the range from f's first day.
		f.FromDay = after.day
	}
	w := postsWhere(f)
	if after != nil {
		w.add("(local_day > ? OR rowid > ?)", after.day, after.rowid)
	}
	return `SELECT ` + postCols + `, rowid FROM posts` + w.String() + ` ORDER BY local_day, rowid LIMIT ?`, append(w.args, size)
}

// rowidScanner scans a row of postCols followed by the rowid, into rowid.
type rowidScanner struct {
	sc    rowScanner
	rowid *int64
}

func (r rowidScanner) Scan(dest ...any) error {
	return r.sc.Scan(append(dest, r.rowid)...)
}

// SetOverride sets (or clears, with nil) a post's manual override; ErrNotFound if absent.
func (s *Store) SetOverride(ctx context.Context, id string, o *models.Override) error {
	if o != nil && o.Kind != "" && !o.Kind.Valid() {
		return fmt.Errorf("sqlite: override of post %s has unknown kind %q: %w", id, o.Kind, store.ErrInvalid)
	}
	ov, err := overrideJSON(o)
	if err != nil {
		return err
	}
	kind, excluded := "", false
	if o != nil {
		kind, excluded = string(o.Kind), o.Excluded
	}
	res, err := s.w.ExecContext(ctx, `UPDATE posts SET override = ?,
		eff_kind = COALESCE(NULLIF(?, ''), rule_kind),
		counted = (rejected = 0 AND ? = 0)
		WHERE id = ?`, ov, kind, boolInt(excluded), id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to set override of post %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: post %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetProposal sets (or clears, with nil) a post's pending proposal; what counts is
// unchanged. ErrNotFound if absent.
func (s *Store) SetProposal(ctx context.Context, id string, o *models.Override) error {
	if o != nil && o.Kind != "" && !o.Kind.Valid() {
		return fmt.Errorf("sqlite: proposal of post %s has unknown kind %q: %w", id, o.Kind, store.ErrInvalid)
	}
	prop, err := overrideJSON(o)
	if err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE posts SET proposal = ? WHERE id = ?`, prop, id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to set proposal of post %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: post %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetRejected marks a manual post rejected or not; ErrNotFound if absent.
func (s *Store) SetRejected(ctx context.Context, id string, rejected bool) error {
	res, err := s.w.ExecContext(ctx, `UPDATE posts SET rejected = ?,
		counted = (? = 0 AND COALESCE(json_extract(override, '$.excluded'), 0) = 0)
		WHERE id = ?`, boolInt(rejected), boolInt(rejected), id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to set rejection of post %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: post %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetRuleKinds updates rule kind and reason of many posts at once; unknown IDs are skipped.
func (s *Store) SetRuleKinds(ctx context.Context, updates []store.RuleKindUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE posts SET rule_kind = ?, rule_reason = ?, rule_confidence = ?, eff_kind = `+effKindSQL+` WHERE id = ?`)
		if err != nil {
			return fmt.Errorf("sqlite: prepare rule kind update: %w", err)
		}
		defer st.Close()
		for _, u := range updates {
			if _, err := st.ExecContext(ctx, string(u.Kind), u.Reason, u.Confidence, string(u.Kind), u.ID); err != nil {
				return fmt.Errorf("sqlite: unable to set rule kind of post %s: %w", u.ID, err)
			}
		}
		return nil
	})
}

// countFilterInSQL is the largest unit list CountPosts filters in SQL (index seeks); a
// longer list (a whole province) scans the day range and filters in memory.
const countFilterInSQL = 64

// CountPosts counts counted posts by unit, local day and effective kind for days in
// [FromDay, ToDay], ordered by day, unit and kind. It reads the per-day counters kept
// with every post write, never the posts themselves.
func (s *Store) CountPosts(ctx context.Context, q store.CountQuery) ([]models.DayCount, error) {
	out := []models.DayCount{}
	units := map[string]string{} // interned: the parsed codes are slices of whole days' text
	err := s.EachCount(ctx, q, func(c models.DayCount) {
		u, ok := units[c.UnitCode]
		if !ok {
			u = strings.Clone(c.UnitCode)
			units[u] = u
		}
		c.UnitCode = u
		out = append(out, c)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachCount calls fn for each count CountPosts returns, in the same order, without
// building the list.
func (s *Store) EachCount(ctx context.Context, q store.CountQuery, fn func(models.DayCount)) error {
	var w where
	w.add("count > 0")
	for _, d := range []string{q.FromDay, q.ToDay} {
		if d == "" {
			continue
		}
		if _, err := models.DayStart(d, models.Vietnam); err != nil {
			return fmt.Errorf("sqlite: count posts: %w: %w", err, store.ErrInvalid)
		}
	}
	if q.FromDay != "" {
		w.add("local_day >= ?", q.FromDay)
	}
	if q.ToDay != "" {
		w.add("local_day <= ?", q.ToDay)
	}
	var keep map[string]bool
	switch n := len(q.UnitCodes); {
	case n == 1:
		w.add("unit_code = ?", q.UnitCodes[0])
		return s.countRows(ctx, w, nil, fn)
	case n > 1 && n <= countFilterInSQL:
		w.in("unit_code", q.UnitCodes)
		return s.countPacked(ctx, w, nil, fn)
	case n > countFilterInSQL:
		keep = make(map[string]bool, n)
		for _, c := range q.UnitCodes {
			keep[c] = true
		}
	}
	return s.countDays(ctx, q.FromDay, q.ToDay, keep, fn)
}

// countRows reads counters one row each: cheap for one unit.
func (s *Store) countRows(ctx context.Context, w where, keep map[string]bool, fn func(models.DayCount)) error {
	return countRowsOn(ctx, s.r, w, keep, fn)
}

// countRowsOn is countRows through q (a pool or a transaction).
func countRowsOn(ctx context.Context, q execer, w where, keep map[string]bool, fn func(models.DayCount)) error {
	rows, err := q.QueryContext(ctx, `SELECT unit_code, local_day, kind, count, manual FROM post_counts`+w.String()+
		` ORDER BY local_day, unit_code, kind`, w.args...)
	if err != nil {
		return fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	defer rows.Close()
	var unit, day, kind, cnt, man any // *any destinations skip database/sql's reflection
	for rows.Next() {
		if err := rows.Scan(&unit, &day, &kind, &cnt, &man); err != nil {
			return fmt.Errorf("sqlite: unable to read count: %w", err)
		}
		u, ok1 := unit.(string)
		d, ok2 := day.(string)
		k, ok3 := kind.(string)
		c, ok4 := cnt.(int64)
		m, ok5 := man.(int64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return fmt.Errorf("sqlite: unexpected column types in post_counts: %T %T %T %T %T", unit, day, kind, cnt, man)
		}
		if keep != nil && !keep[u] {
			continue
		}
		fn(models.DayCount{UnitCode: u, Day: d, Kind: models.Kind(k), Count: int(c), Manual: int(m)})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	return nil
}

// countPacked reads a whole day of counters as one string per day (rows crossing the
// driver cost far more than the scan itself). A day whose text does not parse (a unit
// code holding the separator characters) is read again row by row, after the packed
// query is closed (an in-memory database has a single connection), so from that day on
// the days are held until then to keep their order.
func (s *Store) countPacked(ctx context.Context, w where, keep map[string]bool, fn func(models.DayCount)) error {
	rows, err := s.r.QueryContext(ctx, `SELECT local_day, group_concat(packed, char(30)) FROM post_counts`+w.String()+
		` GROUP BY local_day ORDER BY local_day`, w.args...)
	if err != nil {
		return fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	defer rows.Close()
	kinds := make(map[string]models.Kind, len(models.Kinds))
	for _, k := range models.Kinds {
		kinds[string(k)] = k
	}
	var buf []models.DayCount // one day, parsed before any of it is passed on
	parseDay := func(day, packed string) bool {
		buf = buf[:0]
		for rec := range strings.SplitSeq(packed, "\x1e") {
			c, good := parsePacked(rec, day, kinds)
			if !good {
				return false
			}
			if keep == nil || keep[c.UnitCode] {
				buf = append(buf, c)
			}
		}
		return true
	}
	type dayText struct{ day, packed string }
	var held []dayText // from the first day that did not parse on
	for rows.Next() {
		var d dayText
		if err := rows.Scan(&d.day, &d.packed); err != nil {
			return fmt.Errorf("sqlite: unable to read counts: %w", err)
		}
		if held == nil && parseDay(d.day, d.packed) {
			for _, c := range buf {
				fn(c)
			}
			continue
		}
		held = append(held, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: unable to count posts: %w", err)
	}
	rows.Close()
	for _, d := range held {
		if parseDay(d.day, d.packed) {
			for _, c := range buf {
				fn(c)
			}
			continue
		}
		one := w
		one.conds = append(slices.Clip(w.conds), "local_day = ?")
		one.args = append(slices.Clip(w.args), d.day)
		if err := s.countRows(ctx, one, keep, fn); err != nil {
			return err
		}
	}
	return nil
}

// parsePacked decodes "unit\x1fkind\x1fcount\x1fmanual", reading from the right. The unit
// code is a slice of rec.
func parsePacked(rec, day string, kinds map[string]models.Kind) (models.DayCount, bool) {
	var c models.DayCount
	i := strings.LastIndexByte(rec, 0x1f)
	if i < 0 {
		return c, false
	}
	manual, err := strconv.Atoi(rec[i+1:])
	if err != nil {
		return c, false
	}
	rec = rec[:i]
	if i = strings.LastIndexByte(rec, 0x1f); i < 0 {
		return c, false
	}
	count, err := strconv.Atoi(rec[i+1:])
	if err != nil {
		return c, false
	}
	rec = rec[:i]
	if i = strings.LastIndexByte(rec, 0x1f); i < 0 {
		return c, false
	}
	kind, known := kinds[rec[i+1:]]
	if !known {
		kind = models.Kind(strings.Clone(rec[i+1:]))
	}
	return models.DayCount{UnitCode: rec[:i], Day: day, Kind: kind, Count: count, Manual: manual}, true
}
