// Package models holds tintot's domain types. It imports no database, HTTP or cron code.
package models

import (
	"fmt"
	"time"
)

// UnitKind is the level of a Đoàn unit in the hierarchy.
type UnitKind string

// Unit kinds, from the provincial Đoàn down to grassroots organisations.
const (
	UnitProvince   UnitKind = "province"   // Tỉnh đoàn / Thành đoàn
	UnitDistrict   UnitKind = "district"   // Huyện đoàn / Quận đoàn (kept for older hierarchies)
	UnitBloc       UnitKind = "bloc"       // Đoàn khối
	UnitCommune    UnitKind = "commune"    // xã, phường, thị trấn, đặc khu
	UnitGrassroots UnitKind = "grassroots" // cơ sở Đoàn (schools, agencies, enterprises)
)

// UnitKinds lists every valid unit kind, in hierarchy order.
var UnitKinds = []UnitKind{UnitProvince, UnitDistrict, UnitBloc, UnitCommune, UnitGrassroots}

// Valid reports whether k is a known unit kind.
func (k UnitKind) Valid() bool {
	for _, v := range UnitKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Label returns the Vietnamese name of the kind, as users read it.
func (k UnitKind) Label() string {
	switch k {
	case UnitProvince:
		return "Tỉnh/Thành đoàn"
	case UnitDistrict:
		return "Huyện/Quận đoàn"
	case UnitBloc:
		return "Đoàn khối"
	case UnitCommune:
		return "Xã/Phường"
	case UnitGrassroots:
		return "Cơ sở Đoàn"
	}
	return string(k)
}

// Unit is one Đoàn organisation whose pages are tracked. Code is its stable identity.
type Unit struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	Kind       UnitKind   `json:"kind"`
	ParentCode string     `json:"parent_code,omitempty"`
	Emails     []string   `json:"emails"`
	ActiveFrom *time.Time `json:"active_from,omitempty"` // nil: always active in the past
	ActiveTo   *time.Time `json:"active_to,omitempty"`   // nil: still active
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	// ParentKind is the parent unit's kind. It is not stored: the campaign service fills
	// it in before evaluating, because a target may apply only under some kinds of
	// parent (Target.ParentKinds).
	ParentKind UnitKind `json:"-"`
}

// ActiveAt reports whether the unit exists at instant t.
func (u Unit) ActiveAt(t time.Time) bool {
	if u.ActiveFrom != nil && t.Before(*u.ActiveFrom) {
		return false
	}
	if u.ActiveTo != nil && !t.Before(*u.ActiveTo) {
		return false
	}
	return true
}

// Validate checks the fields a user can type and names the first bad one.
func (u Unit) Validate() error {
	if u.Code == "" {
		return &FieldError{Field: "code", Msg: "mã đơn vị không được để trống"}
	}
	if len(u.Code) > 64 || !codeOK(u.Code) {
		return &FieldError{Field: "code", Msg: "mã đơn vị chỉ gồm chữ, số, '-', '_', '.' (tối đa 64 ký tự)"}
	}
	if u.Name == "" {
		return &FieldError{Field: "name", Msg: "tên đơn vị không được để trống"}
	}
	if len(u.Name) > 300 {
		return &FieldError{Field: "name", Msg: "tên đơn vị quá dài (tối đa 300 ký tự)"}
	}
	if !u.Kind.Valid() {
		return &FieldError{Field: "kind", Msg: fmt.Sprintf("loại đơn vị không hợp lệ: %q", u.Kind)}
	}
	if u.ParentCode == u.Code {
		return &FieldError{Field: "parent_code", Msg: "đơn vị không thể là cấp trên của chính nó"}
	}
	for _, e := range u.Emails {
		if !ValidEmail(e) {
			return &FieldError{Field: "emails", Msg: fmt.Sprintf("e-mail không hợp lệ: %q", e)}
		}
	}
	if u.ActiveFrom != nil && u.ActiveTo != nil && !u.ActiveTo.After(*u.ActiveFrom) {
		return &FieldError{Field: "active_to", Msg: "ngày kết thúc phải sau ngày bắt đầu"}
	}
	return nil
}

func codeOK(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// FieldError names the input field that is wrong and why, in Vietnamese for the user.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }
