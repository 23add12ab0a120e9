package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tintot/models"
	"tintot/store"
)

const userCols = `id, email, name, role, unit_code, password_hash, disabled, created_at, updated_at`

func scanUser(sc rowScanner) (models.User, error) {
	var (
		u       models.User
		dis     int
		cr, upd sql.NullInt64
	)
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitCode, &u.PasswordHash, &dis, &cr, &upd); err != nil {
		return u, err
	}
	u.Disabled = dis != 0
	u.CreatedAt, u.UpdatedAt = fromMS(cr), fromMS(upd)
	return u, nil
}

// emailKey is the case-insensitive identity of an e-mail address.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser inserts a user (ID assigned if empty); ErrConflict if the e-mail is taken.
func (s *Store) CreateUser(ctx context.Context, u models.User) (models.User, error) {
	if emailKey(u.Email) == "" {
		return models.User{}, fmt.Errorf("sqlite: user without an e-mail: %w", store.ErrInvalid)
	}
	if u.ID == "" {
		u.ID = store.NewID()
	}
	u.CreatedAt = nowIfZero(u.CreatedAt)
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO users(id, email, email_key, name, role, unit_code, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, emailKey(u.Email), u.Name, string(u.Role), u.UnitCode, u.PasswordHash,
		boolInt(u.Disabled), ms(u.CreatedAt), ms(u.UpdatedAt))
	if err != nil {
		return models.User{}, fmt.Errorf("sqlite: unable to create user %s: %w", u.Email, mapErr(err))
	}
	return u, nil
}

func (s *Store) getUser(ctx context.Context, what, cond string, arg any) (models.User, error) {
	return getOne(ctx, s.r, "user "+what, scanUser, `SELECT `+userCols+` FROM users WHERE `+cond, arg)
}

// GetUser returns a user by ID or ErrNotFound.
func (s *Store) GetUser(ctx context.Context, id string) (models.User, error) {
	return s.getUser(ctx, id, `id = ?`, id)
}

// GetUserByEmail returns a user by e-mail (case-insensitive) or ErrNotFound.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (models.User, error) {
	return s.getUser(ctx, email, `email_key = ?`, emailKey(email))
}

// ListUsers returns all users ordered by e-mail.
func (s *Store) ListUsers(ctx context.Context) ([]models.User, error) {
	return queryAll(ctx, s.r, "users", "user", scanUser, `SELECT `+userCols+` FROM users ORDER BY email_key`)
}

// UpdateUser replaces name, role, unit, password hash and disabled; ErrNotFound if absent.
func (s *Store) UpdateUser(ctx context.Context, u models.User) error {
	res, err := s.w.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, unit_code = ?, password_hash = ?, disabled = ?, updated_at = ?
		WHERE id = ?`, u.Name, string(u.Role), u.UnitCode, u.PasswordHash, boolInt(u.Disabled), ms(nowIfZero(u.UpdatedAt)), u.ID)
	if err != nil {
		return fmt.Errorf("sqlite: unable to update user %s: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: user %s: %w", u.ID, store.ErrNotFound)
	}
	return nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se models.Session) error {
	if se.ID == "" {
		return fmt.Errorf("sqlite: session without an ID: %w", store.ErrInvalid)
	}
	// Sessions expired by now go at each login, as MongoDB's TTL index removes them: a
	// year of logins would otherwise stay in the table.
	now := se.CreatedAt
	if now.IsZero() {
		now = time.Now()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions(id, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			se.ID, se.UserID, se.CSRFToken, ms(se.CreatedAt), se.ExpiresAt.UnixMilli()); err != nil {
			return fmt.Errorf("sqlite: unable to create session: %w", mapErr(err))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, now.UnixMilli()); err != nil {
			return fmt.Errorf("sqlite: unable to remove expired sessions: %w", err)
		}
		return nil
	})
}

// GetSession returns an unexpired session by ID (at now) or ErrNotFound.
func (s *Store) GetSession(ctx context.Context, id string, now time.Time) (models.Session, error) {
	var (
		se  models.Session
		cr  sql.NullInt64
		exp int64
	)
	err := s.r.QueryRowContext(ctx, `SELECT id, user_id, csrf_token, created_at, expires_at FROM sessions WHERE id = ? AND expires_at > ?`,
		id, now.UnixMilli()).Scan(&se.ID, &se.UserID, &se.CSRFToken, &cr, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return models.Session{}, fmt.Errorf("sqlite: session: %w", store.ErrNotFound)
	}
	if err != nil {
		return models.Session{}, fmt.Errorf("sqlite: unable to get session: %w", err)
	}
	se.CreatedAt, se.ExpiresAt = fromMS(cr), time.UnixMilli(exp).UTC()
	return se, nil
}

// DeleteSession removes a session (no error if absent).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: unable to delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions removes every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("sqlite: unable to delete sessions of user %s: %w", userID, err)
	}
	return nil
}

const tokenCols = `id, user_id, name, hash, created_at, last_used`

func scanToken(sc rowScanner) (models.APIToken, error) {
	var (
		t        models.APIToken
		cr, used sql.NullInt64
	)
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &cr, &used); err != nil {
		return t, err
	}
	t.CreatedAt, t.LastUsed = fromMS(cr), fromMSPtr(used)
	return t, nil
}

// CreateAPIToken stores a token (ID assigned if empty); ErrConflict if the hash exists.
func (s *Store) CreateAPIToken(ctx context.Context, t models.APIToken) (models.APIToken, error) {
	if t.Hash == "" || t.UserID == "" {
		return models.APIToken{}, fmt.Errorf("sqlite: API token needs a user and a hash: %w", store.ErrInvalid)
	}
	if t.ID == "" {
		t.ID = store.NewID()
	}
	t.CreatedAt = nowIfZero(t.CreatedAt)
	_, err := s.w.ExecContext(ctx, `INSERT INTO api_tokens(`+tokenCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.Name, t.Hash, ms(t.CreatedAt), msPtr(t.LastUsed))
	if err != nil {
		return models.APIToken{}, fmt.Errorf("sqlite: unable to create API token %s: %w", t.Name, mapErr(err))
	}
	return t, nil
}

// GetAPITokenByHash returns a token by its hash or ErrNotFound.
func (s *Store) GetAPITokenByHash(ctx context.Context, hash string) (models.APIToken, error) {
	return getOne(ctx, s.r, "API token", scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash)
}

// ListAPITokens returns a user's tokens, oldest first.
func (s *Store) ListAPITokens(ctx context.Context, userID string) ([]models.APIToken, error) {
	return queryAll(ctx, s.r, "API tokens", "API token", scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`, userID)
}

// DeleteAPIToken removes a token of a user; ErrNotFound if absent.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, id string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ? AND id = ?`, userID, id)
	if err != nil {
		return fmt.Errorf("sqlite: unable to delete API token %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: API token %s of user %s: %w", id, userID, store.ErrNotFound)
	}
	return nil
}
