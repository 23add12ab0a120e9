package storetest

import (
	"slices"
	"testing"

	"tintot/models"
	"tintot/store"
)

func pickIDs(ps []models.Pick) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.PostID)
	}
	return out
}

func testBulletin(t *testing.T, open Opener) {
	t.Run("Picks", func(t *testing.T) {
		s := open(t)
		for _, p := range []models.Pick{
			{PostID: "p3", UnitCode: "A", LocalDay: "2026-10-05", PickedBy: "r@doan.vn", PickedAt: base},
			{PostID: "p1", UnitCode: "B", LocalDay: "2026-11-20", Note: "Câu chuyện cảm động về thầy giáo vùng cao", PickedBy: "r@doan.vn", PickedAt: base},
			{PostID: "p2", UnitCode: "A", LocalDay: "2026-09-30", PickedBy: "r@doan.vn", PickedAt: base},
			{PostID: "p4", UnitCode: "C", LocalDay: "2026-12-31", PickedBy: "r@doan.vn", PickedAt: base},
		} {
			mustNil(t, "save pick "+p.PostID, s.SavePick(ctx(t), p))
		}
		q4, err := s.ListPicks(ctx(t), store.PickFilter{FromDay: "2026-10-01", ToDay: "2026-12-31"})
		mustNil(t, "list Q4", err)
		if got := pickIDs(q4); !slices.Equal(got, []string{"p3", "p1", "p4"}) {
			t.Errorf("Q4 picks = %v, want p3, p1, p4 (by day at equal position)", got)
		}
		if q4[1].Note != "Câu chuyện cảm động về thầy giáo vùng cao" || q4[1].UnitCode != "B" || q4[1].PickedBy != "r@doan.vn" {
			t.Errorf("pick p1 = %+v", q4[1])
		}
		sameTime(t, "picked at", q4[1].PickedAt, base)

		// Replacing a pick reorders and omits without a second row.
		mustNil(t, "move p4 first", s.SavePick(ctx(t), models.Pick{PostID: "p4", UnitCode: "C", LocalDay: "2026-12-31", Position: -1, Note: "mới", Omitted: true, PickedAt: base}))
		mustNil(t, "move p3", s.SavePick(ctx(t), models.Pick{PostID: "p3", UnitCode: "A", LocalDay: "2026-10-05", Position: 2, PickedAt: base}))
		q4, err = s.ListPicks(ctx(t), store.PickFilter{FromDay: "2026-10-01", ToDay: "2026-12-31"})
		mustNil(t, "list Q4 again", err)
		if got := pickIDs(q4); !slices.Equal(got, []string{"p4", "p1", "p3"}) {
			t.Errorf("reordered picks = %v, want p4, p1, p3", got)
		}
		if !q4[0].Omitted || q4[0].Note != "mới" {
			t.Errorf("replaced pick = %+v", q4[0])
		}

		a, err := s.ListPicks(ctx(t), store.PickFilter{UnitCodes: []string{"A"}})
		mustNil(t, "list A", err)
		if got := pickIDs(a); !slices.Equal(got, []string{"p2", "p3"}) {
			t.Errorf("unit A picks = %v, want p2, p3", got)
		}
		mustNil(t, "delete p2", s.DeletePick(ctx(t), "p2"))
		mustIs(t, "delete p2 again", s.DeletePick(ctx(t), "p2"), store.ErrNotFound)
		all, err := s.ListPicks(ctx(t), store.PickFilter{})
		mustNil(t, "list all", err)
		if len(all) != 3 {
			t.Errorf("%d picks left, want 3", len(all))
		}
	})

	t.Run("SentBulletins", func(t *testing.T) {
		s := open(t)
		b := models.SentBulletin{Parent: "P", Quarter: "2026-Q3", Subject: "Bản tin Quý III/2026", HTML: "<html><body><h1>Bản tin</h1></body></html>",
			Items:      []models.BulletinItem{{PostID: "p1", UnitCode: "A", UnitName: "Đoàn xã A", Title: "Tin tốt", Day: "2026-08-01", URL: "https://a.vn/1", Note: "hay"}, {PostID: "p2", UnitCode: "B", Title: "Chuyện đẹp", Day: "2026-07-02"}},
			Recipients: []string{"tv@doan.vn", "bt@doan.vn"}, SentBy: "r@doan.vn", SentAt: base}
		_, err := s.GetSentBulletin(ctx(t), "P", "2026-Q3")
		mustIs(t, "get before send", err, store.ErrNotFound)
		mustNil(t, "save", s.SaveSentBulletin(ctx(t), b))
		changed := b
		changed.HTML = "<p>khác</p>"
		mustIs(t, "save twice", s.SaveSentBulletin(ctx(t), changed), store.ErrConflict)
		got, err := s.GetSentBulletin(ctx(t), "P", "2026-Q3")
		mustNil(t, "get", err)
		if got.HTML != b.HTML || got.Subject != b.Subject || got.SentBy != b.SentBy || !slices.Equal(got.Recipients, b.Recipients) || !slices.Equal(got.Items, b.Items) {
			t.Errorf("sent bulletin = %+v, want %+v", got, b)
		}
		sameTime(t, "sent at", got.SentAt, base)
		_, err = s.GetSentBulletin(ctx(t), "P", "2026-Q4")
		mustIs(t, "other quarter", err, store.ErrNotFound)
		other := b
		other.Parent = ""
		mustNil(t, "save for every unit", s.SaveSentBulletin(ctx(t), other))
	})

	t.Run("Honours", func(t *testing.T) {
		s := open(t)
		h1, err := s.CreateHonour(ctx(t), models.Honour{Year: 2026, UnitCode: "B", Name: "Nguyễn Thị Hoa", PostID: "p1", Reason: "Cứu người", ProposedBy: "r@doan.vn", CreatedAt: base})
		mustNil(t, "create h1", err)
		if h1.ID == "" {
			t.Fatal("no ID assigned")
		}
		_, err = s.CreateHonour(ctx(t), models.Honour{Year: 2026, UnitCode: "A", Name: "Đội thanh niên tình nguyện", PostID: "p2", Reason: "Tiếp sức mùa thi", CreatedAt: base})
		mustNil(t, "create h2", err)
		_, err = s.CreateHonour(ctx(t), models.Honour{Year: 2025, UnitCode: "A", PostID: "p0", Reason: "Năm trước", CreatedAt: base})
		mustNil(t, "create h3", err)
		_, err = s.CreateHonour(ctx(t), models.Honour{ID: h1.ID, Year: 2026, UnitCode: "B", PostID: "p1", Reason: "x", CreatedAt: base})
		mustIs(t, "create same ID", err, store.ErrConflict)

		got, err := s.ListHonours(ctx(t), 2026, nil)
		mustNil(t, "list 2026", err)
		if len(got) != 2 || got[0].UnitCode != "A" || got[1].ID != h1.ID || got[1].Name != "Nguyễn Thị Hoa" || got[1].ProposedBy != "r@doan.vn" {
			t.Fatalf("2026 honours = %+v", got)
		}
		sameTime(t, "created at", got[1].CreatedAt, base)
		got, err = s.ListHonours(ctx(t), 2026, []string{"B"})
		mustNil(t, "list B", err)
		if len(got) != 1 || got[0].ID != h1.ID {
			t.Errorf("B honours = %+v", got)
		}
		g, err := s.GetHonour(ctx(t), h1.ID)
		mustNil(t, "get h1", err)
		if g.Name != "Nguyễn Thị Hoa" || g.Reason != "Cứu người" || g.Year != 2026 || g.PostID != "p1" {
			t.Errorf("get h1 = %+v", g)
		}
		mustNil(t, "delete", s.DeleteHonour(ctx(t), h1.ID))
		_, err = s.GetHonour(ctx(t), h1.ID)
		mustIs(t, "get deleted", err, store.ErrNotFound)
		mustIs(t, "delete again", s.DeleteHonour(ctx(t), h1.ID), store.ErrNotFound)
		got, err = s.ListHonours(ctx(t), 2026, nil)
		mustNil(t, "list after delete", err)
		if len(got) != 1 {
			t.Errorf("%d honours left, want 1", len(got))
		}
	})
}
