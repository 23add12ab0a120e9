package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// site is a fixture website: each path (with its query) answers a document; anything
// else is a 404 page, or the home page again when soft404 is set (as many CMSs do).
type site struct {
	*httptest.Server
	mu      sync.Mutex
	docs    map[string]siteDoc
	hits    []string
	soft404 bool
}

type siteDoc struct {
	status      int
	contentType string
	body        string
	redirect    string
}

func newSite(t *testing.T, docs map[string]siteDoc) *site {
	t.Helper()
	s := &site{docs: docs}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if r.URL.RawQuery != "" {
			key += "?" + r.URL.RawQuery
		}
		s.mu.Lock()
		d, ok := s.docs[key]
		if d.redirect == "" { // a redirect is followed within one fetch
			s.hits = append(s.hits, key)
		}
		soft := s.soft404
		s.mu.Unlock()
		switch {
		case !ok && soft:
			d = s.docs["/"]
		case !ok:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Không tìm thấy</title></head><body>404</body></html>")
			return
		}
		if d.redirect != "" {
			http.Redirect(w, r, d.redirect, http.StatusMovedPermanently)
			return
		}
		if d.contentType != "" {
			w.Header().Set("Content-Type", d.contentType)
		}
		if d.status != 0 {
			w.WriteHeader(d.status)
		}
		fmt.Fprint(w, d.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) fetches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hits...)
}

func page(head string) siteDoc {
	return siteDoc{contentType: "text/html; charset=utf-8", body: "<!DOCTYPE html><html><head><meta charset=utf-8><title>Đoàn xã Tân Hưng</title>" + head + "</head><body><h1>Tin hoạt động</h1></body></html>"}
}

func siteRSS(title string, items int) siteDoc {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>%s</title><link>https://xa.example.vn/</link>`, title)
	for i := range items {
		fmt.Fprintf(&b, `<item><title>Tin %d #MoiNgayMotTinTot</title><link>https://xa.example.vn/tin/%d</link><pubDate>Fri, 27 Nov 2026 07:30:00 +0700</pubDate></item>`, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return siteDoc{contentType: "application/rss+xml; charset=utf-8", body: b.String()}
}

func discoverClient() *Client { return testClient(ClientOptions{AllowPrivate: true}) }

func TestDiscoverFindsTheFeed(t *testing.T) {
	atom := siteDoc{contentType: "application/atom+xml", body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Tin Atom</title><id>urn:x</id><updated>2026-11-27T07:30:00+07:00</updated>` +
		`<entry><title>Tin tốt</title><id>urn:x:1</id><link href="https://xa.example.vn/1"/><updated>2026-11-27T07:30:00+07:00</updated></entry></feed>`}
	cases := []struct {
		name     string
		docs     map[string]siteDoc
		input    string // path on the site
		wantPath string // path of the feed found
		wantVia  string
		wantHow  string
		items    int
	}{
		{"the address is the feed", map[string]siteDoc{"/rss.php": siteRSS("Tin tốt xã", 3)}, "/rss.php", "/rss.php", "input", "địa chỉ đã nhập là nguồn tin", 3},
		{"a valid empty feed", map[string]siteDoc{"/rss.php": siteRSS("Chưa có tin", 0)}, "/rss.php", "/rss.php", "input", "", 0},
		{"JSON Feed", map[string]siteDoc{"/feed.json": {contentType: "application/feed+json", body: `{"version":"https://jsonfeed.org/version/1.1","title":"Tin JSON","items":[{"id":"1","url":"https://xa.example.vn/1","title":"Tin tốt"}]}`}}, "/feed.json", "/feed.json", "input", "", 1},
		{"link rel=alternate, relative href", map[string]siteDoc{
			"/":                page(`<link rel="stylesheet" href="/a.css"><link rel="alternate" type="application/rss+xml" title="Tin tức" href="tin-tuc/rss.xml">`),
			"/tin-tuc/rss.xml": siteRSS("Tin tức xã", 2),
		}, "/", "/tin-tuc/rss.xml", "alternate", "thẻ link rel=alternate của trang", 2},
		{"relative href against the page after a redirect", map[string]siteDoc{
			"/cu":                {redirect: "/xa/trang-chu.html"},
			"/xa/trang-chu.html": page(`<link rel="alternate" type="application/atom+xml" href="atom.xml">`),
			"/xa/atom.xml":       atom,
		}, "/cu", "/xa/atom.xml", "alternate", "", 1},
		{"WordPress comments feed is tried last", map[string]siteDoc{
			"/": page(`<link rel="alternate" type="application/rss+xml" title="Xã » Dòng thông tin phản hồi" href="/comments/feed/">` +
				`<link rel="alternate" type="application/rss+xml" title="Xã » Dòng thông tin" href="/feed/">`),
			"/comments/feed/": siteRSS("Phản hồi", 5),
			"/feed/":          siteRSS("Bài viết", 4),
		}, "/", "/feed/", "alternate", "", 4},
		{"WordPress /feed/", map[string]siteDoc{"/": page(""), "/feed/": siteRSS("WP", 1)}, "/", "/feed/", "wordpress", "đường dẫn WordPress /feed/", 1},
		{"NukeViet /rss/", map[string]siteDoc{"/": page(""), "/rss/": siteRSS("NukeViet", 1)}, "/", "/rss/", "nukeviet", "đường dẫn NukeViet /rss/", 1},
		{"NukeViet index.php", map[string]siteDoc{"/": page(""), "/index.php?nv=news&op=rss": siteRSS("NukeViet", 1)}, "/", "/index.php?nv=news&op=rss", "nukeviet_index", "", 1},
		{"Joomla on the page address", map[string]siteDoc{"/tin-tuc": page(""), "/tin-tuc?format=feed&type=rss": siteRSS("Joomla", 1)}, "/tin-tuc", "/tin-tuc?format=feed&type=rss", "joomla", "đường dẫn Joomla ?format=feed&type=rss", 1},
		{"/atom.xml on the site root", map[string]siteDoc{"/gioi-thieu/": page(""), "/atom.xml": atom}, "/gioi-thieu/", "/atom.xml", "atom_xml", "đường dẫn /atom.xml", 1},
		{"a declared empty feed wins over guessed addresses", map[string]siteDoc{
			"/xa/":         page(`<link rel="alternate" type="application/rss+xml" href="/xa/rong.xml">`),
			"/xa/rong.xml": siteRSS("Rỗng", 0),
			"/feed/":       siteRSS("Cổng thông tin của tỉnh", 9),
		}, "/xa/", "/xa/rong.xml", "alternate", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSite(t, c.docs)
			d, err := discoverClient().Discover(context.Background(), s.URL+c.input)
			if err != nil {
				t.Fatalf("Discover: %v (fetched %v)", err, s.fetches())
			}
			if d.FeedURL != s.URL+c.wantPath || d.Via != c.wantVia || d.Items != c.items || d.Input != s.URL+c.input {
				t.Errorf("got %+v, want feed %s via %s with %d items", d, s.URL+c.wantPath, c.wantVia, c.items)
			}
			if c.wantHow != "" && d.How != c.wantHow {
				t.Errorf("how = %q, want %q", d.How, c.wantHow)
			}
			if d.Title == "" || d.Format == "" {
				t.Errorf("title %q, format %q: want both", d.Title, d.Format)
			}
			if n := len(s.fetches()); d.Fetches != n || n > MaxDiscoveryFetches {
				t.Errorf("fetches = %d, server saw %d", d.Fetches, n)
			}
		})
	}
}

func wantDiscoveryError(t *testing.T, err error, reason string) *DiscoveryError {
	t.Helper()
	var de *DiscoveryError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T), want *DiscoveryError", err, err)
	}
	if !strings.Contains(de.Message(), reason) || Message(err) != de.Message() {
		t.Errorf("message = %q, want it to contain %q", de.Message(), reason)
	}
	return de
}

func TestDiscoverExplainsFailures(t *testing.T) {
	t.Run("a page without a feed", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/": page("")})
		_, err := discoverClient().Discover(context.Background(), s.URL+"/")
		wantDiscoveryError(t, err, "không khai báo nguồn tin")
		if n := len(s.fetches()); n != 8 {
			t.Errorf("fetched %d documents %v, want the page and 7 usual addresses", n, s.fetches())
		}
	})
	t.Run("a site answering its home page for every address", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/": page(`<link rel="alternate" type="application/rss+xml" href="/a.rss"><link rel="alternate" type="application/rss+xml" href="/b.rss">` +
			`<link rel="alternate" type="application/atom+xml" href="/c.atom"><link rel="alternate" type="application/rss+xml" href="/d.rss">`)})
		s.soft404 = true
		_, err := discoverClient().Discover(context.Background(), s.URL+"/")
		wantDiscoveryError(t, err, "không phải nguồn tin đọc được")
		if n := len(s.fetches()); n != MaxDiscoveryFetches {
			t.Errorf("fetched %d documents %v, want the cap of %d", n, s.fetches(), MaxDiscoveryFetches)
		}
	})
	t.Run("HTTP status", func(t *testing.T) {
		s := newSite(t, nil)
		_, err := discoverClient().Discover(context.Background(), s.URL+"/khong-co")
		de := wantDiscoveryError(t, err, "Không mở được địa chỉ này: không tìm thấy trang tin (lỗi 404)")
		var fe *FetchError
		if !errors.As(de, &fe) || fe.Status != 404 {
			t.Errorf("cause = %v, want the 404", de.Err)
		}
		if n := len(s.fetches()); n != 1 {
			t.Errorf("fetched %d documents after a 404, want 1", n)
		}
	})
	t.Run("blocked address", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/": siteRSS("x", 1)})
		_, err := testClient(ClientOptions{}).Discover(context.Background(), s.URL+"/")
		wantDiscoveryError(t, err, "bị chặn vì trỏ vào mạng nội bộ")
		if n := len(s.fetches()); n != 0 {
			t.Errorf("a blocked address was fetched %d times", n)
		}
	})
	t.Run("cannot connect", func(t *testing.T) {
		s := newSite(t, nil)
		addr := s.URL
		s.Close()
		_, err := discoverClient().Discover(context.Background(), addr+"/")
		wantDiscoveryError(t, err, "Không mở được địa chỉ này: không kết nối được")
	})
	t.Run("neither a feed nor a page", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/baocao.pdf": {contentType: "application/pdf", body: "%PDF-1.4 ..."}})
		_, err := discoverClient().Discover(context.Background(), s.URL+"/baocao.pdf")
		wantDiscoveryError(t, err, "không phải nguồn tin (RSS/Atom/JSON Feed) cũng không phải trang web (nội dung application/pdf)")
	})
	t.Run("JSON that is not a JSON Feed", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/api": {contentType: "application/json", body: `{"items":[{"title":"x"}]}`}})
		_, err := discoverClient().Discover(context.Background(), s.URL+"/api")
		wantDiscoveryError(t, err, "không đọc được như một nguồn tin")
	})
	t.Run("broken XML", func(t *testing.T) {
		s := newSite(t, map[string]siteDoc{"/rss": {contentType: "text/xml", body: `<?xml version="1.0"?><kq><loi>`}})
		_, err := discoverClient().Discover(context.Background(), s.URL+"/rss")
		wantDiscoveryError(t, err, "không đọc được như một nguồn tin")
	})
	t.Run("the deadline bounds the whole search", func(t *testing.T) {
		// The page answers; every candidate hangs until the client gives up.
		hung := make(chan struct{})
		var once sync.Once
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" && r.URL.RawQuery == "" {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, page("").body)
				return
			}
			once.Do(func() { close(hung) })
			<-r.Context().Done()
		}))
		defer srv.Close()
		defer srv.CloseClientConnections()
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-hung; cancel() }()
		start := time.Now()
		_, err := testClient(ClientOptions{AllowPrivate: true, Timeout: time.Minute}).Discover(ctx, srv.URL+"/")
		if err == nil {
			t.Fatal("Discover succeeded")
		}
		wantDiscoveryError(t, err, "bị hủy")
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("Discover took %s after its context ended", took)
		}
	})
}
