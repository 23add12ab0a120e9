package storetest

import (
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func testUnits(t *testing.T, open Opener) {
	t.Run("CreateGetRoundTrip", func(t *testing.T) {
		s := open(t)
		u := unit("HN", "", models.UnitProvince)
		u.Emails = []string{"a@doan.vn", "b@doan.vn"}
		u.ActiveFrom = ptr(base.Add(-48 * time.Hour))
		u.ActiveTo = ptr(base.Add(48 * time.Hour))
		createUnits(t, s, u)
		got, err := s.GetUnit(ctx(t), "HN")
		mustNil(t, "GetUnit", err)
		if got.Code != u.Code || got.Name != u.Name || got.Kind != u.Kind || got.ParentCode != "" {
			t.Errorf("GetUnit = %+v, want %+v", got, u)
		}
		if !equalStrings(got.Emails, u.Emails) {
			t.Errorf("Emails = %v, want %v", got.Emails, u.Emails)
		}
		sameTimePtr(t, "ActiveFrom", got.ActiveFrom, u.ActiveFrom)
		sameTimePtr(t, "ActiveTo", got.ActiveTo, u.ActiveTo)
		sameTime(t, "CreatedAt", got.CreatedAt, u.CreatedAt)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.GetUnit(ctx(t), "nope")
		mustIs(t, "GetUnit missing", err, store.ErrNotFound)
		mustIs(t, "UpdateUnit missing", s.UpdateUnit(ctx(t), unit("nope", "", models.UnitCommune)), store.ErrNotFound)
		mustIs(t, "DeleteUnit missing", s.DeleteUnit(ctx(t), "nope"), store.ErrNotFound)
		_, err = s.Descendants(ctx(t), "nope")
		mustIs(t, "Descendants missing", err, store.ErrNotFound)
	})
	t.Run("DuplicateCodeConflicts", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("HN", "", models.UnitProvince))
		mustIs(t, "second CreateUnit", s.CreateUnit(ctx(t), unit("HN", "", models.UnitProvince)), store.ErrConflict)
	})
	t.Run("MissingParentInvalid", func(t *testing.T) {
		s := open(t)
		mustIs(t, "CreateUnit with missing parent", s.CreateUnit(ctx(t), unit("X1", "ghost", models.UnitCommune)), store.ErrInvalid)
		if _, err := s.GetUnit(ctx(t), "X1"); err == nil {
			t.Fatal("unit with a missing parent was stored")
		}
	})
	t.Run("UpdateUnit", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("HN", "", models.UnitProvince), unit("HP", "", models.UnitProvince), unit("X1", "HN", models.UnitCommune))
		u := unit("X1", "HP", models.UnitCommune)
		u.Name = "Đoàn xã Mới"
		u.Emails = []string{"moi@doan.vn"}
		u.UpdatedAt = base.Add(time.Hour)
		mustNil(t, "UpdateUnit", s.UpdateUnit(ctx(t), u))
		got, err := s.GetUnit(ctx(t), "X1")
		mustNil(t, "GetUnit", err)
		if got.Name != "Đoàn xã Mới" || got.ParentCode != "HP" || !equalStrings(got.Emails, u.Emails) {
			t.Errorf("after update GetUnit = %+v", got)
		}
		bad := u
		bad.ParentCode = "ghost"
		mustIs(t, "UpdateUnit to missing parent", s.UpdateUnit(ctx(t), bad), store.ErrInvalid)
	})
	t.Run("UpdateUnitCycleInvalid", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("A", "", models.UnitProvince), unit("B", "A", models.UnitDistrict), unit("C", "B", models.UnitCommune))
		mustIs(t, "A under its grandchild C", s.UpdateUnit(ctx(t), unit("A", "C", models.UnitProvince)), store.ErrInvalid)
		mustIs(t, "A under itself", s.UpdateUnit(ctx(t), unit("A", "A", models.UnitProvince)), store.ErrInvalid)
		got, err := s.GetUnit(ctx(t), "A")
		mustNil(t, "GetUnit", err)
		if got.ParentCode != "" {
			t.Errorf("rejected cycle update still changed parent to %q", got.ParentCode)
		}
	})
	t.Run("ListUnitsFilters", func(t *testing.T) {
		s := open(t)
		createUnits(t, s,
			unit("P", "", models.UnitProvince),
			unit("X2", "P", models.UnitCommune),
			unit("X1", "P", models.UnitCommune),
			unit("S1", "X1", models.UnitGrassroots),
		)
		cases := []struct {
			name string
			f    store.UnitFilter
			want []string
		}{
			{"all ordered by code", store.UnitFilter{}, []string{"P", "S1", "X1", "X2"}},
			{"kind", store.UnitFilter{Kind: models.UnitCommune}, []string{"X1", "X2"}},
			{"parent", store.UnitFilter{ParentCode: "P"}, []string{"X1", "X2"}},
			{"codes", store.UnitFilter{Codes: []string{"S1", "P", "missing"}}, []string{"P", "S1"}},
			{"kind and parent", store.UnitFilter{Kind: models.UnitGrassroots, ParentCode: "P"}, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListUnits(ctx(t), c.f)
				mustNil(t, "ListUnits", err)
				if !equalStrings(codes(got), c.want) {
					t.Errorf("ListUnits(%+v) = %v, want %v", c.f, codes(got), c.want)
				}
			})
		}
	})
	t.Run("DescendantsThreeLevels", func(t *testing.T) {
		s := open(t)
		createUnits(t, s,
			unit("P", "", models.UnitProvince),
			unit("D1", "P", models.UnitDistrict),
			unit("D2", "P", models.UnitDistrict),
			unit("X1", "D1", models.UnitCommune),
			unit("X2", "D2", models.UnitCommune),
			unit("S1", "X1", models.UnitGrassroots),
			unit("Other", "", models.UnitProvince),
			unit("OX", "Other", models.UnitCommune),
		)
		got, err := s.Descendants(ctx(t), "P")
		mustNil(t, "Descendants", err)
		if want := []string{"D1", "D2", "S1", "X1", "X2"}; !equalStrings(codes(got), want) {
			t.Errorf("Descendants(P) = %v, want %v", codes(got), want)
		}
		got, err = s.Descendants(ctx(t), "S1")
		mustNil(t, "Descendants leaf", err)
		if len(got) != 0 {
			t.Errorf("Descendants(leaf) = %v, want none", codes(got))
		}
	})
	t.Run("DeleteUnit", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("P", "", models.UnitProvince), unit("X1", "P", models.UnitCommune))
		f, err := s.CreateFeed(ctx(t), feed("X1", "https://x1.vn/rss"))
		mustNil(t, "CreateFeed", err)
		mustIs(t, "DeleteUnit with a child", s.DeleteUnit(ctx(t), "P"), store.ErrConflict)
		mustNil(t, "DeleteUnit leaf", s.DeleteUnit(ctx(t), "X1"))
		_, err = s.GetUnit(ctx(t), "X1")
		mustIs(t, "GetUnit deleted", err, store.ErrNotFound)
		_, err = s.GetFeed(ctx(t), f.ID)
		mustIs(t, "feed of a deleted unit", err, store.ErrNotFound)
		mustNil(t, "DeleteUnit former parent", s.DeleteUnit(ctx(t), "P"))
	})
}

func testRegistry(t *testing.T, open Opener) {
	batch := func() []store.RegistryEntry {
		return []store.RegistryEntry{
			{Unit: unit("X1", "P", models.UnitCommune), FeedURLs: []string{"https://x1.vn/rss", "https://x1.vn/atom"}},
			{Unit: unit("P", "", models.UnitProvince)}, // parent listed after its child
			{Unit: unit("X2", "P", models.UnitCommune), FeedURLs: []string{"https://x2.vn/rss"}},
		}
	}
	t.Run("CreatesUnitsAndFeeds", func(t *testing.T) {
		s := open(t)
		ch, err := s.ApplyRegistry(ctx(t), batch())
		mustNil(t, "ApplyRegistry", err)
		if want := (store.RegistryChanges{UnitsCreated: 3, FeedsCreated: 3}); ch != want {
			t.Errorf("changes = %+v, want %+v", ch, want)
		}
		us, err := s.ListUnits(ctx(t), store.UnitFilter{})
		mustNil(t, "ListUnits", err)
		if !equalStrings(codes(us), []string{"P", "X1", "X2"}) {
			t.Errorf("units = %v", codes(us))
		}
		fs, err := s.ListFeeds(ctx(t), store.FeedFilter{UnitCode: "X1"})
		mustNil(t, "ListFeeds", err)
		if got := feedURLs(fs); !equalStrings(got, []string{"https://x1.vn/atom", "https://x1.vn/rss"}) {
			t.Errorf("X1 feeds = %v", got)
		}
	})
	t.Run("Idempotent", func(t *testing.T) {
		s := open(t)
		_, err := s.ApplyRegistry(ctx(t), batch())
		mustNil(t, "first ApplyRegistry", err)
		ch, err := s.ApplyRegistry(ctx(t), batch())
		mustNil(t, "second ApplyRegistry", err)
		if want := (store.RegistryChanges{UnitsSame: 3}); ch != want {
			t.Errorf("second apply changes = %+v, want %+v", ch, want)
		}
		fs, err := s.ListFeeds(ctx(t), store.FeedFilter{})
		mustNil(t, "ListFeeds", err)
		if len(fs) != 3 {
			t.Errorf("after two applies %d feeds, want 3", len(fs))
		}
	})
	t.Run("UpdatesAndKeepsUnlistedFeeds", func(t *testing.T) {
		s := open(t)
		_, err := s.ApplyRegistry(ctx(t), batch())
		mustNil(t, "first ApplyRegistry", err)
		changed := unit("X1", "P", models.UnitCommune)
		changed.Name = "Đoàn xã X1 (mới)"
		ch, err := s.ApplyRegistry(ctx(t), []store.RegistryEntry{{Unit: changed, FeedURLs: []string{"https://x1.vn/new"}}})
		mustNil(t, "second ApplyRegistry", err)
		if want := (store.RegistryChanges{UnitsUpdated: 1, FeedsCreated: 1}); ch != want {
			t.Errorf("changes = %+v, want %+v", ch, want)
		}
		got, err := s.GetUnit(ctx(t), "X1")
		mustNil(t, "GetUnit", err)
		if got.Name != changed.Name {
			t.Errorf("name = %q, want %q", got.Name, changed.Name)
		}
		fs, err := s.ListFeeds(ctx(t), store.FeedFilter{UnitCode: "X1"})
		mustNil(t, "ListFeeds", err)
		if len(fs) != 3 {
			t.Errorf("X1 has %d feeds, want 3 (unlisted feeds are kept)", len(fs))
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		s := open(t)
		b := batch()
		b = append(b, store.RegistryEntry{Unit: unit("X9", "ghost", models.UnitCommune), FeedURLs: []string{"https://x9.vn/rss"}})
		_, err := s.ApplyRegistry(ctx(t), b)
		mustIs(t, "ApplyRegistry with a bad parent", err, store.ErrInvalid)
		us, err := s.ListUnits(ctx(t), store.UnitFilter{})
		mustNil(t, "ListUnits", err)
		if len(us) != 0 {
			t.Errorf("failed batch left units %v", codes(us))
		}
		fs, err := s.ListFeeds(ctx(t), store.FeedFilter{})
		mustNil(t, "ListFeeds", err)
		if len(fs) != 0 {
			t.Errorf("failed batch left %d feeds", len(fs))
		}
	})
}
