package classify

import (
	"testing"

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
