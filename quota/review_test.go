package quota

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tintot/models"
)

func TestReview(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	prov := models.Unit{Code: "tinh", Kind: models.UnitProvince}
	dist := models.Unit{Code: "huyen", Kind: models.UnitDistrict, ParentCode: "tinh"}
	a := models.Unit{Code: "xa-a", Kind: models.UnitCommune, ParentCode: "huyen"}
	b := models.Unit{Code: "xa-b", Kind: models.UnitCommune, ParentCode: "huyen"}
	c := models.Unit{Code: "xa-c", Kind: models.UnitCommune, ParentCode: "tinh"}
	var posts []post
	// xa-a: good news every day of W48 and a story; xa-b: Mon–Wed; xa-c: nothing (feed broken).
	for _, d := range []string{"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"} {
		posts = append(posts, post{"xa-a", at(d + " 08:00"), models.KindGoodNews})
	}
	posts = append(posts, post{"xa-a", at("2026-11-28 20:00"), models.KindStory})
	for _, d := range []string{"2026-11-23", "2026-11-24", "2026-11-25"} {
		posts = append(posts, post{"xa-b", at(d + " 08:00"), models.KindGoodNews})
	}
	// previous week: xa-b met two days
	posts = append(posts, post{"xa-b", at("2026-11-16 08:00"), models.KindGoodNews}, post{"xa-b", at("2026-11-22 08:00"), models.KindStory})
	posts = append(posts, post{"tinh", at("2026-11-24 08:00"), models.KindIdeology}, post{"tinh", at("2026-11-25 08:00"), models.KindIdeology})
	feeds := []models.Feed{feedOf("xa-a"), feedOf("xa-b"), readFeed(models.Feed{ID: "f-xa-c", UnitCode: "xa-c", State: models.FeedBroken}), readFeed(models.Feed{ID: "f2-xa-c", UnitCode: "xa-c", State: models.FeedOK})}
	outages := []models.FeedOutage{{FeedID: "f-xa-c", From: at("2026-11-01 00:00")}, {FeedID: "f2-xa-c", From: at("2026-11-01 00:00")}}
	corr := []models.Correction{{UnitCode: "xa-b", Target: "commune_daily_good_news", Period: "2026-11-25", OldStatus: models.StatusShort, NewStatus: models.StatusMet}}
	now := at("2026-11-30 07:00")
	r, err := e.Review("2026-W48", "tinh", []models.Unit{prov, dist, a, b, c}, NewData(countsOf(posts...), outages, feeds), corr, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 4 {
		t.Fatalf("rows = %d, want 4 (district has no target)", len(r.Rows))
	}
	order := []string{}
	for _, row := range r.Rows {
		order = append(order, row.Unit.Code)
	}
	if got := order[0] + "," + order[1]; got != "xa-a,xa-b" {
		t.Errorf("rank order = %v", order)
	}
	rows := map[string]models.ReviewRow{}
	for _, row := range r.Rows {
		rows[row.Unit.Code] = row
	}
	ra, rb, rc := rows["xa-a"], rows["xa-b"], rows["xa-c"]
	if ra.Rank != 1 || rb.Rank != 2 {
		t.Errorf("ranks a=%d b=%d", ra.Rank, rb.Rank)
	}
	if ra.DaysMet[models.LevelBaseline] != 7 || ra.DaysMet[models.LevelTarget] != 1 || ra.Streak != 7 {
		t.Errorf("xa-a days met %v streak %d, want 7 baseline, 1 at the 2030 level (Saturday with the story), streak 7", ra.DaysMet, ra.Streak)
	}
	if ra.DailyCounts != [7]int{1, 1, 1, 1, 1, 2, 1} || ra.WeekCounts[models.KindStory] != 1 || ra.WeekCounts[models.KindGoodNews] != 7 {
		t.Errorf("xa-a counts %v %v", ra.DailyCounts, ra.WeekCounts)
	}
	if rb.DaysMet[models.LevelBaseline] != 3 || rb.PrevDaysMet != 2 || len(rb.Corrections) != 1 || rb.Streak != 0 {
		t.Errorf("xa-b days met %v prev %d corrections %d streak %d", rb.DaysMet, rb.PrevDaysMet, len(rb.Corrections), rb.Streak)
	}
	if rc.DailyStatus[0] != models.StatusUnknown || rc.FeedState != models.FeedBroken {
		t.Errorf("xa-c %v feed %s, want unknown days and broken feed", rc.DailyStatus, rc.FeedState)
	}
	sum := r.DaySummary[4]                                                                                    // Friday: a met, b short, c unknown
	if sum.Day != "2026-11-27" || sum.Met != 1 || sum.Short != 1 || sum.Unknown != 1 || sum.ShareMet != 0.5 { // of the units whose day is known
		t.Errorf("Friday summary = %+v", sum)
	}
	var story, ideology *models.TargetSummary
	for i, s := range r.WeekSummary {
		if s.Level != models.LevelBaseline {
			continue
		}
		switch s.Target {
		case "commune_weekly_story":
			story = &r.WeekSummary[i]
		case "province_weekly_ideology":
			ideology = &r.WeekSummary[i]
		}
	}
	if story == nil || story.Met != 1 || story.Short != 1 || story.Unknown != 1 || ideology == nil || ideology.Met != 1 {
		t.Errorf("week summary = %+v", r.WeekSummary)
	}
	if len(r.Corrections) != 1 || r.GeneratedAt != now || r.Parent != "tinh" {
		t.Errorf("review header = %+v", r)
	}
}

// A review large enough to be built on several goroutines has every unit once, ranked,
// each row as the unit's own review gives it, and the day summaries add up.
func TestLargeReviewIsSplitFaithfully(t *testing.T) {
	e := NewEngine(DefaultPolicy())
	n := 2*reviewSplit + 37
	units := []models.Unit{{Code: "tinh", Kind: models.UnitProvince}}
	var posts []post
	var feeds []models.Feed
	var outages []models.FeedOutage
	days := []string{"2026-11-16", "2026-11-18", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"}
	for i := range n {
		code := fmt.Sprintf("xa-%04d", i)
		units = append(units, models.Unit{Code: code, Kind: models.UnitCommune, ParentCode: "tinh", ParentKind: models.UnitProvince})
		for j, d := range days {
			if (i+j)%(2+i%5) != 0 {
				posts = append(posts, post{code, at(d + " 09:00"), models.KindGoodNews})
			}
		}
		if i%7 == 0 {
			posts = append(posts, post{code, at("2026-11-25 20:00"), models.KindStory})
		}
		if i%11 != 0 { // every eleventh unit submits by hand
			feeds = append(feeds, feedOf(code))
		}
		if i%13 == 0 {
			outages = append(outages, models.FeedOutage{FeedID: "f-" + code, From: at("2026-11-25 00:00")})
		}
	}
	d := NewData(countsOf(posts...), outages, feeds)
	now := at("2026-11-27 15:00")
	r, err := e.Review("2026-W48", "tinh", units, d, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != n+1 {
		t.Fatalf("%d rows, want %d", len(r.Rows), n+1)
	}
	seen := map[string]bool{}
	for i, row := range r.Rows {
		if seen[row.Unit.Code] {
			t.Fatalf("%s twice", row.Unit.Code)
		}
		seen[row.Unit.Code] = true
		if i > 0 && row.Rank < r.Rows[i-1].Rank {
			t.Fatalf("rank %d after %d", row.Rank, r.Rows[i-1].Rank)
		}
		if i%97 != 0 {
			continue
		}
		alone, err := e.Review("2026-W48", "tinh", []models.Unit{row.Unit}, d, nil, now)
		if err != nil || len(alone.Rows) != 1 {
			t.Fatalf("%s alone: %v", row.Unit.Code, err)
		}
		want := alone.Rows[0]
		want.Rank = row.Rank
		if !reflect.DeepEqual(row, want) {
			t.Fatalf("%s in the large review:\n%+v\nalone:\n%+v", row.Unit.Code, row, want)
		}
	}
	for _, s := range r.DaySummary {
		if got := s.Met + s.Short + s.AtRisk + s.Unknown + s.Excused + s.NA; got != n {
			t.Errorf("%s: the day summary counts %d communes, want %d", s.Day, got, n)
		}
	}
}

// rank orders rows in place: every row ends where a plain sort puts it, with 1, 2, 2, 4
// ranks, whatever the permutation's cycles.
func TestRankInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		n := r.IntN(40)
		rows := make([]models.ReviewRow, n)
		for i := range rows {
			rows[i] = models.ReviewRow{
				Unit:       models.Unit{Code: fmt.Sprintf("U%03d", r.IntN(1000))},
				DaysMet:    map[models.Level]int{models.LevelBaseline: r.IntN(3)},
				WeekCounts: map[models.Kind]int{models.KindGoodNews: r.IntN(3), models.KindStory: r.IntN(2)},
			}
		}
		want := slices.Clone(rows)
		total := func(x models.ReviewRow) int {
			return x.WeekCounts[models.KindGoodNews] + x.WeekCounts[models.KindStory]
		}
		slices.SortStableFunc(want, func(a, b models.ReviewRow) int {
			if d := b.DaysMet[models.LevelBaseline] - a.DaysMet[models.LevelBaseline]; d != 0 {
				return d
			}
			if d := total(b) - total(a); d != 0 {
				return d
			}
			return strings.Compare(a.Unit.Code, b.Unit.Code)
		})
		rank(rows)
		for i := range rows {
			if rows[i].Unit.Code != want[i].Unit.Code || rows[i].DaysMet[models.LevelBaseline] != want[i].DaysMet[models.LevelBaseline] || total(rows[i]) != total(want[i]) {
				t.Fatalf("round %d: row %d is %+v, want %+v", round, i, rows[i].Unit.Code, want[i].Unit.Code)
			}
			wantRank := i + 1
			if i > 0 && rows[i].DaysMet[models.LevelBaseline] == rows[i-1].DaysMet[models.LevelBaseline] && total(rows[i]) == total(rows[i-1]) {
				wantRank = rows[i-1].Rank
			}
			if rows[i].Rank != wantRank {
				t.Fatalf("round %d: row %d rank %d, want %d", round, i, rows[i].Rank, wantRank)
			}
		}
	}
}
