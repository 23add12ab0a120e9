package campaign

import (
	"context"
	"fmt"
	"testing"

	"tintot/models"
)

func TestChannelCoverage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, at("2026-11-25 16:00"))
	// A school under the district, with a feed read 8 days ago: not working.
	sch := models.Unit{Code: "thpt", Name: "Đoàn trường THPT Đông", Kind: models.UnitGrassroots, ParentCode: "huyen", CreatedAt: f.clock.t, UpdatedAt: f.clock.t}
	if err := f.st.CreateUnit(ctx, sch); err != nil {
		t.Fatal(err)
	}
	old := at("2026-11-17 15:00")
	if _, err := f.st.CreateFeed(ctx, models.Feed{UnitCode: "thpt", URL: "https://thpt.example.vn/rss", State: models.FeedOK, NextCheckAt: old, LastSuccessAt: &old, CreatedAt: old, UpdatedAt: old}); err != nil {
		t.Fatal(err)
	}
	// xa-a: a feed read yesterday. xa-c: broken feed, last read long ago. xa-b: no feed.
	fa := f.feeds["xa-a"]
	yesterday := at("2026-11-24 09:00")
	fa.LastSuccessAt = &yesterday
	if err := f.st.UpdateFeed(ctx, fa); err != nil {
		t.Fatal(err)
	}

	c, err := f.svc.ChannelCoverage(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != 4 || c.Working != 1 {
		t.Fatalf("coverage = %d/%d, want 1/4 (only xa-a read in the last 7 days)", c.Working, c.Units)
	}
	if c.MeetsBaseline() || c.MeetsTarget() {
		t.Errorf("25%% must meet neither level: %+v", c)
	}
	if len(c.Without) != 3 || c.Without[0].Code != "thpt" {
		t.Errorf("without = %+v, want thpt, xa-b, xa-c", c.Without)
	}

	// xa-b submits a manual post now: working. A rejected manual post would not count.
	f.post(t, "xa-b", "2026-11-25 08:00", models.KindGoodNews)
	c, err = f.svc.ChannelCoverage(ctx, "huyen")
	if err != nil {
		t.Fatal(err)
	}
	if c.Units != 3 || c.Working != 2 {
		t.Fatalf("huyen coverage = %d/%d, want 2/3", c.Working, c.Units)
	}
	var byKind = map[models.UnitKind]models.KindCoverage{}
	for _, k := range c.ByKind {
		byKind[k.Kind] = k
	}
	if byKind[models.UnitCommune].Working != 2 || byKind[models.UnitGrassroots].Units != 1 || byKind[models.UnitGrassroots].Working != 0 {
		t.Errorf("by kind = %+v", c.ByKind)
	}

	// The weekly review carries it.
	r, err := f.svc.Review(ctx, "2026-W48", "huyen")
	if err != nil {
		t.Fatal(err)
	}
	if r.ChannelCoverage == nil || r.ChannelCoverage.Working != 2 || r.ChannelCoverage.Units != 3 {
		t.Fatalf("review channel_coverage = %+v, want 2/3", r.ChannelCoverage)
	}

	// Eight days later nothing is recent any more.
	f.clock.t = at("2026-12-03 16:00")
	c, err = f.svc.ChannelCoverage(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if c.Working != 0 || c.Share != 0 {
		t.Errorf("after 8 days coverage = %d/%d, want 0", c.Working, c.Units)
	}

	// A province of many units without a channel: the list is cut (every review page
	// carries it), the count is whole.
	for i := range models.CoverageWithoutMax + 10 {
		u := models.Unit{Code: fmt.Sprintf("xa-z%03d", i), Name: "Xã", Kind: models.UnitCommune, ParentCode: "huyen", CreatedAt: old, UpdatedAt: old}
		if err := f.st.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	c, err = f.svc.ChannelCoverage(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Without) != models.CoverageWithoutMax || c.WithoutCount() != c.Units || c.WithoutMore() != c.Units-models.CoverageWithoutMax {
		t.Errorf("without %d listed, %d in all, %d more; units %d", len(c.Without), c.WithoutCount(), c.WithoutMore(), c.Units)
	}
}
