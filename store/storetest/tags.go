package storetest

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"tintot/classify"
	"tintot/models"
	"tintot/store"
)

// trendTags are the hashtags of the tag tests' trend and trendTerms their index terms.
var trendTags = []string{"#XanhHóaQuêHương", "#MùaHèXanh"}

func trendTerms() []string { return classify.NewTagMatcher(trendTags).Terms() }

// tagged is a post of unit on day (9:00 local) with a title, a summary and categories.
func tagged(unitCode, key, day, title, summary string, cats ...string) models.Post {
	at, _ := models.DayStart(day, models.Vietnam)
	at = at.Add(9*time.Hour + time.Duration(len(key))*time.Minute)
	return models.Post{UnitCode: unitCode, ItemKey: key, Source: models.SourceFeed, Title: title, Summary: summary, Categories: cats,
		PublishedAt: at, LocalDay: day, FirstSeenAt: at, RuleKind: models.KindGoodNews, UpdatedAt: at}
}

// tagPosts are the tag tests' posts: the keys starting with "in" carry the trend in XA
// or XB between 2026-07-01 and 2026-07-31; the others do not, or are out of the units
// or days.
func tagPosts() []models.Post {
	return []models.Post{
		tagged("XA", "in-nfc", "2026-07-01", "Ra quân #XanhHóaQuêHương cuối tuần", ""),
		tagged("XA", "in-nfd", "2026-07-02", norm.NFD.String("Tuổi trẻ ra quân #XanhHóaQuêHương"), ""),
		tagged("XB", "in-plain", "2026-07-03", "ra quan #xanh_hoa_que_huong", ""),
		tagged("XB", "in-spaced", "2026-07-04", "Ra quân", "<p>Cùng nhau #Xanh hóa quê hương nhé</p>"),
		tagged("XA", "in-category", "2026-07-05", "Ra quân", "", "Mùa hè xanh"),
		tagged("XA", "in-category-hash", "2026-07-31", "Ra quân", "", "#XANHHOAQUEHUONG"),
		tagged("XB", "in-upper", "2026-07-06", "#MÙAHÈXANH 2026", ""),
		tagged("XA", "out-longer", "2026-07-07", "#XanhHóaQuêHươngEm", ""),
		tagged("XA", "out-words", "2026-07-08", "Xanh hóa quê hương", ""),
		tagged("XA", "out-other", "2026-07-09", "#MoiNgayMotTinTot #Xanh", "", "Tin tốt"),
		tagged("XA", "out-before", "2026-06-30", "#XanhHóaQuêHương", ""),
		tagged("XB", "out-after", "2026-08-01", "#MùaHèXanh", ""),
		tagged("XC", "out-unit", "2026-07-10", "#MùaHèXanh", ""),
	}
}

// keysOf lists the item keys of posts, sorted.
func keysOf(ps []models.Post) []string {
	out := postIDs(ps)
	slices.Sort(out)
	return out
}

// carriers lists the keys of the posts a TagMatcher of trendTags carries, sorted.
func carriers(ps []models.Post) []string {
	m := classify.NewTagMatcher(trendTags)
	var out []string
	for _, p := range ps {
		if m.Carries(p) {
			out = append(out, p.ItemKey)
		}
	}
	slices.Sort(out)
	return out
}

// trendFilter selects the trend's posts of XA and XB in July 2026.
func trendFilter() store.PostFilter {
	return store.PostFilter{UnitCodes: []string{"XA", "XB"}, FromDay: "2026-07-01", ToDay: "2026-07-31", Tags: trendTerms()}
}

// checkTrendPosts checks that ListPosts by trendFilter finds every post carrying the
// trend (as Carries over all the posts of the units and days finds them), newest first,
// and then want exactly.
func checkTrendPosts(t *testing.T, s store.Store, want []string) {
	t.Helper()
	got, err := s.ListPosts(ctx(t), trendFilter())
	mustNil(t, "ListPosts by tags", err)
	if !slices.IsSortedFunc(got, func(a, b models.Post) int { return b.PublishedAt.Compare(a.PublishedAt) }) {
		t.Errorf("posts by tags are not newest first: %q", postIDs(got))
	}
	all, err := s.ListPosts(ctx(t), store.PostFilter{UnitCodes: []string{"XA", "XB"}, FromDay: "2026-07-01", ToDay: "2026-07-31"})
	mustNil(t, "ListPosts", err)
	if c, all := carriers(got), carriers(all); !slices.Equal(c, all) {
		t.Errorf("carriers among the posts by tags = %q, among all posts = %q", c, all)
	}
	if keys := carriers(got); !slices.Equal(keys, want) {
		t.Errorf("trend posts = %q, want %q", keys, want)
	}
}

func testTags(t *testing.T, open Opener) {
	s := open(t)
	createUnits(t, s, unit("TD", "", models.UnitProvince), unit("XA", "TD", models.UnitCommune), unit("XB", "TD", models.UnitCommune),
		unit("XC", "", models.UnitCommune))
	_, err := s.UpsertPosts(ctx(t), tagPosts())
	mustNil(t, "UpsertPosts", err)
	want := []string{"in-category", "in-category-hash", "in-nfc", "in-nfd", "in-plain", "in-spaced", "in-upper"}
	checkTrendPosts(t, s, want)

	// The selection is by terms: nothing without one, and other filters still apply.
	got, err := s.ListPosts(ctx(t), store.PostFilter{Tags: []string{"khongco"}})
	mustNil(t, "ListPosts unknown tag", err)
	if len(got) != 0 {
		t.Errorf("posts of an unknown tag = %q", postIDs(got))
	}
	f := trendFilter()
	f.UnitCodes, f.Limit = nil, 2
	got, err = s.ListPosts(ctx(t), f)
	mustNil(t, "ListPosts by tags, limit 2", err)
	if keys := postIDs(got); !slices.Equal(keys, []string{"in-category-hash", "out-unit"}) {
		t.Errorf("two newest trend posts of every unit = %q, want in-category-hash and out-unit", keys)
	}
	f = trendFilter()
	f.UnitCodes, f.UnitCode = nil, "XB"
	got, err = s.ListPosts(ctx(t), f)
	mustNil(t, "ListPosts by tags of XB", err)
	if keys := keysOf(got); !slices.Equal(keys, []string{"in-plain", "in-spaced", "in-upper"}) {
		t.Errorf("trend posts of XB = %q", keys)
	}

	// A re-poll's new text moves the post in or out; a manual post counts too.
	p := tagPosts()[0]
	p.Title = "Ra quân cuối tuần"
	q := tagPosts()[8]
	q.Summary = "#MùaHèXanh"
	_, err = s.UpsertPosts(ctx(t), []models.Post{p, q})
	mustNil(t, "UpsertPosts new text", err)
	_, err = s.CreateManualPost(ctx(t), tagged("XB", "in-manual", "2026-07-20", "Báo cáo", "", "#Mùa_hè_xanh"))
	mustNil(t, "CreateManualPost", err)
	checkTrendPosts(t, s, []string{"in-category", "in-category-hash", "in-manual", "in-nfd", "in-plain", "in-spaced", "in-upper", "out-words"})
}

// TagBackfill checks that posts stored before a backend recorded hashtags are found
// by tags once the store is opened again. write gets a fresh store; forget makes its
// database look as one from before (the posts' terms gone, the backfill to do), then
// closes it; reopen opens the same database again.
func TagBackfill(t *testing.T, fresh func(t *testing.T) store.Store, forget func(t *testing.T, s store.Store), reopen func(t *testing.T) store.Store) {
	s := fresh(t)
	createUnits(t, s, unit("TD", "", models.UnitProvince), unit("XA", "TD", models.UnitCommune), unit("XB", "TD", models.UnitCommune),
		unit("XC", "", models.UnitCommune))
	_, err := s.UpsertPosts(ctx(t), tagPosts())
	mustNil(t, "UpsertPosts", err)
	_, err = s.CreateManualPost(ctx(t), tagged("XB", "in-manual", "2026-07-20", "Báo cáo", "", "#Mùa_hè_xanh"))
	mustNil(t, "CreateManualPost", err)
	forget(t, s)
	s = reopen(t)
	checkTrendPosts(t, s, []string{"in-category", "in-category-hash", "in-manual", "in-nfc", "in-nfd", "in-plain", "in-spaced", "in-upper"})
}
