package storetest

import (
	"errors"
	"sort"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
)

func feed(unitCode, url string) models.Feed {
	return models.Feed{
		UnitCode: unitCode, URL: url, Title: "Tin tức " + unitCode,
		NextCheckAt: base, State: models.FeedOK, CreatedAt: base, UpdatedAt: base,
	}
}

func feedURLs(fs []models.Feed) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.URL
	}
	return out
}

func feedIDs(fs []models.Feed) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func testFeeds(t *testing.T, open Opener) {
	t.Run("CreateGetUpdateDelete", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		f := feed("X1", "https://x1.vn/rss")
		f.DefaultKind = models.KindGoodNews
		created, err := s.CreateFeed(ctx(t), f)
		mustNil(t, "CreateFeed", err)
		if created.ID == "" {
			t.Fatal("CreateFeed assigned no ID")
		}
		got, err := s.GetFeed(ctx(t), created.ID)
		mustNil(t, "GetFeed", err)
		if got.URL != f.URL || got.UnitCode != "X1" || got.DefaultKind != models.KindGoodNews || got.State != models.FeedOK {
			t.Errorf("GetFeed = %+v", got)
		}
		sameTime(t, "NextCheckAt", got.NextCheckAt, base)

		got.Title = "Tin tốt X1"
		got.ETag = `"abc"`
		got.LastModified = "Fri, 27 Nov 2026 03:00:00 GMT"
		got.NextCheckAt = base.Add(15 * time.Minute)
		got.LastCheckAt = ptr(base)
		got.State = models.FeedFailing
		got.ConsecutiveFailures = 3
		got.LastSuccessAt = ptr(base.Add(-time.Hour))
		got.FailingSince = ptr(base.Add(-30 * time.Minute))
		got.LastError = "Không tải được trang"
		got.LastErrorDetail = "dial tcp: timeout"
		got.LastStatus = 503
		got.Note = "Nguồn tin có 100000 mục; chỉ đọc 500 mục mới nhất"
		mustNil(t, "UpdateFeed", s.UpdateFeed(ctx(t), got))
		again, err := s.GetFeed(ctx(t), created.ID)
		mustNil(t, "GetFeed after update", err)
		if again.Title != got.Title || again.ETag != got.ETag || again.LastModified != got.LastModified ||
			again.State != models.FeedFailing || again.ConsecutiveFailures != 3 || again.LastError != got.LastError ||
			again.LastErrorDetail != got.LastErrorDetail || again.LastStatus != 503 || again.Note != got.Note {
			t.Errorf("after UpdateFeed GetFeed = %+v, want %+v", again, got)
		}
		sameTime(t, "NextCheckAt", again.NextCheckAt, got.NextCheckAt)
		sameTimePtr(t, "LastCheckAt", again.LastCheckAt, got.LastCheckAt)
		sameTimePtr(t, "LastSuccessAt", again.LastSuccessAt, got.LastSuccessAt)
		sameTimePtr(t, "FailingSince", again.FailingSince, got.FailingSince)
		if listed, err := s.ListFeeds(ctx(t), store.FeedFilter{UnitCode: "X1"}); err != nil || len(listed) != 1 || listed[0].Note != got.Note {
			t.Errorf("ListFeeds after UpdateFeed = %+v, %v; want the note %q", listed, err, got.Note)
		}
		got.Note = "" // a later read that left nothing out clears the note
		mustNil(t, "UpdateFeed clearing the note", s.UpdateFeed(ctx(t), got))
		if again, err := s.GetFeed(ctx(t), created.ID); err != nil || again.Note != "" {
			t.Errorf("after clearing the note GetFeed = %+v, %v", again, err)
		}

		mustNil(t, "DeleteFeed", s.DeleteFeed(ctx(t), created.ID))
		_, err = s.GetFeed(ctx(t), created.ID)
		mustIs(t, "GetFeed deleted", err, store.ErrNotFound)
		mustIs(t, "DeleteFeed twice", s.DeleteFeed(ctx(t), created.ID), store.ErrNotFound)
		missing := got
		missing.ID = "missing"
		mustIs(t, "UpdateFeed missing", s.UpdateFeed(ctx(t), missing), store.ErrNotFound)
	})
	t.Run("UpdateFeedsBatch", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		var fs []models.Feed
		for _, f := range []models.Feed{feed("X1", "https://x1.vn/rss"), feed("X1", "https://x1.vn/atom"), feed("X2", "https://x2.vn/rss")} {
			c, err := s.CreateFeed(ctx(t), f)
			mustNil(t, "CreateFeed", err)
			fs = append(fs, c)
		}
		mustNil(t, "UpdateFeeds of none", s.UpdateFeeds(ctx(t), nil))

		// A poll batch: one feed fine with new validators, one failing, one deleted meanwhile.
		ok, failing, gone := fs[0], fs[1], fs[2]
		mustNil(t, "DeleteFeed", s.DeleteFeed(ctx(t), gone.ID))
		ok.Title, ok.ETag, ok.LastModified = "Tin tốt X1", `"v2"`, "Fri, 27 Nov 2026 03:00:00 GMT"
		ok.NextCheckAt, ok.LastCheckAt, ok.LastSuccessAt = base.Add(30*time.Minute), ptr(base), ptr(base)
		ok.LeaseHolder, ok.LeaseUntil, ok.LastStatus = "", nil, 200
		ok.Note = "Nguồn tin có 2000 mục; chỉ đọc 500 mục mới nhất"
		failing.State, failing.ConsecutiveFailures, failing.FailingSince = models.FeedFailing, 2, ptr(base.Add(-time.Hour))
		failing.LastError, failing.LastErrorDetail, failing.LastStatus = "Máy chủ báo lỗi 503", "HTTP 503", 503
		failing.NextCheckAt, failing.LastCheckAt = base.Add(15*time.Minute), ptr(base)
		gone.State = models.FeedBroken
		err := s.UpdateFeeds(ctx(t), []models.Feed{ok, gone, failing})
		mustIs(t, "UpdateFeeds with a deleted feed", err, store.ErrNotFound)

		for _, want := range []models.Feed{ok, failing} {
			got, err := s.GetFeed(ctx(t), want.ID)
			mustNil(t, "GetFeed "+want.URL, err)
			if got.Title != want.Title || got.ETag != want.ETag || got.LastModified != want.LastModified || got.State != want.State ||
				got.ConsecutiveFailures != want.ConsecutiveFailures || got.LastError != want.LastError ||
				got.LastErrorDetail != want.LastErrorDetail || got.LastStatus != want.LastStatus || got.LeaseHolder != "" ||
				got.Note != want.Note {
				t.Errorf("after UpdateFeeds %s = %+v, want %+v", want.URL, got, want)
			}
			sameTime(t, want.URL+" NextCheckAt", got.NextCheckAt, want.NextCheckAt)
			sameTimePtr(t, want.URL+" LastCheckAt", got.LastCheckAt, want.LastCheckAt)
			sameTimePtr(t, want.URL+" LastSuccessAt", got.LastSuccessAt, want.LastSuccessAt)
			sameTimePtr(t, want.URL+" FailingSince", got.FailingSince, want.FailingSince)
			sameTimePtr(t, want.URL+" LeaseUntil", got.LeaseUntil, nil)
		}
		if _, err := s.GetFeed(ctx(t), gone.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UpdateFeeds brought back a deleted feed: GetFeed error = %v", err)
		}

		ok.State, failing.State = models.FeedBroken, models.FeedOK
		ok.Note, failing.Note = "", "Nguồn tin có 900 mục; chỉ đọc 500 mục mới nhất"
		mustNil(t, "UpdateFeeds of stored feeds", s.UpdateFeeds(ctx(t), []models.Feed{ok, failing}))
		listed, err := s.ListFeeds(ctx(t), store.FeedFilter{UnitCode: "X1"})
		mustNil(t, "ListFeeds", err)
		states := map[string]models.FeedState{}
		for _, f := range listed {
			states[f.ID] = f.State
			if want := map[string]string{ok.ID: ok.Note, failing.ID: failing.Note}[f.ID]; f.Note != want {
				t.Errorf("after the second UpdateFeeds %s has note %q, want %q", f.URL, f.Note, want)
			}
		}
		if states[ok.ID] != models.FeedBroken || states[failing.ID] != models.FeedOK {
			t.Errorf("after the second UpdateFeeds states = %v, want %s broken and %s ok", states, ok.ID, failing.ID)
		}
	})
	t.Run("ReadHashes", func(t *testing.T) {
		// What the last stored read held comes back, byte for byte, from every way of
		// reading a feed (the poller gets feeds from all of them), and can be cleared.
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		a, err := s.CreateFeed(ctx(t), feed("X1", "https://x1.vn/rss"))
		mustNil(t, "CreateFeed", err)
		b, err := s.CreateFeed(ctx(t), feed("X2", "https://x2.vn/rss"))
		mustNil(t, "CreateFeed", err)
		if a.BodyHash != nil || a.ItemHashes != nil {
			t.Errorf("a new feed has hashes %x %x", a.BodyHash, a.ItemHashes)
		}
		body := []byte("0123456789abcdef0123456789abcdef")
		items := models.NewItemHashes([]models.ItemHash{{Key: 1 << 63, Content: 7}, {Key: 2, Content: 1<<64 - 1}})
		a.BodyHash, a.ItemHashes = body, items
		mustNil(t, "UpdateFeed", s.UpdateFeed(ctx(t), a))
		b.BodyHash, b.ItemHashes = []byte("other body hash"), models.NewItemHashes([]models.ItemHash{{Key: 3, Content: 4}})
		mustNil(t, "UpdateFeeds", s.UpdateFeeds(ctx(t), []models.Feed{b}))
		check := func(how string, f models.Feed, wantBody []byte, wantItems models.ItemHashes) {
			t.Helper()
			if string(f.BodyHash) != string(wantBody) || string(f.ItemHashes) != string(wantItems) {
				t.Errorf("%s: hashes %x %x, want %x %x", how, f.BodyHash, f.ItemHashes, wantBody, wantItems)
			}
		}
		got, err := s.GetFeed(ctx(t), a.ID)
		mustNil(t, "GetFeed", err)
		check("GetFeed", got, body, items)
		if c, ok := got.ItemHashes.Content(2); !ok || c != 1<<64-1 {
			t.Errorf("stored item hashes: Content(2) = %d, %v", c, ok)
		}
		listed, err := s.ListFeeds(ctx(t), store.FeedFilter{})
		mustNil(t, "ListFeeds", err)
		if len(listed) != 2 {
			t.Fatalf("ListFeeds = %d feeds", len(listed))
		}
		check("ListFeeds", listed[0], body, items)
		check("ListFeeds (UpdateFeeds)", listed[1], b.BodyHash, b.ItemHashes)
		claimed, err := s.ClaimDueFeeds(ctx(t), "inst-A", base, base.Add(10*time.Minute), 10)
		mustNil(t, "ClaimDueFeeds", err)
		if len(claimed) != 2 {
			t.Fatalf("ClaimDueFeeds = %d feeds", len(claimed))
		}
		for _, f := range claimed {
			if f.ID == a.ID {
				check("ClaimDueFeeds", f, body, items)
			} else {
				check("ClaimDueFeeds (UpdateFeeds)", f, b.BodyHash, b.ItemHashes)
			}
		}
		got.BodyHash, got.ItemHashes = nil, nil
		mustNil(t, "UpdateFeed clearing the hashes", s.UpdateFeed(ctx(t), got))
		again, err := s.GetFeed(ctx(t), a.ID)
		mustNil(t, "GetFeed", err)
		if len(again.BodyHash) != 0 || again.ItemHashes.Len() != 0 {
			t.Errorf("after clearing: hashes %x %x", again.BodyHash, again.ItemHashes)
		}
	})
	t.Run("UniquePerUnitAndURL", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		_, err := s.CreateFeed(ctx(t), feed("X1", "https://shared.vn/rss"))
		mustNil(t, "CreateFeed", err)
		_, err = s.CreateFeed(ctx(t), feed("X1", "https://shared.vn/rss"))
		mustIs(t, "same unit and URL", err, store.ErrConflict)
		_, err = s.CreateFeed(ctx(t), feed("X2", "https://shared.vn/rss"))
		mustNil(t, "same URL, other unit", err)
		_, err = s.CreateFeed(ctx(t), feed("ghost", "https://ghost.vn/rss"))
		mustIs(t, "feed of a missing unit", err, store.ErrInvalid)
	})
	t.Run("ListFeedsFilters", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune), unit("X3", "", models.UnitCommune))
		mk := func(u, url string, st models.FeedState) {
			f := feed(u, url)
			f.State = st
			_, err := s.CreateFeed(ctx(t), f)
			mustNil(t, "CreateFeed", err)
		}
		mk("X2", "https://b.vn/rss", models.FeedBroken)
		mk("X1", "https://z.vn/rss", models.FeedOK)
		mk("X1", "https://a.vn/rss", models.FeedFailing)
		mk("X3", "https://c.vn/rss", models.FeedOK)
		cases := []struct {
			name string
			f    store.FeedFilter
			want []string
		}{
			{"all by unit then URL", store.FeedFilter{}, []string{"https://a.vn/rss", "https://z.vn/rss", "https://b.vn/rss", "https://c.vn/rss"}},
			{"unit", store.FeedFilter{UnitCode: "X1"}, []string{"https://a.vn/rss", "https://z.vn/rss"}},
			{"units", store.FeedFilter{UnitCodes: []string{"X2", "X3"}}, []string{"https://b.vn/rss", "https://c.vn/rss"}},
			{"states", store.FeedFilter{States: []models.FeedState{models.FeedFailing, models.FeedBroken}}, []string{"https://a.vn/rss", "https://b.vn/rss"}},
			{"url", store.FeedFilter{URL: "https://c.vn/rss"}, []string{"https://c.vn/rss"}},
			{"brief units", store.FeedFilter{UnitCodes: []string{"X1", "X2"}, Brief: true}, []string{"https://a.vn/rss", "https://z.vn/rss", "https://b.vn/rss"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListFeeds(ctx(t), c.f)
				mustNil(t, "ListFeeds", err)
				if !equalStrings(feedURLs(got), c.want) {
					t.Errorf("ListFeeds(%+v) = %v, want %v", c.f, feedURLs(got), c.want)
				}
			})
		}
		t.Run("brief has ID, unit, state, creation and last success times", func(t *testing.T) {
			full, err := s.ListFeeds(ctx(t), store.FeedFilter{})
			mustNil(t, "ListFeeds", err)
			ok := base.Add(-time.Hour)
			full[0].LastSuccessAt = &ok
			mustNil(t, "UpdateFeed", s.UpdateFeed(ctx(t), full[0]))
			brief, err := s.ListFeeds(ctx(t), store.FeedFilter{Brief: true})
			mustNil(t, "ListFeeds brief", err)
			if len(brief) != len(full) {
				t.Fatalf("brief listing has %d feeds, full %d", len(brief), len(full))
			}
			for i, f := range full {
				b := brief[i]
				if b.ID != f.ID || b.UnitCode != f.UnitCode || b.URL != f.URL || b.State != f.State || !b.CreatedAt.Equal(f.CreatedAt) ||
					(b.LastSuccessAt == nil) != (f.LastSuccessAt == nil) || (b.LastSuccessAt != nil && !b.LastSuccessAt.Equal(*f.LastSuccessAt)) {
					t.Errorf("brief feed %d = %+v, want ID, unit, URL, state, creation and last success times of %+v", i, b, f)
				}
			}
		})
	})
	t.Run("ClaimDueFeedsLeases", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		var due []string
		for i, off := range []time.Duration{-3 * time.Minute, -1 * time.Minute, -2 * time.Minute, 10 * time.Minute} {
			f := feed("X1", "https://x1.vn/"+string(rune('a'+i)))
			f.NextCheckAt = base.Add(off)
			c, err := s.CreateFeed(ctx(t), f)
			mustNil(t, "CreateFeed", err)
			if off < 0 {
				due = append(due, c.ID)
			}
		}
		until := base.Add(5 * time.Minute)
		first, err := s.ClaimDueFeeds(ctx(t), "inst-A", base, until, 2)
		mustNil(t, "ClaimDueFeeds A", err)
		if len(first) != 2 {
			t.Fatalf("A claimed %d feeds, want 2 (limit)", len(first))
		}
		if first[0].ID != due[0] || first[1].ID != due[2] {
			t.Errorf("A claimed %v, want oldest NextCheckAt first %v", feedIDs(first), []string{due[0], due[2]})
		}
		for _, f := range first {
			if f.LeaseHolder != "inst-A" {
				t.Errorf("claimed feed holder = %q, want inst-A", f.LeaseHolder)
			}
			sameTimePtr(t, "LeaseUntil", f.LeaseUntil, &until)
		}
		second, err := s.ClaimDueFeeds(ctx(t), "inst-B", base, until, 10)
		mustNil(t, "ClaimDueFeeds B", err)
		if len(second) != 1 || second[0].ID != due[1] {
			t.Fatalf("B claimed %v, want only the unleased due feed %s", feedIDs(second), due[1])
		}
		none, err := s.ClaimDueFeeds(ctx(t), "inst-C", base.Add(time.Minute), until, 10)
		mustNil(t, "ClaimDueFeeds C", err)
		if len(none) != 0 {
			t.Errorf("C claimed leased feeds %v", feedIDs(none))
		}
		later := base.Add(6 * time.Minute)
		again, err := s.ClaimDueFeeds(ctx(t), "inst-C", later, later.Add(5*time.Minute), 10)
		mustNil(t, "ClaimDueFeeds after expiry", err)
		if len(again) != 3 {
			t.Errorf("after leases expired C claimed %d feeds, want 3", len(again))
		}
		stored, err := s.GetFeed(ctx(t), due[0])
		mustNil(t, "GetFeed", err)
		if stored.LeaseHolder != "inst-C" {
			t.Errorf("stored lease holder = %q, want inst-C", stored.LeaseHolder)
		}
	})
	t.Run("ClaimDueFeedsNeverTwice", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		const n = 20
		for i := 0; i < n; i++ {
			f := feed("X1", "https://x1.vn/feed"+string(rune('A'+i)))
			f.NextCheckAt = base.Add(-time.Duration(i) * time.Second)
			_, err := s.CreateFeed(ctx(t), f)
			mustNil(t, "CreateFeed", err)
		}
		type res struct {
			fs  []models.Feed
			err error
		}
		holders := []string{"h1", "h2", "h3", "h4"}
		out := make(chan res, len(holders))
		for _, h := range holders {
			go func() {
				fs, err := s.ClaimDueFeeds(ctx(t), h, base, base.Add(time.Minute), 7)
				out <- res{fs, err}
			}()
		}
		seen := map[string]bool{}
		for range holders {
			r := <-out
			mustNil(t, "concurrent ClaimDueFeeds", r.err)
			for _, f := range r.fs {
				if seen[f.ID] {
					t.Errorf("feed %s claimed by two holders", f.ID)
				}
				seen[f.ID] = true
			}
		}
		if len(seen) != n {
			t.Errorf("%d distinct feeds claimed, want %d", len(seen), n)
		}
	})
}

func testOutages(t *testing.T, open Opener) {
	t.Run("DeletingAFailingFeedEndsItsOutage", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune))
		f, err := s.CreateFeed(ctx(t), feed("X1", "https://x1.vn/rss"))
		mustNil(t, "CreateFeed", err)
		from := time.Now().Add(-48 * time.Hour).Truncate(time.Millisecond)
		mustNil(t, "OpenOutage", s.OpenOutage(ctx(t), models.FeedOutage{FeedID: f.ID, UnitCode: "X1", From: from, Reason: "HTTP 500"}))
		before := time.Now().Truncate(time.Millisecond)
		mustNil(t, "DeleteFeed", s.DeleteFeed(ctx(t), f.ID))
		// Kept, and ended at the deletion: the unit was unseen through the feed until then,
		// not for ever after.
		os, err := s.ListOutages(ctx(t), []string{"X1"}, from.Add(-time.Hour), time.Now().Add(time.Hour))
		mustNil(t, "ListOutages", err)
		if len(os) != 1 || os[0].To == nil || os[0].To.Before(before) || os[0].To.After(time.Now()) || os[0].CoveredFrom == nil || !os[0].CoveredFrom.Equal(*os[0].To) {
			t.Fatalf("outages after the feed's deletion = %+v, want its outage kept, ended at the deletion, covered from its end (unseen throughout)", os)
		}
	})
	t.Run("OpenCloseOverlap", func(t *testing.T) {
		s := open(t)
		createUnits(t, s, unit("X1", "", models.UnitCommune), unit("X2", "", models.UnitCommune))
		f1, err := s.CreateFeed(ctx(t), feed("X1", "https://x1.vn/rss"))
		mustNil(t, "CreateFeed", err)
		f2, err := s.CreateFeed(ctx(t), feed("X2", "https://x2.vn/rss"))
		mustNil(t, "CreateFeed", err)
		h := time.Hour
		mustNil(t, "OpenOutage", s.OpenOutage(ctx(t), models.FeedOutage{FeedID: f1.ID, UnitCode: "X1", From: base, Reason: "HTTP 500"}))
		// A second open while one is open is a no-op: the outage keeps its start.
		mustNil(t, "OpenOutage again", s.OpenOutage(ctx(t), models.FeedOutage{FeedID: f1.ID, UnitCode: "X1", From: base.Add(h)}))
		mustNil(t, "CloseOutage", s.CloseOutage(ctx(t), f1.ID, base.Add(2*h), ptr(base.Add(-h))))
		mustNil(t, "CloseOutage with none open", s.CloseOutage(ctx(t), f1.ID, base.Add(3*h), nil))
		mustNil(t, "OpenOutage later", s.OpenOutage(ctx(t), models.FeedOutage{FeedID: f1.ID, UnitCode: "X1", From: base.Add(10 * h)}))
		mustNil(t, "OpenOutage X2", s.OpenOutage(ctx(t), models.FeedOutage{FeedID: f2.ID, UnitCode: "X2", From: base.Add(h)}))

		all, err := s.ListOutages(ctx(t), nil, base.Add(-24*h), base.Add(24*h))
		mustNil(t, "ListOutages", err)
		if len(all) != 3 {
			t.Fatalf("ListOutages = %d outages, want 3: %+v", len(all), all)
		}
		x1, err := s.ListOutages(ctx(t), []string{"X1"}, base.Add(-24*h), base.Add(24*h))
		mustNil(t, "ListOutages X1", err)
		sort.Slice(x1, func(i, j int) bool { return x1[i].From.Before(x1[j].From) })
		if len(x1) != 2 {
			t.Fatalf("X1 outages = %+v, want 2", x1)
		}
		sameTime(t, "first outage From", x1[0].From, base)
		sameTimePtr(t, "first outage To", x1[0].To, ptr(base.Add(2*h)))
		if x1[0].Reason != "HTTP 500" || x1[0].FeedID != f1.ID || x1[0].UnitCode != "X1" {
			t.Errorf("first outage = %+v", x1[0])
		}
		sameTimePtr(t, "first outage CoveredFrom", x1[0].CoveredFrom, ptr(base.Add(-h)))
		if x1[1].To != nil || x1[1].CoveredFrom != nil {
			t.Errorf("open outage has To = %v, CoveredFrom = %v", x1[1].To, x1[1].CoveredFrom)
		}
		cases := []struct {
			name     string
			from, to time.Time
			want     int
		}{
			{"before everything", base.Add(-5 * h), base, 0},
			{"inside closed outage", base.Add(30 * time.Minute), base.Add(h), 1},
			{"ends exactly at close", base.Add(2 * h), base.Add(3 * h), 0},
			{"gap between outages", base.Add(3 * h), base.Add(4 * h), 0},
			{"open outage far ahead", base.Add(100 * h), base.Add(101 * h), 1},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ListOutages(ctx(t), []string{"X1"}, c.from, c.to)
				mustNil(t, "ListOutages", err)
				if len(got) != c.want {
					t.Errorf("ListOutages(X1, %s..%s) = %d, want %d", c.from, c.to, len(got), c.want)
				}
			})
		}
	})
}
