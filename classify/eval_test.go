package classify

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"tintot/models"
)

// evalCase is one hand-labelled post of testdata/eval.tsv.
type evalCase struct {
	line int
	want models.Kind
	post models.Post
}

// loadEval reads a labelled TSV of testdata: kind, title, summary, categories
// ('|'-separated), URL. Lines starting with '#' are comments.
func loadEval(t testing.TB, name string) []evalCase {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []evalCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		col := strings.Split(line, "\t")
		if len(col) != 5 {
			t.Fatalf("%s:%d: %d columns, want 5", name, n, len(col))
		}
		k := models.Kind(col[0])
		if !k.Valid() {
			t.Fatalf("%s:%d: unknown kind %q", name, n, col[0])
		}
		p := models.Post{UnitCode: "XA_EVAL", Title: col[1], Summary: col[2], URL: col[4]}
		if col[3] != "" {
			p.Categories = strings.Split(col[3], "|")
		}
		cases = append(cases, evalCase{line: n, want: k, post: p})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// evalFloors are the measured precision and recall of the default rules on eval.tsv,
// rounded down to 0.05. A rule change that lowers one of them fails the test.
var evalFloors = map[models.Kind]struct{ precision, recall float64 }{
	models.KindGoodNews: {1.00, 0.90},
	models.KindStory:    {0.95, 1.00},
	models.KindIdeology: {1.00, 1.00},
	models.KindOther:    {0.90, 1.00},
}

// holdoutFloors are for testdata/holdout.tsv. It was written after the first keywords
// were tuned on eval.tsv and measured them blind (recall about 0.4 on untagged posts);
// its misses were then used to widen the rules, so it is a tuning set now and
// holdout2.tsv is the blind estimate.
var holdoutFloors = map[models.Kind]struct{ precision, recall float64 }{
	models.KindGoodNews: {0.95, 0.95},
	models.KindStory:    {0.95, 0.95},
	models.KindIdeology: {0.95, 0.95},
	models.KindOther:    {0.95, 0.95},
}

func TestEvaluationSet(t *testing.T) {
	cases := loadEval(t, "eval.tsv")
	if len(cases) < 200 {
		t.Fatalf("eval.tsv has %d posts, want at least 200", len(cases))
	}
	scoreEval(t, "eval.tsv", cases, evalFloors)
}

func TestHoldoutSet(t *testing.T) {
	scoreEval(t, "holdout.tsv", loadEval(t, "holdout.tsv"), holdoutFloors)
}

// scoreEval classifies the cases with the default rules, logs misses, precision and
// recall per kind, and fails when one falls below its floor.
func scoreEval(t *testing.T, name string, cases []evalCase, floors map[models.Kind]struct{ precision, recall float64 }) {
	c := newDefault(t)
	truePos := map[models.Kind]int{}
	predicted := map[models.Kind]int{}
	actual := map[models.Kind]int{}
	correct := 0
	for _, ec := range cases {
		got, why := c.Classify(ec.post, models.Feed{})
		predicted[got]++
		actual[ec.want]++
		if got == ec.want {
			truePos[got]++
			correct++
			continue
		}
		t.Logf("miss %s:%d want %s got %s (%s): %.70s", name, ec.line, ec.want, got, why, ec.post.Title)
	}
	t.Logf("accuracy %.3f (%d/%d)", float64(correct)/float64(len(cases)), correct, len(cases))
	// A story also counts toward the daily good-news quota, so what a commune admin
	// notices is whether a good-news or story post counts for the day at all.
	daily, dailyHit := 0, 0
	for _, ec := range cases {
		if ec.want == models.KindGoodNews || ec.want == models.KindStory {
			daily++
			if got, _ := c.Classify(ec.post, models.Feed{}); got == models.KindGoodNews || got == models.KindStory {
				dailyHit++
			}
		}
	}
	if daily > 0 {
		t.Logf("daily quota: %.3f of good-news and story posts count (%d/%d)", float64(dailyHit)/float64(daily), dailyHit, daily)
	}
	for _, k := range models.Kinds {
		var prec, rec float64
		if predicted[k] > 0 {
			prec = float64(truePos[k]) / float64(predicted[k])
		}
		if actual[k] > 0 {
			rec = float64(truePos[k]) / float64(actual[k])
		}
		t.Logf("%-9s precision %.3f (%d/%d)  recall %.3f (%d/%d)", k, prec, truePos[k], predicted[k], rec, truePos[k], actual[k])
		fl := floors[k]
		if prec < fl.precision {
			t.Errorf("%s: precision %.3f fell below the floor %.2f", k, prec, fl.precision)
		}
		if rec < fl.recall {
			t.Errorf("%s: recall %.3f fell below the floor %.2f", k, rec, fl.recall)
		}
	}
}

// holdout2Floors are for testdata/holdout2.tsv: 120 posts labelled by a reviewer who
// had not seen the rules, 104 of them without tags, categories or URL. The rules were
// widened using eval.tsv and holdout.tsv only; this set was scored before (accuracy
// 0.625, daily-quota recall 0.508) and after (0.792, 0.785) and never used to pick a
// rule. Keep it that way: tune on the other two sets.
var holdout2Floors = map[models.Kind]struct{ precision, recall float64 }{
	models.KindGoodNews: {0.85, 0.75},
	models.KindStory:    {0.80, 0.60},
	models.KindIdeology: {1.00, 0.85},
	models.KindOther:    {0.65, 0.90},
}

func TestHoldout2Set(t *testing.T) {
	scoreEval(t, "holdout2.tsv", loadEval(t, "holdout2.tsv"), holdout2Floors)
}
