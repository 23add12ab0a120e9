package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"tintot/feeds"
	"tintot/models"
	"tintot/store"
)

// unitInput is what a user may set on a unit.
type unitInput struct {
	Code       string          `json:"code"`
	Name       string          `json:"name"`
	Kind       models.UnitKind `json:"kind"`
	ParentCode string          `json:"parent_code"`
	Emails     []string        `json:"emails"`
	ActiveFrom *string         `json:"active_from"` // YYYY-MM-DD (local midnight) or RFC3339
	ActiveTo   *string         `json:"active_to"`
}

// parseInstant reads an optional YYYY-MM-DD (local midnight) or RFC3339 field.
func (s *server) parseInstant(field string, v *string) (*time.Time, error) {
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil, nil
	}
	str := strings.TrimSpace(*v)
	if t, err := models.DayStart(str, s.loc); err == nil {
		u := t.UTC()
		return &u, nil
	}
	t, err := time.Parse(time.RFC3339, str)
	if err != nil {
		return nil, badField(field, fmt.Sprintf("Ngày không hợp lệ %q (cần YYYY-MM-DD)", str))
	}
	u := t.UTC()
	return &u, nil
}

// unit builds the unit from the input, validating its dates.
func (s *server) unitFrom(in unitInput) (models.Unit, error) {
	u := in.unit()
	var err error
	if u.ActiveFrom, err = s.parseInstant("active_from", in.ActiveFrom); err != nil {
		return u, err
	}
	if u.ActiveTo, err = s.parseInstant("active_to", in.ActiveTo); err != nil {
		return u, err
	}
	return u, u.Validate()
}

func (in unitInput) unit() models.Unit {
	emails := make([]string, 0, len(in.Emails))
	for _, e := range in.Emails {
		if e = strings.TrimSpace(e); e != "" {
			emails = append(emails, e)
		}
	}
	return models.Unit{
		Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), Kind: in.Kind,
		ParentCode: strings.TrimSpace(in.ParentCode), Emails: emails,
	}
}

// audit appends an audit entry; a failure is logged, never shown to the user as a
// failure of the change that already happened.
func (s *server) audit(ctx context.Context, actor, action, target, unit string, before, after any, note string) {
	e := models.AuditEntry{At: s.now().UTC(), Actor: actor, Action: action, Target: target, UnitCode: unit, Note: note}
	if before != nil {
		b, _ := json.Marshal(before)
		e.Before = string(b)
	}
	if after != nil {
		b, _ := json.Marshal(after)
		e.After = string(b)
	}
	if err := s.Store.AddAudit(ctx, e); err != nil {
		s.Log.Error("unable to write audit entry", slog.String("action", action), slog.String("target", target), slog.Any("error", err))
	}
}

// actor names the caller in audit entries.
func actor(c *fiber.Ctx) string {
	if p := principalOf(c); p != nil {
		return p.User.Email
	}
	return ""
}

// listUnits returns units in scope, filtered by ?kind= and ?parent=.
func (s *server) listUnits(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	f := store.UnitFilter{Kind: models.UnitKind(c.Query("kind")), ParentCode: c.Query("parent")}
	if f.Kind != "" && !f.Kind.Valid() {
		return badField("kind", fmt.Sprintf("Loại đơn vị không hợp lệ: %q", f.Kind))
	}
	if sc.Empty() {
		return c.JSON([]models.Unit{})
	}
	f.Codes = sc.List()
	units, err := s.Store.ListUnits(c.UserContext(), f)
	if err != nil {
		return errorf("unable to list units: %w", err)
	}
	out := make([]models.Unit, 0, len(units))
	for _, u := range units {
		if sc.Has(u.Code) {
			out = append(out, u)
		}
	}
	return c.JSON(out)
}

// getUnit returns one unit in scope.
func (s *server) getUnit(c *fiber.Ctx) error {
	u, err := s.unitInScope(c, c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

// createUnit adds a unit (admin).
func (s *server) createUnit(c *fiber.Ctx) error {
	var in unitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	created, err := s.addUnit(c, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(created)
}

// addUnit validates and stores a new unit with its audit entry; API and pages share it.
func (s *server) addUnit(c *fiber.Ctx, in unitInput) (models.Unit, error) {
	u, err := s.unitFrom(in)
	if err != nil {
		return models.Unit{}, err
	}
	now := s.now().UTC()
	u.CreatedAt, u.UpdatedAt = now, now
	err = s.Store.CreateUnit(c.UserContext(), u)
	switch {
	case errors.Is(err, store.ErrConflict):
		return models.Unit{}, &userError{Status: fiber.StatusConflict, Field: "code", Msg: "Mã đơn vị " + u.Code + " đã tồn tại"}
	case errors.Is(err, store.ErrInvalid):
		return models.Unit{}, badField("parent_code", "Không có đơn vị cấp trên mã "+u.ParentCode)
	case err != nil:
		return models.Unit{}, errorf("unable to create unit %s: %w", u.Code, err)
	}
	s.audit(c.UserContext(), actor(c), "unit.create", "unit:"+u.Code, u.Code, nil, u, "")
	created, err := s.Store.GetUnit(c.UserContext(), u.Code)
	if err != nil {
		created = u
	}
	return created, nil
}

// unitPatch is a change to a unit: a field left out of the JSON body is left as it is;
// active_from / active_to sent as null (or "") clear the date.
type unitPatch struct {
	Code       *string          `json:"code"`
	Name       *string          `json:"name"`
	Kind       *models.UnitKind `json:"kind"`
	ParentCode *string          `json:"parent_code"`
	Emails     *[]string        `json:"emails"`
	ActiveFrom optional[string] `json:"active_from"`
	ActiveTo   optional[string] `json:"active_to"`
}

// optional is a JSON field that tells "left out" from "sent" (and from "sent as null").
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the field was sent.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// fullPatch turns a complete unit form (the admin page sends every field) into a patch.
func fullPatch(in unitInput) unitPatch {
	p := unitPatch{Code: &in.Code, Name: &in.Name, Kind: &in.Kind, ParentCode: &in.ParentCode, Emails: &in.Emails}
	p.ActiveFrom.Set, p.ActiveTo.Set = true, true
	if in.ActiveFrom != nil {
		p.ActiveFrom.Value = *in.ActiveFrom
	}
	if in.ActiveTo != nil {
		p.ActiveTo.Value = *in.ActiveTo
	}
	return p
}

// updateUnit is PUT and PATCH /units/{code}: both change only the fields sent. A unit
// admin may change only the unit's alert e-mail recipients; its code, name, kind, parent
// and active dates are the registry's, changed by an admin.
func (s *server) updateUnit(c *fiber.Ctx) error {
	code := c.Params("code")
	if _, err := s.unitInScope(c, code); err != nil {
		return err
	}
	var in unitPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	after, err := s.editUnit(c, code, in)
	if err != nil {
		return err
	}
	return c.JSON(after)
}

// editUnit validates and applies a unit change with its audit entry; API and pages share it.
func (s *server) editUnit(c *fiber.Ctx, code string, in unitPatch) (models.Unit, error) {
	before, err := s.unitInScope(c, code)
	if err != nil {
		return models.Unit{}, err
	}
	if in.Code != nil && strings.TrimSpace(*in.Code) != code {
		return models.Unit{}, badField("code", "Không đổi được mã đơn vị; mã trong dữ liệu phải trùng với đường dẫn")
	}
	u := before
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
	}
	if in.Kind != nil {
		u.Kind = *in.Kind
	}
	if in.ParentCode != nil {
		u.ParentCode = strings.TrimSpace(*in.ParentCode)
	}
	if in.Emails != nil {
		u.Emails = unitInput{Emails: *in.Emails}.unit().Emails
	}
	for _, d := range []struct {
		field string
		in    optional[string]
		out   **time.Time
	}{{"active_from", in.ActiveFrom, &u.ActiveFrom}, {"active_to", in.ActiveTo, &u.ActiveTo}} {
		if !d.in.Set {
			continue
		}
		v := d.in.Value
		if *d.out, err = s.parseInstant(d.field, &v); err != nil {
			return models.Unit{}, err
		}
	}
	if err := u.Validate(); err != nil {
		return models.Unit{}, err
	}
	if principalOf(c).User.Role != models.RoleAdmin {
		for _, ch := range []struct {
			field, msg string
			changed    bool
		}{
			{"name", "Chỉ quản trị viên được đổi tên đơn vị", u.Name != before.Name},
			{"kind", "Chỉ quản trị viên được đổi loại đơn vị", u.Kind != before.Kind},
			{"parent_code", "Chỉ quản trị viên được đổi đơn vị cấp trên", u.ParentCode != before.ParentCode},
			{"active_from", "Chỉ quản trị viên được đổi ngày bắt đầu hoạt động", !sameInstant(u.ActiveFrom, before.ActiveFrom)},
			{"active_to", "Chỉ quản trị viên được đổi ngày ngừng hoạt động", !sameInstant(u.ActiveTo, before.ActiveTo)},
		} {
			if ch.changed {
				return models.Unit{}, &userError{Status: fiber.StatusForbidden, Field: ch.field, Msg: ch.msg + "; đơn vị chỉ tự sửa được e-mail nhận cảnh báo"}
			}
		}
	}
	u.UpdatedAt = s.now().UTC()
	err = s.Store.UpdateUnit(c.UserContext(), u)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return models.Unit{}, httpErr(fiber.StatusNotFound, "Không có đơn vị mã "+code)
	case errors.Is(err, store.ErrInvalid):
		return models.Unit{}, badField("parent_code", "Đơn vị cấp trên không tồn tại hoặc tạo thành vòng lặp")
	case err != nil:
		return models.Unit{}, errorf("unable to update unit %s: %w", code, err)
	}
	s.audit(c.UserContext(), actor(c), "unit.update", "unit:"+code, code, before, u, "")
	after, err := s.Store.GetUnit(c.UserContext(), code)
	if err != nil {
		after = u
	}
	return after, nil
}

// sameInstant reports whether two optional times are both unset or equal.
func sameInstant(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// deleteUnit removes a unit and its feeds (admin).
func (s *server) deleteUnit(c *fiber.Ctx) error {
	code := c.Params("code")
	before, err := s.unitInScope(c, code)
	if err != nil {
		return err
	}
	err = s.Store.DeleteUnit(c.UserContext(), code)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return httpErr(fiber.StatusNotFound, "Không có đơn vị mã "+code)
	case errors.Is(err, store.ErrConflict):
		return httpErr(fiber.StatusConflict, "Đơn vị "+code+" còn đơn vị cấp dưới; hãy chuyển hoặc xoá chúng trước")
	case err != nil:
		return errorf("unable to delete unit %s: %w", code, err)
	}
	s.audit(c.UserContext(), actor(c), "unit.delete", "unit:"+code, code, before, nil, "")
	return c.SendStatus(fiber.StatusNoContent)
}

// listUnitFeeds returns a unit's feeds.
func (s *server) listUnitFeeds(c *fiber.Ctx) error {
	u, err := s.unitInScope(c, c.Params("code"))
	if err != nil {
		return err
	}
	feeds, err := s.Store.ListFeeds(c.UserContext(), store.FeedFilter{UnitCode: u.Code})
	if err != nil {
		return errorf("unable to list feeds of %s: %w", u.Code, err)
	}
	return c.JSON(nonNil(feeds))
}

// feedInput is what a user may set when adding a feed.
type feedInput struct {
	URL         string      `json:"url"`
	Title       string      `json:"title"`
	DefaultKind models.Kind `json:"default_kind"`
}

// addFeed validates and stores a feed of a unit the caller may see; pages reuse it.
func (s *server) addFeed(c *fiber.Ctx, unitCode string, in feedInput) (models.Feed, error) {
	f, _, err := s.addDiscoveredFeed(c, unitCode, in)
	return f, err
}

// addDiscoveredFeed is addFeed that also returns how the feed was found. The address
// typed may be the feed or a page of the unit's website: it is resolved through
// Discovery first, the feed found is stored, and an address behind which no feed can be
// read is refused (422 on url, with the reason) with nothing stored.
func (s *server) addDiscoveredFeed(c *fiber.Ctx, unitCode string, in feedInput) (models.Feed, *feeds.Discovery, error) {
	u, err := s.unitInScope(c, unitCode)
	if err != nil {
		return models.Feed{}, nil, err
	}
	in.URL = strings.TrimSpace(in.URL)
	if in.URL == "" {
		return models.Feed{}, nil, badField("url", "Vui lòng nhập địa chỉ nguồn tin (RSS/Atom/JSON Feed) hoặc địa chỉ trang web của đơn vị")
	}
	if !models.ValidFeedURL(in.URL) {
		return models.Feed{}, nil, badField("url", "Địa chỉ nguồn tin phải là URL http(s) đầy đủ, không chứa tên đăng nhập")
	}
	if in.DefaultKind != "" && !in.DefaultKind.Valid() {
		return models.Feed{}, nil, badField("default_kind", fmt.Sprintf("Loại bài mặc định không hợp lệ: %q", in.DefaultKind))
	}
	feedURL, title := in.URL, strings.TrimSpace(in.Title)
	var found *feeds.Discovery
	if s.Discovery != nil {
		d, err := s.Discovery.Discover(c.UserContext(), in.URL)
		var de *feeds.DiscoveryError
		switch {
		case errors.As(err, &de):
			s.Log.Info("no feed found for a new feed address", slog.String("unit", u.Code), slog.String("url", in.URL), slog.Any("error", err))
			return models.Feed{}, nil, &userError{Status: fiber.StatusUnprocessableEntity, Field: "url", Msg: de.Message()}
		case err != nil:
			return models.Feed{}, nil, errorf("unable to check feed address %s: %w", in.URL, err)
		case !models.ValidFeedURL(d.FeedURL):
			return models.Feed{}, nil, &userError{Status: fiber.StatusUnprocessableEntity, Field: "url",
				Msg: fmt.Sprintf("Trang dẫn tới nguồn tin %q nhưng địa chỉ này không dùng được (cần URL http(s) đầy đủ, không chứa tên đăng nhập)", d.FeedURL)}
		}
		found = &d
		feedURL = d.FeedURL
		if title == "" {
			title = d.Title
		}
	}
	now := s.now().UTC()
	f, err := s.Store.CreateFeed(c.UserContext(), models.Feed{
		UnitCode: u.Code, URL: feedURL, Title: title, DefaultKind: in.DefaultKind,
		NextCheckAt: now, CreatedAt: now, UpdatedAt: now,
	})
	switch {
	case errors.Is(err, store.ErrConflict):
		msg := "Đơn vị đã có nguồn tin này"
		if feedURL != in.URL {
			msg = "Đơn vị đã có nguồn tin " + feedURL + " (tìm thấy từ địa chỉ đã nhập)"
		}
		return models.Feed{}, nil, &userError{Status: fiber.StatusConflict, Field: "url", Msg: msg}
	case errors.Is(err, store.ErrInvalid):
		return models.Feed{}, nil, httpErr(fiber.StatusNotFound, "Không có đơn vị mã "+u.Code)
	case err != nil:
		return models.Feed{}, nil, errorf("unable to create feed for %s: %w", u.Code, err)
	}
	note := ""
	if found != nil {
		note = fmt.Sprintf("tìm thấy từ %s (%s, %d mục)", found.Input, found.How, found.Items)
	}
	s.audit(c.UserContext(), actor(c), "feed.create", "feed:"+f.ID, u.Code, nil, f, note)
	return f, found, nil
}

// createdFeed is the answer to adding a feed: the stored feed and, when the address was
// checked, what it was (discovered_from), how the feed was found and how many items it
// lists now.
type createdFeed struct {
	models.Feed
	DiscoveredFrom string `json:"discovered_from,omitempty"`
	Discovery      string `json:"discovery,omitempty"`
	DiscoveryVia   string `json:"discovery_via,omitempty"`
	FeedItems      *int   `json:"feed_items,omitempty"`
}

// createFeed adds a feed to a unit.
func (s *server) createFeed(c *fiber.Ctx) error {
	var in feedInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	f, found, err := s.addDiscoveredFeed(c, c.Params("code"), in)
	if err != nil {
		return err
	}
	out := createdFeed{Feed: f}
	if found != nil {
		out.DiscoveredFrom, out.Discovery, out.DiscoveryVia = found.Input, found.How, found.Via
		out.FeedItems = &found.Items
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// removeFeed deletes a feed of a unit in scope (its posts stay); pages reuse it.
func (s *server) removeFeed(c *fiber.Ctx, id string) error {
	f, err := s.Store.GetFeed(c.UserContext(), id)
	if errors.Is(err, store.ErrNotFound) {
		return httpErr(fiber.StatusNotFound, "Không tìm thấy nguồn tin")
	}
	if err != nil {
		return errorf("unable to load feed %s: %w", id, err)
	}
	if err := s.mustSee(c, f.UnitCode); err != nil {
		return err
	}
	if err := s.Store.DeleteFeed(c.UserContext(), id); err != nil && !errors.Is(err, store.ErrNotFound) {
		return errorf("unable to delete feed %s: %w", id, err)
	}
	s.audit(c.UserContext(), actor(c), "feed.delete", "feed:"+id, f.UnitCode, f, nil, "")
	return nil
}

// deleteFeed removes a feed.
func (s *server) deleteFeed(c *fiber.Ctx) error {
	if err := s.removeFeed(c, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// listFeeds returns the health of feeds in scope, optionally by ?state=ok|failing|broken.
func (s *server) listFeeds(c *fiber.Ctx) error {
	sc, err := s.scopeOf(c)
	if err != nil {
		return err
	}
	f := store.FeedFilter{}
	if st := c.Query("state"); st != "" {
		for _, one := range strings.Split(st, ",") {
			fs := models.FeedState(strings.TrimSpace(one))
			if fs != models.FeedOK && fs != models.FeedFailing && fs != models.FeedBroken {
				return badField("state", fmt.Sprintf("Trạng thái nguồn tin không hợp lệ: %q (ok, failing, broken)", one))
			}
			f.States = append(f.States, fs)
		}
	}
	if sc.Empty() {
		return c.JSON([]models.Feed{})
	}
	f.UnitCodes = sc.List()
	feeds, err := s.Store.ListFeeds(c.UserContext(), f)
	if err != nil {
		return errorf("unable to list feeds: %w", err)
	}
	out := feeds[:0]
	for _, fd := range feeds {
		if sc.Has(fd.UnitCode) {
			out = append(out, fd)
		}
	}
	return c.JSON(nonNil(out))
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
