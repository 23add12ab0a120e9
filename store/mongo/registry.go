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

// ApplyRegistry upserts units and their feed URLs. The batch is validated whole, in
// memory, against the stored units before anything is written, so an invalid batch
// writes nothing. Without a transaction, the writes are then two bulks of idempotent
// single-document writes: units, parents before children (an ordered bulk stops at its
// first failure, so no unit is written without its parent), then feeds, each an upsert
// keyed by the unique (unit, URL) that sets fields only on insert. A stop part-way leaves
// a prefix written; the same batch applied again validates the same way and writes the
// rest, ending in the state one uninterrupted run gives (it reports what was already
// written as unchanged).
//
// Remaining race: a unit of the stored tree that the batch hangs units under may be
// deleted, or re-parented into a cycle, by another writer between the validation and the
// writes. DeleteUnit and UpdateUnit narrow this for their own side (see units.go).
func (s *Store) ApplyRegistry(ctx context.Context, entries []store.RegistryEntry) (store.RegistryChanges, error) {
	stored := map[string]unitDoc{}
	cur, err := s.col(colUnits).Find(ctx, bson.D{})
	if err != nil {
		return store.RegistryChanges{}, mapErr("read units", err)
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return store.RegistryChanges{}, mapErr("read units", err)
	}
	for _, d := range docs {
		stored[d.Code] = d
	}
	if err := checkRegistry(entries, stored); err != nil {
		return store.RegistryChanges{}, err
	}
	var ch store.RegistryChanges
	t := now()
	var unitWrites, feedWrites []mongo.WriteModel
	for _, e := range parentsFirst(entries) {
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
			// An upsert that sets only on insert: a retry, or a unit created meanwhile
			// by another writer, is left as it is.
			unitWrites = append(unitWrites, mongo.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: u.Code}}).
				SetUpdate(bson.D{{Key: "$setOnInsert", Value: toUnitDoc(u)}}).
				SetUpsert(true))
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
	}
	for _, e := range entries {
		for _, url := range e.FeedURLs {
			f := toFeedDoc(models.Feed{ID: store.NewID(), UnitCode: e.Unit.Code, URL: url, NextCheckAt: t, CreatedAt: t, UpdatedAt: t})
			feedWrites = append(feedWrites, mongo.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "unit_code", Value: e.Unit.Code}, {Key: "url", Value: url}}).
				SetUpdate(bson.D{{Key: "$setOnInsert", Value: f}}).
				SetUpsert(true))
		}
	}
	if len(unitWrites) > 0 {
		if _, err := s.bulkWrite(ctx, s.col(colUnits), "ApplyRegistry", unitWrites, true); err != nil {
			return store.RegistryChanges{}, mapErr("write units", err)
		}
	}
	if len(feedWrites) > 0 {
		res, err := s.bulkWrite(ctx, s.col(colFeeds), "ApplyRegistry", feedWrites, true)
		if err != nil {
			return store.RegistryChanges{}, mapErr("write feeds", err)
		}
		ch.FeedsCreated = int(res.UpsertedCount)
	}
	return ch, nil
}

// parentsFirst orders entries so that a unit comes after its parent when the parent is
// in the batch too, keeping the batch's order otherwise. The batch has been checked: no
// cycles, no repeated codes.
func parentsFirst(entries []store.RegistryEntry) []store.RegistryEntry {
	index := make(map[string]int, len(entries))
	for i, e := range entries {
		index[e.Unit.Code] = i
	}
	out := make([]store.RegistryEntry, 0, len(entries))
	done := make([]bool, len(entries))
	var visit func(i int)
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		if p, ok := index[entries[i].Unit.ParentCode]; ok {
			visit(p)
		}
		out = append(out, entries[i])
	}
	for i := range entries {
		visit(i)
	}
	return out
}
