package classify

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"tintot/models"
)

// rulesNode parses the `rules:` section of a config file the way the config package does.
func rulesNode(t *testing.T, doc string) *yaml.Node {
	t.Helper()
	var f struct {
		Rules yaml.Node `yaml:"rules"`
	}
	if err := yaml.Unmarshal([]byte(doc), &f); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	return &f.Rules
}

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	if err := r.Validate(); err != nil {
		t.Fatalf("default rules invalid: %v", err)
	}
	for _, k := range []models.Kind{models.KindGoodNews, models.KindStory, models.KindIdeology} {
		if len(r.Hashtags[k]) == 0 || len(r.Categories[k]) == 0 || len(r.Keywords[k]) == 0 {
			t.Errorf("default rules have no hashtags, categories or keywords for %s", k)
		}
	}
	// A copy: changing it must not change the next call.
	r.Hashtags[models.KindGoodNews] = nil
	if len(DefaultRules().Hashtags[models.KindGoodNews]) == 0 {
		t.Error("DefaultRules returned shared state")
	}
}

func TestRulesFromYAML(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		post    models.Post
		feed    models.Feed
		want    models.Kind
		reason  string
		wantErr string
	}{
		{name: "absent section gives defaults", doc: "policy: {}\n",
			post: models.Post{Title: "#TinTot"}, want: models.KindGoodNews, reason: "hashtag #tintot"},
		{name: "empty section gives defaults", doc: "rules:\n",
			post: models.Post{Title: "#TinTot"}, want: models.KindGoodNews, reason: "hashtag #tintot"},
		{name: "added hashtag keeps defaults", doc: "rules:\n  hashtags:\n    story: [\"#ThanhNiênLàmTheoLờiBác\"]\n",
			post: models.Post{Title: "x #thanhnienlamtheoloibac #TinTot"}, want: models.KindStory, reason: "hashtag #thanhnienlamtheoloibac"},
		{name: "defaults still there after adding", doc: "rules:\n  hashtags:\n    story: [\"#ABC\"]\n",
			post: models.Post{Title: "#CauChuyenDep"}, want: models.KindStory, reason: "hashtag #cauchuyendep"},
		{name: "replace defaults", doc: "rules:\n  replace_defaults: true\n  keywords:\n    ideology: [\"chống diễn biến\"]\n",
			post: models.Post{Title: "#TinTot chống diễn biến"}, want: models.KindIdeology, reason: `từ khoá tiêu đề "chống diễn biến"`},
		{name: "disable a default keyword", doc: "rules:\n  disable: [\"tình nguyện\"]\n",
			post: models.Post{Title: "Tuyển tình nguyện viên"}, want: models.KindOther, reason: "không khớp quy tắc nào"},
		{name: "feed rule by URL prefix", doc: "rules:\n  feeds:\n    - url: https://rss.example.vn/doan-xa-a/tin-tot\n      kind: good_news\n",
			post: models.Post{Title: "Bản tin"}, feed: models.Feed{URL: "https://rss.example.vn/doan-xa-a/tin-tot.rss"}, want: models.KindGoodNews, reason: "mặc định của nguồn tin: Tin tốt"},
		{name: "feed kind on the feed wins over rules", doc: "rules:\n  feeds:\n    - url: https://rss.example.vn/\n      kind: good_news\n",
			post: models.Post{Title: "Bản tin"}, feed: models.Feed{URL: "https://rss.example.vn/a", DefaultKind: models.KindStory}, want: models.KindStory, reason: "mặc định của nguồn tin: Câu chuyện đẹp"},
		{name: "unit rule applies to the unit", doc: "rules:\n  units:\n    XA01:\n      categories:\n        good_news: [\"Thanh niên xã A\"]\n",
			post: models.Post{UnitCode: "XA01", Title: "Bản tin", Categories: []string{"Thanh niên xã A"}}, want: models.KindGoodNews, reason: `chuyên mục "Thanh niên xã A" (quy tắc riêng của đơn vị)`},
		{name: "unit rule not for other units", doc: "rules:\n  units:\n    XA01:\n      categories:\n        good_news: [\"Thanh niên xã A\"]\n",
			post: models.Post{UnitCode: "XA02", Title: "Bản tin", Categories: []string{"Thanh niên xã A"}}, want: models.KindOther, reason: "không khớp quy tắc nào"},
		{name: "unit rule overrides a global pattern", doc: "rules:\n  units:\n    XA01:\n      categories:\n        other: [\"Tin tốt\"]\n",
			post: models.Post{UnitCode: "XA01", Title: "Bản tin", Categories: []string{"Tin tốt"}}, want: models.KindOther, reason: `chuyên mục "Tin tốt" (quy tắc riêng của đơn vị)`},
		{name: "unknown key named with line", doc: "rules:\n  hashtag:\n    story: [\"#a\"]\n", wantErr: `rules (line 2): unknown key "hashtag"`},
		{name: "unknown unit key", doc: "rules:\n  units:\n    XA01:\n      keyword: {}\n", wantErr: `rules.units.XA01 (line 4): unknown key "keyword"`},
		{name: "unknown kind", doc: "rules:\n  keywords:\n    good-news: [\"x\"]\n", wantErr: `rules.keywords: unknown kind "good-news"`},
		{name: "empty pattern", doc: "rules:\n  hashtags:\n    story: [\"#\"]\n", wantErr: `rules.hashtags.story[`},
		{name: "same pattern under two kinds", doc: "rules:\n  categories:\n    ideology: [\"TIN TOT\"]\n", wantErr: `is listed under both`},
		{name: "feed rule without url", doc: "rules:\n  feeds:\n    - kind: story\n", wantErr: "rules.feeds[0]: url is empty"},
		{name: "feed rule bad kind", doc: "rules:\n  feeds:\n    - url: https://a.vn/\n      kind: tin_tot\n", wantErr: `unknown kind "tin_tot"`},
		{name: "disable typo", doc: "rules:\n  disable: [\"không có\"]\n", wantErr: `rules.disable: "không có" matches no rule`},
		{name: "not a mapping", doc: "rules: [1, 2]\n", wantErr: "must be a mapping"},
		{name: "wrong type", doc: "rules:\n  hashtags: 5\n", wantErr: "classify: rules:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := RulesFromYAML(rulesNode(t, tt.doc))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("RulesFromYAML: %v", err)
			}
			c, err := New(r)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			k, why := c.Classify(tt.post, tt.feed)
			if k != tt.want || why != tt.reason {
				t.Errorf("Classify() = %s, %q; want %s, %q", k, why, tt.want, tt.reason)
			}
		})
	}
}

func TestRulesFromYAMLNilNode(t *testing.T) {
	r, err := RulesFromYAML(nil)
	if err != nil || len(r.Hashtags) == 0 {
		t.Fatalf("RulesFromYAML(nil) = %d hashtag kinds, %v; want defaults", len(r.Hashtags), err)
	}
}

func TestNewRejectsInvalidRules(t *testing.T) {
	r := Rules{RuleSet: RuleSet{Keywords: KindPatterns{"tin_tot": {"x"}}}}
	if _, err := New(r); err == nil || !strings.Contains(err.Error(), `unknown kind "tin_tot"`) {
		t.Fatalf("New() err = %v, want unknown kind", err)
	}
	r = Rules{Units: map[string]RuleSet{" ": {}}}
	if _, err := New(r); err == nil || !strings.Contains(err.Error(), "empty unit code") {
		t.Fatalf("New() err = %v, want empty unit code", err)
	}
}
