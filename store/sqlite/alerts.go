package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"tintot/models"
	"tintot/store"
)

const alertCols = `id, dedup_key, type, unit_code, period, level, recipients, subject, body_text, body_html, attachment,
	status, attempts, next_try_at, last_error, created_at, sent_at`

func scanAlert(sc rowScanner) (models.Alert, error) {
	var (
		a                   models.Alert
		rcpt                string
		next, created, sent sql.NullInt64
	)
	err := sc.Scan(&a.ID, &a.DedupKey, &a.Type, &a.UnitCode, &a.Period, &a.Level, &rcpt, &a.Subject, &a.BodyText, &a.BodyHTML,
		&a.Attachment, &a.Status, &a.Attempts, &next, &a.LastError, &created, &sent)
	if err != nil {
		return a, err
	}
	if a.Recipients, err = fromJSON[string](rcpt); err != nil {
		return a, err
	}
	a.NextTryAt, a.CreatedAt, a.SentAt = fromMS(next), fromMS(created), fromMSPtr(sent)
	return a, nil
}

func queryAlerts(ctx context.Context, q execer, query string, args ...any) ([]models.Alert, error) {
	return queryAll(ctx, q, "alerts", "alert", scanAlert, query, args...)
}

// EnqueueAlert inserts an alert unless one with its DedupKey exists; returns the stored
// alert and whether it was created now.
func (s *Store) EnqueueAlert(ctx context.Context, a models.Alert) (models.Alert, bool, error) {
	if a.DedupKey == "" {
		return models.Alert{}, false, fmt.Errorf("sqlite: alert without a dedup key: %w", store.ErrInvalid)
	}
	if a.ID == "" {
		a.ID = store.NewID()
	}
	if a.Status == "" {
		a.Status = models.AlertPending
	}
	a.CreatedAt = nowIfZero(a.CreatedAt)
	var (
		out     models.Alert
		created bool
	)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO alerts(`+alertCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(dedup_key) DO NOTHING`,
			a.ID, a.DedupKey, string(a.Type), a.UnitCode, a.Period, string(a.Level), jsonText(a.Recipients), a.Subject, a.BodyText, a.BodyHTML,
			a.Attachment, string(a.Status), a.Attempts, ms(a.NextTryAt), a.LastError, ms(a.CreatedAt), msPtr(a.SentAt))
		if err != nil {
			return fmt.Errorf("sqlite: unable to enqueue alert %s: %w", a.DedupKey, mapErr(err))
		}
		n, _ := res.RowsAffected()
		created = n > 0
		out, err = scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertCols+` FROM alerts WHERE dedup_key = ?`, a.DedupKey))
		if err != nil {
			return fmt.Errorf("sqlite: unable to read alert %s: %w", a.DedupKey, err)
		}
		return nil
	})
	if err != nil {
		return models.Alert{}, false, err
	}
	return out, created, nil
}

// dueAlertsSQL selects the pending alerts due by a time, oldest first (alerts_status
// gives them in that order).
const dueAlertsSQL = `SELECT ` + alertCols + ` FROM alerts WHERE status = ? AND COALESCE(next_try_at, 0) <= ? ORDER BY created_at, id`

// DueAlerts returns pending alerts with NextTryAt <= now, oldest first.
func (s *Store) DueAlerts(ctx context.Context, now time.Time, limit int) ([]models.Alert, error) {
	q := dueAlertsSQL
	args := []any{string(models.AlertPending), now.UnixMilli()}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return queryAlerts(ctx, s.r, q, args...)
}

// UpdateAlert replaces status, attempts, next try, last error and sent time; ErrNotFound if absent.
func (s *Store) UpdateAlert(ctx context.Context, a models.Alert) error {
	res, err := s.w.ExecContext(ctx, `UPDATE alerts SET status = ?, attempts = ?, next_try_at = ?, last_error = ?, sent_at = ? WHERE id = ?`,
		string(a.Status), a.Attempts, ms(a.NextTryAt), a.LastError, msPtr(a.SentAt), a.ID)
	if err != nil {
		return fmt.Errorf("sqlite: unable to update alert %s: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: alert %s: %w", a.ID, store.ErrNotFound)
	}
	return nil
}

// PruneAlertBodies empties the bodies of the settled alerts created before before, a
// batch per transaction (a year of alerts is hundreds of thousands), each batch found
// through alerts_status.
func (s *Store) PruneAlertBodies(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for {
		res, err := s.w.ExecContext(ctx, `UPDATE alerts SET body_text = '', body_html = '' WHERE rowid IN (`+prunableAlertsSQL+`)`,
			string(models.AlertSent), string(models.AlertFailed), string(models.AlertNoMail), string(models.AlertCanceled), before.UnixMilli(), pruneBatch)
		if err != nil {
			return total, fmt.Errorf("sqlite: unable to empty the bodies of old alerts: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}

// prunableAlertsSQL finds a batch of settled alerts created before a time whose bodies
// are not yet emptied.
const prunableAlertsSQL = `SELECT rowid FROM alerts WHERE status IN (?, ?, ?, ?) AND created_at < ? AND (body_text <> '' OR body_html <> '') LIMIT ?`

// pruneBatch is how many alerts PruneAlertBodies empties per transaction.
const pruneBatch = 5000

// GetAlert returns one alert or ErrNotFound.
func (s *Store) GetAlert(ctx context.Context, id string) (models.Alert, error) {
	return getOne(ctx, s.r, "alert "+id, scanAlert, `SELECT `+alertCols+` FROM alerts WHERE id = ?`, id)
}

// ListAlerts returns alerts matching the filter, newest first.
func (s *Store) ListAlerts(ctx context.Context, f store.AlertFilter) ([]models.Alert, error) {
	q, args := listAlertsSQL(f)
	return queryAlerts(ctx, s.r, q, args...)
}

// listAlertsSQL is ListAlerts' query for f, and its arguments.
func listAlertsSQL(f store.AlertFilter) (string, []any) {
	var w where
	if len(f.UnitCodes) > 0 {
		w.in("unit_code", f.UnitCodes)
	}
	if len(f.Types) > 0 {
		types := make([]string, len(f.Types))
		for i, t := range f.Types {
			types[i] = string(t)
		}
		w.in("type", types)
	}
	switch {
	case f.Status != "" && len(f.UnitCodes) > 0:
		// The units' alerts are few: found through alerts_unit (unary + keeps the planner
		// from alerts_status, whose order would have it walk every alert of the status).
		w.add("+status = ?", string(f.Status))
	case f.Status != "":
		w.add("status = ?", string(f.Status))
	}
	if f.Since != nil {
		w.add("created_at >= ?", f.Since.UnixMilli())
	}
	q := `SELECT ` + alertCols + ` FROM alerts` + w.String() + ` ORDER BY created_at DESC, rowid DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		w.args = append(w.args, f.Limit)
	}
	return q, w.args
}
