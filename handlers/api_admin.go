package handlers

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

var alertTypes = []models.AlertType{
	models.AlertAtRisk, models.AlertDailyShort, models.AlertWeeklyShort, models.AlertFeedBroken,
	models.AlertFeedRecovered, models.AlertEscalation, models.AlertCorrection, models.AlertWeeklyDigest,
	models.AlertBulletin,
}

var alertStatuses = []models.AlertStatus{
	models.AlertPending, models.AlertSent, models.AlertFailed, models.AlertNoMail, models.AlertCanceled,
}

// listAlerts is GET /alerts?unit=&status=&type=&limit=, limited to the caller's scope.
func (s *server) listAlerts(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	f := store.AlertFilter{Status: models.AlertStatus(c.Query("status"))}
	if f.Status != "" && !contains(alertStatuses, f.Status) {
		return badField("status", fmt.Sprintf("Trạng thái cảnh báo không hợp lệ: %q", f.Status))
	}
	if t := c.Query("type"); t != "" {
		for _, one := range strings.Split(t, ",") {
			at := models.AlertType(strings.TrimSpace(one))
			if !contains(alertTypes, at) {
				return badField("type", fmt.Sprintf("Loại cảnh báo không hợp lệ: %q", one))
			}
			f.Types = append(f.Types, at)
		}
	}
	if f.Limit, err = queryLimit(c, 200, 2000); err != nil {
		return err
	}
	if unit := c.Query("unit"); unit != "" {
		if err := s.mustSee(c, unit); err != nil {
			return err
		}
		f.UnitCodes = []string{unit}
	} else if !sc.All {
		if sc.Empty() {
			return c.JSON([]models.Alert{})
		}
		f.UnitCodes = sc.List()
	}
	alerts, err := s.Store.ListAlerts(c.UserContext(), f)
	if err != nil {
		return errorf("unable to list alerts: %w", err)
	}
	out := alerts[:0]
	for _, a := range alerts {
		if sc.Has(a.UnitCode) {
			out = append(out, a)
		}
	}
	return c.JSON(nonNil(out))
}

// listAudit is GET /audit?target=&limit=; non-admins see entries of units in scope only.
func (s *server) listAudit(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 200, 2000)
	if err != nil {
		return err
	}
	target := strings.TrimSpace(c.Query("target"))
	if code, ok := strings.CutPrefix(target, "unit:"); ok {
		if err := s.mustSee(c, code); err != nil {
			return err
		}
	}
	fetch := limit
	if !sc.All {
		fetch = limit * 5 // entries outside scope are dropped below
	}
	entries, err := s.Store.ListAudit(c.UserContext(), target, fetch)
	if err != nil {
		return errorf("unable to list audit entries: %w", err)
	}
	out := make([]models.AuditEntry, 0, len(entries))
	for _, e := range entries {
		if sc.All || (e.UnitCode != "" && sc.Has(e.UnitCode)) {
			out = append(out, e)
		}
		if len(out) == limit {
			break
		}
	}
	return c.JSON(out)
}

// listUsers is GET /users (admin).
func (s *server) listUsers(c *fiber.Ctx) error {
	us, err := s.Store.ListUsers(c.UserContext())
	if err != nil {
		return errorf("unable to list users: %w", err)
	}
	return c.JSON(nonNil(us))
}

// userInput is POST /users.
type userInput struct {
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     models.Role `json:"role"`
	UnitCode string      `json:"unit_code"`
	Password string      `json:"password"`
}

// addUser creates an account (admin); API and pages share it. The generated password,
// if any, is returned to be shown once.
func (s *server) addUser(c *fiber.Ctx, in userInput) (models.User, string, error) {
	u, pw, err := createUser(c.UserContext(), s.Store, in.Email, in.Name, in.Role, in.UnitCode, in.Password, s.now())
	var fe *models.FieldError
	if errors.As(err, &fe) && fe.Field == "email" && strings.Contains(fe.Msg, "đã có tài khoản") {
		return models.User{}, "", &userError{Status: fiber.StatusConflict, Field: "email", Msg: fe.Msg}
	}
	if err != nil {
		return models.User{}, "", err
	}
	s.audit(c.UserContext(), actor(c), "user.create", "user:"+u.ID, u.UnitCode, nil, u, "")
	return u, pw, nil
}

// apiCreateUser is POST /users.
func (s *server) apiCreateUser(c *fiber.Ctx) error {
	var in userInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, pw, err := s.addUser(c, in)
	if err != nil {
		return err
	}
	out := fiber.Map{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "unit_code": u.UnitCode, "created_at": u.CreatedAt}
	if pw != "" {
		out["password"] = pw // generated: shown once
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// listTokens is GET /tokens: the caller's own tokens (never their secrets).
func (s *server) listTokens(c *fiber.Ctx) error {
	ts, err := s.Store.ListAPITokens(c.UserContext(), principalOf(c).User.ID)
	if err != nil {
		return errorf("unable to list tokens: %w", err)
	}
	return c.JSON(nonNil(ts))
}

// createToken is POST /tokens {name}: a new token for the caller, its secret shown once.
func (s *server) createToken(c *fiber.Ctx) error {
	var in struct {
		Name string `json:"name"`
	}
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		in.Name = "API"
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		return badField("name", "Tên token quá dài (tối đa 100 ký tự)")
	}
	p := principalOf(c)
	t, secret, err := newAPIToken(c.UserContext(), s.Store, p.User.ID, in.Name, s.now())
	if err != nil {
		return err
	}
	s.audit(c.UserContext(), actor(c), "token.create", "token:"+t.ID, p.User.UnitCode, nil, t, "")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id": t.ID, "name": t.Name, "created_at": t.CreatedAt, "token": secret,
	})
}

// deleteToken is DELETE /tokens/:id: revokes one of the caller's tokens.
func (s *server) deleteToken(c *fiber.Ctx) error {
	p := principalOf(c)
	err := s.Store.DeleteAPIToken(c.UserContext(), p.User.ID, c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return httpErr(fiber.StatusNotFound, "Không tìm thấy token")
	}
	if err != nil {
		return errorf("unable to delete token: %w", err)
	}
	s.audit(c.UserContext(), actor(c), "token.delete", "token:"+c.Params("id"), p.User.UnitCode, nil, nil, "")
	return c.SendStatus(fiber.StatusNoContent)
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// userPatch changes an account (admin): nil fields are unchanged.
type userPatch struct {
	Name     *string      `json:"name"`
	Role     *models.Role `json:"role"`
	UnitCode *string      `json:"unit_code"`
	Disabled *bool        `json:"disabled"`
}

// updateUser applies a userPatch (admin); disabling or changing the role or unit ends the
// user's sessions so the new rights apply at once. API and pages share it.
func (s *server) updateUser(c *fiber.Ctx, id string, in userPatch) (models.User, error) {
	ctx := c.UserContext()
	before, err := s.Store.GetUser(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return models.User{}, httpErr(fiber.StatusNotFound, "Không tìm thấy tài khoản")
	}
	if err != nil {
		return models.User{}, errorf("unable to load user %s: %w", id, err)
	}
	u := before
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
		if u.Name == "" || utf8.RuneCountInString(u.Name) > 200 {
			return models.User{}, badField("name", "Họ tên không được để trống (tối đa 200 ký tự)")
		}
	}
	if in.Role != nil {
		if !in.Role.Valid() {
			return models.User{}, badField("role", fmt.Sprintf("Vai trò không hợp lệ: %q (admin, reviewer hoặc unit_admin)", *in.Role))
		}
		u.Role = *in.Role
	}
	if in.UnitCode != nil {
		u.UnitCode = strings.TrimSpace(*in.UnitCode)
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
	if u.Role == models.RoleAdmin {
		if in.UnitCode != nil && u.UnitCode != "" {
			return models.User{}, badField("unit_code", "Quản trị viên (admin) không gắn với đơn vị")
		}
		u.UnitCode = ""
	} else {
		if u.UnitCode == "" {
			return models.User{}, badField("unit_code", "Cần chọn đơn vị cho tài khoản này")
		}
		if _, err := s.Store.GetUnit(ctx, u.UnitCode); errors.Is(err, store.ErrNotFound) {
			return models.User{}, badField("unit_code", "Không có đơn vị mã "+u.UnitCode)
		} else if err != nil {
			return models.User{}, errorf("unable to check unit %s: %w", u.UnitCode, err)
		}
	}
	if u.ID == principalOf(c).User.ID && (u.Disabled || u.Role != models.RoleAdmin) {
		return models.User{}, httpErr(fiber.StatusConflict, "Không thể tự khoá hoặc tự bỏ quyền quản trị của chính mình")
	}
	u.UpdatedAt = s.now().UTC()
	if err := s.Store.UpdateUser(ctx, u); err != nil {
		return models.User{}, errorf("unable to update user %s: %w", id, err)
	}
	if u.Disabled != before.Disabled || u.Role != before.Role || u.UnitCode != before.UnitCode {
		if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
			return models.User{}, errorf("unable to end sessions of %s: %w", u.Email, err)
		}
	}
	s.audit(ctx, actor(c), "user.update", "user:"+u.ID, u.UnitCode, before, u, "")
	return u, nil
}

// apiUpdateUser is PATCH /users/:id (admin).
func (s *server) apiUpdateUser(c *fiber.Ctx) error {
	var in userPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.updateUser(c, c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(u)
}
