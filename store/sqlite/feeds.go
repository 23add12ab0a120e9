package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

const feedCols = `id, unit_code, url, title, default_kind, etag, last_modified, next_check_at, last_check_at,
	lease_holder, lease_until, state, consecutive_failures, last_success_at, failing_since, last_error,
	last_error_detail, last_status, created_at, updated_at, note, first_read_at, covered_from, body_hash, item_hashes`

func scanFeed(sc rowScanner) (models.Feed, error) {
	var (
		f                                                    models.Feed
		next, lastCheck, leaseUntil, lastOK, failing, cr, up sql.NullInt64
		firstRead, covered                                   sql.NullInt64
	)
	err := sc.Scan(&f.ID, &f.UnitCode, &f.URL, &f.Title, &f.DefaultKind, &f.ETag, &f.LastModified, &next, &lastCheck,
		&f.LeaseHolder, &leaseUntil, &f.State, &f.ConsecutiveFailures, &lastOK, &failing, &f.LastError,
		&f.LastErrorDetail, &f.LastStatus, &cr, &up, &f.Note, &firstRead, &covered, &f.BodyHash, (*[]byte)(&f.ItemHashes))
	if err != nil {
		return f, err
	}
	if !f.ItemHashes.Valid() {
		f.ItemHashes = nil // damaged: every item counts as new, and is written again
	}
	f.FirstReadAt, f.CoveredFrom = fromMSPtr(firstRead), fromMSPtr(covered)
	f.NextCheckAt, f.LastCheckAt, f.LeaseUntil = fromMS(next), fromMSPtr(lastCheck), fromMSPtr(leaseUntil)
	f.LastSuccessAt, f.FailingSince = fromMSPtr(lastOK), fromMSPtr(failing)
	f.CreatedAt, f.UpdatedAt = fromMS(cr), fromMS(up)
	return f, nil
}

func queryFeeds(ctx context.Context, q execer, query string, args ...any) ([]models.Feed, error) {
	return queryAll(ctx, q, "feeds", "feed", scanFeed, query, args...)
}

// CreateFeed inserts a feed (ID assigned if empty); ErrConflict if the unit already has
// the URL, ErrInvalid if the unit does not exist.
func (s *Store) CreateFeed(ctx context.Context, f models.Feed) (models.Feed, error) {
	if f.UnitCode == "" || f.URL == "" {
		return models.Feed{}, fmt.Errorf("sqlite: feed needs a unit code and a URL: %w", store.ErrInvalid)
	}
	if f.ID == "" {
		f.ID = store.NewID()
	}
	f.CreatedAt = nowIfZero(f.CreatedAt)
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = f.CreatedAt
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ok, err := unitExists(ctx, tx, f.UnitCode)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("sqlite: unit %s of feed %s does not exist: %w", f.UnitCode, f.URL, store.ErrInvalid)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO feeds(`+feedCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			f.ID, f.UnitCode, f.URL, f.Title, string(f.DefaultKind), f.ETag, f.LastModified, ms(f.NextCheckAt), msPtr(f.LastCheckAt),
			f.LeaseHolder, msPtr(f.LeaseUntil), string(f.State), f.ConsecutiveFailures, msPtr(f.LastSuccessAt), msPtr(f.FailingSince), f.LastError,
			f.LastErrorDetail, f.LastStatus, ms(f.CreatedAt), ms(f.UpdatedAt), f.Note, msPtr(f.FirstReadAt), msPtr(f.CoveredFrom), blob(f.BodyHash), blob(f.ItemHashes))
		if err != nil {
			return fmt.Errorf("sqlite: unable to insert feed %s of %s: %w", f.URL, f.UnitCode, mapErr(err))
		}
		return nil
	})
	if err != nil {
		return models.Feed{}, err
	}
	return f, nil
}

// GetFeed returns one feed or ErrNotFound.
func (s *Store) GetFeed(ctx context.Context, id string) (models.Feed, error) {
	return getOne(ctx, s.r, "feed "+id, scanFeed, `SELECT `+feedCols+` FROM feeds WHERE id = ?`, id)
}

// ListFeeds returns feeds matching the filter, ordered by unit code then URL.
func (s *Store) ListFeeds(ctx context.Context, f store.FeedFilter) ([]models.Feed, error) {
	var w where
	if f.UnitCode != "" {
		w.add("unit_code = ?", f.UnitCode)
	}
	if len(f.UnitCodes) > 0 {
		w.in("unit_code", f.UnitCodes)
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, st := range f.States {
			states[i] = string(st)
		}
		w.in("state", states)
	}
	if f.URL != "" {
		w.add("url = ?", f.URL)
	}
	if f.Brief {
		return s.briefFeeds(ctx, w)
	}
	return queryFeeds(ctx, s.r, `SELECT `+feedCols+` FROM feeds`+w.String()+` ORDER BY unit_code, url`, w.args...)
}

// scanBriefFeed reads the columns of a FeedFilter.Brief listing.
func scanBriefFeed(sc rowScanner) (models.Feed, error) {
	var f models.Feed
	var created, firstRead, covered, success sql.NullInt64
	err := sc.Scan(&f.ID, &f.UnitCode, &f.URL, &f.State, &created, &firstRead, &covered, &success)
	f.CreatedAt = fromMS(created)
	f.FirstReadAt, f.CoveredFrom = fromMSPtr(firstRead), fromMSPtr(covered)
	f.LastSuccessAt = fromMSPtr(success)
	return f, err
}

// updateFeedSQL replaces a feed's mutable fields; its arguments are updateFeedArgs.
const updateFeedSQL = `UPDATE feeds SET title = ?, default_kind = ?, etag = ?, last_modified = ?,
	next_check_at = ?, last_check_at = ?, lease_holder = ?, lease_until = ?, state = ?, consecutive_failures = ?,
	last_success_at = ?, failing_since = ?, last_error = ?, last_error_detail = ?, last_status = ?, note = ?,
	first_read_at = ?, covered_from = ?, body_hash = ?, item_hashes = ?, updated_at = ?
	WHERE id = ?`

func updateFeedArgs(f models.Feed) []any {
	return []any{f.Title, string(f.DefaultKind), f.ETag, f.LastModified, ms(f.NextCheckAt), msPtr(f.LastCheckAt), f.LeaseHolder, msPtr(f.LeaseUntil),
		string(f.State), f.ConsecutiveFailures, msPtr(f.LastSuccessAt), msPtr(f.FailingSince), f.LastError, f.LastErrorDetail,
		f.LastStatus, f.Note, msPtr(f.FirstReadAt), msPtr(f.CoveredFrom), blob(f.BodyHash), blob(f.ItemHashes), ms(nowIfZero(f.UpdatedAt)), f.ID}
}

// blob is a BLOB argument: NULL when empty.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// UpdateFeed replaces a feed's mutable fields; ErrNotFound if absent.
func (s *Store) UpdateFeed(ctx context.Context, f models.Feed) error {
	res, err := s.updateFeed.ExecContext(ctx, updateFeedArgs(f)...)
	if err != nil {
		return fmt.Errorf("sqlite: unable to update feed %s: %w", f.ID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: feed %s: %w", f.ID, store.ErrNotFound)
	}
	return nil
}

// UpdateFeeds replaces the mutable fields of many feeds in one transaction (one commit
// for a whole poll batch). Absent feeds are skipped: the others are written and the error
// names the absent ones and wraps ErrNotFound.
func (s *Store) UpdateFeeds(ctx context.Context, feeds []models.Feed) error {
	if len(feeds) == 0 {
		return nil
	}
	var missing []string
	// Below database/sql, as a poll's posts are written (writePosts): one batch's feeds
	// are written right after its posts.
	err := s.writePosts(ctx, func(w *postWriter) error {
		missing = missing[:0]
		rowCtx := context.WithoutCancel(ctx)
		for _, f := range feeds {
			if err := ctx.Err(); err != nil {
				return err
			}
			n, err := w.updateFeed.exec(rowCtx, updateFeedArgs(f)...)
			if err != nil {
				return fmt.Errorf("sqlite: unable to update feed %s: %w", f.ID, mapErr(err))
			}
			if n == 0 {
				missing = append(missing, f.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("sqlite: feeds %s: %w", strings.Join(missing, ", "), store.ErrNotFound)
	}
	return nil
}

// DeleteFeed removes a feed (its posts stay); ErrNotFound if absent.
func (s *Store) DeleteFeed(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM feeds WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("sqlite: unable to delete feed %s: %w", id, mapErr(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("sqlite: feed %s: %w", id, store.ErrNotFound)
		}
		// Its open outage ends now, never read again: the unit stays unseen through it
		// until this moment (the outages of a deleted feed are kept).
		// Read again by nothing: its reach is the deletion itself (the whole outage unseen).
		now := time.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `UPDATE feed_outages SET to_at = ?, covered_from = ? WHERE feed_id = ? AND to_at IS NULL`, now, now, id); err != nil {
			return fmt.Errorf("sqlite: unable to end the outage of deleted feed %s: %w", id, err)
		}
		return nil
	})
}

// ClaimDueFeeds leases up to limit due feeds whose lease is free or expired, in one write
// transaction, so no two holders get the same feed. A feed never scheduled is due.
func (s *Store) ClaimDueFeeds(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]models.Feed, error) {
	if holder == "" {
		return nil, fmt.Errorf("sqlite: claiming feeds needs a holder name: %w", store.ErrInvalid)
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []models.Feed
	err := s.tx(ctx, func(tx *sql.Tx) error {
		nowMS := now.UnixMilli()
		claimed, err := queryFeeds(ctx, tx, `SELECT `+feedCols+` FROM feeds
			WHERE COALESCE(next_check_at, 0) <= ? AND (lease_until IS NULL OR lease_until <= ?)
			ORDER BY COALESCE(next_check_at, 0), id LIMIT ?`, nowMS, nowMS, limit)
		if err != nil {
			return err
		}
		if len(claimed) == 0 {
			return nil
		}
		ids := make([]string, len(claimed))
		for i := range claimed {
			ids[i] = claimed[i].ID
			claimed[i].LeaseHolder = holder
			lu := leaseUntil.UTC().Truncate(time.Millisecond)
			claimed[i].LeaseUntil = &lu
		}
		_, err = tx.ExecContext(ctx, `UPDATE feeds SET lease_holder = ?, lease_until = ?
			WHERE id IN (SELECT value FROM json_each(?))`, holder, ms(leaseUntil), jsonText(ids))
		if err != nil {
			return fmt.Errorf("sqlite: unable to lease feeds: %w", err)
		}
		out = claimed
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// OpenOutage starts an outage for a feed unless one is already open.
func (s *Store) OpenOutage(ctx context.Context, o models.FeedOutage) error {
	if o.FeedID == "" {
		return fmt.Errorf("sqlite: outage without a feed ID: %w", store.ErrInvalid)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO feed_outages(feed_id, unit_code, from_at, to_at, reason) VALUES (?, ?, ?, NULL, ?)
		ON CONFLICT(feed_id) WHERE to_at IS NULL DO NOTHING`, o.FeedID, o.UnitCode, o.From.UnixMilli(), o.Reason)
	if err != nil {
		return fmt.Errorf("sqlite: unable to open outage of feed %s: %w", o.FeedID, mapErr(err))
	}
	return nil
}

// CloseOutage ends the feed's open outage at `at` (no-op if none is open).
func (s *Store) CloseOutage(ctx context.Context, feedID string, at time.Time, coveredFrom *time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE feed_outages SET to_at = ?, covered_from = ? WHERE feed_id = ? AND to_at IS NULL`,
		at.UnixMilli(), msPtr(coveredFrom), feedID)
	if err != nil {
		return fmt.Errorf("sqlite: unable to close outage of feed %s: %w", feedID, err)
	}
	return nil
}

// ListOutages returns outages of the given units (all if empty) overlapping [from, to).
func (s *Store) ListOutages(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.FeedOutage, error) {
	var w where
	if len(unitCodes) > 0 {
		w.in("unit_code", unitCodes)
	}
	w.add("from_at < ?", to.UnixMilli())
	w.add("(to_at IS NULL OR to_at > ?)", from.UnixMilli())
	return queryAll(ctx, s.r, "outages", "outage", scanOutage, `SELECT feed_id, unit_code, from_at, to_at, reason, covered_from FROM feed_outages`+w.String()+
		` ORDER BY unit_code, from_at, id`, w.args...)
}

func scanOutage(sc rowScanner) (models.FeedOutage, error) {
	var (
		o           models.FeedOutage
		fr, tt, cov sql.NullInt64
	)
	err := sc.Scan(&o.FeedID, &o.UnitCode, &fr, &tt, &o.Reason, &cov)
	o.From, o.To, o.CoveredFrom = fromMS(fr), fromMSPtr(tt), fromMSPtr(cov)
	return o, err
}
