package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tintot/models"
	"tintot/store"
)

const unitCols = `code, name, kind, COALESCE(parent_code, ''), emails, active_from, active_to, created_at, updated_at`

func scanUnit(sc rowScanner) (models.Unit, error) {
	var (
		u                     models.Unit
		emails                string
		from, to, created, up sql.NullInt64
	)
	if err := sc.Scan(&u.Code, &u.Name, &u.Kind, &u.ParentCode, &emails, &from, &to, &created, &up); err != nil {
		return u, err
	}
	var err error
	if u.Emails, err = fromJSON[string](emails); err != nil {
		return u, err
	}
	u.ActiveFrom, u.ActiveTo = fromMSPtr(from), fromMSPtr(to)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(up)
	return u, nil
}

func nowIfZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t
}

// unitExists reports whether code is stored.
func unitExists(ctx context.Context, q execer, code string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM units WHERE code = ?`, code).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: unable to look up unit %s: %w", code, err)
	}
	return true, nil
}

// checkParent returns ErrInvalid if parent is set and missing, or if making it the parent
// of code would create a cycle.
func checkParent(ctx context.Context, q execer, code, parent string) error {
	if parent == "" {
		return nil
	}
	if parent == code {
		return fmt.Errorf("sqlite: unit %s cannot be its own parent: %w", code, store.ErrInvalid)
	}
	ok, err := unitExists(ctx, q, parent)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("sqlite: parent unit %s of %s does not exist: %w", parent, code, store.ErrInvalid)
	}
	var hit int
	err = q.QueryRowContext(ctx, `
		WITH RECURSIVE up(code, depth) AS (
			SELECT ?, 0
			UNION
			SELECT u.parent_code, up.depth + 1 FROM units u JOIN up ON u.code = up.code
			WHERE u.parent_code IS NOT NULL AND up.depth < 10000
		)
		SELECT COUNT(*) FROM up WHERE code = ?`, parent, code).Scan(&hit)
	if err != nil {
		return fmt.Errorf("sqlite: unable to check ancestry of %s: %w", code, err)
	}
	if hit > 0 {
		return fmt.Errorf("sqlite: parent %s would make a cycle under %s: %w", parent, code, store.ErrInvalid)
	}
	return nil
}

func insertUnit(ctx context.Context, q execer, u models.Unit) error {
	created := nowIfZero(u.CreatedAt)
	updated := u.UpdatedAt
	if updated.IsZero() {
		updated = created
	}
	_, err := q.ExecContext(ctx, `INSERT INTO units(code, name, kind, parent_code, emails, active_from, active_to, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.Code, u.Name, string(u.Kind), nullStr(u.ParentCode), jsonText(u.Emails), msPtr(u.ActiveFrom), msPtr(u.ActiveTo), ms(created), ms(updated))
	if err != nil {
		return fmt.Errorf("sqlite: unable to insert unit %s: %w", u.Code, mapErr(err))
	}
	return nil
}

func updateUnit(ctx context.Context, q execer, u models.Unit) error {
	res, err := q.ExecContext(ctx, `UPDATE units SET name = ?, kind = ?, parent_code = ?, emails = ?, active_from = ?, active_to = ?, updated_at = ?
		WHERE code = ?`,
		u.Name, string(u.Kind), nullStr(u.ParentCode), jsonText(u.Emails), msPtr(u.ActiveFrom), msPtr(u.ActiveTo), ms(nowIfZero(u.UpdatedAt)), u.Code)
	if err != nil {
		return fmt.Errorf("sqlite: unable to update unit %s: %w", u.Code, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: unit %s: %w", u.Code, store.ErrNotFound)
	}
	return nil
}

func validUnitCode(u models.Unit) error {
	if u.Code == "" {
		return fmt.Errorf("sqlite: unit has an empty code: %w", store.ErrInvalid)
	}
	return nil
}

// CreateUnit inserts a unit; ErrConflict if the code exists, ErrInvalid if the parent does not.
func (s *Store) CreateUnit(ctx context.Context, u models.Unit) error {
	if err := validUnitCode(u); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if u.ParentCode == u.Code {
			return fmt.Errorf("sqlite: unit %s cannot be its own parent: %w", u.Code, store.ErrInvalid)
		}
		if u.ParentCode != "" {
			ok, err := unitExists(ctx, tx, u.ParentCode)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("sqlite: parent unit %s of %s does not exist: %w", u.ParentCode, u.Code, store.ErrInvalid)
			}
		}
		return insertUnit(ctx, tx, u)
	})
}

// UpdateUnit replaces a unit's fields by code; ErrNotFound if absent, ErrInvalid for a
// missing parent or a cycle.
func (s *Store) UpdateUnit(ctx context.Context, u models.Unit) error {
	if err := validUnitCode(u); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		ok, err := unitExists(ctx, tx, u.Code)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("sqlite: unit %s: %w", u.Code, store.ErrNotFound)
		}
		if err := checkParent(ctx, tx, u.Code, u.ParentCode); err != nil {
			return err
		}
		return updateUnit(ctx, tx, u)
	})
}

// GetUnit returns one unit or ErrNotFound.
func (s *Store) GetUnit(ctx context.Context, code string) (models.Unit, error) {
	return getOne(ctx, s.r, "unit "+code, scanUnit, `SELECT `+unitCols+` FROM units WHERE code = ?`, code)
}

func queryUnits(ctx context.Context, q execer, query string, args ...any) ([]models.Unit, error) {
	return queryAll(ctx, q, "units", "unit", scanUnit, query, args...)
}

// DeleteUnit removes a unit and its feeds; ErrNotFound if absent, ErrConflict if it has children.
func (s *Store) DeleteUnit(ctx context.Context, code string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		ok, err := unitExists(ctx, tx, code)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("sqlite: unit %s: %w", code, store.ErrNotFound)
		}
		var children int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE parent_code = ?`, code).Scan(&children); err != nil {
			return fmt.Errorf("sqlite: unable to count children of %s: %w", code, err)
		}
		if children > 0 {
			return fmt.Errorf("sqlite: unit %s has %d child units: %w", code, children, store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM feeds WHERE unit_code = ?`, code); err != nil {
			return fmt.Errorf("sqlite: unable to delete feeds of %s: %w", code, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM units WHERE code = ?`, code); err != nil {
			return fmt.Errorf("sqlite: unable to delete unit %s: %w", code, mapErr(err))
		}
		return nil
	})
}

// sameUnit reports whether stored and wanted differ only in bookkeeping times.
func sameUnit(a, b models.Unit) bool {
	if a.Name != b.Name || a.Kind != b.Kind || a.ParentCode != b.ParentCode || len(a.Emails) != len(b.Emails) {
		return false
	}
	for i := range a.Emails {
		if a.Emails[i] != b.Emails[i] {
			return false
		}
	}
	eq := func(x, y *time.Time) bool {
		if x == nil || y == nil {
			return x == nil && y == nil
		}
		return x.UnixMilli() == y.UnixMilli()
	}
	return eq(a.ActiveFrom, b.ActiveFrom) && eq(a.ActiveTo, b.ActiveTo)
}

// ApplyRegistry upserts units and their feed URLs in one transaction: all or nothing.
func (s *Store) ApplyRegistry(ctx context.Context, entries []store.RegistryEntry) (store.RegistryChanges, error) {
	var ch store.RegistryChanges
	byCode := make(map[string]int, len(entries))
	for i, e := range entries {
		if err := validUnitCode(e.Unit); err != nil {
			return ch, fmt.Errorf("sqlite: registry entry %d: %w", i+1, err)
		}
		if _, dup := byCode[e.Unit.Code]; dup {
			return ch, fmt.Errorf("sqlite: unit %s appears twice in the registry batch: %w", e.Unit.Code, store.ErrConflict)
		}
		byCode[e.Unit.Code] = i
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ch = store.RegistryChanges{}
		done := make(map[string]bool, len(entries))
		visiting := make(map[string]bool)
		var apply func(i int) error
		apply = func(i int) error {
			e := entries[i]
			code := e.Unit.Code
			if done[code] {
				return nil
			}
			if visiting[code] {
				return fmt.Errorf("sqlite: registry batch has a parent cycle at %s: %w", code, store.ErrInvalid)
			}
			visiting[code] = true
			if p := e.Unit.ParentCode; p != "" {
				if j, inBatch := byCode[p]; inBatch {
					if err := apply(j); err != nil {
						return err
					}
				}
			}
			if err := applyEntry(ctx, tx, e, &ch); err != nil {
				return err
			}
			done[code] = true
			return nil
		}
		for i := range entries {
			if err := apply(i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return store.RegistryChanges{}, err
	}
	return ch, nil
}

func applyEntry(ctx context.Context, tx *sql.Tx, e store.RegistryEntry, ch *store.RegistryChanges) error {
	u := e.Unit
	old, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE code = ?`, u.Code))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := checkParent(ctx, tx, u.Code, u.ParentCode); err != nil {
			return err
		}
		if err := insertUnit(ctx, tx, u); err != nil {
			return err
		}
		ch.UnitsCreated++
	case err != nil:
		return fmt.Errorf("sqlite: unable to read unit %s: %w", u.Code, err)
	case sameUnit(old, u):
		ch.UnitsSame++
	default:
		if err := checkParent(ctx, tx, u.Code, u.ParentCode); err != nil {
			return err
		}
		if err := updateUnit(ctx, tx, u); err != nil {
			return err
		}
		ch.UnitsUpdated++
	}
	now := ms(nowIfZero(u.UpdatedAt))
	for _, link := range e.FeedURLs {
		res, err := tx.ExecContext(ctx, `INSERT INTO feeds(id, unit_code, url, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT(unit_code, url) DO NOTHING`, store.NewID(), u.Code, link, now, now)
		if err != nil {
			return fmt.Errorf("sqlite: unable to add feed %s of %s: %w", link, u.Code, mapErr(err))
		}
		if n, _ := res.RowsAffected(); n > 0 {
			ch.FeedsCreated++
		}
	}
	return nil
}
