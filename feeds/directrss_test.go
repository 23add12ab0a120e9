package feeds

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// A plain RSS 2.0 document of the kind units publish, in pieces the cases below vary.
const (
	plainHead = `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/rss.xsl"?>
<!-- NukeViet -->
<rss version="2.0" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
	<title>Đoàn phường Bến Thành &amp; Tin tốt</title>
	<link>https://doan.benthanh.example.vn/</link>
	<atom:link href="https://doan.benthanh.example.vn/rss" rel="self" type="application/rss+xml"/>
	<description><![CDATA[Tin <b>tốt</b>]]></description>
	<language>vi</language>
	<generator>NukeViet v4.5</generator>
	<image><url>https://doan.benthanh.example.vn/logo.png</url><title>Đoàn</title><link>https://doan.benthanh.example.vn/</link></image>
`
	plainItem = `	<item>
		<title><![CDATA[Chi đoàn khu phố 3 ra quân "Ngày Chủ nhật xanh"]]></title>
		<link>https://doan.benthanh.example.vn/tin/ra-quan-chu-nhat-xanh-123.html</link>
		<guid isPermaLink="false">nv-123</guid>
		<pubDate>Thu, 26 Nov 2026 08:30:00 +0700</pubDate>
		<category>Tin tốt</category><category domain="x">Tình nguyện &#8211; hè</category>
		<dc:creator>Bí thư</dc:creator>
		<slash:comments>3</slash:comments>
		<media:thumbnail url="https://doan.benthanh.example.vn/a.jpg"/>
		<enclosure url="https://doan.benthanh.example.vn/a.jpg" length="1" type="image/jpeg"/>
		<description>&lt;p&gt;Hơn 50 đoàn viên &amp;amp; thanh niên dọn rác&lt;/p&gt; &#x1F600;</description>
		<content:encoded><![CDATA[<p>Nội dung <i>đầy đủ</i></p>]]></content:encoded>
	</item>
`
	plainTail = "</channel>\n</rss>\n"
)

func plainDoc(items ...string) string {
	if len(items) == 0 {
		items = []string{plainItem}
	}
	return plainHead + strings.Join(items, "") + plainTail
}

// directCases are documents directRSS must read (true) or leave to gofeed (false).
var directCases = []struct {
	name   string
	doc    string
	direct bool
}{
	{"plain", plainDoc(), true},
	{"no declaration", strings.TrimPrefix(plainDoc(), `<?xml version="1.0" encoding="UTF-8"?>`), true},
	{"two items, second minimal", plainDoc(plainItem, "<item><title>B</title><link>https://x.vn/b</link></item>\n"), true},
	{"empty item", plainDoc(plainItem, "<item/>"), true},
	{"upper-case names", plainDoc(strings.NewReplacer("<title>", "<Title>", "</title>", "</Title>", "<pubDate>", "<PUBDATE>", "</pubDate>", "</PUBDATE>").Replace(plainItem)), true},
	{"link by href", plainDoc("<item><title>B</title><link href=\"https://x.vn/b\"/></item>"), true},
	{"two links", plainDoc("<item><title>B</title><link>https://x.vn/a</link><link>https://x.vn/b</link></item>"), true},
	{"spaces in tags", plainDoc("<item ><title >B</title ><guid isPermaLink = 'true' >https://x.vn/b</guid></item>"), true},
	{"text around CDATA", plainDoc("<item><title> a &amp; <![CDATA[<b>]]> c <![CDATA[]]></title></item>"), true},
	{"unknown element skipped", plainDoc("<item><title>B</title><foo a=\"1\"><bar>x<baz/></bar><!-- c --></foo></item>"), true},
	{"nothing after root read", plainDoc() + "<junk>", true},
	{"windows-1252 reference", plainDoc("<item><title>a&#150;b &#128;</title></item>"), true},

	{"other encoding declared on UTF-8 bytes (cleaning rewrites it)", strings.Replace(plainDoc(), "UTF-8", "windows-1258", 1), true},
	{"HTML entity (cleaning makes it a reference)", plainDoc("<item><title>a&nbsp;b</title></item>"), true},
	{"control character (cleaning drops it)", plainDoc("<item><title>a\x01b</title></item>"), true},

	{"doctype", strings.Replace(plainDoc(), "<rss", "<!DOCTYPE rss>\n<rss", 1), false},
	{"atom root", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`, false},
	{"rdf root", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel><title>x</title></channel><item><title>a</title></item></rdf:RDF>`, false},
	{"default namespace", strings.Replace(plainDoc(), `<rss version="2.0"`, `<rss version="2.0" xmlns="http://example.com/"`, 1), false},
	{"namespace below the root", plainDoc(`<item xmlns:x="http://x/"><title>a</title></item>`), false},
	{"native namespace prefix", strings.Replace(plainDoc(), `<rss version="2.0"`, `<rss version="2.0" xmlns:r="http://purl.org/rss/1.0/"`, 1), false},
	{"undeclared prefix", plainDoc("<item><title>a</title><rss:title>b</rss:title></item>"), false},
	{"dc:date", plainDoc("<item><title>a</title><dc:date>2026-11-26</dc:date></item>"), false},
	{"atom in item", plainDoc("<item><title>a</title><atom:updated>2026-11-26T00:00:00Z</atom:updated></item>"), false},
	{"markup in title", plainDoc("<item><title>a <b>b</b></title></item>"), false},
	{"comment in title", plainDoc("<item><title>a <!-- b --></title></item>"), false},
	{"upper-case hex reference", plainDoc("<item><title>a&#X41;b</title></item>"), false},
	{"bad reference", plainDoc("<item><title>a&#0;b</title></item>"), false},
	{"xml:base", plainDoc(`<item xml:base="https://x.vn/"><title>a</title><link>b</link></item>`), false},
	{"unreadable date", plainDoc("<item><title>a</title><pubDate>hôm qua</pubDate></item>"), false},
	{"mismatched end tag", plainDoc("<item><title>a</titl></item>"), false},
	{"truncated", plainDoc()[:len(plainDoc())-40], false},
	{"item outside the channel", strings.Replace(plainDoc(), "</channel>", "</channel><item><title>x</title></item>", 1), false},
	{"two channels", strings.Replace(plainDoc(), "</channel>", "</channel><channel><title>y</title></channel>", 1), false},
	{"stray text", plainDoc("<item>x<title>a</title></item>"), false},
	{"unquoted attribute", plainDoc("<item><guid isPermaLink=false>a</guid></item>"), false},
	{"channel without title but extensions", strings.Replace(plainDoc(), "<title>Đoàn phường Bến Thành &amp; Tin tốt</title>", "", 1), false},
	{"no items", plainHead + plainTail, false},
}

// TestDirectRSS checks which documents the direct reader takes, and that for each of them
// — taken or not — Parse returns exactly what it returns through gofeed alone.
func TestDirectRSS(t *testing.T) {
	for _, c := range directCases {
		t.Run(c.name, func(t *testing.T) {
			doc := cleanXML([]byte(c.doc))
			f, ok := directRSS(doc)
			if ok && len(f.Items) == 0 {
				ok = false // parseBody then asks gofeed
			}
			if ok != c.direct {
				t.Errorf("read directly = %v, want %v", ok, c.direct)
			}
			assertSameAsGofeed(t, []byte(c.doc))
		})
	}
	f, ok := directRSS(cleanXML([]byte(plainDoc())))
	if !ok {
		t.Fatal("plain document not read directly")
	}
	it := f.Items[0]
	if f.Title != "Đoàn phường Bến Thành & Tin tốt" || f.Generator != "NukeViet v4.5" || it.Title != `Chi đoàn khu phố 3 ra quân "Ngày Chủ nhật xanh"` ||
		it.Description != "<p>Hơn 50 đoàn viên &amp; thanh niên dọn rác</p> 😀" || it.Content != "<p>Nội dung <i>đầy đủ</i></p>" ||
		!reflect.DeepEqual(it.Categories, []string{"Tin tốt", "Tình nguyện – hè"}) || it.GUID != "nv-123" {
		t.Errorf("fields read: %+v / %+v", f, it)
	}
}

// addXMLDocs adds the XML fixtures and, when present, the shared corpus's XML documents
// to docs, by file name.
func addXMLDocs(t *testing.T, docs map[string][]byte) {
	t.Helper()
	for _, dir := range []string{"testdata", corpusDir} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".xml") {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				docs[e.Name()] = b
			}
		}
	}
}

// TestDirectRSSMatchesGofeed holds the direct reader to gofeed on every feed at hand: the
// fixtures, the benchmark's feeds, and the shared corpus of real feeds when present.
func TestDirectRSSMatchesGofeed(t *testing.T) {
	docs := map[string][]byte{}
	addXMLDocs(t, docs)
	for i := range 5 {
		docs["bench"+string(rune('0'+i))] = benchFeedBody(i)
	}
	direct := 0
	for name, b := range docs {
		t.Run(name, func(t *testing.T) {
			if f, ok := directRSS(cleanXML(b)); ok && len(f.Items) > 0 {
				direct++
			}
			assertSameAsGofeed(t, b)
		})
	}
	t.Logf("%d of %d documents read directly", direct, len(docs))
}

// assertSameAsGofeed fails when the direct reader changes what Parse returns for body, or
// reads any field tintot uses differently from gofeed.
func assertSameAsGofeed(t *testing.T, body []byte) {
	t.Helper()
	if !isJSON(body) && tooManyAttrs(cleanXML(body)) {
		return // gofeed is not given such a document at all (TestTooManyAttributes)
	}
	withDirect, errDirect := Parse(body, "https://doan.example.vn/rss", testNow)
	directRSSOff = true
	withGofeed, errGofeed := Parse(body, "https://doan.example.vn/rss", testNow)
	directRSSOff = false
	if (errDirect == nil) != (errGofeed == nil) || errDirect != nil && errDirect.Error() != errGofeed.Error() {
		t.Fatalf("errors differ: direct %v, gofeed %v", errDirect, errGofeed)
	}
	if !reflect.DeepEqual(withDirect, withGofeed) {
		t.Fatalf("Parse differs:\ndirect %+v\ngofeed %+v", withDirect, withGofeed)
	}
	doc := cleanXML(body)
	f, ok := directRSS(doc)
	if !ok {
		return
	}
	g, err := newFeedParser().Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("read directly, but gofeed fails: %v", err)
	}
	if d := feedDiff(f, g); d != "" {
		t.Fatalf("direct reading differs from gofeed: %s", d)
	}
}

// feedDiff names the first field tintot uses that differs between two readings.
func feedDiff(a, b *gofeed.Feed) string {
	type fields struct {
		Title, Link, Generator, FeedType string
	}
	if fa, fb := (fields{a.Title, a.Link, a.Generator, a.FeedType}), (fields{b.Title, b.Link, b.Generator, b.FeedType}); fa != fb {
		return "feed " + strings.Join([]string{fa.Title, fa.Link, fa.Generator, fa.FeedType}, "|") + " vs " + strings.Join([]string{fb.Title, fb.Link, fb.Generator, fb.FeedType}, "|")
	}
	if len(a.Items) != len(b.Items) {
		return "item count"
	}
	for i, x := range a.Items {
		y := b.Items[i]
		var dcDate []string
		if y.DublinCoreExt != nil {
			dcDate = y.DublinCoreExt.Date
		}
		switch {
		case x.Title != y.Title:
			return "title " + x.Title + " vs " + y.Title
		case x.Description != y.Description:
			return "description " + x.Description + " vs " + y.Description
		case x.Content != y.Content:
			return "content " + x.Content + " vs " + y.Content
		case x.Link != y.Link || !reflect.DeepEqual(x.Links, y.Links):
			return "link " + x.Link + " vs " + y.Link
		case x.GUID != y.GUID:
			return "guid " + x.GUID + " vs " + y.GUID
		case x.Published != y.Published:
			return "published " + x.Published + " vs " + y.Published
		case x.Updated != y.Updated || len(dcDate) > 0:
			return "updated " + x.Updated + " vs " + y.Updated
		case !reflect.DeepEqual(x.Categories, y.Categories):
			return "categories " + strings.Join(x.Categories, ",") + " vs " + strings.Join(y.Categories, ",")
		}
	}
	return ""
}

// FuzzDirectRSS: whatever the bytes, the direct reader either declines or agrees with
// gofeed on every field tintot uses, and Parse returns the same either way.
func FuzzDirectRSS(f *testing.F) {
	for _, c := range directCases {
		f.Add([]byte(c.doc))
	}
	f.Add(benchFeedBody(1))
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		assertSameAsGofeed(t, body)
	})
}

// BenchmarkParseRSS reads one benchmark feed (20 items, 13 KB) directly and through
// gofeed alone.
func BenchmarkParseRSS(b *testing.B) {
	body := benchFeedBody(7)
	for _, off := range []bool{false, true} {
		name := "direct"
		if off {
			name = "gofeed"
		}
		b.Run(name, func(b *testing.B) {
			directRSSOff = off
			defer func() { directRSSOff = false }()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(body, "https://doan.example.vn/rss", testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDirectRSSInChunks: a large document read in chunks gives the same posts whether
// the chunks are read directly or by gofeed.
func TestDirectRSSInChunks(t *testing.T) {
	docs := map[string][]byte{"huge": hugeFeedBody(700, 3), "bench": benchFeedBody(2)}
	for _, c := range directCases {
		docs[c.name] = []byte(c.doc)
	}
	addXMLDocs(t, docs)
	for name, body := range docs {
		for _, n := range []int{1, 7, 256} {
			direct, errDirect := parseWith(body, "https://doan.example.vn/rss", testNow, splitLimits(500, n))
			directRSSOff = true
			gofeedOnly, errGofeed := parseWith(body, "https://doan.example.vn/rss", testNow, splitLimits(500, n))
			directRSSOff = false
			if (errDirect == nil) != (errGofeed == nil) || !reflect.DeepEqual(direct, gofeedOnly) {
				t.Errorf("%s in chunks of %d: direct %+v (%v), gofeed %+v (%v)", name, n, direct, errDirect, gofeedOnly, errGofeed)
			}
		}
	}
}

// A tag with a great many attributes costs the direct reader no memory of its own: it
// keeps only what a link needs of them.
func TestDirectRSSManyAttributes(t *testing.T) {
	doc := []byte(plainHead + `<item><title>a</title><x` + strings.Repeat(` a="1"`, 200000) + `/><link href="https://x.vn/a"/></item>` + plainTail)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, ok := directRSS(doc)
	runtime.ReadMemStats(&after)
	if !ok || len(f.Items) != 1 || f.Items[0].Link != "https://x.vn/a" {
		t.Fatalf("read directly = %v", ok)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(doc)/4) {
		t.Errorf("reading a %d-byte document allocated %d bytes", len(doc), got)
	}
}
