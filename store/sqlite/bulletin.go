package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"tintot/models"
	"tintot/store"
)

// SavePick inserts or replaces the pick of p.PostID.
func (s *Store) SavePick(ctx context.Context, p models.Pick) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO bulletin_picks(post_id, unit_code, local_day, note, position, omitted, picked_by, picked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(post_id) DO UPDATE SET unit_code = excluded.unit_code, local_day = excluded.local_day, note = excluded.note,
			position = excluded.position, omitted = excluded.omitted, picked_by = excluded.picked_by, picked_at = excluded.picked_at`,
		p.PostID, p.UnitCode, p.LocalDay, p.Note, p.Position, boolInt(p.Omitted), p.PickedBy, ms(p.PickedAt))
	if err != nil {
		return fmt.Errorf("sqlite: unable to save pick of post %s: %w", p.PostID, mapErr(err))
	}
	return nil
}

// DeletePick removes a post's pick; ErrNotFound if it has none.
func (s *Store) DeletePick(ctx context.Context, postID string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM bulletin_picks WHERE post_id = ?`, postID)
	if err != nil {
		return fmt.Errorf("sqlite: unable to delete pick of post %s: %w", postID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: pick of post %s: %w", postID, store.ErrNotFound)
	}
	return nil
}

// ListPicks returns the picks the filter selects, by position, day and post ID.
func (s *Store) ListPicks(ctx context.Context, f store.PickFilter) ([]models.Pick, error) {
	var w where
	if len(f.UnitCodes) > 0 {
		w.in("unit_code", f.UnitCodes)
	}
	if f.FromDay != "" {
		w.add("local_day >= ?", f.FromDay)
	}
	if f.ToDay != "" {
		w.add("local_day <= ?", f.ToDay)
	}
	return queryAll(ctx, s.r, "picks", "pick", scanPick, `SELECT post_id, unit_code, local_day, note, position, omitted, picked_by, picked_at
		FROM bulletin_picks`+w.String()+` ORDER BY position, local_day, post_id`, w.args...)
}

func scanPick(sc rowScanner) (models.Pick, error) {
	var (
		p       models.Pick
		omitted int
		at      sql.NullInt64
	)
	err := sc.Scan(&p.PostID, &p.UnitCode, &p.LocalDay, &p.Note, &p.Position, &omitted, &p.PickedBy, &at)
	p.Omitted, p.PickedAt = omitted != 0, fromMS(at)
	return p, err
}

// SaveSentBulletin stores an issue as sent; ErrConflict if it exists.
func (s *Store) SaveSentBulletin(ctx context.Context, b models.SentBulletin) error {
	items, err := json.Marshal(b.Items)
	if err != nil {
		return fmt.Errorf("sqlite: unable to encode bulletin items: %w", err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO bulletins_sent(parent, quarter, subject, html, items, recipients, sent_by, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.Parent, b.Quarter, b.Subject, b.HTML, string(items), jsonText(b.Recipients), b.SentBy, ms(b.SentAt))
	if err != nil {
		return fmt.Errorf("sqlite: unable to save bulletin %s/%s: %w", b.Parent, b.Quarter, mapErr(err))
	}
	return nil
}

// GetSentBulletin returns a sent issue or ErrNotFound.
func (s *Store) GetSentBulletin(ctx context.Context, parent, quarter string) (models.SentBulletin, error) {
	return getOne(ctx, s.r, "bulletin "+parent+"/"+quarter, func(sc rowScanner) (models.SentBulletin, error) {
		var (
			b             models.SentBulletin
			items, recips string
			at            sql.NullInt64
		)
		if err := sc.Scan(&b.Parent, &b.Quarter, &b.Subject, &b.HTML, &items, &recips, &b.SentBy, &at); err != nil {
			return b, err
		}
		b.SentAt = fromMS(at)
		if err := json.Unmarshal([]byte(items), &b.Items); err != nil {
			return b, fmt.Errorf("sqlite: corrupt bulletin items: %w", err)
		}
		var err error
		b.Recipients, err = fromJSON[string](recips)
		return b, err
	}, `SELECT parent, quarter, subject, html, items, recipients, sent_by, sent_at FROM bulletins_sent WHERE parent = ? AND quarter = ?`, parent, quarter)
}

// CreateHonour inserts a proposal (ID assigned if empty).
func (s *Store) CreateHonour(ctx context.Context, h models.Honour) (models.Honour, error) {
	if h.ID == "" {
		h.ID = store.NewID()
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO honours(id, year, unit_code, name, post_id, reason, proposed_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.Year, h.UnitCode, h.Name, h.PostID, h.Reason, h.ProposedBy, ms(h.CreatedAt))
	if err != nil {
		return h, fmt.Errorf("sqlite: unable to create honour %s: %w", h.ID, mapErr(err))
	}
	return h, nil
}

// ListHonours returns a year's proposals for the units (all if empty).
func (s *Store) ListHonours(ctx context.Context, year int, unitCodes []string) ([]models.Honour, error) {
	var w where
	w.add("year = ?", year)
	if len(unitCodes) > 0 {
		w.in("unit_code", unitCodes)
	}
	return queryAll(ctx, s.r, "honours", "honour", scanHonour, `SELECT `+honourCols+` FROM honours`+w.String()+` ORDER BY unit_code, created_at, id`, w.args...)
}

const honourCols = `id, year, unit_code, name, post_id, reason, proposed_by, created_at`

func scanHonour(sc rowScanner) (models.Honour, error) {
	var (
		h  models.Honour
		at sql.NullInt64
	)
	err := sc.Scan(&h.ID, &h.Year, &h.UnitCode, &h.Name, &h.PostID, &h.Reason, &h.ProposedBy, &at)
	h.CreatedAt = fromMS(at)
	return h, err
}

// GetHonour returns one proposal or ErrNotFound.
func (s *Store) GetHonour(ctx context.Context, id string) (models.Honour, error) {
	return getOne(ctx, s.r, "honour "+id, scanHonour, `SELECT `+honourCols+` FROM honours WHERE id = ?`, id)
}

// DeleteHonour removes a proposal; ErrNotFound if absent.
func (s *Store) DeleteHonour(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM honours WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to delete honour %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: honour %s: %w", id, store.ErrNotFound)
	}
	return nil
}
