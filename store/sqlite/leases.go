package sqlite

import (
	"context"
	"fmt"
	"time"
)

// AcquireLease takes or renews the named lease for holder until now+ttl; false if another
// holder has an unexpired lease.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" {
		return false, fmt.Errorf("sqlite: lease needs a name and a holder")
	}
	res, err := s.w.ExecContext(ctx, `INSERT INTO leases(name, holder, until) VALUES (?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE leases.holder = excluded.holder OR leases.until <= ?`,
		name, holder, now.Add(ttl).UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("sqlite: unable to acquire lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: unable to acquire lease %s: %w", name, err)
	}
	return n > 0, nil
}

// ReleaseLease gives up the lease if holder holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder); err != nil {
		return fmt.Errorf("sqlite: unable to release lease %s: %w", name, err)
	}
	return nil
}
