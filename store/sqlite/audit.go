package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"tintot/models"
	"tintot/store"
)

// AddAudit appends an entry (ID assigned if empty).
func (s *Store) AddAudit(ctx context.Context, e models.AuditEntry) error {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO audit(id, at, actor, action, target, unit_code, before, after, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, ms(nowIfZero(e.At)), e.Actor, e.Action, e.Target, e.UnitCode, e.Before, e.After, e.Note)
	if err != nil {
		return fmt.Errorf("sqlite: unable to add audit entry %s: %w", e.Action, mapErr(err))
	}
	return nil
}

// ListAudit returns entries whose target starts with target (all if empty), newest first.
func (s *Store) ListAudit(ctx context.Context, target string, limit int) ([]models.AuditEntry, error) {
	var w where
	switch last := len(target) - 1; {
	case target == "":
	case target[last] < 0xff: // a range on the target index: [prefix, prefix with its last byte + 1)
		w.add("target >= ? AND target < ?", target, target[:last]+string([]byte{target[last] + 1}))
	default:
		w.add("substr(target, 1, ?) = ?", len(target), target)
	}
	q := `SELECT id, at, actor, action, target, unit_code, before, after, note FROM audit` + w.String() + ` ORDER BY at DESC, seq DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		w.args = append(w.args, limit)
	}
	return queryAll(ctx, s.r, "audit", "audit entry", scanAudit, q, w.args...)
}

func scanAudit(sc rowScanner) (models.AuditEntry, error) {
	var (
		e  models.AuditEntry
		at sql.NullInt64
	)
	err := sc.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.UnitCode, &e.Before, &e.After, &e.Note)
	e.At = fromMS(at)
	return e, err
}
