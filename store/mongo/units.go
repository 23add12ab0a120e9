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

// unitDoc is a unit as stored; the code is the _id.
type unitDoc struct {
	Code       string     `bson:"_id"`
	Name       string     `bson:"name"`
	Kind       string     `bson:"kind"`
	ParentCode string     `bson:"parent_code"`
	Emails     []string   `bson:"emails"`
	ActiveFrom *time.Time `bson:"active_from,omitempty"`
	ActiveTo   *time.Time `bson:"active_to,omitempty"`
	CreatedAt  time.Time  `bson:"created_at"`
	UpdatedAt  time.Time  `bson:"updated_at"`
}

func toUnitDoc(u models.Unit) unitDoc {
	emails := u.Emails
	if emails == nil {
		emails = []string{}
	}
	return unitDoc{
		Code: u.Code, Name: u.Name, Kind: string(u.Kind), ParentCode: u.ParentCode, Emails: emails,
		ActiveFrom: msp(u.ActiveFrom), ActiveTo: msp(u.ActiveTo),
		CreatedAt: ms(u.CreatedAt), UpdatedAt: ms(u.UpdatedAt),
	}
}

func (d unitDoc) model() models.Unit {
	return models.Unit{
		Code: d.Code, Name: d.Name, Kind: models.UnitKind(d.Kind), ParentCode: d.ParentCode, Emails: d.Emails,
		ActiveFrom: d.ActiveFrom, ActiveTo: d.ActiveTo, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
}

// unitFields is the $set of the fields UpdateUnit and ApplyRegistry replace.
func unitFields(d unitDoc) bson.D {
	return bson.D{
		{Key: "name", Value: d.Name}, {Key: "kind", Value: d.Kind}, {Key: "parent_code", Value: d.ParentCode},
		{Key: "emails", Value: d.Emails}, {Key: "active_from", Value: d.ActiveFrom}, {Key: "active_to", Value: d.ActiveTo},
		{Key: "updated_at", Value: d.UpdatedAt},
	}
}

// sameUnit reports whether two stored units have the same user-visible fields.
func sameUnit(a, b unitDoc) bool {
	eqTime := func(x, y *time.Time) bool {
		if x == nil || y == nil {
			return x == nil && y == nil
		}
		return x.Equal(*y)
	}
	return a.Name == b.Name && a.Kind == b.Kind && a.ParentCode == b.ParentCode &&
		slices.Equal(a.Emails, b.Emails) && eqTime(a.ActiveFrom, b.ActiveFrom) && eqTime(a.ActiveTo, b.ActiveTo)
}

// unitFilter builds the find filter of a UnitFilter.
func unitFilter(f store.UnitFilter) bson.D {
	d := bson.D{}
	if f.Kind != "" {
		d = append(d, bson.E{Key: "kind", Value: string(f.Kind)})
	}
	if f.ParentCode != "" {
		d = append(d, bson.E{Key: "parent_code", Value: f.ParentCode})
	}
	return inOrAll(d, "_id", f.Codes)
}

func (s *Store) unitExists(ctx context.Context, code string) (bool, error) {
	n, err := s.col(colUnits).CountDocuments(ctx, bson.D{{Key: "_id", Value: code}})
	return n > 0, err
}

// Unit writes and concurrent writers. Without transactions each unit write checks the
// tree, writes one document, and then checks again what a concurrent writer could have
// changed in between, undoing its own write when that made the tree wrong:
//
//   - CreateUnit: a parent deleted meanwhile makes it delete the unit it inserted.
//   - UpdateUnit: a new parent that a concurrent re-parenting turned into a cycle makes it
//     put the old parent back (if its write is still the current one).
//   - DeleteUnit: a child created meanwhile makes it put the unit back.
//
// Remaining race: the second check and the undo are not atomic with the write, so a
// stop between them (a crash, a lost connection) can leave a unit whose parent is gone or
// a cycle. Readers tolerate both: Descendants and checkParent stop at cycles, and a unit
// whose parent is gone is listed but below no other unit. Two writers that both undo
// leave neither change, and both report an error. On FerretDB v1, whose updates are not
// atomic with their conditions (see tickets.go), the undo of UpdateUnit may also undo a
// later write of the same unit's parent.

// CreateUnit inserts a unit; ErrConflict if the code exists, ErrInvalid if the parent does not.
func (s *Store) CreateUnit(ctx context.Context, u models.Unit) error {
	if u.Code == "" {
		return fmt.Errorf("mongo: unit code is empty: %w", store.ErrInvalid)
	}
	missingParent := func() error {
		return fmt.Errorf("mongo: parent unit %q of %q does not exist: %w", u.ParentCode, u.Code, store.ErrInvalid)
	}
	if u.ParentCode != "" {
		ok, err := s.unitExists(ctx, u.ParentCode)
		if err != nil {
			return mapErr("look up parent unit "+u.ParentCode, err)
		}
		if !ok {
			return missingParent()
		}
	}
	t := now()
	if u.CreatedAt.IsZero() {
		u.CreatedAt = t
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	d := toUnitDoc(u)
	if _, err := s.col(colUnits).InsertOne(ctx, d); err != nil {
		return mapErr("insert unit "+u.Code, err)
	}
	if u.ParentCode == "" {
		return nil
	}
	ok, err := s.unitExists(ctx, u.ParentCode)
	if err != nil || ok {
		return mapErr("look up parent unit "+u.ParentCode, err)
	}
	// The parent was deleted after the first check: take the new unit back.
	if _, err := s.col(colUnits).DeleteOne(ctx, bson.D{{Key: "_id", Value: u.Code}, {Key: "created_at", Value: d.CreatedAt}}); err != nil {
		return mapErr("remove unit "+u.Code+" whose parent was deleted", err)
	}
	return missingParent()
}

// UpdateUnit replaces a unit's fields by code; ErrNotFound if absent, ErrInvalid if the new
// parent does not exist or would make a cycle.
func (s *Store) UpdateUnit(ctx context.Context, u models.Unit) error {
	old, err := s.GetUnit(ctx, u.Code)
	if err != nil {
		return err
	}
	if err := s.checkParent(ctx, u.Code, u.ParentCode); err != nil {
		return err
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = now()
	}
	d := toUnitDoc(u)
	res, err := s.col(colUnits).UpdateOne(ctx, bson.D{{Key: "_id", Value: u.Code}},
		bson.D{{Key: "$set", Value: unitFields(d)}})
	if err != nil {
		return mapErr("update unit "+u.Code, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("mongo: unit %q: %w", u.Code, store.ErrNotFound)
	}
	if u.ParentCode == old.ParentCode || u.ParentCode == "" {
		return nil
	}
	// A concurrent re-parenting above may have closed a cycle through this unit, or
	// deleted the new parent: check again, and put the old parent back if so.
	cerr := s.checkParent(ctx, u.Code, u.ParentCode)
	if cerr == nil || !errors.Is(cerr, store.ErrInvalid) {
		return cerr
	}
	if _, err := s.col(colUnits).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: u.Code}, {Key: "parent_code", Value: u.ParentCode}, {Key: "updated_at", Value: d.UpdatedAt}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "parent_code", Value: old.ParentCode}}}}); err != nil {
		return mapErr("restore the parent of unit "+u.Code, err)
	}
	return cerr
}

// checkParent verifies that parent exists and that code is not among its ancestors.
func (s *Store) checkParent(ctx context.Context, code, parent string) error {
	seen := map[string]bool{}
	for p := parent; p != ""; {
		if p == code {
			return fmt.Errorf("mongo: parent %q of unit %q would make a cycle: %w", parent, code, store.ErrInvalid)
		}
		if seen[p] {
			return fmt.Errorf("mongo: units above %q already form a cycle: %w", code, store.ErrInvalid)
		}
		seen[p] = true
		var d unitDoc
		err := s.col(colUnits).FindOne(ctx, bson.D{{Key: "_id", Value: p}}).Decode(&d)
		if err == mongo.ErrNoDocuments {
			return fmt.Errorf("mongo: parent unit %q of %q does not exist: %w", p, code, store.ErrInvalid)
		}
		if err != nil {
			return mapErr("look up unit "+p, err)
		}
		p = d.ParentCode
	}
	return nil
}

// GetUnit returns one unit or ErrNotFound.
func (s *Store) GetUnit(ctx context.Context, code string) (models.Unit, error) {
	var d unitDoc
	if err := s.col(colUnits).FindOne(ctx, bson.D{{Key: "_id", Value: code}}).Decode(&d); err != nil {
		return models.Unit{}, mapErr("get unit "+code, err)
	}
	return d.model(), nil
}

// ListUnits returns units matching the filter, ordered by code.
func (s *Store) ListUnits(ctx context.Context, f store.UnitFilter) ([]models.Unit, error) {
	out, err := findAll(ctx, s.col(colUnits), unitFilter(f),
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), unitDoc.model)
	if err != nil {
		return nil, mapErr("list units", err)
	}
	return out, nil
}

// DeleteUnit removes a unit and its feeds; ErrNotFound if absent, ErrConflict if it has
// children.
//
// Without a transaction: check for children, delete the unit (its absence records the
// intent), then delete its feeds. A stop before the feeds are gone leaves feeds of a unit
// that does not exist: DeleteUnit called again finds them and deletes them (and succeeds,
// as the uninterrupted call did), and so does the start-up repair (repairOrphanFeeds).
// A child created by another writer between the check and the delete makes it put the
// unit back and report the conflict.
func (s *Store) DeleteUnit(ctx context.Context, code string) error {
	n, err := s.col(colUnits).CountDocuments(ctx, bson.D{{Key: "parent_code", Value: code}})
	if err != nil {
		return mapErr("count children of unit "+code, err)
	}
	if n > 0 {
		return fmt.Errorf("mongo: unit %q has %d child units: %w", code, n, store.ErrConflict)
	}
	if err := s.step("DeleteUnit"); err != nil {
		return err
	}
	var d unitDoc
	err = s.col(colUnits).FindOneAndDelete(ctx, bson.D{{Key: "_id", Value: code}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		// Absent; unless an earlier DeleteUnit stopped before its feeds were deleted.
		if err := s.step("DeleteUnit"); err != nil {
			return err
		}
		res, err := s.col(colFeeds).DeleteMany(ctx, bson.D{{Key: "unit_code", Value: code}})
		if err != nil {
			return mapErr("delete feeds of unit "+code, err)
		}
		if res.DeletedCount == 0 {
			return fmt.Errorf("mongo: unit %q: %w", code, store.ErrNotFound)
		}
		return nil
	case err != nil:
		return mapErr("delete unit "+code, err)
	}
	n, err = s.col(colUnits).CountDocuments(ctx, bson.D{{Key: "parent_code", Value: code}})
	if err != nil {
		return mapErr("count children of unit "+code, err)
	}
	if n > 0 {
		if _, err := s.col(colUnits).InsertOne(ctx, d); err != nil && !mongo.IsDuplicateKeyError(err) {
			return mapErr("restore unit "+code, err)
		}
		return fmt.Errorf("mongo: unit %q has %d child units: %w", code, n, store.ErrConflict)
	}
	if err := s.step("DeleteUnit"); err != nil {
		return err
	}
	if _, err := s.col(colFeeds).DeleteMany(ctx, bson.D{{Key: "unit_code", Value: code}}); err != nil {
		return mapErr("delete feeds of unit "+code, err)
	}
	return nil
}

// Descendants returns every unit below code, ordered by code; ErrNotFound if code does not exist.
// It walks the tree level by level (one query per level), guarding against cycles.
func (s *Store) Descendants(ctx context.Context, code string) ([]models.Unit, error) {
	if _, err := s.GetUnit(ctx, code); err != nil {
		return nil, err
	}
	seen := map[string]bool{code: true}
	var out []models.Unit
	frontier := []string{code}
	for len(frontier) > 0 {
		level, err := findAll(ctx, s.col(colUnits),
			bson.D{{Key: "parent_code", Value: bson.D{{Key: "$in", Value: frontier}}}}, nil, unitDoc.model)
		if err != nil {
			return nil, mapErr("list descendants of unit "+code, err)
		}
		frontier = frontier[:0:0]
		for _, u := range level {
			if seen[u.Code] {
				continue
			}
			seen[u.Code] = true
			out = append(out, u)
			frontier = append(frontier, u.Code)
		}
	}
	slices.SortFunc(out, func(a, b models.Unit) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	return out, nil
}
