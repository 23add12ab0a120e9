package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"tintot/models"
)

// outageDoc is a feed outage as stored. Open is true while To is nil; a partial unique
// index on feed_id where open is true keeps one open outage per feed.
type outageDoc struct {
	ID       bson.ObjectID `bson:"_id,omitempty"`
	FeedID   string        `bson:"feed_id"`
	UnitCode string        `bson:"unit_code"`
	From     time.Time     `bson:"from"`
	To       *time.Time    `bson:"to"`
	Open     bool          `bson:"open"`
	Reason   string        `bson:"reason"`
}

func toOutageDoc(o models.FeedOutage) outageDoc {
	return outageDoc{FeedID: o.FeedID, UnitCode: o.UnitCode, From: ms(o.From), To: msp(o.To), Open: o.To == nil, Reason: o.Reason}
}

func (d outageDoc) model() models.FeedOutage {
	return models.FeedOutage{FeedID: d.FeedID, UnitCode: d.UnitCode, From: d.From, To: d.To, Reason: d.Reason}
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

// OpenOutage starts an outage for a feed, unless one is already open (no-op).
func (s *Store) OpenOutage(ctx context.Context, o models.FeedOutage) error {
	o.To = nil
	_, err := s.col(colOutages).UpdateOne(ctx,
		bson.D{{Key: "feed_id", Value: o.FeedID}, {Key: "open", Value: true}},
		bson.D{{Key: "$setOnInsert", Value: toOutageDoc(o)}},
		options.UpdateOne().SetUpsert(true))
	if mongo.IsDuplicateKeyError(err) {
		return nil // another instance opened it at the same moment
	}
	return mapErr(fmt.Sprintf("open outage of feed %s", o.FeedID), err)
}

// CloseOutage ends the feed's open outage at `at` (no-op if none is open).
func (s *Store) CloseOutage(ctx context.Context, feedID string, at time.Time) error {
	_, err := s.col(colOutages).UpdateOne(ctx,
		bson.D{{Key: "feed_id", Value: feedID}, {Key: "open", Value: true}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "to", Value: ms(at)}, {Key: "open", Value: false}}}})
	return mapErr("close outage of feed "+feedID, err)
}

// ListOutages returns outages of the given units (all if empty) overlapping [from, to),
// ordered by unit, start, then insertion.
func (s *Store) ListOutages(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.FeedOutage, error) {
	out, err := findAll(ctx, s.col(colOutages), outageFilter(unitCodes, from, to),
		options.Find().SetSort(bson.D{{Key: "unit_code", Value: 1}, {Key: "from", Value: 1}, {Key: "_id", Value: 1}}), outageDoc.model)
	if err != nil {
		return nil, mapErr("list outages", err)
	}
	return out, nil
}
