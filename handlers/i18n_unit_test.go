package handlers

import (
	"io/fs"
	"regexp"
	"testing"

	"tintot/web"
)

// TestUnitPagesAreTranslated: every interface word of the unit dashboard, the alerts,
// feeds, admin and error pages has its English.
func TestUnitPagesAreTranslated(t *testing.T) {
	lit := regexp.MustCompile(`\.T "([^"]+)"`)
	for _, name := range []string{"unit", "alerts", "feeds", "admin", "error", "layout", "trends"} {
		b, err := fs.ReadFile(web.Templates, "templates/"+name+".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if _, ok := english[m[1]]; !ok {
				t.Errorf("%s.html: no English for %q", name, m[1])
			}
		}
	}
	for _, s := range append(weekdayShort[:], "Hôm nay", "Tuần này", "Tuần trước", "30 ngày qua", "Thứ Hai", "Chủ nhật") {
		if _, ok := english[s]; !ok {
			t.Errorf("no English for %q", s)
		}
	}
}
