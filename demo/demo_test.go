package demo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tintot/models"
	"tintot/store"
	"tintot/store/sqlite"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/demo.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestDemoFeedsAreStableAndServed(t *testing.T) {
	now := time.Date(2026, 11, 27, 18, 0, 0, 0, models.Vietnam)
	srv, err := NewServer(models.ClockFunc(func() time.Time { return now }), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(context.Background())
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, first := get(srv.URL("DEMO-P01", "rss"))
	if code != 200 || !strings.Contains(first, "<item>") {
		t.Fatalf("rss feed: %d %.200s", code, first)
	}
	if _, again := get(srv.URL("DEMO-P01", "rss")); again != first {
		t.Fatal("the same feed changed between two requests at the same time")
	}
	if code, _ := get(srv.URL("DEMO-P04", "broken")); code != http.StatusServiceUnavailable {
		t.Fatalf("the broken demo feed answered %d", code)
	}
	if code, body := get(srv.URL("DEMO-X02", "json")); code != 200 || !strings.Contains(body, `"items"`) {
		t.Fatalf("json feed: %d", code)
	}
	for _, it := range units()[1].posts(now) {
		if it.Published.After(now) {
			t.Fatalf("a demo post is in the future: %v", it.Published)
		}
	}
}

func TestSeedRefusesARealDatabase(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.CreateUnit(ctx, models.Unit{Code: "HN", Name: "Thành đoàn Hà Nội", Kind: models.UnitProvince}); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(models.SystemClock{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close(ctx)
	if err := Seed(ctx, st, srv, time.Now()); !errors.Is(err, ErrNotDemoDatabase) {
		t.Fatalf("Seed on a real database = %v, want ErrNotDemoDatabase", err)
	}
	if us, _ := st.ListUnits(ctx, store.UnitFilter{}); len(us) != 1 {
		t.Fatalf("seed wrote into a real database: %d units", len(us))
	}
}

func TestSeedIsRepeatable(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()
	for i := 0; i < 2; i++ {
		srv, err := NewServer(models.SystemClock{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := Seed(ctx, st, srv, now); err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		fs, _ := st.ListFeeds(ctx, store.FeedFilter{})
		for _, f := range fs {
			if !strings.Contains(f.URL, ":"+strconv.Itoa(srv.Port())+"/") {
				t.Fatalf("seed %d left a feed on an old port: %s", i, f.URL)
			}
		}
		srv.Close(ctx)
	}
	us, _ := st.ListUnits(ctx, store.UnitFilter{})
	if len(us) != len(units()) {
		t.Fatalf("units = %d, want %d", len(us), len(units()))
	}
	manual, _ := st.ListPosts(ctx, store.PostFilter{Source: models.SourceManual})
	if len(manual) == 0 {
		t.Fatal("the hand-submitting unit has no posts")
	}
}
