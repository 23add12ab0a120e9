package storetest

import (
	"slices"
	"testing"

	"tintot/models"
	"tintot/store"
)

func testTrends(t *testing.T, open Opener) {
	s := open(t)
	mustNil(t, "CreateUnit TD", s.CreateUnit(ctx(t), unit("TD", "", models.UnitProvince)))
	mustNil(t, "CreateUnit TD2", s.CreateUnit(ctx(t), unit("TD2", "", models.UnitProvince)))

	in := models.Trend{ParentCode: "TD", Name: "Xanh hóa quê hương", Hashtags: []string{"#XanhHóaQuêHương", "#xhqh"},
		StartDay: "2026-03-01", EndDay: "2026-03-31", Description: "Trồng cây, dọn rác", CreatedBy: "duyet@doan.vn", CreatedAt: base}
	a, err := s.CreateTrend(ctx(t), in)
	mustNil(t, "CreateTrend", err)
	if a.ID == "" {
		t.Fatal("CreateTrend assigned no ID")
	}
	got, err := s.GetTrend(ctx(t), a.ID)
	mustNil(t, "GetTrend", err)
	if got.ParentCode != "TD" || got.Name != in.Name || !slices.Equal(got.Hashtags, in.Hashtags) || got.StartDay != "2026-03-01" ||
		got.EndDay != "2026-03-31" || got.Description != in.Description || got.CreatedBy != in.CreatedBy || got.Year() != 2026 {
		t.Errorf("GetTrend = %+v, want %+v", got, in)
	}
	sameTime(t, "CreatedAt", got.CreatedAt, base)

	// Same name, same parent, same year: a second registration is refused; another year is not.
	_, err = s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD", Name: in.Name, Hashtags: []string{"#x"}, StartDay: "2026-09-01", EndDay: "2026-09-02"})
	mustIs(t, "CreateTrend same name and year", err, store.ErrConflict)
	b, err := s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD", Name: in.Name, Hashtags: []string{"#x"}, StartDay: "2027-03-01", EndDay: "2027-03-31"})
	mustNil(t, "CreateTrend next year", err)
	c, err := s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD", Name: "Áo xanh tình nguyện", Hashtags: []string{"#AoXanh"}, StartDay: "2026-01-15", EndDay: "2026-02-15"})
	mustNil(t, "CreateTrend earlier", err)
	d, err := s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD2", Name: in.Name, Hashtags: []string{"#x"}, StartDay: "2026-03-01", EndDay: "2026-03-02"})
	mustNil(t, "CreateTrend other province", err)

	_, err = s.CreateTrend(ctx(t), models.Trend{ParentCode: "NOPE", Name: "x", Hashtags: []string{"#x"}, StartDay: "2026-03-01", EndDay: "2026-03-02"})
	mustIs(t, "CreateTrend unknown parent", err, store.ErrInvalid)
	_, err = s.GetTrend(ctx(t), "missing")
	mustIs(t, "GetTrend missing", err, store.ErrNotFound)
	// A trend outlives its unit (a province merged away keeps its record).
	mustNil(t, "CreateUnit TD3", s.CreateUnit(ctx(t), unit("TD3", "", models.UnitProvince)))
	e, err := s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD3", Name: "Cũ", Hashtags: []string{"#cu"}, StartDay: "2025-05-01", EndDay: "2025-05-02"})
	mustNil(t, "CreateTrend TD3", err)
	mustNil(t, "DeleteUnit TD3", s.DeleteUnit(ctx(t), "TD3"))
	if got, err := s.GetTrend(ctx(t), e.ID); err != nil || got.ParentCode != "TD3" {
		t.Errorf("trend of a deleted unit = %+v, %v; want it kept", got, err)
	}

	ids := func(ts []models.Trend) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    store.TrendFilter
		want []string
	}{
		{"parent and year, by first day", store.TrendFilter{ParentCode: "TD", Year: 2026}, []string{c.ID, a.ID}},
		{"parent", store.TrendFilter{ParentCode: "TD"}, []string{c.ID, a.ID, b.ID}},
		{"year", store.TrendFilter{Year: 2026}, []string{c.ID, a.ID, d.ID}},
		{"nothing that year", store.TrendFilter{ParentCode: "TD2", Year: 2027}, nil},
	} {
		got, err := s.ListTrends(ctx(t), tt.f)
		mustNil(t, "ListTrends "+tt.name, err)
		if g := ids(got); !slices.Equal(g, tt.want) {
			// a and d start the same day: by name, then ID
			if tt.name == "year" && len(g) == 3 && g[0] == c.ID && slices.Contains(g, a.ID) && slices.Contains(g, d.ID) {
				continue
			}
			t.Errorf("ListTrends %s = %v, want %v", tt.name, g, tt.want)
		}
	}

	// Changing a trend keeps its organiser and creation; a name its organiser already
	// uses that year is refused, and moving to another year frees the old name.
	up := got
	up.Name, up.Hashtags, up.StartDay, up.EndDay, up.Description = "Xanh hóa quê hương 2026", []string{"#XanhHoa"}, "2026-04-01", "2026-04-30", ""
	up.ParentCode, up.CreatedBy = "TD2", "someone-else"
	u2, err := s.UpdateTrend(ctx(t), up)
	mustNil(t, "UpdateTrend", err)
	if u2.ParentCode != "TD" || u2.CreatedBy != in.CreatedBy || u2.Name != up.Name || !slices.Equal(u2.Hashtags, up.Hashtags) ||
		u2.StartDay != "2026-04-01" || u2.EndDay != "2026-04-30" || u2.Description != "" {
		t.Errorf("UpdateTrend = %+v", u2)
	}
	if again, err := s.GetTrend(ctx(t), a.ID); err != nil || again.Name != up.Name || again.ParentCode != "TD" {
		t.Errorf("GetTrend after update = %+v, %v", again, err)
	}
	clash := u2
	clash.Name = "Áo xanh tình nguyện" // c's name, same parent and year
	_, err = s.UpdateTrend(ctx(t), clash)
	mustIs(t, "UpdateTrend to a name in use", err, store.ErrConflict)
	moved := u2
	moved.StartDay, moved.EndDay = "2025-12-01", "2025-12-31"
	if m, err := s.UpdateTrend(ctx(t), moved); err != nil || m.Year() != 2025 {
		t.Errorf("UpdateTrend to another year = %+v, %v", m, err)
	}
	if got, err := s.ListTrends(ctx(t), store.TrendFilter{ParentCode: "TD", Year: 2025}); err != nil || len(got) != 1 || got[0].ID != a.ID {
		t.Errorf("ListTrends TD 2025 after moving = %v, %v", ids(got), err)
	}
	_, err = s.UpdateTrend(ctx(t), models.Trend{ID: "missing", ParentCode: "TD", Name: "x", Hashtags: []string{"#x"}, StartDay: "2026-01-01", EndDay: "2026-01-02"})
	mustIs(t, "UpdateTrend missing", err, store.ErrNotFound)

	mustNil(t, "DeleteTrend", s.DeleteTrend(ctx(t), c.ID))
	_, err = s.GetTrend(ctx(t), c.ID)
	mustIs(t, "GetTrend deleted", err, store.ErrNotFound)
	mustIs(t, "DeleteTrend again", s.DeleteTrend(ctx(t), c.ID), store.ErrNotFound)
	if got, err := s.ListTrends(ctx(t), store.TrendFilter{ParentCode: "TD", Year: 2026}); err != nil || len(got) != 0 {
		t.Errorf("ListTrends TD 2026 after delete and move = %v, %v", ids(got), err)
	}
	// The freed name can be registered again.
	_, err = s.CreateTrend(ctx(t), models.Trend{ParentCode: "TD", Name: "Áo xanh tình nguyện", Hashtags: []string{"#AoXanh"}, StartDay: "2026-01-15", EndDay: "2026-02-15"})
	mustNil(t, "CreateTrend after delete", err)
}
