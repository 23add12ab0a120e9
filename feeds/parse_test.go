package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"tintot/models"
)

// testNow is 27/11/2026 12:00 in Vietnam.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, models.Vietnam)

func parseFixture(t *testing.T, name, feedURL string) ParsedFeed {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	pf, err := Parse(body, feedURL, testNow)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return pf
}

func postByTitle(t *testing.T, pf ParsedFeed, prefix string) models.Post {
	t.Helper()
	for _, p := range pf.Posts {
		if strings.HasPrefix(p.Title, prefix) {
			return p
		}
	}
	var titles []string
	for _, p := range pf.Posts {
		titles = append(titles, p.Title)
	}
	t.Fatalf("no post titled %q among %q", prefix, titles)
	return models.Post{}
}

func TestParseRSSVietnamese(t *testing.T) {
	pf := parseFixture(t, "rss_vi.xml", "https://doan.benthanh.example.vn/rss/tin-tot.rss")
	if pf.Title != "Đoàn phường Bến Thành & Tin tốt" {
		t.Errorf("feed title = %q", pf.Title)
	}
	if len(pf.Posts) != 7 || pf.Dropped != 1 {
		t.Fatalf("got %d posts, %d dropped; want 7 posts and the duplicate GUID dropped", len(pf.Posts), pf.Dropped)
	}
	cases := []struct {
		title            string
		key, url, day    string
		published        string // RFC3339 in Vietnam time
		inferred, clamed bool
		summary          string
	}{
		{title: "Ra quân chiến dịch Mùa hè xanh 2026", key: "bt-1001",
			url: "https://doan.benthanh.example.vn/tin/mua-he-xanh-2026.html#binh-luan", day: "2026-11-27",
			published: "2026-11-27T07:30:00+07:00", summary: "Sáng 27/11, hơn 200 đoàn viên ra quân. #MoiNgayMotTinTot"},
		{title: "Gương sáng: em Nguyễn Văn An trả lại của rơi", key: "https://doan.benthanh.example.vn/tin/guong-sang-nguyen-van-an.html",
			url: "https://doan.benthanh.example.vn/tin/guong-sang-nguyen-van-an.html", day: "2026-11-26",
			published: "2026-11-26T23:30:00+07:00", summary: "Câu chuyện đẹp về lòng trung thực & tử tế #CauChuyenDep"},
		{title: "Hiến máu tình nguyện đợt 3", day: "2026-11-26", published: "2026-11-26T08:15:00+07:00"},
		{title: "Sinh hoạt chi đoàn khu phố 2", day: "2026-11-25", published: "2026-11-25T21:00:00+07:00"},
		{title: "Thông báo lịch trực tuần", day: "2026-11-27", published: "2026-11-27T12:00:00+07:00", inferred: true},
		{title: "Bài hẹn giờ đăng năm sau", day: "2026-11-27", published: "2026-11-27T12:00:00+07:00", clamed: true},
		{title: "Việt Nam tươi đẹp", day: "2026-11-21", published: "2026-11-21T15:12:00+07:00"},
	}
	for _, c := range cases {
		t.Run(c.title, func(t *testing.T) {
			p := postByTitle(t, pf, c.title)
			if p.Title != c.title {
				t.Errorf("title %q is not NFC %q", p.Title, c.title)
			}
			if c.key != "" && p.ItemKey != c.key {
				t.Errorf("key = %q, want %q", p.ItemKey, c.key)
			}
			if c.url != "" && p.URL != c.url {
				t.Errorf("url = %q, want %q", p.URL, c.url)
			}
			if got := p.PublishedAt.In(models.Vietnam).Format(time.RFC3339); got != c.published {
				t.Errorf("published = %s, want %s", got, c.published)
			}
			if p.LocalDay != c.day {
				t.Errorf("local day = %s, want %s", p.LocalDay, c.day)
			}
			if p.DateInferred != c.inferred || p.DateClamped != c.clamed {
				t.Errorf("inferred=%v clamped=%v, want %v %v", p.DateInferred, p.DateClamped, c.inferred, c.clamed)
			}
			if c.summary != "" && p.Summary != c.summary {
				t.Errorf("summary = %q, want %q", p.Summary, c.summary)
			}
		})
	}
	if p := postByTitle(t, pf, "Ra quân"); len(p.Categories) != 1 || p.Categories[0] != "Tin tốt" {
		t.Errorf("categories = %q", p.Categories)
	}
}

func TestParseFormats(t *testing.T) {
	cases := []struct {
		file, feedURL string
		feedTitle     string
		posts         int
		check         func(t *testing.T, pf ParsedFeed)
	}{
		{"atom_vi.xml", "https://thanhdoan.example.vn/atom.xml", "Thành đoàn – Câu chuyện đẹp", 2, func(t *testing.T, pf ParsedFeed) {
			p := postByTitle(t, pf, "Cô giáo trẻ")
			if p.Title != "Cô giáo trẻ vùng cao" || p.URL != "https://thanhdoan.example.vn/cau-chuyen-dep/co-giao-vung-cao" || p.ItemKey != "urn:tintot:td:501" {
				t.Errorf("relative Atom link not resolved or HTML title kept: %+v", p)
			}
			if p.Summary != "Hành trình gieo chữ #CauChuyenDep" {
				t.Errorf("summary = %q", p.Summary)
			}
			if q := postByTitle(t, pf, "Bảo vệ"); q.LocalDay != "2026-11-26" || q.DateInferred {
				t.Errorf("date-only published: day %s inferred %v", q.LocalDay, q.DateInferred)
			}
		}},
		{"rss10_vi.xml", "https://truong.example.edu.vn/rss", "Đoàn trường THPT Lê Quý Đôn", 1, func(t *testing.T, pf ParsedFeed) {
			p := pf.Posts[0]
			if p.URL != "https://truong.example.edu.vn/tin/1" {
				t.Errorf("padded link not trimmed: %q", p.URL)
			}
			if got := p.PublishedAt.In(models.Vietnam).Format(time.RFC3339); got != "2026-11-20T00:00:00+07:00" {
				t.Errorf("date-only dc:date = %s, want local midnight", got)
			}
		}},
		{"jsonfeed_vi.json", "https://tanphu.example.vn/feed.json", "Đoàn xã Tân Phú", 2, func(t *testing.T, pf ParsedFeed) {
			p := postByTitle(t, pf, "Trao 50")
			if p.Title != "Trao 50 suất quà cho thiếu nhi – #tintot" || p.LocalDay != "2026-11-25" || p.ItemKey != "https://tanphu.example.vn/bai/trao-qua" {
				t.Errorf("JSON item: %+v", p)
			}
			if len(p.Categories) != 1 || p.Categories[0] != "Tin tốt" {
				t.Errorf("tags = %q", p.Categories)
			}
			if q := postByTitle(t, pf, "Bài không ngày"); !q.DateInferred || q.ItemKey != "tp-2" {
				t.Errorf("undated JSON item: %+v", q)
			}
		}},
		{"malformed_vi.xml", "https://hoabinh.example.vn/rss", "Đoàn xã Hòa Bình", 2, func(t *testing.T, pf ParsedFeed) {
			if !pf.Recovered {
				t.Error("truncated document not reported as recovered")
			}
			p := postByTitle(t, pf, "Dọn vệ sinh")
			if p.Title != "Dọn vệ sinh môi trường & trồng cây" {
				t.Errorf("bare & or control char mishandled: %q", p.Title)
			}
			if got := p.PublishedAt.In(models.Vietnam).Format(time.RFC3339); got != "2026-02-18T23:21:09+07:00" {
				t.Errorf("Zing-style date = %s", got)
			}
			if q := postByTitle(t, pf, "Ngày hội"); q.LocalDay != "2026-02-20" {
				t.Errorf("two-digit year date: day %s", q.LocalDay)
			}
		}},
		{"latin1.xml", "https://example.vn/rss", "Café thanh niên", 1, func(t *testing.T, pf ParsedFeed) {
			if pf.Posts[0].Title != "Crème brûlée" {
				t.Errorf("windows-1252 title = %q", pf.Posts[0].Title)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			pf := parseFixture(t, c.file, c.feedURL)
			if pf.Title != c.feedTitle {
				t.Errorf("feed title = %q, want %q", pf.Title, c.feedTitle)
			}
			if len(pf.Posts) != c.posts {
				t.Fatalf("got %d posts, want %d", len(pf.Posts), c.posts)
			}
			c.check(t, pf)
		})
	}
}

func TestParseRejectsUnreadable(t *testing.T) {
	cases := map[string]string{
		"empty":        "",
		"html page":    "<html><body>Trang chủ</body></html>",
		"broken json":  `{"version": "https://jsonfeed.org/version/1.1", "items": [`,
		"cut no items": `<?xml version="1.0"?><rss><channel><title>x</title><item><title><![CD`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(body), "https://example.vn/rss", testNow)
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Kind != ErrParse {
				t.Fatalf("err = %v, want a parse FetchError", err)
			}
			if fe.Message() != "Không đọc được định dạng tin (XML/JSON lỗi)" {
				t.Errorf("message = %q", fe.Message())
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Fri, 27 Nov 2026 07:30:00 +0700", "2026-11-27T07:30:00+07:00"},
		{"Fri, 09 Oct 26 07:34:21 +0700", "2026-10-09T07:34:21+07:00"},
		{"Thu, 08 Oct 2026 17:44:06 GMT+7", "2026-10-08T17:44:06+07:00"},
		{"Thu, 08 Oct 2026 10:44:06 GMT", "2026-10-08T17:44:06+07:00"},
		{"2/18/2017 11:21:09 PM", "2017-02-18T23:21:09+07:00"},
		{"Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33+07:00"},
		{"15:12 21/04/2018", "2018-04-21T15:12:00+07:00"},
		{"21/04/2018", "2018-04-21T00:00:00+07:00"},
		{"27-11-2026 23:30", "2026-11-27T23:30:00+07:00"},
		{"2026/11/27 23:30:00", "2026-11-27T23:30:00+07:00"},
		{"2026/11/27", "2026-11-27T00:00:00+07:00"},
		{"Mon, 02 Nov 2026 10:00:00 CEST", "2026-11-02T15:00:00+07:00"},
		{"Mon, 02 Nov 2026 10:00:00 JST", "2026-11-02T08:00:00+07:00"},
		{"05:52, Thứ Sáu, 07/10/2022 (GMT+7)", "2022-10-07T05:52:00+07:00"},
		{"2023-12-16", "2023-12-16T00:00:00+07:00"},
		{"2026-11-25T21:00:00", "2026-11-25T21:00:00+07:00"},
		{"2026-11-25T14:00:00Z", "2026-11-25T21:00:00+07:00"},
		{"03 Apr 02 1500 GMT", "2002-04-03T22:00:00+07:00"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, ok := parseDate(c.in)
			if !ok {
				t.Fatalf("not parsed")
			}
			if s := got.In(models.Vietnam).Format(time.RFC3339); s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
		})
	}
	for _, bad := range []string{"", "hôm qua", "31/02/2026", "99/99/9999"} {
		if _, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) accepted a bad date", bad)
		}
	}
}

func TestItemKey(t *testing.T) {
	cases := []struct {
		name                       string
		guid, link, title, content string
		want                       string
	}{
		{"guid trimmed", "  abc \n", "https://x.vn/a", "t", "c", "abc"},
		{"link without fragment", "", " https://x.vn/a#top ", "t", "c", "https://x.vn/a"},
		{"nothing", "", "", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ItemKey(c.guid, c.link, c.title, c.content); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	// NFC and NFD spellings of the same title give one key.
	nfc := ItemKey("", "", "Việt Nam", "nội dung")
	nfd := ItemKey("", "", "Vie\u0302\u0323t Nam", "nội dung")
	if nfc != nfd || !strings.HasPrefix(nfc, "sha256:") {
		t.Errorf("hash keys differ for NFC/NFD: %q vs %q", nfc, nfd)
	}
}

func TestSummaryCappedKeepsHashtags(t *testing.T) {
	long := "<p>" + strings.Repeat("Tin tốt mỗi ngày. ", 200) + "</p><p>#MoiNgayMotTinTot #CâuChuyệnĐẹp</p>"
	s := capSummary(htmlToText(long, 0), SummaryMaxRunes)
	if n := len([]rune(s)); n > SummaryMaxRunes+60 {
		t.Errorf("summary has %d runes, want about %d", n, SummaryMaxRunes)
	}
	if !strings.HasSuffix(s, "… #MoiNgayMotTinTot #CâuChuyệnĐẹp") {
		t.Errorf("hashtags of the cut-off text lost: …%q", s[len(s)-80:])
	}
}

func TestParseNukeVietMinutes(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Đoàn xã</title><generator>NukeViet v4.0</generator>
<item><title>Tin</title><link>https://xa.example.vn/tin/1</link><pubDate>Fri, 27 Nov 2026 01:11:05 GMT</pubDate></item></channel></rss>`
	pf, err := Parse([]byte(doc), "https://xa.example.vn/rss", testNow)
	if err != nil {
		t.Fatal(err)
	}
	// "01:11" is 01:<month>: the minutes are the month number, so only the hour is kept.
	if got := pf.Posts[0].PublishedAt.In(models.Vietnam).Format("15:04"); got != "08:00" {
		t.Errorf("NukeViet time = %s, want 08:00", got)
	}
}

// TestNeedsAmpFix checks the quick scan against what the regexp rewrite does: a body is
// left alone exactly when the rewrite would not change it.
func TestNeedsAmpFix(t *testing.T) {
	for _, s := range []string{
		"", "no ampersand", "a &amp; b &lt; c &gt; &quot; &apos;", "&#1234567;", "&#12345678;", "&#x10FFFF;", "&#x1234567;",
		"&#;", "&#x;", "&#12", "&amp", "&ampx;", "&nbsp;", "AT&T", "tail &", "&&amp;", "&#65;&#x41;&lt;", "&Amp;", "&lt",
	} {
		b := []byte(s)
		rewritten := ampRe.ReplaceAllFunc(b, func(m []byte) []byte {
			if len(m) == 1 {
				return []byte("&amp;")
			}
			if ent := string(m[1:]); ent[0] == '#' || xmlEntites[ent] {
				return m
			}
			return []byte("&changed;")
		})
		if want := string(rewritten) != s; needsAmpFix(b) != want {
			t.Errorf("needsAmpFix(%q) = %v, want %v", s, !want, want)
		}
		if len(b) > 0 && !needsAmpFix(b) {
			if got := fixAmpersands(b); &got[0] != &b[0] {
				t.Errorf("fixAmpersands(%q) copied a body it did not need to change", s)
			}
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", "   ", "một", "  một  ", "một hai", " Thanh\tniên\n tình  nguyện\u00a0xã ", "a\u3000b", "x y z",
		"a\vb", "a\u0085b", "a \xffb \xfe", "a ", " a", "a  b", "a\u2028", "\u200bzero width is no space"} {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestStripTagsMatchesTokenizer checks that the quick reading of plain fragments gives
// the text the HTML tokenizer gives, and that it leaves the rest to the tokenizer.
// TestInlineTagsSeparateNoWords: a summary reads as its HTML shows: the tags of inline
// elements (bold, italics, links, spans) part no words and leave no space before a comma
// ("Hà Nội , ngày 5 /10" before), while paragraphs, line breaks and images part words.
// Both readers agree (plain fragments, and one the tokenizer must read).
func TestInlineTagsSeparateNoWords(t *testing.T) {
	for in, want := range map[string]string{
		"<p><b>Hà Nội</b>, ngày <i>5</i>/10</p><p>Đoàn viên</p>":                       "Hà Nội, ngày 5/10 Đoàn viên",
		"<a href=\"https://x.vn/\">Tuổi Trẻ</a>'s <STRONG>tin</STRONG>.":               "Tuổi Trẻ's tin.",
		"Một<br>Hai<br/>Ba<img src=\"a.jpg\">Bốn</p>Năm":                               "Một Hai Ba Bốn Năm",
		"<span>Thanh</span><span> niên</span>":                                         "Thanh niên",
		"<!-- x --><b>Hà Nội</b>, ngày <em>5</em>/10<script>var a;</script><p>kết</p>": "Hà Nội, ngày 5/10 kết",
	} {
		if got := htmlToText(in, 0); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripTagsMatchesTokenizer(t *testing.T) {
	plain := []string{
		"", "Tin tốt", "  Thanh niên &amp; tình nguyện  ", "a &lt;b&gt; c &nbsp;d &#7899; &#x1EDB; &amp",
		"<p>Sáng nay, đoàn viên xã 3 đã ra quân <b>dọn vệ sinh</b> và trồng cây. #MoiNgayMotTinTot</p><img src=\"/anh/3.jpg\">",
		"<p>Một</p><p>Hai</p>", "x<br>y<br/>z<br />w", "<a href='https://x.vn/a?b=1&amp;c=2' title=\"a > b\">liên kết</a>",
		"<div class=tin data-x = 'y'>văn bản</div>", "<IMG SRC=/a.jpg ALT=ảnh>sau", "<p\n class=\"a\"\t>xuống dòng</p>",
		"<span>a</span><span>b</span>", "</p>đóng trước", "<a/b>c", "<input disabled>chữ",
	}
	odd := []string{
		"a < b", "a <3 b", "<!-- chú thích -->chữ", "<!DOCTYPE html>chữ", "<?xml ?>chữ", "<script>var a = '<p>';</script>chữ",
		"<style>p{}</style>chữ", "<title>a<b>c</title>", "<p class=\"chưa đóng>chữ", "<p", "<a \"x\">chữ</a>", "</ p>chữ",
		"<textarea><b>thô</b></textarea>", "<a href=x\"y>chữ</a>", "<p>a\x00b</p>", "<a b=`c`>d</a>", "<3",
	}
	for _, s := range plain {
		got, ok := stripTags(s)
		if !ok {
			t.Errorf("stripTags(%q) left a plain fragment to the tokenizer", s)
			continue
		}
		if g, w := collapseSpace(got), collapseSpace(tokenizeText(s)); g != w {
			t.Errorf("stripTags(%q) = %q, the tokenizer reads %q", s, g, w)
		}
	}
	for _, s := range odd {
		if got, ok := stripTags(s); ok && collapseSpace(got) != collapseSpace(tokenizeText(s)) {
			t.Errorf("stripTags(%q) = %q, the tokenizer reads %q", s, got, tokenizeText(s))
		}
	}
	// Every item of the fixture feeds reads the same either way.
	files, _ := filepath.Glob("testdata/*.*")
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := newFeedParser().Parse(bytes.NewReader(cleanXML(body)))
		if err != nil {
			continue // the broken fixtures are read by other tests
		}
		for _, it := range pf.Items {
			for _, s := range []string{it.Title, it.Description, it.Content} {
				if got, ok := stripTags(s); ok && collapseSpace(got) != collapseSpace(tokenizeText(s)) {
					t.Errorf("%s: stripTags(%q) = %q, the tokenizer reads %q", f, s, got, tokenizeText(s))
				}
			}
		}
	}
}

// FuzzStripTags: whenever stripTags reads a fragment, it reads what the tokenizer reads.
func FuzzStripTags(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>", "<a href='x>y'>z</a>", "x<br/>y", "<img src=a.jpg>", "a < b", "<!--c-->d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := stripTags(s); ok && collapseSpace(got) != collapseSpace(tokenizeText(s)) {
			t.Errorf("stripTags(%q) = %q, the tokenizer reads %q", s, got, tokenizeText(s))
		}
	})
}

// toNFC must give exactly what the full normalisation gives, its quick pass included.
func TestToNFC(t *testing.T) {
	for _, s := range []string{"", "Đoàn Thanh niên xã Tân Phú", "Việt Nam “tin tốt” – 2026…", "e\u0301", "Vie\u0323\u0302t", "\u2000\u2001", "\u212B \u2126",
		"A\u030A", "ẛ\u0323", "\u1E9B", "\u0374", "한국", "\u0B47\u0B3E", "©®°±", "ʼ\u0300", "\xff\xfe"} {
		if got, want := toNFC(s), norm.NFC.String(s); got != want {
			t.Errorf("toNFC(%+q) = %+q, want %+q", s, got, want)
		}
	}
}

func FuzzToNFC(f *testing.F) {
	for _, s := range []string{"Đoàn Thanh niên", "e\u0301", "\u2000", "\u212B", "ẛ\u0323"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := toNFC(s), norm.NFC.String(s); got != want {
			t.Errorf("toNFC(%+q) = %+q, want %+q", s, got, want)
		}
	})
}

// hasForbidden finds exactly the runes dropControlChars drops.
func FuzzHasForbidden(f *testing.F) {
	for _, s := range []string{"<rss>tốt</rss>", "a\x01b", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xff", "\t\r\n", "\xed\xa0\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := false
		for i := 0; i < len(b); {
			r, n := utf8.DecodeRune(b[i:])
			if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF || (r == utf8.RuneError && n == 1) {
				want = true
			}
			i += n
		}
		if got := hasForbidden(b); got != want {
			t.Errorf("hasForbidden(%q) = %v, want %v", b, got, want)
		}
	})
}

// A tag with more attributes than any feed has is refused before encoding/xml builds
// them all (a clear parse error, bounded memory), unless the document is plain RSS,
// which the direct reader reads without keeping them.
func TestTooManyAttributes(t *testing.T) {
	attrs := strings.Repeat(` a="1"`, 50000)
	atom := `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title><id>1</id><x` + attrs + `/></entry></feed>`
	var big strings.Builder
	big.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title><link>https://x.vn/</link>`)
	for i := range 8000 {
		fmt.Fprintf(&big, "<item><title>Tin %d</title><guid>g%d</guid></item>", i, i)
	}
	big.WriteString("<item><title>b</title><x" + attrs + "/></item></channel></rss>")
	for name, doc := range map[string]string{"atom": atom, "large, read in chunks": big.String()} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Parse([]byte(doc), "https://x.vn/feed", testNow)
		runtime.ReadMemStats(&after)
		var fe *FetchError
		if !errors.As(err, &fe) || fe.Kind != ErrParse || !strings.Contains(err.Error(), "attributes") {
			t.Errorf("%s: error %v, want a parse error naming the attributes", name, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > uint64(4*len(doc)) {
			t.Errorf("%s: a %d-byte document allocated %d bytes", name, len(doc), got)
		}
	}
	plain := plainHead + "<item><title>a</title><x" + attrs + "/></item>" + plainTail
	if pf, err := Parse([]byte(plain), "https://x.vn/feed", testNow); err != nil || len(pf.Posts) != 1 {
		t.Errorf("plain RSS with a tag of many attributes: %d posts, %v", len(pf.Posts), err)
	}
	// Many '=' in text and in many ordinary tags: read as before.
	many := plainHead + strings.Repeat(`<item><title>x = 1</title><guid isPermaLink="false">`+"g"+`</guid></item>`, 1) + strings.Repeat(`<item><title>t</title><link href="https://x.vn/?a=1&amp;b=2"/></item>`, 700) + plainTail
	if _, err := Parse([]byte(many), "https://x.vn/feed", testNow); err != nil {
		t.Errorf("ordinary document with many '=': %v", err)
	}
}
