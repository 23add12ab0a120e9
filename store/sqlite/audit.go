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
	rows, err := s.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to list audit: %w", err)
	}
	defer rows.Close()
	var out []models.AuditEntry
	for rows.Next() {
		var (
			e  models.AuditEntry
			at sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.UnitCode, &e.Before, &e.After, &e.Note); err != nil {
			return nil, fmt.Errorf("sqlite: unable to read audit entry: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: unable to list audit: %w", err)
	}
	return out, nil
}
