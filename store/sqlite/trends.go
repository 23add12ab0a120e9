package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"tintot/models"
	"tintot/store"
)

// CreateTrend inserts a trend (ID assigned if empty); ErrInvalid if the parent unit does
// not exist, ErrConflict if the parent has a trend of that name in that year.
func (s *Store) CreateTrend(ctx context.Context, t models.Trend) (models.Trend, error) {
	if t.ID == "" {
		t.ID = store.NewID()
	}
	t.CreatedAt = nowIfZero(t.CreatedAt).UTC().Truncate(1e6)
	res, err := s.w.ExecContext(ctx, `INSERT INTO trends(id, parent_code, year, name, hashtags, start_day, end_day, description, created_by, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM units WHERE code = ?)`, t.ID, t.ParentCode, t.Year(), t.Name,
		jsonText(t.Hashtags), t.StartDay, t.EndDay, t.Description, t.CreatedBy, ms(t.CreatedAt), t.ParentCode)
	if err != nil {
		return models.Trend{}, fmt.Errorf("sqlite: unable to create trend %q of %s: %w", t.Name, t.ParentCode, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return models.Trend{}, fmt.Errorf("sqlite: unable to create trend %q of %s: %w", t.Name, t.ParentCode, err)
	} else if n == 0 {
		return models.Trend{}, fmt.Errorf("sqlite: unit %q of trend does not exist: %w", t.ParentCode, store.ErrInvalid)
	}
	return t, nil
}

// GetTrend returns one trend or ErrNotFound.
func (s *Store) GetTrend(ctx context.Context, id string) (models.Trend, error) {
	return getOne(ctx, s.r, "trend "+id, scanTrend, `SELECT `+trendCols+` FROM trends WHERE id = ?`, id)
}

// ListTrends returns the trends matching the filter, by first day, then name.
func (s *Store) ListTrends(ctx context.Context, f store.TrendFilter) ([]models.Trend, error) {
	var w where
	if f.ParentCode != "" {
		w.add("parent_code = ?", f.ParentCode)
	}
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	return queryAll(ctx, s.r, "trends", "trend", scanTrend, `SELECT `+trendCols+` FROM trends`+w.String()+` ORDER BY start_day, name, id`, w.args...)
}

// UpdateTrend replaces a trend's name, hashtags, days and description.
func (s *Store) UpdateTrend(ctx context.Context, t models.Trend) (models.Trend, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE trends SET year = ?, name = ?, hashtags = ?, start_day = ?, end_day = ?, description = ? WHERE id = ?`,
		t.Year(), t.Name, jsonText(t.Hashtags), t.StartDay, t.EndDay, t.Description, t.ID)
	if err != nil {
		return models.Trend{}, fmt.Errorf("sqlite: unable to update trend %s: %w", t.ID, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return models.Trend{}, fmt.Errorf("sqlite: unable to update trend %s: %w", t.ID, err)
	} else if n == 0 {
		return models.Trend{}, fmt.Errorf("sqlite: trend %s: %w", t.ID, store.ErrNotFound)
	}
	return getOne(ctx, s.w, "trend "+t.ID, scanTrend, `SELECT `+trendCols+` FROM trends WHERE id = ?`, t.ID)
}

// DeleteTrend removes a trend.
func (s *Store) DeleteTrend(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM trends WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to delete trend %s: %w", id, mapErr(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: unable to delete trend %s: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("sqlite: trend %s: %w", id, store.ErrNotFound)
	}
	return nil
}

const trendCols = `id, parent_code, name, hashtags, start_day, end_day, description, created_by, created_at`

func scanTrend(sc rowScanner) (models.Trend, error) {
	var (
		t        models.Trend
		hashtags string
		at       sql.NullInt64
	)
	if err := sc.Scan(&t.ID, &t.ParentCode, &t.Name, &hashtags, &t.StartDay, &t.EndDay, &t.Description, &t.CreatedBy, &at); err != nil {
		return t, err
	}
	t.CreatedAt = fromMS(at)
	var err error
	t.Hashtags, err = fromJSON[string](hashtags)
	return t, err
}
