package handlers

import (
	"context"
	"errors"
	"sort"

	"github.com/gofiber/fiber/v2"

	"tintot/models"
	"tintot/store"
)

// Scope is the set of units a user may read and change: everything for an admin, a
// reviewer's unit and its whole subtree, a unit admin's own unit only.
type Scope struct {
	All   bool
	Codes map[string]bool
}

// Has reports whether the unit is in scope.
func (sc Scope) Has(code string) bool { return sc.All || sc.Codes[code] }

// List returns the codes in scope, sorted (nil for an admin: no restriction).
func (sc Scope) List() []string {
	if sc.All {
		return nil
	}
	out := make([]string, 0, len(sc.Codes))
	for c := range sc.Codes {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Empty reports whether the scope holds no unit at all.
func (sc Scope) Empty() bool { return !sc.All && len(sc.Codes) == 0 }

// subtreeCoder is a store that lists a unit's subtree as a shared set of codes
// (store/sqlite does); the others give the scope from Descendants.
type subtreeCoder interface {
	SubtreeCodes(ctx context.Context, code string) (map[string]bool, error)
}

// subtreeCodes returns the codes of a unit and its descendants, read-only: the store's
// shared set when it keeps one, else a set built from Descendants.
func (s *server) subtreeCodes(ctx context.Context, code string) (map[string]bool, error) {
	if st, ok := s.Store.(subtreeCoder); ok {
		return st.SubtreeCodes(ctx, code)
	}
	subtree, err := s.Store.Descendants(ctx, code)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(subtree)+1)
	set[code] = true
	for _, u := range subtree {
		set[u.Code] = true
	}
	return set, nil
}

// scopeOf computes (once per request) the caller's scope.
func (s *server) scopeOf(c *fiber.Ctx) (Scope, error) {
	if sc, ok := c.Locals(localScope).(Scope); ok {
		return sc, nil
	}
	p := principalOf(c)
	if p == nil {
		return Scope{}, errUnauthorized
	}
	sc := Scope{Codes: map[string]bool{}}
	switch p.User.Role {
	case models.RoleAdmin:
		sc.All = true
	case models.RoleReviewer:
		if p.User.UnitCode != "" {
			set, err := s.subtreeCodes(c.UserContext(), p.User.UnitCode)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return Scope{}, errorf("unable to load scope of %s: %w", p.User.Email, err)
			}
			if err == nil {
				sc.Codes = set
			}
		}
	case models.RoleUnitAdmin:
		if p.User.UnitCode != "" {
			sc.Codes[p.User.UnitCode] = true
		}
	}
	c.Locals(localScope, sc)
	return sc, nil
}

// mustSee returns 403 unless the unit is in the caller's scope.
func (s *server) mustSee(c *fiber.Ctx, code string) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	if !sc.Has(code) {
		return errForbidden
	}
	return nil
}

// unitInScope loads a unit the caller may see: 403 outside scope, 404 if absent.
func (s *server) unitInScope(c *fiber.Ctx, code string) (models.Unit, error) {
	if err := s.mustSee(c, code); err != nil {
		return models.Unit{}, err
	}
	u, err := s.Store.GetUnit(c.UserContext(), code)
	if errors.Is(err, store.ErrNotFound) {
		return models.Unit{}, httpErr(fiber.StatusNotFound, "Không có đơn vị mã "+code)
	}
	if err != nil {
		return models.Unit{}, errorf("unable to load unit %s: %w", code, err)
	}
	return u, nil
}

// postInScope loads a post of a unit the caller may see.
func (s *server) postInScope(c *fiber.Ctx, id string) (models.Post, error) {
	p, err := s.Store.GetPost(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return models.Post{}, httpErr(fiber.StatusNotFound, "Không tìm thấy bài viết")
	}
	if err != nil {
		return models.Post{}, errorf("unable to load post %s: %w", id, err)
	}
	if err := s.mustSee(c, p.UnitCode); err != nil {
		return models.Post{}, err
	}
	return p, nil
}
