package feeds

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tintot/models"
)

// hugeFeedBody renders an RSS feed of n small items, the newest first, one minute apart
// (100,000 items are about 10 MB).
func hugeFeedBody(n, feed int) []byte {
	var b bytes.Buffer
	b.Grow(n * 100)
	writeHugeFeed(&b, n, feed)
	return b.Bytes()
}

// writeHugeFeed writes hugeFeedBody(n, feed) to w as it goes.
func writeHugeFeed(w io.Writer, n, feed int) {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Đoàn xã số %d</title><link>https://xa%d.example.vn/</link>`+"\n", feed, feed)
	base := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	for i := range n {
		fmt.Fprintf(bw, "<item><title>Tin %d</title><link>/b%d/%d</link><pubDate>%s</pubDate></item>\n",
			i, feed, i, base.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	bw.WriteString("</channel></rss>\n")
	bw.Flush()
}

// wholeLimits reads any document in one gofeed parse (the small-feed path); splitLimits
// reads any document in chunks of n items.
func wholeLimits(max int) parseLimits {
	return parseLimits{maxItems: max, wholeTags: 1 << 30, maxTags: 1 << 30, chunkItems: 256, chunkBytes: 1 << 20}
}

func splitLimits(max, n int) parseLimits {
	return parseLimits{maxItems: max, wholeTags: -1, maxTags: defaultLimits.maxTags, chunkItems: n, chunkBytes: 1 << 20}
}

// TestParseInChunksMatchesWhole reads every fixture and every document of the shared
// corpus (RSS 0.9x/1.0/2.0, Atom, JSON Feed, legacy encodings, truncated and broken
// documents) both in one gofeed parse and in chunks of 1, 3 and 256 items: the feed and
// its posts must be the same.
func TestParseInChunksMatchesWhole(t *testing.T) {
	var files []string
	inline := map[string][]byte{}
	for _, dir := range []string{"testdata", corpusDir} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".json") {
				files = append(files, filepath.Join(dir, n))
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no documents found")
	}
	// Odd and broken structures, read the same way by both paths. (A syntax error is not
	// among them: the whole document then fails unless the error comes after its last
	// item, while the chunks keep the items before it, marked Recovered.)
	rss := func(items string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>Đoàn xã</title>` + items + `</channel></rss>`
	}
	docs := map[string]string{
		"stray end tag":          rss(`<item><guid>1</guid></item><item><guid>2</guid></wrong></item><item><guid>3</guid></item>`),
		"end tag of the channel": rss(`<item><guid>1</guid></channel><item><guid>2</guid></item>`),
		"unclosed inner element": rss(`<item><guid>1</guid><b></item><item><guid>2</guid><title>Hai</item>`),
		"items at the root":      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>Kênh</title></channel><item><link>https://x.vn/1</link></item><channel><title>Kênh hai</title></channel><item><link>https://x.vn/2</link></item></rdf:RDF>`,
		"upper case, prefixed":   `<rss:rss xmlns:rss="http://purl.org/rss/1.0/" version="2.0"><rss:CHANNEL><rss:TITLE>Đoàn</rss:TITLE><rss:ITEM><rss:guid>1</rss:guid></rss:ITEM><Item><guid>2</guid></Item></rss:CHANNEL></rss:rss>`,
		"extension items":        rss(`<x:item xmlns:x="urn:x"><guid>1</guid></x:item><item><guid>2</guid></item>`),
		"generator after items":  `<rss version="2.0"><channel><item><guid>1</guid><pubDate>Fri, 27 Nov 2026 01:11:05 GMT</pubDate></item><generator>NukeViet v4.0</generator></channel></rss>`,
		"truncated":              rss(`<item><guid>1</guid></item><item><guid>2</guid></item><item><guid>3</gu`)[:150],
	}
	for name, doc := range docs {
		files = append(files, name)
		inline[name] = []byte(doc)
	}
	for _, name := range files {
		body, ok := inline[name]
		if !ok {
			var err error
			if body, err = os.ReadFile(name); err != nil {
				t.Fatal(err)
			}
		}
		whole, werr := parseWith(body, "https://example.vn/rss/x", testNow, wholeLimits(1000))
		for _, n := range []int{1, 3, 256} {
			split, serr := parseWith(body, "https://example.vn/rss/x", testNow, splitLimits(1000, n))
			if (werr == nil) != (serr == nil) {
				t.Errorf("%s in chunks of %d: error %v, whole: %v", name, n, serr, werr)
				continue
			}
			if !reflect.DeepEqual(whole, split) {
				t.Errorf("%s in chunks of %d differs:\n  whole %+v\n  split %+v", name, n, summary(whole), summary(split))
			}
		}
	}
}

// summary shortens a ParsedFeed for messages.
func summary(pf ParsedFeed) string {
	keys := make([]string, len(pf.Posts))
	for i, p := range pf.Posts {
		keys[i] = p.ItemKey
	}
	return fmt.Sprintf("title %q link %q format %s recovered %v dropped %d items %d capped %d skipped %d keys %q",
		pf.Title, pf.Link, pf.Format, pf.Recovered, pf.Dropped, pf.Items, pf.Capped, pf.Skipped, keys)
}

// TestParseKeepsNewestItems reads a feed of 3,000 items in random date order, with equal
// dates, repeated GUIDs and undated items (taken as first seen now, so newest): whichever
// path reads it, the 500 newest distinct items are kept, in document order, and the rest
// counted.
func TestParseKeepsNewestItems(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type item struct {
		key string
		at  time.Time
	}
	var (
		b    strings.Builder
		want []item // distinct items, first occurrence
		seen = map[string]bool{}
	)
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Đoàn xã</title>`)
	base := time.Date(2026, 9, 1, 0, 0, 0, 0, models.Vietnam) // 2,000 hours later is still before testNow
	for i := range 3000 {
		key := fmt.Sprintf("g%d", i)
		if i%97 == 5 {
			key = fmt.Sprintf("g%d", i-3) // a repeated GUID: the first occurrence counts
		}
		at := base.Add(time.Duration(rng.IntN(2000)) * time.Hour) // many equal dates
		date := "<pubDate>" + at.Format(time.RFC1123Z) + "</pubDate>"
		if i%501 == 7 {
			at, date = testNow, "" // undated: first seen now
		}
		fmt.Fprintf(&b, "<item><title>Tin %d</title><guid>%s</guid>%s</item>", i, key, date)
		if !seen[key] {
			seen[key] = true
			want = append(want, item{key, at})
		}
	}
	b.WriteString(`</channel></rss>`)
	byDate := slices.Clone(want)
	slices.SortStableFunc(byDate, func(x, y item) int { return y.at.Compare(x.at) })
	newest := map[string]bool{}
	for _, it := range byDate[:500] {
		newest[it.key] = true
	}
	var wantKeys []string
	for _, it := range want {
		if newest[it.key] {
			wantKeys = append(wantKeys, it.key)
		}
	}
	body := []byte(b.String())
	for name, lim := range map[string]parseLimits{
		"whole": wholeLimits(500), "chunks of 7": splitLimits(500, 7), "chunks of 256": splitLimits(500, 256), "defaults": defaultLimits,
	} {
		t.Run(name, func(t *testing.T) {
			pf, err := parseWith(body, "https://xa.example.vn/rss", testNow, lim)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, p := range pf.Posts {
				keys = append(keys, p.ItemKey)
			}
			if !slices.Equal(keys, wantKeys) {
				t.Errorf("kept %d items, not the 500 newest in document order", len(keys))
			}
			if pf.Items != len(want) || pf.Capped != len(want)-500 || pf.Dropped != 3000-len(want) {
				t.Errorf("items %d capped %d dropped %d; want %d, %d, %d", pf.Items, pf.Capped, pf.Dropped, len(want), len(want)-500, 3000-len(want))
			}
			// The repeated keys here carry other titles ("Tin i"): the note says so.
			note := fmt.Sprintf("Nguồn tin có %d mục; chỉ đọc 500 mục mới nhất; %d mục có cùng mã (GUID hoặc liên kết) với một mục khác tiêu đề nên không được tính: trang cần sửa mã của từng bài",
				len(want), 3000-len(want))
			if pf.Note() != note {
				t.Errorf("note %q, want %q", pf.Note(), note)
			}
		})
	}
	if structures(body, false) <= defaultLimits.wholeTags {
		t.Error("the document is small enough to be read whole: the defaults case does not read it in chunks")
	}
}

// TestParseHugeFeed reads a feed of 30,000 items with the defaults: the 500 newest are
// kept and the feed notes it; a small feed has no note.
func TestParseHugeFeed(t *testing.T) {
	pf, err := Parse(hugeFeedBody(30000, 7), "https://xa7.example.vn/rss", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Posts) != DefaultMaxItems || pf.Items != 30000 || pf.Capped != 30000-DefaultMaxItems || pf.Title != "Đoàn xã số 7" || pf.Format != "rss" {
		t.Fatalf("got %d posts of %d items (%d capped), title %q, format %q", len(pf.Posts), pf.Items, pf.Capped, pf.Title, pf.Format)
	}
	if first, last := pf.Posts[0], pf.Posts[len(pf.Posts)-1]; first.Title != "Tin 0" || last.Title != "Tin 499" || first.URL != "https://xa7.example.vn/b7/0" {
		t.Errorf("kept %q (%s) … %q: want the newest, Tin 0 … Tin 499", first.Title, first.URL, last.Title)
	}
	if want := "Nguồn tin có 30000 mục; chỉ đọc 500 mục mới nhất"; pf.Note() != want {
		t.Errorf("note %q, want %q", pf.Note(), want)
	}
	small, err := Parse(hugeFeedBody(20, 7), "https://xa7.example.vn/rss", testNow)
	if err != nil || len(small.Posts) != 20 || small.Note() != "" {
		t.Errorf("small feed: %d posts, note %q, error %v", len(small.Posts), small.Note(), err)
	}
	json := []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Đoàn xã JSON","home_page_url":"https://xa.example.vn/","items":[`)
	for i := range 8000 {
		if i > 0 {
			json = append(json, ',')
		}
		json = fmt.Appendf(json, `{"id":"j%d","title":"Tin %d","url":"https://xa.example.vn/j/%d","date_published":"%s"}`,
			i, i, i, testNow.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339))
	}
	json = append(json, "]}"...)
	if structures(json, true) <= defaultLimits.wholeTags {
		t.Fatal("the JSON Feed is small enough to be read whole")
	}
	pf, err = Parse(json, "https://xa.example.vn/feed.json", testNow)
	if err != nil || len(pf.Posts) != 500 || pf.Items != 8000 || pf.Title != "Đoàn xã JSON" || pf.Format != "json" ||
		pf.Posts[0].ItemKey != "j0" || pf.Posts[499].ItemKey != "j499" {
		t.Errorf("JSON Feed: %s, error %v", summary(ParsedFeed{Title: pf.Title, Format: pf.Format, Items: pf.Items}), err)
	}
}

// TestParseLargeBrokenDocument reads large documents cut off mid-item or broken mid-way:
// the complete items before the break are read and the result is marked Recovered.
func TestParseLargeBrokenDocument(t *testing.T) {
	body := hugeFeedBody(30000, 3)
	cut := bytes.Index(body, []byte("<item><title>Tin 25000<")) + 30
	pf, err := Parse(body[:cut], "https://xa3.example.vn/rss", testNow)
	if err != nil || !pf.Recovered || pf.Items != 25000 || len(pf.Posts) != 500 || pf.Posts[0].Title != "Tin 0" {
		t.Errorf("truncated: %s, error %v", summary(ParsedFeed{Recovered: pf.Recovered, Items: pf.Items}), err)
	}
	// An element closed in another namespace is an error even for a lenient parser.
	broken := bytes.Replace(slices.Clone(body), []byte("<item><title>Tin 20000</title>"), []byte("<item><title>Tin 20000</title><a:x>y</b:x>"), 1)
	pf, err = Parse(broken, "https://xa3.example.vn/rss", testNow)
	if err != nil || !pf.Recovered || pf.Items != 20000 || len(pf.Posts) != 500 {
		t.Errorf("broken: %s, error %v", summary(ParsedFeed{Recovered: pf.Recovered, Items: pf.Items}), err)
	}
	// A stray end tag closes every open element: the document ends there, as gofeed reads
	// it. The item it cuts keeps only its title: without link, GUID or date it is left out
	// (loose, among items that have them).
	stray := bytes.Replace(slices.Clone(body), []byte("<item><title>Tin 20000</title>"), []byte("<item><title>Tin 20000</title></wrong>"), 1)
	pf, err = Parse(stray, "https://xa3.example.vn/rss", testNow)
	if err != nil || pf.Recovered || pf.Items != 20000 || pf.Dropped != 1 || len(pf.Posts) != 500 {
		t.Errorf("stray end tag: %s, error %v", summary(ParsedFeed{Recovered: pf.Recovered, Items: pf.Items}), err)
	}
	// Elements nested without end: the scan stops, keeping the items before them.
	deep := bytes.Replace(slices.Clone(body), []byte("<item><title>Tin 20000</title>"), []byte("<item><title>Tin 20000</title>"+strings.Repeat("<a>", 100000)), 1)
	pf, err = Parse(deep, "https://xa3.example.vn/rss", testNow)
	if err != nil || !pf.Recovered || pf.Items != 20000 || len(pf.Posts) != 500 {
		t.Errorf("deep nesting: %s, error %v", summary(ParsedFeed{Recovered: pf.Recovered, Items: pf.Items}), err)
	}
	if _, err := Parse(bytes.Repeat([]byte("<<<<"), 10000), "https://x.vn/rss", testNow); err == nil {
		t.Error("a large document without any element was accepted")
	}
	notFeed := append([]byte("<html><body>"), bytes.Repeat([]byte("<p>Trang chủ</p>"), 20000)...)
	if _, err := Parse(notFeed, "https://x.vn/rss", testNow); err == nil {
		t.Error("a large HTML page was read as a feed")
	}
}

// TestParseSkipsItemsTooLargeToRead reads a large feed where one item carries 30,000
// elements of its own: it is skipped and noted, the other items are read.
func TestParseSkipsItemsTooLargeToRead(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:x="urn:x"><channel><title>Đoàn xã</title>`)
	b.WriteString(`<item><title>Tin khổng lồ</title><guid>big</guid>` + strings.Repeat("<x:y/>", 30000) + `</item>`)
	for i := range 30 {
		fmt.Fprintf(&b, `<item><title>Tin %d</title><guid>g%d</guid></item>`, i, i)
	}
	b.WriteString(`</channel></rss>`)
	pf, err := Parse([]byte(b.String()), "https://xa.example.vn/rss", testNow)
	if err != nil || len(pf.Posts) != 30 || pf.Skipped != 1 || pf.Recovered {
		t.Fatalf("%s, error %v", summary(pf), err)
	}
	if want := "Bỏ qua 1 mục quá lớn hoặc bị lỗi"; pf.Note() != want {
		t.Errorf("note %q, want %q", pf.Note(), want)
	}
	pf.Capped, pf.Items = 10, 40
	if want := "Nguồn tin có 40 mục; chỉ đọc 30 mục mới nhất; bỏ qua 1 mục quá lớn hoặc bị lỗi"; pf.Note() != want {
		t.Errorf("note %q, want %q", pf.Note(), want)
	}
}

// TestChunkFallsBackToSingleItems reads a chunk holding an item gofeed cannot read: its
// neighbours are still read one by one.
func TestChunkFallsBackToSingleItems(t *testing.T) {
	k := newKeeper(10)
	r := &reader{now: testNow, k: k}
	c := &chunk{open: []byte(xmlDecl + `<rss version="2.0"><channel>`), close: []byte(`</channel></rss>`)}
	for _, it := range []string{
		`<item><title>Một</title><guid>1</guid></item>`,
		`<item><title>Hai</title><guid>2</guid><a:x>y</b:x></item>`, // closed in another namespace: an error even in non-strict mode
		`<item><title>Ba</title><guid>3</guid></item>`,
	} {
		c.items = append(c.items, []byte(it))
	}
	r.read(c)
	posts, items, _, _ := k.result()
	if items != 2 || r.skipped != 1 || len(posts) != 2 || posts[0].ItemKey != "1" || posts[1].ItemKey != "3" {
		t.Errorf("read %d items (%d posts), skipped %d; want items 1 and 3 read and 1 skipped", items, len(posts), r.skipped)
	}
}

// TestParseCapsStoredFields checks the caps on what one item may store.
func TestParseCapsStoredFields(t *testing.T) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return "sha256:" + hex.EncodeToString(h[:]) }
	hugeTitle := strings.Repeat("Thanh niên tình nguyện ", 250000) // about 5.8 MB
	longLink := "https://xa.example.vn/tin/" + strings.Repeat("a", 3000)
	midLink := "https://xa.example.vn/tin/" + strings.Repeat("b", 600)
	guid512 := strings.Repeat("g", 512)
	guid600 := strings.Repeat("h", 600)
	var cats strings.Builder
	for i := range 50 {
		fmt.Fprintf(&cats, "<category>Chuyên mục %d %s</category>", i, strings.Repeat("dài ", 100*(i%2)))
	}
	doc := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>` + strings.Repeat("Đoàn xã ", 200) + `</title>
<item><title>` + hugeTitle + `</title><guid>t1</guid>` + cats.String() + `</item>
<item><title>Liên kết quá dài</title><link>` + longLink + `</link></item>
<item><title>Liên kết dài vừa</title><link>` + midLink + `#binh-luan</link></item>
<item><title>GUID 512</title><guid>` + guid512 + `</guid></item>
<item><title>GUID 600</title><guid>` + guid600 + `</guid></item>
<item><title>Bình thường</title><link>https://xa.example.vn/tin/1.html#top</link></item>
</channel></rss>`
	pf, err := Parse([]byte(doc), "https://xa.example.vn/rss", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(pf.Title); n > TitleMaxRunes || !strings.HasSuffix(pf.Title, "…") {
		t.Errorf("feed title has %d runes", n)
	}
	p := postByTitle(t, pf, "Thanh niên")
	if n := utf8.RuneCountInString(p.Title); n > TitleMaxRunes || n < TitleMaxRunes-30 || !strings.HasSuffix(p.Title, "…") {
		t.Errorf("title has %d runes, want at most %d ending in …", n, TitleMaxRunes)
	}
	if len(p.Categories) != MaxCategories || p.Categories[0] != "Chuyên mục 0" {
		t.Errorf("%d categories kept, first %q; want %d", len(p.Categories), p.Categories[0], MaxCategories)
	}
	for _, c := range p.Categories {
		if utf8.RuneCountInString(c) > CategoryMaxRunes {
			t.Errorf("category of %d runes", utf8.RuneCountInString(c))
		}
	}
	keys := map[string]struct{ url, key string }{
		"Liên kết quá dài": {"", sum(longLink)},
		"Liên kết dài vừa": {midLink + "#binh-luan", sum(midLink)},
		"GUID 512":         {"", guid512},
		"GUID 600":         {"", sum(guid600)},
		"Bình thường":      {"https://xa.example.vn/tin/1.html#top", "https://xa.example.vn/tin/1.html"},
	}
	for title, want := range keys {
		p := postByTitle(t, pf, title)
		if p.URL != want.url || p.ItemKey != want.key {
			t.Errorf("%s: URL %q… key %q, want URL %q key %q", title, cut(p.URL), cut(p.ItemKey), cut(want.url), cut(want.key))
		}
		if len(p.URL) > LinkMaxBytes || len(p.ItemKey) > KeyMaxBytes {
			t.Errorf("%s: URL of %d bytes, key of %d bytes", title, len(p.URL), len(p.ItemKey))
		}
	}
}

func cut(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// TestParseKeepsOnlyHTTPLinks reads items whose links are javascript:, data:, vbscript:,
// file:, host-less, or relative ones resolving to file: through xml:base: they are read,
// without a link, and such a link never becomes the item key.
func TestParseKeepsOnlyHTTPLinks(t *testing.T) {
	pf := parseFixture(t, "links_vi.xml", "https://tanhoa.example.vn/rss")
	if len(pf.Posts) != 10 || pf.Link != "" {
		t.Fatalf("got %d posts (feed link %q), want 10 and no feed link", len(pf.Posts), pf.Link)
	}
	want := map[string]string{ // title → URL
		"Tin có liên kết tương đối":           "https://tanhoa.example.vn/tin/ra-quan.html#anh",
		"Tin có liên kết giao thức tương đối": "https://tanhoa.example.vn/tin/hien-mau.html",
		"Tin có liên kết HTTPS":               "https://TanHoa.example.vn/tin/trong-cay.html",
	}
	for _, p := range pf.Posts {
		if p.URL != want[p.Title] {
			t.Errorf("%s: URL %q, want %q", p.Title, p.URL, want[p.Title])
		}
		low := strings.ToLower(p.ItemKey)
		for _, scheme := range []string{"javascript:", "data:", "vbscript:", "file:", "http:tin"} {
			if strings.Contains(low, scheme) {
				t.Errorf("%s: item key %q", p.Title, p.ItemKey)
			}
		}
	}
	if p := postByTitle(t, pf, "Tin có liên kết javascript"); !strings.HasPrefix(p.ItemKey, "sha256:") || p.Summary != "Thanh niên ra quân #tintot" {
		t.Errorf("javascript: item: key %q summary %q", p.ItemKey, p.Summary)
	}
	if p := postByTitle(t, pf, "Tin có liên kết file"); p.ItemKey != "th-file-1" {
		t.Errorf("file: item key %q, want its GUID", p.ItemKey)
	}
	if p := postByTitle(t, pf, "Tin có liên kết tương đối"); p.ItemKey != "https://tanhoa.example.vn/tin/ra-quan.html" {
		t.Errorf("http item key %q changed", p.ItemKey)
	}

	atom := parseFixture(t, "links_atom_vi.xml", "https://benthanh.example.vn/atom.xml")
	want = map[string]string{
		"Tin có liên kết tương đối với xml:base file":  "",
		"Tin có liên kết tương đối với xml:base https": "https://benthanh.example.vn/tin/tiep-suc-mua-thi.html",
		"Tin có liên kết data và liên kết https":       "https://benthanh.example.vn/tin/hien-mau.html",
	}
	if len(atom.Posts) != 3 || atom.Link != "" {
		t.Fatalf("Atom: %d posts (feed link %q), want 3 and no file: feed link", len(atom.Posts), atom.Link)
	}
	for _, p := range atom.Posts {
		if p.URL != want[p.Title] {
			t.Errorf("Atom %s: URL %q, want %q", p.Title, p.URL, want[p.Title])
		}
	}
}

// TestCleanXMLKeepsUTF8Body checks that a UTF-8 document declared as such is not copied
// (a large body would cost twice its size), while other declarations are still rewritten.
func TestCleanXMLKeepsUTF8Body(t *testing.T) {
	body := hugeFeedBody(1000, 1)
	if got := cleanXML(body); len(got) != len(body) || &got[0] != &body[0] {
		t.Error("a UTF-8 document declared as UTF-8 was copied")
	}
	for _, decl := range []string{`<?xml version="1.0" encoding="ISO-8859-1"?>`, `<?xml version="1.1" encoding="utf-8"?>`, `<?xml version="1.0" encoding="windows-1252"?>`} {
		doc := []byte(decl + `<rss version="2.0"><channel><title>Đoàn xã</title><item><title>Tin tốt</title><guid>1</guid></item></channel></rss>`)
		got := cleanXML(doc)
		if !bytes.HasPrefix(got, []byte(`<?xml version="1.0" encoding="utf-8"?><rss`)) {
			t.Errorf("%s: declaration not rewritten: %.60s", decl, got)
		}
		if pf, err := Parse(doc, "https://x.vn/rss", testNow); err != nil || len(pf.Posts) != 1 || pf.Posts[0].Title != "Tin tốt" {
			t.Errorf("%s: %v %+v", decl, err, pf.Posts)
		}
	}
}

// TestPlaceholderItemIsNoPost: an item with no link, GUID or date among items that have
// them (a real news feed's "<item><title/><description>No Description</description>")
// is no post, and does not push a dated item out of the cap; a feed whose items all lack
// them is read as before, each dated when first seen.
func TestPlaceholderItemIsNoPost(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>
<item><title>Tuổi trẻ ra quân</title><link>https://xa.example.vn/tin/1</link><pubDate>Thu, 26 Nov 2026 09:00:00 +0700</pubDate></item>
<item><title/><description><![CDATA[ No Description ]]></description></item>
<item><title>Hiến máu</title><link>https://xa.example.vn/tin/2</link><pubDate>Wed, 25 Nov 2026 09:00:00 +0700</pubDate></item>
</channel></rss>`
	for _, max := range []int{DefaultMaxItems, 2} {
		pf, err := ParseLimit([]byte(doc), "https://xa.example.vn/rss", testNow, max)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, p := range pf.Posts {
			titles = append(titles, p.Title)
		}
		if fmt.Sprint(titles) != "[Tuổi trẻ ra quân Hiến máu]" || pf.Items != 2 || pf.Dropped != 1 {
			t.Errorf("cap %d: posts %q, items %d, dropped %d; want the two news items, the placeholder dropped", max, titles, pf.Items, pf.Dropped)
		}
	}
	bare := `<?xml version="1.0"?><rss version="0.91"><channel><title>Xã</title>
<item><title>Ra quân dọn vệ sinh</title><description>Sáng nay đoàn viên…</description></item>
<item><title>Trao quà</title><description>Chiều nay…</description></item>
</channel></rss>`
	pf, err := Parse([]byte(bare), "https://xa.example.vn/rss", testNow)
	if err != nil || len(pf.Posts) != 2 || !pf.Posts[0].DateInferred || pf.Dropped != 0 {
		t.Errorf("a feed without links or dates: %d posts, dropped %d, err %v; want both, dated when seen", len(pf.Posts), pf.Dropped, err)
	}
}

// Two different posts under one GUID are one item to any reader: the later one is not
// counted, and the feed's health note says why. The same item listed twice is no clash.
func TestNoteNamesKeyClashes(t *testing.T) {
	doc := func(items string) []byte {
		return []byte(`<rss version="2.0"><channel><title>Xã</title>` + items + `</channel></rss>`)
	}
	item := func(guid, title string) string {
		return `<item><title>` + title + `</title><guid>` + guid + `</guid><pubDate>Fri, 20 Nov 2026 09:30:00 +0700</pubDate></item>`
	}
	same, err := Parse(doc(item("1", "Ra quân dọn vệ sinh")+item("1", "Ra quân dọn vệ sinh")+item("2", "Hiến máu")), "https://xa.example.vn/rss", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if same.Dropped != 1 || same.Clashes != 0 || same.Note() != "" {
		t.Errorf("an item listed twice: dropped %d, clashes %d, note %q; want 1, 0, none", same.Dropped, same.Clashes, same.Note())
	}
	clash, err := Parse(doc(item("1", "Ra quân dọn vệ sinh")+item("1", "Trao quà Trung thu")+item("1", "Hiến máu")), "https://xa.example.vn/rss", testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := "2 mục có cùng mã (GUID hoặc liên kết) với một mục khác tiêu đề nên không được tính: trang cần sửa mã của từng bài"
	if len(clash.Posts) != 1 || clash.Clashes != 2 || clash.Note() != want {
		t.Errorf("three posts under one GUID: %d kept, clashes %d, note %q; want 1, 2, %q", len(clash.Posts), clash.Clashes, clash.Note(), want)
	}
}
