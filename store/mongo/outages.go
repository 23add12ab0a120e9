package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
)

// Outages are kept without a partial unique index and without transactions:
//
//   - A feed's open outage is the document whose _id is openOutageID(feed), "<feed>:open",
//     so there is at most one by construction, even with two instances racing. Open is
//     true on it.
//   - Closing is three single-document steps: (1) set "to" on the open document, which is
//     the atomic moment the outage ends; (2) upsert its closed copy, whose _id is
//     "<feed>:<outage_id>", with open false; (3) delete the open document if it still holds
//     that outage. A stop after (1) or (2) leaves an open document with "to" set: it is
//     already reported closed, and the next CloseOutage or OpenOutage of the feed, or the
//     start-up repair, finishes the move.
//   - outage_id, an ObjectID chosen when the outage opens, is the outage's identity in
//     both documents; ListOutages reports each outage once even while both exist.
//
// Outages stored by earlier versions (ObjectID _id, no outage_id, a partial unique index
// on open ones) are read as they are; their open ones are moved to the open _id at
// start-up (repairOutages).

// outageDoc is a feed outage as stored.
type outageDoc struct {
	ID       any           `bson:"_id,omitempty"` // string; an ObjectID in documents of earlier versions
	OutageID bson.ObjectID `bson:"outage_id,omitempty"`
	FeedID   string        `bson:"feed_id"`
	UnitCode string        `bson:"unit_code"`
	From     time.Time     `bson:"from"`
	To       *time.Time    `bson:"to"`
	Open     bool          `bson:"open"`
	Reason   string        `bson:"reason"`
	Covered  *time.Time    `bson:"covered_from,omitempty"`
}

func toOutageDoc(o models.FeedOutage) outageDoc {
	return outageDoc{FeedID: o.FeedID, UnitCode: o.UnitCode, From: ms(o.From), To: msp(o.To), Open: o.To == nil, Reason: o.Reason}
}

func (d outageDoc) model() models.FeedOutage {
	return models.FeedOutage{FeedID: d.FeedID, UnitCode: d.UnitCode, From: d.From, To: d.To, Reason: d.Reason, CoveredFrom: d.Covered}
}

// identity is what tells two documents of the same outage: outage_id, or the _id of a
// document stored by an earlier version.
func (d outageDoc) identity() any {
	if !d.OutageID.IsZero() {
		return d.OutageID
	}
	return d.ID
}

// openOutageID is the _id of a feed's open outage.
func openOutageID(feedID string) string { return feedID + ":open" }

// closedOutageID is the _id of a closed outage.
func closedOutageID(feedID string, outage bson.ObjectID) string {
	return feedID + ":" + outage.Hex()
}

// outageFilter matches outages of the units (all if empty) overlapping [from, to).
func outageFilter(unitCodes []string, from, to time.Time) bson.D {
	d := inOrAll(bson.D{}, "unit_code", unitCodes)
	return append(d,
		bson.E{Key: "from", Value: bson.D{{Key: "$lt", Value: ms(to)}}},
		bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "to", Value: nil}},
			bson.D{{Key: "to", Value: bson.D{{Key: "$gt", Value: ms(from)}}}},
		}},
	)
}

// OpenOutage starts an outage for a feed, unless one is already open (no-op). An outage
// whose close was interrupted is closed first, so the new one starts afresh.
func (s *Store) OpenOutage(ctx context.Context, o models.FeedOutage) error {
	what := "open outage of feed " + o.FeedID
	var cur outageDoc
	err := s.col(colOutages).FindOne(ctx, bson.D{{Key: "_id", Value: openOutageID(o.FeedID)}}).Decode(&cur)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
	case err != nil:
		return mapErr(what, err)
	case cur.To == nil:
		return nil // already open
	default:
		if err := s.finishClose(ctx, cur); err != nil {
			return err
		}
	}
	o.To = nil
	d := toOutageDoc(o)
	d.ID, d.OutageID = openOutageID(o.FeedID), bson.NewObjectID()
	if err := s.step("OpenOutage"); err != nil {
		return err
	}
	_, err = s.col(colOutages).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: d.ID}},
		bson.D{{Key: "$setOnInsert", Value: d}},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // another instance opened it at the same moment
	}
	return mapErr(what, err)
}

// CloseOutage ends the feed's open outage at `at` (no-op if none is open). The first
// close of an outage decides its end (and coverage): a retry keeps it.
func (s *Store) CloseOutage(ctx context.Context, feedID string, at time.Time, coveredFrom *time.Time) error {
	what := "close outage of feed " + feedID
	if err := s.step("CloseOutage"); err != nil {
		return err
	}
	var d outageDoc
	err := s.col(colOutages).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: openOutageID(feedID)}, {Key: "to", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "to", Value: ms(at)}, {Key: "covered_from", Value: msp(coveredFrom)}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Nothing open, or an earlier close stopped half-way: finish that one.
		err = s.col(colOutages).FindOne(ctx, bson.D{{Key: "_id", Value: openOutageID(feedID)}}).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) || err == nil && d.To == nil {
			return nil // none open (one opened since is not ours to close)
		}
	}
	if err != nil {
		return mapErr(what, err)
	}
	return s.finishClose(ctx, d)
}

// finishClose moves an open-slot document whose "to" is set to its closed _id: an
// idempotent upsert of the closed copy, then the removal of the open one if it still
// holds the same outage.
func (s *Store) finishClose(ctx context.Context, d outageDoc) error {
	what := "close outage of feed " + d.FeedID
	if d.To == nil {
		return fmt.Errorf("mongo: %s: the outage has no end", what)
	}
	openID := d.ID
	if d.OutageID.IsZero() { // stored by an earlier version: its ObjectID becomes the identity
		oid, ok := d.ID.(bson.ObjectID)
		if !ok {
			return fmt.Errorf("mongo: %s: outage %v has no identity", what, d.ID)
		}
		d.OutageID = oid
	}
	closed := d
	closed.ID, closed.Open = closedOutageID(d.FeedID, d.OutageID), false
	if err := s.step("CloseOutage"); err != nil {
		return err
	}
	if _, err := s.col(colOutages).UpdateOne(ctx, bson.D{{Key: "_id", Value: closed.ID}},
		bson.D{{Key: "$setOnInsert", Value: closed}}, options.UpdateOne().SetUpsert(true)); err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr(what, err)
	}
	if err := s.step("CloseOutage"); err != nil {
		return err
	}
	filter := bson.D{{Key: "_id", Value: openID}}
	if _, legacy := openID.(bson.ObjectID); !legacy {
		filter = append(filter, bson.E{Key: "outage_id", Value: d.OutageID})
	}
	_, err := s.col(colOutages).DeleteOne(ctx, filter)
	return mapErr(what, err)
}

// ListOutages returns outages of the given units (all if empty) overlapping [from, to),
// ordered by unit, start, then opening order. An outage whose close is half done is
// stored twice with the same end; it is reported once.
func (s *Store) ListOutages(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.FeedOutage, error) {
	cur, err := s.col(colOutages).Find(ctx, outageFilter(unitCodes, from, to),
		options.Find().SetSort(bson.D{{Key: "unit_code", Value: 1}, {Key: "from", Value: 1}, {Key: "outage_id", Value: 1}}))
	if err != nil {
		return nil, mapErr("list outages", err)
	}
	var docs []outageDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr("list outages", err)
	}
	out := make([]models.FeedOutage, 0, len(docs))
	seen := make(map[any]bool, len(docs))
	for _, d := range docs {
		id := d.identity()
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, d.model())
	}
	return out, nil
}

// repairOutages finishes what an interrupted run left in the open slots, and moves the
// open outages of earlier versions (ObjectID _id) to their feed's open _id: an upsert of
// the new document (same outage_id, so both read as one outage), then the removal of the
// old one. Each step is idempotent; a stop is completed by the next start.
func (s *Store) repairOutages(ctx context.Context) error {
	cur, err := s.col(colOutages).Find(ctx, bson.D{{Key: "open", Value: true}})
	if err != nil {
		return mapErr("find open outages", err)
	}
	var docs []outageDoc
	if err := cur.All(ctx, &docs); err != nil {
		return mapErr("read open outages", err)
	}
	for _, d := range docs {
		oid, legacy := d.ID.(bson.ObjectID)
		switch {
		case d.To != nil:
			if err := s.finishClose(ctx, d); err != nil {
				return err
			}
		case legacy:
			// The open _id may hold another outage only if a version without it opened
			// one since; the old document is then left for a later start.
			moved := d
			moved.ID, moved.OutageID = openOutageID(d.FeedID), oid
			if err := s.step("repair"); err != nil {
				return err
			}
			if _, err := s.col(colOutages).UpdateOne(ctx, bson.D{{Key: "_id", Value: moved.ID}},
				bson.D{{Key: "$setOnInsert", Value: moved}}, options.UpdateOne().SetUpsert(true)); err != nil && !mongo.IsDuplicateKeyError(err) {
				return mapErr("move open outage of feed "+d.FeedID, err)
			}
			n, err := s.col(colOutages).CountDocuments(ctx, bson.D{{Key: "_id", Value: moved.ID}, {Key: "outage_id", Value: oid}})
			if err != nil {
				return mapErr("move open outage of feed "+d.FeedID, err)
			}
			if n == 0 {
				continue
			}
			if err := s.step("repair"); err != nil {
				return err
			}
			if _, err := s.col(colOutages).DeleteOne(ctx, bson.D{{Key: "_id", Value: oid}}); err != nil {
				return mapErr("move open outage of feed "+d.FeedID, err)
			}
		}
	}
	// A feed deleted while failing by an earlier version left its outage open for ever
	// (read as the unit's blind time ever after): it ends now.
	for _, d := range docs {
		if d.To != nil {
			continue
		}
		n, err := s.col(colFeeds).CountDocuments(ctx, bson.D{{Key: "_id", Value: d.FeedID}})
		if err != nil {
			return mapErr("find the feed of an open outage", err)
		}
		if n == 0 {
			now := time.Now()
			if err := s.CloseOutage(ctx, d.FeedID, now, &now); err != nil {
				return err
			}
		}
	}
	return nil
}
