package sqlite

import (
	"encoding/json"
	"testing"
)

// jsonText writes string lists (a post's categories and hashtags, stored and compared as
// text) exactly as json.Marshal does, whether or not a string needs escaping.
func TestJSONTextMatchesMarshal(t *testing.T) {
	for _, ss := range [][]string{
		{"Tin tốt"}, {"Câu chuyện đẹp", "Hoạt động Đoàn", "muahexanh"}, {""}, {"a", ""},
		{`say "hi"`}, {`back\slash`}, {"tab\there"}, {"<b>", "A&B", "x>y"}, {"line\u2028sep", "para\u2029sep"},
		{"bad \xff utf-8"}, {"\x00"}, {"emoji 🎉", "日本"},
	} {
		want, _ := json.Marshal(ss)
		if got := jsonText(ss); got != string(want) {
			t.Errorf("jsonText(%q) = %s, want %s", ss, got, want)
		}
	}
}

func FuzzJSONText(f *testing.F) {
	for _, s := range []string{"Tin tốt", `"`, "\\", "<&>", "\u2028", "\xe2\x80", "\xff", "a\x01b"} {
		f.Add(s, "Câu chuyện đẹp")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ss := []string{a, b}
		want, _ := json.Marshal(ss)
		if got := jsonText(ss); got != string(want) {
			t.Errorf("jsonText(%q) = %s, want %s", ss, got, want)
		}
	})
}
