package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
	"tintot/store"
)

// feedDoc is a feed as stored; its ID is the _id.
type feedDoc struct {
	ID                  string     `bson:"_id"`
	UnitCode            string     `bson:"unit_code"`
	URL                 string     `bson:"url"`
	Title               string     `bson:"title"`
	DefaultKind         string     `bson:"default_kind"`
	ETag                string     `bson:"etag"`
	LastModified        string     `bson:"last_modified"`
	NextCheckAt         time.Time  `bson:"next_check_at"`
	LastCheckAt         *time.Time `bson:"last_check_at"`
	LeaseHolder         string     `bson:"lease_holder"`
	LeaseUntil          *time.Time `bson:"lease_until"`
	LeaseGen            int64      `bson:"lease_gen"` // see tickets.go
	State               string     `bson:"state"`
	ConsecutiveFailures int        `bson:"consecutive_failures"`
	LastSuccessAt       *time.Time `bson:"last_success_at"`
	FailingSince        *time.Time `bson:"failing_since"`
	LastError           string     `bson:"last_error"`
	LastErrorDetail     string     `bson:"last_error_detail"`
	LastStatus          int        `bson:"last_status"`
	Note                string     `bson:"note"`
	FirstReadAt         *time.Time `bson:"first_read_at"`
	CoveredFrom         *time.Time `bson:"covered_from"`
	BodyHash            []byte     `bson:"body_hash,omitempty"`
	ItemHashes          []byte     `bson:"item_hashes,omitempty"`
	CreatedAt           time.Time  `bson:"created_at"`
	UpdatedAt           time.Time  `bson:"updated_at"`
}

func toFeedDoc(f models.Feed) feedDoc {
	return feedDoc{
		ID: f.ID, UnitCode: f.UnitCode, URL: f.URL, Title: f.Title, DefaultKind: string(f.DefaultKind),
		ETag: f.ETag, LastModified: f.LastModified,
		NextCheckAt: ms(f.NextCheckAt), LastCheckAt: msp(f.LastCheckAt),
		LeaseHolder: f.LeaseHolder, LeaseUntil: msp(f.LeaseUntil),
		State: string(f.State), ConsecutiveFailures: f.ConsecutiveFailures,
		LastSuccessAt: msp(f.LastSuccessAt), FailingSince: msp(f.FailingSince),
		LastError: f.LastError, LastErrorDetail: f.LastErrorDetail, LastStatus: f.LastStatus, Note: f.Note,
		FirstReadAt: msp(f.FirstReadAt), CoveredFrom: msp(f.CoveredFrom),
		BodyHash: f.BodyHash, ItemHashes: f.ItemHashes,
		CreatedAt: ms(f.CreatedAt), UpdatedAt: ms(f.UpdatedAt),
	}
}

func (d feedDoc) model() models.Feed {
	return models.Feed{
		ID: d.ID, UnitCode: d.UnitCode, URL: d.URL, Title: d.Title, DefaultKind: models.Kind(d.DefaultKind),
		ETag: d.ETag, LastModified: d.LastModified,
		NextCheckAt: d.NextCheckAt, LastCheckAt: d.LastCheckAt,
		LeaseHolder: d.LeaseHolder, LeaseUntil: d.LeaseUntil,
		State: models.FeedState(d.State), ConsecutiveFailures: d.ConsecutiveFailures,
		LastSuccessAt: d.LastSuccessAt, FailingSince: d.FailingSince,
		LastError: d.LastError, LastErrorDetail: d.LastErrorDetail, LastStatus: d.LastStatus, Note: d.Note,
		FirstReadAt: d.FirstReadAt, CoveredFrom: d.CoveredFrom,
		BodyHash: d.BodyHash, ItemHashes: itemHashes(d.ItemHashes),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// itemHashes reads a feed's stored item hashes; a damaged set counts as none (every item
// is then written again).
func itemHashes(b []byte) models.ItemHashes {
	if h := models.ItemHashes(b); len(h) > 0 && h.Valid() {
		return h
	}
	return nil
}

// feedFilter builds the find filter of a FeedFilter.
func feedFilter(f store.FeedFilter) bson.D {
	d := unitCodeFilter(bson.D{}, f.UnitCode, f.UnitCodes)
	d = inOrAll(d, "state", f.States)
	if f.URL != "" {
		d = append(d, bson.E{Key: "url", Value: f.URL})
	}
	return d
}

// unitCodeFilter adds the unit_code condition of a filter with a single code and/or a
// list of codes; with both, a document must match both (the single code must be listed).
func unitCodeFilter(d bson.D, code string, codes []string) bson.D {
	switch {
	case code != "" && len(codes) > 0 && !slices.Contains(codes, code):
		return append(d, bson.E{Key: "unit_code", Value: bson.D{{Key: "$in", Value: bson.A{}}}})
	case code != "":
		return append(d, bson.E{Key: "unit_code", Value: code})
	}
	return inOrAll(d, "unit_code", codes)
}

// dueFeedFilter matches feeds due at now whose lease is free or expired.
func dueFeedFilter(now time.Time) bson.D {
	return bson.D{
		{Key: "next_check_at", Value: bson.D{{Key: "$lte", Value: now}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: "lease_until", Value: nil}},
			bson.D{{Key: "lease_until", Value: bson.D{{Key: "$lte", Value: now}}}},
		}},
	}
}

// CreateFeed inserts a feed (ID assigned if empty) and returns it.
func (s *Store) CreateFeed(ctx context.Context, f models.Feed) (models.Feed, error) {
	ok, err := s.unitExists(ctx, f.UnitCode)
	if err != nil {
		return models.Feed{}, mapErr("look up unit "+f.UnitCode, err)
	}
	if !ok {
		return models.Feed{}, fmt.Errorf("mongo: unit %q of feed does not exist: %w", f.UnitCode, store.ErrInvalid)
	}
	if f.ID == "" {
		f.ID = store.NewID()
	}
	t := now()
	if f.CreatedAt.IsZero() {
		f.CreatedAt = t
	}
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = f.CreatedAt
	}
	d := toFeedDoc(f)
	if _, err := s.col(colFeeds).InsertOne(ctx, d); err != nil {
		return models.Feed{}, mapErr("insert feed "+f.URL+" of unit "+f.UnitCode, err)
	}
	// A DeleteUnit running meanwhile may have deleted the unit after the check and its
	// feeds before this insert: take the feed back then (else the start-up repair does).
	if ok, err = s.unitExists(ctx, f.UnitCode); err != nil || !ok {
		if err == nil {
			_, err = s.col(colFeeds).DeleteOne(ctx, bson.D{{Key: "_id", Value: d.ID}})
		}
		if err != nil {
			return models.Feed{}, mapErr("look up unit "+f.UnitCode, err)
		}
		return models.Feed{}, fmt.Errorf("mongo: unit %q of feed does not exist: %w", f.UnitCode, store.ErrInvalid)
	}
	return d.model(), nil
}

// GetFeed returns one feed or ErrNotFound.
func (s *Store) GetFeed(ctx context.Context, id string) (models.Feed, error) {
	var d feedDoc
	if err := s.col(colFeeds).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.Feed{}, mapErr("get feed "+id, err)
	}
	return d.model(), nil
}

// ListFeeds returns feeds matching the filter, ordered by unit code then URL.
func (s *Store) ListFeeds(ctx context.Context, f store.FeedFilter) ([]models.Feed, error) {
	opts := options.Find().SetSort(bson.D{{Key: "unit_code", Value: 1}, {Key: "url", Value: 1}})
	if f.Brief {
		opts.SetProjection(bson.D{{Key: "unit_code", Value: 1}, {Key: "url", Value: 1}, {Key: "state", Value: 1}, {Key: "created_at", Value: 1},
			{Key: "first_read_at", Value: 1}, {Key: "covered_from", Value: 1}, {Key: "last_success_at", Value: 1}})
	}
	out, err := findAll(ctx, s.col(colFeeds), feedFilter(f), opts, feedDoc.model)
	if err != nil {
		return nil, mapErr("list feeds", err)
	}
	return out, nil
}

// feedSet is the $set of a feed's mutable fields (UpdateFeed, UpdateFeeds).
func feedSet(f models.Feed) bson.D {
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = now()
	}
	d := toFeedDoc(f)
	return bson.D{
		{Key: "title", Value: d.Title}, {Key: "default_kind", Value: d.DefaultKind},
		{Key: "etag", Value: d.ETag}, {Key: "last_modified", Value: d.LastModified},
		{Key: "next_check_at", Value: d.NextCheckAt}, {Key: "last_check_at", Value: d.LastCheckAt},
		{Key: "lease_holder", Value: d.LeaseHolder}, {Key: "lease_until", Value: d.LeaseUntil},
		{Key: "state", Value: d.State}, {Key: "consecutive_failures", Value: d.ConsecutiveFailures},
		{Key: "last_success_at", Value: d.LastSuccessAt}, {Key: "failing_since", Value: d.FailingSince},
		{Key: "last_error", Value: d.LastError}, {Key: "last_error_detail", Value: d.LastErrorDetail},
		{Key: "last_status", Value: d.LastStatus}, {Key: "note", Value: d.Note},
		{Key: "first_read_at", Value: d.FirstReadAt}, {Key: "covered_from", Value: d.CoveredFrom},
		{Key: "body_hash", Value: d.BodyHash}, {Key: "item_hashes", Value: d.ItemHashes},
		{Key: "updated_at", Value: d.UpdatedAt},
	}
}

// UpdateFeed replaces a feed's mutable fields; ErrNotFound if absent.
func (s *Store) UpdateFeed(ctx context.Context, f models.Feed) error {
	res, err := s.col(colFeeds).UpdateOne(ctx, bson.D{{Key: "_id", Value: f.ID}}, bson.D{{Key: "$set", Value: feedSet(f)}})
	if err != nil {
		return mapErr("update feed "+f.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: feed %q: %w", f.ID, store.ErrNotFound)
	}
	return nil
}

// UpdateFeeds replaces the mutable fields of many feeds in one unordered bulk write.
// Absent feeds are skipped: the others are written and the error wraps ErrNotFound.
func (s *Store) UpdateFeeds(ctx context.Context, feeds []models.Feed) error {
	if len(feeds) == 0 {
		return nil
	}
	writes := make([]mongo.WriteModel, len(feeds))
	for i, f := range feeds {
		writes[i] = mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: f.ID}}).
			SetUpdate(bson.D{{Key: "$set", Value: feedSet(f)}})
	}
	res, err := s.bulkWrite(ctx, s.col(colFeeds), "UpdateFeeds", writes, false)
	if err != nil {
		return mapErr(fmt.Sprintf("update %d feeds", len(feeds)), err)
	}
	if missing := int64(len(feeds)) - res.MatchedCount; missing > 0 {
		return fmt.Errorf("mongo: %d of %d feeds: %w", missing, len(feeds), store.ErrNotFound)
	}
	return nil
}

// DeleteFeed removes a feed (its posts stay); ErrNotFound if absent.
func (s *Store) DeleteFeed(ctx context.Context, id string) error {
	// Its open outage ends now, never read again: the unit stays unseen through it until
	// this moment (the outages of a deleted feed are kept).
	now := time.Now()
	if err := s.CloseOutage(ctx, id, now, &now); err != nil { // read again by nothing: the whole outage unseen
		return err
	}
	res, err := s.col(colFeeds).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr("delete feed "+id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("mongo: feed %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// ClaimDueFeeds leases up to limit due feeds, earliest due first, so that two instances
// claiming at once never get the same feed. Each claim takes the feed's ticket for its
// lease generation (see tickets.go) and then moves the feed to the next generation on
// condition that it is still due, free and of that generation: atomic on MongoDB by the
// update alone, and on FerretDB v1 (whose updates are not) by the ticket.
func (s *Store) ClaimDueFeeds(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]models.Feed, error) {
	now, leaseUntil = ms(now), ms(leaseUntil)
	var out []models.Feed
	tried := bson.A{}
	for len(out) < limit {
		filter := append(dueFeedFilter(now), bson.E{Key: "_id", Value: bson.D{{Key: "$nin", Value: tried}}})
		cur, err := s.col(colFeeds).Find(ctx, filter, options.Find().
			SetSort(bson.D{{Key: "next_check_at", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(int64(limit-len(out))).
			SetProjection(bson.D{{Key: "lease_gen", Value: 1}}))
		if err != nil {
			return out, mapErr("claim due feeds", err)
		}
		var due []struct {
			ID  string `bson:"_id"`
			Gen int64  `bson:"lease_gen"`
		}
		if err := cur.All(ctx, &due); err != nil {
			return out, mapErr("claim due feeds", err)
		}
		if len(due) == 0 {
			break
		}
		for _, f := range due {
			tried = append(tried, f.ID)
			d, ok, err := s.claimFeed(ctx, f.ID, f.Gen, holder, now, leaseUntil)
			if err != nil {
				return out, err
			}
			if ok {
				out = append(out, d.model())
			}
		}
	}
	return out, nil
}

// claimFeed leases one feed read at lease generation gen, if no one else does first.
func (s *Store) claimFeed(ctx context.Context, id string, gen int64, holder string, now, leaseUntil time.Time) (feedDoc, bool, error) {
	ticket, ok, err := s.takeTicket(ctx, "feed:"+id, gen, holder, now, leaseUntil)
	if err != nil || !ok {
		return feedDoc{}, false, err
	}
	filter := append(dueFeedFilter(now), bson.E{Key: "_id", Value: id}, genFilter("lease_gen", gen))
	var d feedDoc
	err = s.col(colFeeds).FindOneAndUpdate(ctx, filter,
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "lease_holder", Value: holder}, {Key: "lease_until", Value: leaseUntil}, {Key: "lease_gen", Value: gen + 1},
		}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if derr := s.dropTicket(ctx, ticket); err == nil && derr != nil {
		return feedDoc{}, false, derr
	}
	if errors.Is(err, mongo.ErrNoDocuments) {
		return feedDoc{}, false, nil // claimed, polled or changed since it was read
	}
	if err != nil {
		return feedDoc{}, false, mapErr("claim feed "+id, err)
	}
	return d, true, nil
}

// backfillFeedObservation gives feeds read before first_read_at existed their first read
// (the first time any of their posts was seen, else their last success) and its reach
// (the oldest dated post seen within the hour after it). Each feed is one idempotent
// update, so an interrupted start completes on the next.
func (s *Store) backfillFeedObservation(ctx context.Context) error {
	cur, err := s.col(colFeeds).Find(ctx, bson.D{
		{Key: "last_success_at", Value: bson.D{{Key: "$ne", Value: nil}}},
		{Key: "first_read_at", Value: nil},
	}, options.Find().SetProjection(bson.D{{Key: "last_success_at", Value: 1}}))
	if err != nil {
		return mapErr("find feeds to backfill", err)
	}
	var feeds []struct {
		ID            string     `bson:"_id"`
		LastSuccessAt *time.Time `bson:"last_success_at"`
	}
	if err := cur.All(ctx, &feeds); err != nil {
		return mapErr("read feeds to backfill", err)
	}
	posts := s.col(colPosts)
	for _, f := range feeds {
		first := *f.LastSuccessAt
		var p struct {
			FirstSeenAt time.Time `bson:"first_seen_at"`
			PublishedAt time.Time `bson:"published_at"`
		}
		err := posts.FindOne(ctx, bson.D{{Key: "feed_id", Value: f.ID}},
			options.FindOne().SetSort(bson.D{{Key: "first_seen_at", Value: 1}})).Decode(&p)
		if err == nil && p.FirstSeenAt.Before(first) {
			first = p.FirstSeenAt
		} else if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return mapErr("backfill feed "+f.ID, err)
		}
		covered := first
		err = posts.FindOne(ctx, bson.D{
			{Key: "feed_id", Value: f.ID}, {Key: "date_inferred", Value: false}, {Key: "date_clamped", Value: false},
			{Key: "first_seen_at", Value: bson.D{{Key: "$lte", Value: first.Add(time.Hour)}}},
		}, options.FindOne().SetSort(bson.D{{Key: "published_at", Value: 1}})).Decode(&p)
		if err == nil && p.PublishedAt.Before(covered) {
			covered = p.PublishedAt
		} else if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
			return mapErr("backfill feed "+f.ID, err)
		}
		if _, err := s.col(colFeeds).UpdateOne(ctx, bson.D{{Key: "_id", Value: f.ID}, {Key: "first_read_at", Value: nil}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "first_read_at", Value: ms(first)}, {Key: "covered_from", Value: ms(covered)}}}}); err != nil {
			return mapErr("backfill feed "+f.ID, err)
		}
	}
	return nil
}
