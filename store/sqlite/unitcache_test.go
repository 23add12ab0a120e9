package sqlite

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"tintot/models"
	"tintot/store"
)

// TestRegistryCacheSeesOtherWriters keeps the in-memory unit tree right when another
// process (here a second Store on the same file, as `tintot import units` next to a
// running server) changes units, and hands out copies callers may change.
func TestRegistryCacheSeesOtherWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tintot.db")
	ctx := t.Context()
	server, other := mustOpen(t, path), mustOpen(t, path)
	defer server.Close()
	defer other.Close()
	unit := func(code, parent string) models.Unit {
		return models.Unit{Code: code, Name: "Đơn vị " + code, Kind: models.UnitCommune, ParentCode: parent, Emails: []string{code + "@doan.vn"}}
	}
	tinh := unit("tinh", "")
	tinh.Kind = models.UnitProvince
	for _, u := range []models.Unit{tinh, unit("huyen", "tinh"), unit("xa-1", "huyen")} {
		if err := server.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	codes := func(us []models.Unit) []string {
		out := []string{}
		for _, u := range us {
			out = append(out, u.Code)
		}
		return out
	}
	below := func(code string) []string {
		t.Helper()
		us, err := server.Descendants(ctx, code)
		if err != nil {
			t.Fatalf("Descendants(%s): %v", code, err)
		}
		return codes(us)
	}
	if got := below("tinh"); !slices.Equal(got, []string{"huyen", "xa-1"}) {
		t.Fatalf("Descendants(tinh) = %v", got)
	}

	// Another writer adds a commune and moves one: the cached tree must follow.
	if err := other.CreateUnit(ctx, unit("xa-0", "huyen")); err != nil {
		t.Fatal(err)
	}
	if got := below("tinh"); !slices.Equal(got, []string{"huyen", "xa-0", "xa-1"}) {
		t.Errorf("after another writer's create, Descendants(tinh) = %v", got)
	}
	moved := unit("xa-1", "tinh")
	moved.Name = "Xã Một (mới)"
	if err := other.UpdateUnit(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if got := below("huyen"); !slices.Equal(got, []string{"xa-0"}) {
		t.Errorf("after another writer's move, Descendants(huyen) = %v", got)
	}
	all, err := server.ListUnits(ctx, store.UnitFilter{Codes: []string{"xa-1"}})
	if err != nil || len(all) != 1 || all[0].Name != "Xã Một (mới)" {
		t.Errorf("ListUnits(xa-1) = %+v, %v; want the renamed unit", all, err)
	}
	if err := other.DeleteUnit(ctx, "xa-0"); err != nil {
		t.Fatal(err)
	}
	if got := below("huyen"); len(got) != 0 {
		t.Errorf("after another writer's delete, Descendants(huyen) = %v", got)
	}
	if _, err := server.Descendants(ctx, "xa-0"); err == nil {
		t.Error("Descendants of a deleted unit did not fail")
	}

	// Callers get copies: changing one does not change the next answer.
	us, err := server.ListUnits(ctx, store.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range us {
		us[i].Name = "đã sửa"
		if len(us[i].Emails) > 0 {
			us[i].Emails[0] = "sai@x.vn"
		}
	}
	again, err := server.ListUnits(ctx, store.UnitFilter{Kind: models.UnitProvince})
	if err != nil || len(again) != 1 || again[0].Name != "Đơn vị tinh" || again[0].Emails[0] != "tinh@doan.vn" {
		t.Errorf("ListUnits after a caller changed its copy = %+v, %v", again, err)
	}
}

// SubtreeCodes is a unit and its descendants, shared until a unit changes, then read
// again: a unit added under a province is in its reviewers' scope at once.
func TestSubtreeCodes(t *testing.T) {
	ctx := t.Context()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "tintot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, u := range []models.Unit{{Code: "P", Kind: models.UnitProvince}, {Code: "H", Kind: models.UnitDistrict, ParentCode: "P"},
		{Code: "X1", Kind: models.UnitCommune, ParentCode: "H"}, {Code: "Q", Kind: models.UnitProvince}} {
		u.Name = "Đoàn " + u.Code
		if err := st.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	set, err := st.SubtreeCodes(ctx, "P")
	if err != nil || len(set) != 3 || !set["P"] || !set["H"] || !set["X1"] || set["Q"] {
		t.Fatalf("SubtreeCodes(P) = %v, %v", set, err)
	}
	again, _ := st.SubtreeCodes(ctx, "P")
	if reflect.ValueOf(again).Pointer() != reflect.ValueOf(set).Pointer() {
		t.Error("an unchanged registry built the set again")
	}
	if err := st.CreateUnit(ctx, models.Unit{Code: "X2", Name: "Đoàn X2", Kind: models.UnitCommune, ParentCode: "H"}); err != nil {
		t.Fatal(err)
	}
	if set, err := st.SubtreeCodes(ctx, "P"); err != nil || !set["X2"] || len(set) != 4 {
		t.Errorf("after adding X2 under H: %v, %v", set, err)
	}
	if _, err := st.SubtreeCodes(ctx, "NOPE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SubtreeCodes of a missing unit: %v, want ErrNotFound", err)
	}
}
