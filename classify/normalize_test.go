package classify

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"vietnamese NFC", "Mỗi ngày một tin tốt", "moi ngay mot tin tot"},
		{"vietnamese NFD", norm.NFD.String("Câu chuyện đẹp"), "cau chuyen dep"},
		{"d with stroke", "ĐOÀN THANH NIÊN đường", "doan thanh nien duong"},
		{"eth typed for Đ", "Ðoàn", "doan"},
		{"decomposed after entity", "h\u00f4\u0323i", "hoi"},
		{"white space collapsed", "  tin \t\n tốt\u00a0 ", "tin tot"},
		{"zero width removed", "tin\u200btốt", "tintot"},
		{"punctuation kept", "#Tin_Tốt, 2026!", "#tin_tot, 2026!"},
		{"emoji kept", "Tin tốt 🌟", "tin tot 🌟"},
		{"invalid utf-8 replaced", "a\xffb", "a\ufffdb"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeTag(t *testing.T) {
	want := "moingaymottintot"
	for _, in := range []string{
		"#MỗiNgàyMộtTinTốt", "#moingaymottintot", "#Mỗi_ngày_một_tin_tốt", "Mỗi ngày một tin tốt",
		norm.NFD.String("#MỗiNgàyMộtTinTốt"), "#MOI-NGAY-MOT-TIN-TOT", "##Moi ngay mot tin tot!",
	} {
		if got := NormalizeTag(in); got != want {
			t.Errorf("NormalizeTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Mỗi ngày một tin tốt", norm.NFD.String("Việt Nam"), "#Tin_Tốt", "\xff\xfe", "İstanbul ǅ ẞ ﬁ", "  a  ", "h&ocirc;̣i", "Ⅻ ㎒ 한국어 🇻🇳", "\u0345\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, again %q", s, n, again)
		}
		tag := NormalizeTag(s)
		if again := NormalizeTag(tag); again != tag {
			t.Fatalf("tag not idempotent: NormalizeTag(%q) = %q, again %q", s, tag, again)
		}
		// The classifier must never panic on any text either.
		c := fuzzClassifier(t)
		c.Classify(postOf(s), feedOf(s))
	})
}
