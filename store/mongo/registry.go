package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"tintot/models"
	"tintot/store"
)

// checkRegistry validates a registry batch against the stored units before anything is
// written: codes present (ErrInvalid) and not repeated (ErrConflict), parents known and
// no cycles (ErrInvalid). Feed URLs are validated by the callers, as with SQLite.
func checkRegistry(entries []store.RegistryEntry, stored map[string]unitDoc) error {
	parent := make(map[string]string, len(stored)+len(entries))
	for code, d := range stored {
		parent[code] = d.ParentCode
	}
	inBatch := make(map[string]bool, len(entries))
	for i, e := range entries {
		code := e.Unit.Code
		if code == "" {
			return fmt.Errorf("mongo: registry entry %d has no unit code: %w", i+1, store.ErrInvalid)
		}
		if inBatch[code] {
			return fmt.Errorf("mongo: unit %q appears twice in the registry: %w", code, store.ErrConflict)
		}
		inBatch[code] = true
		parent[code] = e.Unit.ParentCode
	}
	for _, e := range entries {
		code := e.Unit.Code
		steps := 0
		for p := parent[code]; p != ""; p = parent[p] {
			if _, ok := parent[p]; !ok {
				return fmt.Errorf("mongo: parent unit %q of %q does not exist: %w", p, code, store.ErrInvalid)
			}
			if p == code || steps > len(parent) {
				return fmt.Errorf("mongo: unit %q would be its own ancestor: %w", code, store.ErrInvalid)
			}
			steps++
		}
	}
	return nil
}

// ApplyRegistry upserts units and their feed URLs in one transaction: all or nothing.
func (s *Store) ApplyRegistry(ctx context.Context, entries []store.RegistryEntry) (store.RegistryChanges, error) {
	var ch store.RegistryChanges
	err := s.inTx(ctx, func(ctx context.Context) error {
		ch = store.RegistryChanges{}
		stored := map[string]unitDoc{}
		cur, err := s.col(colUnits).Find(ctx, bson.D{})
		if err != nil {
			return mapErr("read units", err)
		}
		var docs []unitDoc
		if err := cur.All(ctx, &docs); err != nil {
			return mapErr("read units", err)
		}
		for _, d := range docs {
			stored[d.Code] = d
		}
		if err := checkRegistry(entries, stored); err != nil {
			return err
		}
		t := now()
		var unitWrites, feedWrites []mongo.WriteModel
		for _, e := range entries {
			u := e.Unit
			old, exists := stored[u.Code]
			switch {
			case !exists:
				if u.CreatedAt.IsZero() {
					u.CreatedAt = t
				}
				if u.UpdatedAt.IsZero() {
					u.UpdatedAt = t
				}
				unitWrites = append(unitWrites, mongo.NewInsertOneModel().SetDocument(toUnitDoc(u)))
				ch.UnitsCreated++
			case sameUnit(old, toUnitDoc(u)):
				ch.UnitsSame++
			default:
				if u.UpdatedAt.IsZero() {
					u.UpdatedAt = t
				}
				unitWrites = append(unitWrites, mongo.NewUpdateOneModel().
					SetFilter(bson.D{{Key: "_id", Value: u.Code}}).
					SetUpdate(bson.D{{Key: "$set", Value: unitFields(toUnitDoc(u))}}))
				ch.UnitsUpdated++
			}
			for _, url := range e.FeedURLs {
				f := toFeedDoc(models.Feed{ID: store.NewID(), UnitCode: u.Code, URL: url, NextCheckAt: t, CreatedAt: t, UpdatedAt: t})
				feedWrites = append(feedWrites, mongo.NewUpdateOneModel().
					SetFilter(bson.D{{Key: "unit_code", Value: u.Code}, {Key: "url", Value: url}}).
					SetUpdate(bson.D{{Key: "$setOnInsert", Value: f}}).
					SetUpsert(true))
			}
		}
		// Two bulk writes keep the transaction short even for a whole province's registry.
		if len(unitWrites) > 0 {
			if _, err := s.col(colUnits).BulkWrite(ctx, unitWrites); err != nil {
				return mapErr("write units", err)
			}
		}
		if len(feedWrites) > 0 {
			res, err := s.col(colFeeds).BulkWrite(ctx, feedWrites)
			if err != nil {
				return mapErr("write feeds", err)
			}
			ch.FeedsCreated = int(res.UpsertedCount)
		}
		return nil
	})
	if err != nil {
		return store.RegistryChanges{}, err
	}
	return ch, nil
}
