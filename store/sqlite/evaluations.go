package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tintot/models"
)

// SaveEvaluations upserts evaluations by key and records a correction for each stored one
// whose status or actual count changed.
func (s *Store) SaveEvaluations(ctx context.Context, evals []models.Evaluation, now time.Time, why string) ([]models.Correction, error) {
	var out []models.Correction
	if len(evals) == 0 {
		return nil, nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		find, err := tx.PrepareContext(ctx, `SELECT status, actual FROM evaluations WHERE unit_code = ? AND target = ? AND period = ? AND level = ?`)
		if err != nil {
			return fmt.Errorf("sqlite: prepare evaluation lookup: %w", err)
		}
		defer find.Close()
		upsert, err := tx.PrepareContext(ctx, `INSERT INTO evaluations(unit_code, target, period, level, period_kind, required, actual, status, evaluated_at, retroactive, obligatory)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(unit_code, target, period, level) DO UPDATE SET period_kind = excluded.period_kind,
				required = excluded.required, actual = excluded.actual, status = excluded.status, evaluated_at = excluded.evaluated_at,
				retroactive = excluded.retroactive, obligatory = excluded.obligatory`)
		if err != nil {
			return fmt.Errorf("sqlite: prepare evaluation upsert: %w", err)
		}
		defer upsert.Close()
		for _, e := range evals {
			var (
				oldStatus string
				oldActual int
			)
			err := find.QueryRowContext(ctx, e.UnitCode, e.Target, e.Period, string(e.Level)).Scan(&oldStatus, &oldActual)
			existed := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("sqlite: unable to read evaluation %s: %w", e.Key(), err)
			}
			if _, err := upsert.ExecContext(ctx, e.UnitCode, e.Target, e.Period, string(e.Level), string(e.PeriodKind), e.Required,
				e.Actual, string(e.Status), ms(e.EvaluatedAt), e.Retroactive, e.Obligatory); err != nil {
				return fmt.Errorf("sqlite: unable to save evaluation %s: %w", e.Key(), err)
			}
			if !existed || (models.Status(oldStatus) == e.Status && oldActual == e.Actual) {
				continue
			}
			c := models.Correction{
				UnitCode: e.UnitCode, Target: e.Target, Period: e.Period, Level: e.Level,
				OldStatus: models.Status(oldStatus), NewStatus: e.Status, OldActual: oldActual, NewActual: e.Actual,
				At: now.UTC().Truncate(time.Millisecond), Why: why,
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO corrections(unit_code, target, period, level, old_status, new_status, old_actual, new_actual, at, why)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.UnitCode, c.Target, c.Period, string(c.Level), string(c.OldStatus), string(c.NewStatus),
				c.OldActual, c.NewActual, c.At.UnixMilli(), c.Why); err != nil {
				return fmt.Errorf("sqlite: unable to record correction of %s: %w", e.Key(), err)
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListEvaluations returns stored evaluations for units (all if empty) and periods (all if empty).
func (s *Store) ListEvaluations(ctx context.Context, unitCodes []string, periods []string) ([]models.Evaluation, error) {
	q, args := listEvaluationsSQL(unitCodes, periods)
	return queryAll(ctx, s.r, "evaluations", "evaluation", scanEvaluation, q, args...)
}

// listEvaluationsSQL is ListEvaluations' query, and its arguments.
func listEvaluationsSQL(unitCodes []string, periods []string) (string, []any) {
	var w where
	if len(unitCodes) > 0 {
		w.in("unit_code", unitCodes)
	}
	if len(periods) > 0 {
		w.in("period", periods)
	}
	return `SELECT unit_code, target, period, period_kind, level, required, actual, status, evaluated_at, retroactive, obligatory
		FROM evaluations` + w.String() + ` ORDER BY unit_code, period, target, level`, w.args
}

func scanEvaluation(sc rowScanner) (models.Evaluation, error) {
	var (
		e  models.Evaluation
		at sql.NullInt64
	)
	err := sc.Scan(&e.UnitCode, &e.Target, &e.Period, &e.PeriodKind, &e.Level, &e.Required, &e.Actual, &e.Status, &at, &e.Retroactive, &e.Obligatory)
	e.EvaluatedAt = fromMS(at)
	return e, err
}

// ListCorrections returns corrections for units (all if empty) made in [from, to), oldest first.
func (s *Store) ListCorrections(ctx context.Context, unitCodes []string, from, to time.Time) ([]models.Correction, error) {
	var w where
	if len(unitCodes) > 0 {
		w.in("unit_code", unitCodes)
	}
	w.add("at >= ?", from.UnixMilli())
	w.add("at < ?", to.UnixMilli())
	return queryAll(ctx, s.r, "corrections", "correction", scanCorrection, `SELECT unit_code, target, period, level, old_status, new_status, old_actual, new_actual, at, why
		FROM corrections`+w.String()+` ORDER BY at, id`, w.args...)
}

func scanCorrection(sc rowScanner) (models.Correction, error) {
	var (
		c  models.Correction
		at int64
	)
	err := sc.Scan(&c.UnitCode, &c.Target, &c.Period, &c.Level, &c.OldStatus, &c.NewStatus, &c.OldActual, &c.NewActual, &at, &c.Why)
	c.At = time.UnixMilli(at).UTC()
	return c, err
}
