package models

import "testing"

func TestLinkKey(t *testing.T) {
	same := [][]string{
		{"https://c1.example.vn/2026/11/thanh-nien-hien-mau/", "http://c1.example.vn/2026/11/thanh-nien-hien-mau",
			"https://WWW.C1.example.vn:443/2026/11/thanh-nien-hien-mau/?utm_source=zalo&fbclid=x#binh-luan"},
		{"https://xa.vn/index.php?nv=news&op=tin-tot", "http://www.xa.vn/index.php?op=tin-tot&nv=news&zarsrc=31"},
		{"https://xa.vn/tin/Thanh%20ni%C3%AAn", "https://xa.vn/tin/Thanh%20ni%C3%AAn/"},
	}
	for _, links := range same {
		for _, l := range links[1:] {
			if a, b := LinkKey(links[0]), LinkKey(l); a != b || a == "" {
				t.Errorf("LinkKey(%q) = %q, LinkKey(%q) = %q; want one key", links[0], a, l, b)
			}
		}
	}
	different := [][2]string{
		{"https://xa.vn/tin/1", "https://xa.vn/tin/2"},
		{"https://xa.vn/?p=123", "https://xa.vn/?p=124"},
		{"https://xa.vn/tin/1", "https://xb.vn/tin/1"},
		{"https://xa.vn:8080/tin/1", "https://xa.vn/tin/1"},
	}
	for _, d := range different {
		if LinkKey(d[0]) == LinkKey(d[1]) {
			t.Errorf("LinkKey(%q) = LinkKey(%q) = %q; want two keys", d[0], d[1], LinkKey(d[0]))
		}
	}
	for _, l := range []string{"", "javascript:alert(1)", "/tin/1", "mailto:a@b.vn", "https://", "::"} {
		if k := LinkKey(l); k != "" {
			t.Errorf("LinkKey(%q) = %q, want \"\"", l, k)
		}
	}
}
