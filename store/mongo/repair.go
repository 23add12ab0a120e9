package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// repair completes, when the store is opened, the multi-step writes that an earlier
// process left half done (a crash, a lost connection). Each repair is idempotent and
// reads little when there is nothing to do; several instances starting at once repair
// the same things harmlessly.
//
//   - outages: an open outage whose close stopped half-way is moved to its closed _id;
//     open outages stored by earlier versions are moved to their feed's open _id;
//   - evaluations: corrections left pending on an evaluation are copied out;
//   - tickets: tickets left by a holder that stopped (see tickets.go) are deleted;
//   - feeds: feeds of a unit that no longer exists (DeleteUnit stopped after deleting
//     the unit) are deleted.
//
// UpsertPosts and ApplyRegistry need no repair: what they wrote is complete as far as it
// goes, and they are retried by their callers (the next poll, the next import).
func (s *Store) repair(ctx context.Context) error {
	if err := s.repairOutages(ctx); err != nil {
		return err
	}
	if err := s.repairEvaluations(ctx); err != nil {
		return err
	}
	if err := s.repairTickets(ctx); err != nil {
		return err
	}
	return s.repairOrphanFeeds(ctx)
}

// repairOrphanFeeds deletes the feeds whose unit does not exist. It lists the feeds
// before the units: every writer stores a unit before its feeds (CreateFeed checks the
// unit, ApplyRegistry writes units first), so a feed listed whose unit is not listed
// afterwards had no unit at that moment, and deleting it completes a DeleteUnit.
// Remaining race: a unit deleted and created again between the listing and the delete
// loses the feeds it had before.
func (s *Store) repairOrphanFeeds(ctx context.Context) error {
	cur, err := s.col(colFeeds).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "unit_code", Value: 1}}))
	if err != nil {
		return mapErr("list feeds", err)
	}
	var feeds []struct {
		ID       string `bson:"_id"`
		UnitCode string `bson:"unit_code"`
	}
	if err := cur.All(ctx, &feeds); err != nil {
		return mapErr("list feeds", err)
	}
	if len(feeds) == 0 {
		return nil
	}
	cur, err = s.col(colUnits).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return mapErr("list units", err)
	}
	var units []struct {
		Code string `bson:"_id"`
	}
	if err := cur.All(ctx, &units); err != nil {
		return mapErr("list units", err)
	}
	exists := make(map[string]bool, len(units))
	for _, u := range units {
		exists[u.Code] = true
	}
	var orphans []string
	for _, f := range feeds {
		if !exists[f.UnitCode] {
			orphans = append(orphans, f.ID)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	_, err = s.col(colFeeds).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: orphans}}}})
	return mapErr("delete feeds of deleted units", err)
}
