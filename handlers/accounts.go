package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"tintot/config"
	"tintot/models"
	"tintot/store"
)

// Password rules.
const (
	minPasswordLen = 8
	maxPasswordLen = 72 // bcrypt ignores bytes beyond 72
)

// validatePassword names what is wrong with a password.
func validatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < minPasswordLen {
		return &models.FieldError{Field: "password", Msg: fmt.Sprintf("mật khẩu phải có ít nhất %d ký tự", minPasswordLen)}
	}
	if len(pw) > maxPasswordLen {
		return &models.FieldError{Field: "password", Msg: fmt.Sprintf("mật khẩu dài tối đa %d byte", maxPasswordLen)}
	}
	return nil
}

// generatePassword returns a random password that is easy to copy.
func generatePassword() string { return newSecret()[:20] }

// hashPassword bcrypts a password.
func hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", errorf("unable to hash password: %w", err)
	}
	return string(h), nil
}

// CreateUser validates and creates an account. Reviewers and unit admins need an existing
// unit (their scope); admins have none. An empty password is generated and returned so
// the caller can show it once. Invalid input yields a *models.FieldError.
func CreateUser(ctx context.Context, st store.Store, email, name string, role models.Role, unit, password string) (string, error) {
	_, pw, err := createUser(ctx, st, email, name, role, unit, password, time.Now())
	return pw, err
}

func createUser(ctx context.Context, st store.Store, email, name string, role models.Role, unit, password string, now time.Time) (models.User, string, error) {
	email = strings.TrimSpace(email)
	name = strings.TrimSpace(name)
	unit = strings.TrimSpace(unit)
	if !models.ValidEmail(email) {
		return models.User{}, "", &models.FieldError{Field: "email", Msg: fmt.Sprintf("e-mail không hợp lệ: %q", email)}
	}
	if name == "" {
		return models.User{}, "", &models.FieldError{Field: "name", Msg: "họ tên không được để trống"}
	}
	if utf8.RuneCountInString(name) > 200 {
		return models.User{}, "", &models.FieldError{Field: "name", Msg: "họ tên quá dài (tối đa 200 ký tự)"}
	}
	if !role.Valid() {
		return models.User{}, "", &models.FieldError{Field: "role", Msg: fmt.Sprintf("vai trò không hợp lệ: %q (admin, reviewer hoặc unit_admin)", role)}
	}
	if role == models.RoleAdmin && unit != "" {
		return models.User{}, "", &models.FieldError{Field: "unit_code", Msg: "quản trị viên (admin) không gắn với đơn vị"}
	}
	if role != models.RoleAdmin {
		if unit == "" {
			return models.User{}, "", &models.FieldError{Field: "unit_code", Msg: "cần chọn đơn vị cho tài khoản này"}
		}
		if _, err := st.GetUnit(ctx, unit); errors.Is(err, store.ErrNotFound) {
			return models.User{}, "", &models.FieldError{Field: "unit_code", Msg: fmt.Sprintf("không có đơn vị mã %q", unit)}
		} else if err != nil {
			return models.User{}, "", errorf("unable to check unit %s: %w", unit, err)
		}
	}
	generated := ""
	if password == "" {
		password = generatePassword()
		generated = password
	}
	if err := validatePassword(password); err != nil {
		return models.User{}, "", err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return models.User{}, "", err
	}
	u, err := st.CreateUser(ctx, models.User{
		Email: email, Name: name, Role: role, UnitCode: unit, PasswordHash: hash,
		CreatedAt: now.UTC(), UpdatedAt: now.UTC(),
	})
	if errors.Is(err, store.ErrConflict) {
		return models.User{}, "", &models.FieldError{Field: "email", Msg: fmt.Sprintf("e-mail %s đã có tài khoản", email)}
	}
	if err != nil {
		return models.User{}, "", errorf("unable to create user %s: %w", email, err)
	}
	return u, generated, nil
}

// SetPassword changes a user's password (generated and returned if empty) and ends all
// their sessions.
func SetPassword(ctx context.Context, st store.Store, email, password string) (string, error) {
	u, err := st.GetUserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) {
		return "", &models.FieldError{Field: "email", Msg: fmt.Sprintf("không có tài khoản %q", email)}
	}
	if err != nil {
		return "", errorf("unable to look up user %s: %w", email, err)
	}
	generated := ""
	if password == "" {
		password = generatePassword()
		generated = password
	}
	if err := validatePassword(password); err != nil {
		return "", err
	}
	if u.PasswordHash, err = hashPassword(password); err != nil {
		return "", err
	}
	u.UpdatedAt = time.Now().UTC()
	if err := st.UpdateUser(ctx, u); err != nil {
		return "", errorf("unable to update password of %s: %w", email, err)
	}
	if err := st.DeleteUserSessions(ctx, u.ID); err != nil {
		return "", errorf("unable to end sessions of %s: %w", email, err)
	}
	return generated, nil
}

// newAPIToken creates a token for a user and returns the secret, shown once.
func newAPIToken(ctx context.Context, st store.Store, userID, name string, now time.Time) (models.APIToken, string, error) {
	secret := tokenPrefix + newSecret()
	t, err := st.CreateAPIToken(ctx, models.APIToken{UserID: userID, Name: name, Hash: hashSecret(secret), CreatedAt: now.UTC()})
	if err != nil {
		return models.APIToken{}, "", errorf("unable to create API token: %w", err)
	}
	return t, secret, nil
}

// Bootstrap prepares a fresh instance: with no user at all it creates the admin from
// TINTOT_ADMIN_EMAIL / TINTOT_ADMIN_PASSWORD (generating and printing the password once
// to out if none is set). It then makes sure the admin has an API token: TINTOT_ADMIN_TOKEN
// if set (stored hashed), else a generated one printed once, if the admin has none.
func Bootstrap(ctx context.Context, st store.Store, cfg config.Config, out io.Writer) error {
	if out == nil {
		out = io.Discard
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return errorf("bootstrap: unable to list users: %w", err)
	}
	now := time.Now()
	var admin models.User
	if len(users) == 0 {
		u, pw, err := createUser(ctx, st, cfg.AdminEmail, "Quản trị viên", models.RoleAdmin, "", cfg.AdminPassword, now)
		if err != nil {
			return errorf("bootstrap: unable to create admin %s (TINTOT_ADMIN_EMAIL/TINTOT_ADMIN_PASSWORD): %w", cfg.AdminEmail, err)
		}
		admin = u
		fmt.Fprintf(out, "tintot: created admin account %s\n", u.Email)
		if pw != "" {
			fmt.Fprintf(out, "tintot: admin password (shown once, change it with `tintot user passwd`): %s\n", pw)
		}
	} else {
		admin, err = findAdmin(ctx, st, cfg.AdminEmail, users)
		if err != nil {
			return err
		}
	}
	if admin.ID == "" {
		return nil // users exist but no admin: nothing to attach a token to
	}
	if tok := strings.TrimSpace(cfg.AdminToken); tok != "" {
		if len(tok) < 20 {
			return errorf("bootstrap: TINTOT_ADMIN_TOKEN is too short (at least 20 characters)")
		}
		t, err := st.GetAPITokenByHash(ctx, hashSecret(tok))
		switch {
		case err == nil:
			if t.UserID != admin.ID {
				return errorf("bootstrap: TINTOT_ADMIN_TOKEN belongs to another user")
			}
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return errorf("bootstrap: unable to look up admin token: %w", err)
		}
		if _, err := st.CreateAPIToken(ctx, models.APIToken{UserID: admin.ID, Name: "TINTOT_ADMIN_TOKEN", Hash: hashSecret(tok), CreatedAt: now.UTC()}); err != nil {
			return errorf("bootstrap: unable to store admin token: %w", err)
		}
		fmt.Fprintf(out, "tintot: TINTOT_ADMIN_TOKEN registered for %s\n", admin.Email)
		return nil
	}
	toks, err := st.ListAPITokens(ctx, admin.ID)
	if err != nil {
		return errorf("bootstrap: unable to list admin tokens: %w", err)
	}
	if len(toks) > 0 {
		return nil
	}
	_, secret, err := newAPIToken(ctx, st, admin.ID, "bootstrap", now)
	if err != nil {
		return errorf("bootstrap: %w", err)
	}
	fmt.Fprintf(out, "tintot: admin API token for %s (shown once): %s\n", admin.Email, secret)
	return nil
}

// findAdmin returns the configured admin if it exists, else the first admin by e-mail.
func findAdmin(ctx context.Context, st store.Store, email string, users []models.User) (models.User, error) {
	if email != "" {
		u, err := st.GetUserByEmail(ctx, email)
		if err == nil && u.Role == models.RoleAdmin && !u.Disabled {
			return u, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return models.User{}, errorf("bootstrap: unable to look up admin %s: %w", email, err)
		}
	}
	for _, u := range users {
		if u.Role == models.RoleAdmin && !u.Disabled {
			return u, nil
		}
	}
	return models.User{}, nil
}
