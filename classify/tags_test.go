package classify

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

func TestTagMatcherCarries(t *testing.T) {
	m := NewTagMatcher([]string{"#XanhHóaQuêHương", "MùaHèXanh2026", "", "#"})
	if got := m.Keys(); len(got) != 2 || got[0] != "xanhhoaquehuong" || got[1] != "muahexanh2026" {
		t.Fatalf("keys = %q", got)
	}
	nfd := norm.NFD.String("Tuổi trẻ phường ra quân #XanhHóaQuêHương")
	tests := []struct {
		name string
		post models.Post
		want bool
	}{
		{"title, NFC", models.Post{Title: "Ra quân #XanhHóaQuêHương cuối tuần"}, true},
		{"title, NFD", models.Post{Title: nfd}, true},
		{"no diacritics, lower case", models.Post{Title: "ra quan #xanhhoaquehuong"}, true},
		{"words split by underscores", models.Post{Title: "#xanh_hóa_quê_hương"}, true},
		{"words split by spaces", models.Post{Summary: "<p>Cùng nhau #Xanh hóa quê hương nhé</p>"}, true},
		{"summary only (bridge cut the title)", models.Post{Title: "Ra quân", Summary: "… #MuaHeXanh2026"}, true},
		{"category without #", models.Post{Title: "Ra quân", Categories: []string{"Mùa hè xanh 2026"}}, true},
		{"category with #", models.Post{Categories: []string{"#XanhHoaQueHuong"}}, true},
		{"the words without a hashtag", models.Post{Title: "Xanh hóa quê hương"}, false},
		{"a longer hashtag", models.Post{Title: "#XanhHóaQuêHươngEm"}, false},
		{"another hashtag", models.Post{Title: "#MoiNgayMotTinTot"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Carries(tt.post); got != tt.want {
				t.Errorf("Carries(%+v) = %v, want %v", tt.post, got, tt.want)
			}
		})
	}
	if NewTagMatcher(nil).Carries(models.Post{Title: "#x"}) {
		t.Error("an empty matcher carries nothing")
	}
}

// TestPostTagsFindEveryCarrier checks the index terms against the matcher on varied
// posts: every post a TagMatcher carries shares a term with the matcher's Terms, so a
// store selecting posts by terms, then Carries, finds exactly the posts Carries alone
// finds among all posts.
func TestPostTagsFindEveryCarrier(t *testing.T) {
	hashtags := [][]string{
		{"#XanhHóaQuêHương"}, {"#MùaHèXanh2026", "#xhqh"}, {"mỗi ngày một tin tốt"}, {"#TinTot"},
		{"#Xanh"}, {"#ĐoànViênKiểuMẫu"}, {"#a"}, {"#muahexanh"}, {"#Тест"}, {"#2026"},
	}
	pieces := []string{
		"#XanhHóaQuêHương", "#xanh_hoa_que_huong", "#Xanh-Hóa-Quê-Hương", "#Xanh hóa quê hương nhé", "#Xanh hóa", "#XANHHOAQUEHUONG",
		norm.NFD.String("#XanhHóaQuêHương"), "#MùaHèXanh 2026", "#MùaHèXanh2026", "#mua_he_xanh_2026", "# Mùa hè xanh", "#xhqh.",
		"#Mỗi ngày một tin tốt", "#moi_ngay_mot_tin_tot", "#TinTốt", "#tin tốt nghiệp", "#tintot2026", "#Xanh", "#XanhHoa",
		"#ĐoànViênKiểuMẫu", "#DoanVienKieuMau", "#Ðoàn_viên_kiểu_mẫu", "&#35;XanhHoaQueHuong", "<b>#a</b>", "#a_b", "#Тест",
		"#2026", "##xhqh", "#xanh\u200bhoa\u200bque\u200bhuong", "Ra quân", "cuối tuần", "đoàn viên", "tin tốt", "-", "_", "#",
		"#" + strings.Repeat("xanh", 30), "#muahexanh" + strings.Repeat(" xa", 30),
	}
	cats := []string{"Mùa hè xanh 2026", "#XanhHoaQueHuong", "xhqh", "Tin tốt", "", "#", "Xanh"}
	r := rand.New(rand.NewPCG(7, 11))
	text := func() string {
		var b strings.Builder
		for range r.IntN(6) {
			if b.Len() > 0 {
				b.WriteString([]string{" ", " ", ", ", "\n", ""}[r.IntN(5)])
			}
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	matchers := make([]*TagMatcher, len(hashtags))
	terms := make([]map[string]bool, len(hashtags))
	for i, h := range hashtags {
		matchers[i] = NewTagMatcher(h)
		terms[i] = map[string]bool{}
		for _, term := range matchers[i].Terms() {
			terms[i][term] = true
		}
	}
	carried := 0
	for n := 0; n < 20000; n++ {
		p := models.Post{Title: text(), Summary: text()}
		for range r.IntN(3) {
			p.Categories = append(p.Categories, cats[r.IntN(len(cats))])
		}
		tags := PostTags(p)
		if !slices.IsSorted(tags) || len(slices.Compact(slices.Clone(tags))) != len(tags) {
			t.Fatalf("PostTags(%+v) = %q, not sorted and unique", p, tags)
		}
		for i, m := range matchers {
			if !m.Carries(p) {
				continue
			}
			carried++
			if !slices.ContainsFunc(tags, func(s string) bool { return terms[i][s] }) {
				t.Fatalf("%q carries %+v, but its terms %q share none with the post's %q", hashtags[i], p, m.Terms(), tags)
			}
		}
	}
	if carried < 5000 {
		t.Errorf("only %d post-matcher pairs matched: the generator tests too little", carried)
	}
}

func TestPostTags(t *testing.T) {
	p := models.Post{Title: "Ra quân #Xanh_Hóa quê hương nhé, #MùaHèXanh2026", Summary: "#tin tốt", Categories: []string{"#Tin Tốt", ""}}
	want := []string{"muahexanh", "muahexanh2026", "tin", "tintot", "xanh", "xanhhoa", "~xanhhoaquehuong"}
	if got := PostTags(p); !slices.Equal(got, want) {
		t.Errorf("PostTags = %q, want %q", got, want)
	}
	if got := PostTags(models.Post{Title: "Không có hashtag"}); len(got) != 0 {
		t.Errorf("PostTags without hashtags = %q", got)
	}
	if got := NewTagMatcher([]string{"#Xanh"}).Terms(); !slices.Equal(got, []string{"xanh", "~x", "~xa", "~xan", "~xanh"}) {
		t.Errorf("Terms = %q", got)
	}
}

// TestNoRuneFoldsIntoHash backs PostTags' shortcut: a text without '#' (or an entity)
// has no hashtag once normalised.
func TestNoRuneFoldsIntoHash(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r == '#' || (r >= 0xd800 && r <= 0xdfff) {
			continue
		}
		if bytes.IndexByte(appendNormalized(nil, string(r)), '#') >= 0 {
			t.Fatalf("%U folds into '#'", r)
		}
	}
}
