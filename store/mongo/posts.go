package mongo

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// postDoc is a post as stored; its ID is the _id and (unit_code, item_key) is unique.
type postDoc struct {
	ID           string       `bson:"_id"`
	UnitCode     string       `bson:"unit_code"`
	FeedID       string       `bson:"feed_id"`
	ItemKey      string       `bson:"item_key"`
	Source       string       `bson:"source"`
	URL          string       `bson:"url"`
	Title        string       `bson:"title"`
	Summary      string       `bson:"summary"`
	Categories   []string     `bson:"categories"`
	PublishedAt  time.Time    `bson:"published_at"`
	LocalDay     string       `bson:"local_day"`
	FirstSeenAt  time.Time    `bson:"first_seen_at"`
	DateInferred bool         `bson:"date_inferred"`
	DateClamped  bool         `bson:"date_clamped"`
	RuleKind     string       `bson:"rule_kind"`
	RuleReason   string       `bson:"rule_reason"`
	RuleConf     float64      `bson:"rule_confidence,omitempty"`
	Override     *overrideDoc `bson:"override,omitempty"`
	Proposal     *overrideDoc `bson:"proposal,omitempty"`
	SubmittedBy  string       `bson:"submitted_by"`
	Rejected     bool         `bson:"rejected"`
	UpdatedAt    time.Time    `bson:"updated_at"`
	// Tags are the hashtag terms of the post (classify.PostTags), written with its text
	// and never nil, so a post without the field is one stored before they existed.
	Tags []string `bson:"tags"`
}

// overrideDoc is a person's decision on a post. An empty kind is left out so that
// "override.kind" is missing exactly when the rule's kind applies.
type overrideDoc struct {
	Kind     string    `bson:"kind,omitempty"`
	Excluded bool      `bson:"excluded"`
	Note     string    `bson:"note"`
	By       string    `bson:"by"`
	At       time.Time `bson:"at"`
}

func toOverrideDoc(o *models.Override) *overrideDoc {
	if o == nil {
		return nil
	}
	return &overrideDoc{Kind: string(o.Kind), Excluded: o.Excluded, Note: o.Note, By: o.By, At: ms(o.At)}
}

func (d *overrideDoc) model() *models.Override {
	if d == nil {
		return nil
	}
	return &models.Override{Kind: models.Kind(d.Kind), Excluded: d.Excluded, Note: d.Note, By: d.By, At: d.At}
}

func toPostDoc(p models.Post) postDoc {
	return postDoc{
		ID: p.ID, UnitCode: p.UnitCode, FeedID: p.FeedID, ItemKey: p.ItemKey, Source: string(p.Source),
		URL: p.URL, Title: p.Title, Summary: p.Summary, Categories: p.Categories,
		PublishedAt: ms(p.PublishedAt), LocalDay: p.LocalDay, FirstSeenAt: ms(p.FirstSeenAt),
		DateInferred: p.DateInferred, DateClamped: p.DateClamped,
		RuleKind: string(p.RuleKind), RuleReason: p.RuleReason, RuleConf: p.RuleConfidence, Override: toOverrideDoc(p.Override), Proposal: toOverrideDoc(p.Proposal),
		SubmittedBy: p.SubmittedBy, Rejected: p.Rejected, UpdatedAt: ms(p.UpdatedAt),
		Tags: postTags(p),
	}
}

// postTags are the hashtag terms of p, an empty list rather than nil.
func postTags(p models.Post) []string {
	if tags := classify.PostTags(p); tags != nil {
		return tags
	}
	return []string{}
}

func (d postDoc) model() models.Post {
	return models.Post{
		ID: d.ID, UnitCode: d.UnitCode, FeedID: d.FeedID, ItemKey: d.ItemKey, Source: models.PostSource(d.Source),
		URL: d.URL, Title: d.Title, Summary: d.Summary, Categories: d.Categories,
		PublishedAt: d.PublishedAt, LocalDay: d.LocalDay, FirstSeenAt: d.FirstSeenAt,
		DateInferred: d.DateInferred, DateClamped: d.DateClamped,
		RuleKind: models.Kind(d.RuleKind), RuleReason: d.RuleReason, RuleConfidence: d.RuleConf, Override: d.Override.model(), Proposal: d.Proposal.model(),
		SubmittedBy: d.SubmittedBy, Rejected: d.Rejected, UpdatedAt: d.UpdatedAt,
	}
}

// preparePost checks a post's identity and fills what a new post needs: ID, source,
// first-seen time, publication time (first-seen, marked inferred, when missing) and
// local day (Asia/Ho_Chi_Minh).
func preparePost(p models.Post, source models.PostSource, t time.Time) (models.Post, error) {
	if p.UnitCode == "" || p.ItemKey == "" {
		return p, fmt.Errorf("mongo: post needs a unit code and an item key (unit %q, key %q): %w", p.UnitCode, p.ItemKey, store.ErrInvalid)
	}
	if p.FirstSeenAt.IsZero() {
		p.FirstSeenAt = t
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt, p.DateInferred = p.FirstSeenAt, true
	}
	if p.ID == "" {
		p.ID = postKeyID(p.UnitCode, p.ItemKey)
	}
	if p.Source == "" {
		p.Source = source
	}
	if p.LocalDay == "" {
		p.LocalDay = models.LocalDay(p.PublishedAt, models.Vietnam)
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = t
	}
	return p, nil
}

// postKeyID is the _id of a new post: a hash of its unique (unit_code, item_key), so an
// upsert can find the post by _id. Posts stored by earlier versions keep their random _id.
func postKeyID(unit, key string) string {
	h := sha256.Sum256([]byte(unit + "\x00" + key))
	return hex.EncodeToString(h[:16])
}

// upsertPostModel is the write of one polled post, keyed by the unique (unit_code,
// item_key): identity and first-seen facts only on insert, the feed's current text and
// the rule's verdict always. With byID the filter is the post's _id (postKeyID) instead:
// FerretDB answers only an _id filter from an index and reads the whole collection for
// any other, which made every upsert cost as much as the posts stored. A post stored
// under another _id (by an earlier version) then fails the unique (unit_code, item_key)
// index, and the caller sends it again keyed by (unit_code, item_key).
func upsertPostModel(d postDoc, byID bool) *mongo.UpdateOneModel {
	filter := bson.D{{Key: "unit_code", Value: d.UnitCode}, {Key: "item_key", Value: d.ItemKey}}
	onInsert := bson.D{{Key: "_id", Value: d.ID}}
	if byID {
		filter, onInsert = bson.D{{Key: "_id", Value: d.ID}}, bson.D{{Key: "unit_code", Value: d.UnitCode}, {Key: "item_key", Value: d.ItemKey}}
	}
	return mongo.NewUpdateOneModel().
		SetFilter(filter).
		SetUpdate(bson.D{
			{Key: "$setOnInsert", Value: append(onInsert, bson.D{
				{Key: "feed_id", Value: d.FeedID}, {Key: "source", Value: d.Source},
				{Key: "published_at", Value: d.PublishedAt}, {Key: "local_day", Value: d.LocalDay},
				{Key: "first_seen_at", Value: d.FirstSeenAt}, {Key: "date_inferred", Value: d.DateInferred},
				{Key: "date_clamped", Value: d.DateClamped}, {Key: "submitted_by", Value: d.SubmittedBy},
				{Key: "rejected", Value: d.Rejected},
			}...)},
			{Key: "$set", Value: bson.D{
				{Key: "url", Value: d.URL}, {Key: "title", Value: d.Title}, {Key: "summary", Value: d.Summary},
				{Key: "categories", Value: d.Categories}, {Key: "rule_kind", Value: d.RuleKind},
				{Key: "rule_reason", Value: d.RuleReason}, {Key: "rule_confidence", Value: d.RuleConf},
				{Key: "updated_at", Value: d.UpdatedAt}, {Key: "tags", Value: d.Tags},
			}},
		}).
		SetUpsert(true)
}

// UpsertPosts writes a poll's posts and returns the inserted ones. It is one unordered
// bulk of single-document upserts keyed by the unique (unit_code, item_key), with no
// transaction: each post is written whole or not at all, and a stop part-way leaves some
// posts written, which a retry updates in place (the counts are computed from the posts,
// so nothing else needs repair). A retry reports those as updated, not inserted.
// An upsert that lost a race with another instance inserting the same post (a duplicate
// key) is sent again, and then updates that post.
func (s *Store) UpsertPosts(ctx context.Context, posts []models.Post) (store.UpsertResult, error) {
	if len(posts) == 0 {
		return store.UpsertResult{}, nil
	}
	t := now()
	docs := make([]postDoc, len(posts))
	for i, p := range posts {
		p, err := preparePost(p, models.SourceFeed, t)
		if err != nil {
			return store.UpsertResult{}, err
		}
		docs[i] = toPostDoc(p)
	}
	inserted := make([]bool, len(docs))
	todo := make([]int, len(docs)) // positions in docs of the writes to send
	for i := range todo {
		todo[i] = i
	}
	for attempt := 0; ; attempt++ {
		batch := make([]mongo.WriteModel, len(todo))
		for j, i := range todo {
			// The same post written again (a re-poll) has the same ID as when it was
			// first stored, unless an earlier version stored it: by _id first on
			// FerretDB, by the unique key on a retry.
			batch[j] = upsertPostModel(docs[i], s.ferret && attempt == 0 && docs[i].ID == postKeyID(docs[i].UnitCode, docs[i].ItemKey))
		}
		bw, err := s.bulkWrite(ctx, s.col(colPosts), "UpsertPosts", batch, false)
		if bw != nil {
			for j := range bw.UpsertedIDs {
				inserted[todo[j]] = true
			}
		}
		if err == nil {
			break
		}
		dups, ok := dupKeyOnly(err)
		if !ok || attempt == 2 {
			return store.UpsertResult{}, mapErr("upsert posts", err)
		}
		again := make([]int, len(dups))
		for j, d := range dups {
			again[j] = todo[d]
		}
		if s.ferret {
			// FerretDB reports neither the upserts of a bulk that also had errors nor the
			// right index of a failed write: every write is sent again keyed by (unit_code,
			// item_key), which changes nothing for those already applied, and a post
			// stored with the first-seen time this write gave it was inserted by it.
			if err := s.markInserted(ctx, docs, todo, inserted); err != nil {
				return store.UpsertResult{}, err
			}
			again = todo
		}
		todo = again
	}
	var res store.UpsertResult
	for i, d := range docs {
		if inserted[i] {
			res.Inserted = append(res.Inserted, d.model())
		}
	}
	res.Updated = len(docs) - len(res.Inserted)
	return res, nil
}

// markInserted sets inserted for the writes of todo whose post is stored under its ID
// with the first-seen time this write gave it.
func (s *Store) markInserted(ctx context.Context, docs []postDoc, todo []int, inserted []bool) error {
	ids := bson.A{}
	byID := map[string]int{}
	for _, i := range todo {
		if !inserted[i] {
			ids = append(ids, docs[i].ID)
			byID[docs[i].ID] = i
		}
	}
	if len(ids) == 0 {
		return nil
	}
	cur, err := s.col(colPosts).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "first_seen_at", Value: 1}}))
	if err != nil {
		return mapErr("read upserted posts", err)
	}
	var got []struct {
		ID          string    `bson:"_id"`
		FirstSeenAt time.Time `bson:"first_seen_at"`
	}
	if err := cur.All(ctx, &got); err != nil {
		return mapErr("read upserted posts", err)
	}
	for _, g := range got {
		if i, ok := byID[g.ID]; ok && g.FirstSeenAt.Equal(docs[i].FirstSeenAt) {
			inserted[i] = true
		}
	}
	return nil
}

// CreateManualPost inserts a hand-submitted post; ErrConflict if the unit already has the key.
func (s *Store) CreateManualPost(ctx context.Context, p models.Post) (models.Post, error) {
	p.Source = models.SourceManual
	p, err := preparePost(p, models.SourceManual, now())
	if err != nil {
		return models.Post{}, err
	}
	d := toPostDoc(p)
	if _, err := s.col(colPosts).InsertOne(ctx, d); err != nil {
		return models.Post{}, mapErr("insert manual post "+p.ItemKey+" of unit "+p.UnitCode, err)
	}
	return d.model(), nil
}

// GetPost returns one post or ErrNotFound.
func (s *Store) GetPost(ctx context.Context, id string) (models.Post, error) {
	var d postDoc
	if err := s.col(colPosts).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Post{}, mapErr("get post "+id, err)
	}
	return d.model(), nil
}

// kindFilter matches posts whose effective kind is k: the override's kind, else the rule's.
func kindFilter(k models.Kind) bson.D {
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "override.kind", Value: string(k)}},
		bson.D{
			{Key: "override.kind", Value: bson.D{{Key: "$in", Value: bson.A{nil, ""}}}},
			{Key: "rule_kind", Value: string(k)},
		},
	}}}
}

// dayRange adds an inclusive local_day range; empty bounds are open.
func dayRange(d bson.D, from, to string) bson.D {
	if from != "" && from == to {
		// One day: an equality, which FerretDB can answer from an index.
		return append(d, bson.E{Key: "local_day", Value: from})
	}
	r := bson.D{}
	if from != "" {
		r = append(r, bson.E{Key: "$gte", Value: from})
	}
	if to != "" {
		r = append(r, bson.E{Key: "$lte", Value: to})
	}
	if len(r) == 0 {
		return d
	}
	return append(d, bson.E{Key: "local_day", Value: r})
}

// postFilter builds the find filter of a PostFilter.
func postFilter(f store.PostFilter) bson.D {
	d := unitCodeFilter(bson.D{}, f.UnitCode, f.UnitCodes)
	d = dayRange(d, f.FromDay, f.ToDay)
	if f.Source != "" {
		d = append(d, bson.E{Key: "source", Value: string(f.Source)})
	}
	if f.NoOverride {
		d = append(d, bson.E{Key: "override", Value: nil})
	}
	if f.Proposed {
		d = append(d, bson.E{Key: "proposal", Value: bson.D{{Key: "$ne", Value: nil}}})
	}
	if f.Uncertain > 0 {
		d = append(d, bson.E{Key: "rule_confidence", Value: bson.D{{Key: "$gt", Value: 0}, {Key: "$lt", Value: f.Uncertain}}})
	}
	if f.Decided {
		d = append(d, bson.E{Key: "override.kind", Value: bson.D{{Key: "$exists", Value: true}, {Key: "$ne", Value: ""}}})
	}
	if f.SeenSince != nil {
		d = append(d, bson.E{Key: "first_seen_at", Value: bson.D{{Key: "$gte", Value: ms(*f.SeenSince)}}})
	}
	if len(f.Tags) > 0 {
		d = append(d, bson.E{Key: "tags", Value: bson.D{{Key: "$in", Value: f.Tags}}})
	}
	if f.Kind != "" {
		d = append(d, kindFilter(f.Kind)...)
	}
	return d
}

// ListPosts returns posts matching the filter, newest PublishedAt first.
func (s *Store) ListPosts(ctx context.Context, f store.PostFilter) ([]models.Post, error) {
	opts := options.Find().SetSort(bson.D{{Key: "published_at", Value: -1}, {Key: "_id", Value: 1}})
	if f.Limit > 0 {
		opts.SetLimit(int64(f.Limit))
	}
	if f.Offset > 0 {
		opts.SetSkip(int64(f.Offset))
	}
	out, err := findAll(ctx, s.col(colPosts), postFilter(f), opts, postDoc.model)
	if err != nil {
		return nil, mapErr("list posts", err)
	}
	return out, nil
}

// WalkPosts calls fn with successive pages of at most size posts matching f (its Limit,
// Offset and Tags must be unset), in local day and ID order: each page is one query that
// continues after the last post of the page before, never a skip re-reading the pages
// before it; fn may write the posts it is given. A post inserted or moved to another day
// during the walk may be missed; none is passed twice.
func (s *Store) WalkPosts(ctx context.Context, f store.PostFilter, size int, fn func([]models.Post) error) error {
	size, err := store.WalkPage(f, size)
	if err != nil {
		return fmt.Errorf("mongo: %w", err)
	}
	base := postFilter(f)
	opts := options.Find().SetSort(bson.D{{Key: "local_day", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(size))
	filter := base
	for {
		posts, err := findAll(ctx, s.col(colPosts), filter, opts, postDoc.model)
		if err != nil {
			return mapErr("walk posts", err)
		}
		if len(posts) == 0 {
			return nil
		}
		last := posts[len(posts)-1]
		if err := fn(posts); err != nil {
			return err
		}
		if len(posts) < size {
			return nil
		}
		after := bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "local_day", Value: bson.D{{Key: "$gt", Value: last.LocalDay}}}},
			bson.D{{Key: "local_day", Value: last.LocalDay}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: last.ID}}}},
		}}}
		filter = bson.D{{Key: "$and", Value: bson.A{base, after}}}
	}
}

func (s *Store) updatePost(ctx context.Context, id string, update bson.D) error {
	res, err := s.col(colPosts).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	if err != nil {
		return mapErr("update post "+id, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: post %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetOverride sets (or clears, with nil) a post's manual override; ErrNotFound if absent.
func (s *Store) SetOverride(ctx context.Context, id string, o *models.Override) error {
	if o == nil {
		return s.updatePost(ctx, id, bson.D{
			{Key: "$unset", Value: bson.D{{Key: "override", Value: ""}}},
			{Key: "$set", Value: bson.D{{Key: "updated_at", Value: now()}}},
		})
	}
	return s.updatePost(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "override", Value: toOverrideDoc(o)}, {Key: "updated_at", Value: now()},
	}}})
}

// SetProposal sets (or clears, with nil) a post's pending proposal; ErrNotFound if absent.
func (s *Store) SetProposal(ctx context.Context, id string, o *models.Override) error {
	if o == nil {
		return s.updatePost(ctx, id, bson.D{{Key: "$unset", Value: bson.D{{Key: "proposal", Value: ""}}}})
	}
	return s.updatePost(ctx, id, bson.D{{Key: "$set", Value: bson.D{{Key: "proposal", Value: toOverrideDoc(o)}}}})
}

// SetRejected marks a manual post rejected or not; ErrNotFound if absent.
func (s *Store) SetRejected(ctx context.Context, id string, rejected bool) error {
	return s.updatePost(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "rejected", Value: rejected}, {Key: "updated_at", Value: now()},
	}}})
}

// SetRuleKinds updates rule kind and reason of many posts at once (re-classification).
func (s *Store) SetRuleKinds(ctx context.Context, updates []store.RuleKindUpdate) error {
	if len(updates) == 0 {
		return nil
	}
	writes := make([]mongo.WriteModel, len(updates))
	for i, u := range updates {
		writes[i] = mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: u.ID}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{
				{Key: "rule_kind", Value: string(u.Kind)}, {Key: "rule_reason", Value: u.Reason},
				{Key: "rule_confidence", Value: u.Confidence},
			}}})
	}
	_, err := s.bulkWrite(ctx, s.col(colPosts), "SetRuleKinds", writes, false)
	return mapErr("set rule kinds", err)
}

// countPipeline groups counted posts (not rejected, not excluded) of a day range by unit,
// day, rule kind, override kind and source; foldCounts turns the groups into DayCounts.
// The pipeline uses no expression operators, so it is the same plain $match + $group on
// every server version. The $match is served by the (local_day, unit_code) index.
func countPipeline(q store.CountQuery) mongo.Pipeline {
	match := dayRange(bson.D{}, q.FromDay, q.ToDay)
	match = inOrAll(match, "unit_code", q.UnitCodes)
	match = append(match,
		bson.E{Key: "rejected", Value: bson.D{{Key: "$ne", Value: true}}},
		bson.E{Key: "override.excluded", Value: bson.D{{Key: "$ne", Value: true}}},
	)
	return mongo.Pipeline{
		{{Key: "$match", Value: match}},
		{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{
				{Key: "unit", Value: "$unit_code"}, {Key: "day", Value: "$local_day"},
				{Key: "rule", Value: "$rule_kind"}, {Key: "override", Value: "$override.kind"},
				{Key: "source", Value: "$source"},
			}},
			{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
		}}},
	}
}

// ferretMaxIn is the longest unit list a count sends to FerretDB (see CountPosts).
const ferretMaxIn = 64

// maxDayParts bounds how many one-day queries countParts makes of one count.
const maxDayParts = 400

// countParts splits a count into one query per day on FerretDB: it answers a filter on
// one value of local_day from an index (deploy/ferretdb/postgresql-indexes.sql) but a
// range only by reading the whole collection. Elsewhere, and for open or very long
// ranges, the count is one query.
func (s *Store) countParts(q store.CountQuery) []store.CountQuery {
	if !s.ferret || q.FromDay == "" || q.ToDay == "" {
		return []store.CountQuery{q}
	}
	from, err1 := time.Parse(models.DayLayout, q.FromDay)
	to, err2 := time.Parse(models.DayLayout, q.ToDay)
	if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > maxDayParts*24*time.Hour {
		return []store.CountQuery{q}
	}
	var parts []store.CountQuery
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		p := q
		p.FromDay = d.Format(models.DayLayout)
		p.ToDay = p.FromDay
		parts = append(parts, p)
	}
	return parts
}

// countGroup is one $group output row of countPipeline.
type countGroup struct {
	ID struct {
		Unit     string `bson:"unit"`
		Day      string `bson:"day"`
		Rule     string `bson:"rule"`
		Override string `bson:"override"`
		Source   string `bson:"source"`
	} `bson:"_id"`
	N int `bson:"n"`
}

// foldCounts merges groups into one DayCount per unit, day and effective kind (the
// override's kind when set, else the rule's), counting manual posts apart, ordered by
// unit, day and kind.
func foldCounts(groups []countGroup) []models.DayCount {
	type key struct{ unit, day, kind string }
	idx := map[key]int{}
	var out []models.DayCount
	for _, g := range groups {
		kind := g.ID.Override
		if kind == "" {
			kind = g.ID.Rule
		}
		k := key{g.ID.Unit, g.ID.Day, kind}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, models.DayCount{UnitCode: k.unit, Day: k.day, Kind: models.Kind(kind)})
		}
		out[i].Count += g.N
		if g.ID.Source == string(models.SourceManual) {
			out[i].Manual += g.N
		}
	}
	slices.SortFunc(out, func(a, b models.DayCount) int {
		return cmp.Or(cmp.Compare(a.UnitCode, b.UnitCode), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Kind, b.Kind))
	})
	return out
}

// CountPosts counts counted posts by unit, local day and effective kind for days in
// [FromDay, ToDay], ordered by unit, day and kind.
func (s *Store) CountPosts(ctx context.Context, q store.CountQuery) ([]models.DayCount, error) {
	var groups []countGroup
	var units map[string]bool // the units kept here rather than by the server
	if s.ferret && len(q.UnitCodes) > ferretMaxIn {
		// FerretDB matches $in by comparing each document with every value: a province's
		// thousands of units cost it more than reading all of a day's posts.
		units = make(map[string]bool, len(q.UnitCodes))
		for _, u := range q.UnitCodes {
			units[u] = true
		}
		q.UnitCodes = nil
	}
	for _, part := range s.countParts(q) {
		cur, err := s.col(colPosts).Aggregate(ctx, countPipeline(part))
		if err != nil {
			return nil, mapErr("count posts", err)
		}
		var g []countGroup
		if err := cur.All(ctx, &g); err != nil {
			return nil, mapErr("count posts", err)
		}
		for _, x := range g {
			if units == nil || units[x.ID.Unit] {
				groups = append(groups, x)
			}
		}
	}
	out := foldCounts(groups)
	if out == nil {
		out = []models.DayCount{}
	}
	return out, nil
}

// EachCount calls fn for each count CountPosts returns. The server already returns one
// group per (unit, day, kind, source), so there is no list worth avoiding here.
func (s *Store) EachCount(ctx context.Context, q store.CountQuery, fn func(models.DayCount)) error {
	counts, err := s.CountPosts(ctx, q)
	if err != nil {
		return err
	}
	for _, c := range counts {
		fn(c)
	}
	return nil
}

// tagsBackfilledSetting is set once a start-up has given every post its hashtag terms;
// later start-ups then look only at the posts published in the last tagsRecheck, which
// an instance of an earlier version may still write during a rolling upgrade, rather
// than at every post.
const (
	tagsBackfilledSetting = "posts_tags_backfilled"
	tagsRecheck           = 7 * 24 * time.Hour
)

// backfillTags records the hashtag terms of the posts stored before posts had them,
// reading them through one cursor (a batch at a time) and writing each post alone: an
// interrupted start-up leaves the rest without the field, and the next one goes on.
func (s *Store) backfillTags(ctx context.Context) error {
	filter := bson.D{{Key: "tags", Value: bson.D{{Key: "$exists", Value: false}}}}
	_, err := s.GetSetting(ctx, tagsBackfilledSetting)
	switch {
	case err == nil:
		filter = append(filter, bson.E{Key: "published_at", Value: bson.D{{Key: "$gte", Value: now().Add(-tagsRecheck)}}})
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	posts := s.col(colPosts)
	cur, err := posts.Find(ctx, filter,
		options.Find().SetProjection(bson.D{{Key: "title", Value: 1}, {Key: "summary", Value: 1}, {Key: "categories", Value: 1}}).
			SetBatchSize(500))
	if err != nil {
		return mapErr("find posts without hashtag terms", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d struct {
			ID         string   `bson:"_id"`
			Title      string   `bson:"title"`
			Summary    string   `bson:"summary"`
			Categories []string `bson:"categories"`
		}
		if err := cur.Decode(&d); err != nil {
			return mapErr("read post without hashtag terms", err)
		}
		tags := postTags(models.Post{Title: d.Title, Summary: d.Summary, Categories: d.Categories})
		// A re-poll since the read wrote the terms of the new text: keep those.
		_, err := posts.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "tags", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "tags", Value: tags}}}})
		if err != nil {
			return mapErr("record hashtag terms of post "+d.ID, err)
		}
	}
	if err := cur.Err(); err != nil {
		return mapErr("read posts without hashtag terms", err)
	}
	return s.SetSetting(ctx, tagsBackfilledSetting, now().Format(time.RFC3339))
}
