package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"tintot/models"
)

func testClient(opts ClientOptions) *Client {
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 2 * time.Second
	}
	opts.UserAgent = "tintot/test"
	return NewClient(opts)
}

func wantKind(t *testing.T, err error, kind ErrorKind, msg string) *FetchError {
	t.Helper()
	var fe *FetchError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *FetchError %s", err, err, kind)
	}
	if fe.Kind != kind {
		t.Fatalf("kind = %s (%v), want %s", fe.Kind, fe, kind)
	}
	if msg != "" && fe.Message() != msg {
		t.Errorf("message = %q, want %q", fe.Message(), msg)
	}
	return fe
}

func TestBlockedAddr(t *testing.T) {
	cases := []struct {
		addr    string
		blocked bool
	}{
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.16.0.1", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true}, {"224.0.0.1", true},
		{"::1", true}, {"fc00::1", true}, {"fd12::1", true}, {"fe80::1", true}, {"ff02::1", true}, {"::", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true},
		{"8.8.8.8", false}, {"113.160.1.1", false}, {"2001:4860:4860::8888", false}, {"100.128.0.1", false},
	}
	for _, c := range cases {
		if got := blockedAddr(netip.MustParseAddr(c.addr)); got != c.blocked {
			t.Errorf("blockedAddr(%s) = %v, want %v", c.addr, got, c.blocked)
		}
	}
}

func TestFetchBlocksLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a blocked address was reached")
	}))
	defer srv.Close()
	c := testClient(ClientOptions{})
	_, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL})
	wantKind(t, err, ErrBlocked, "Địa chỉ bị chặn vì trỏ vào mạng nội bộ")
}

func TestFetchRefusesRedirectToLoopback(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("redirect target on 127.0.0.1 was reached")
	}))
	defer internal.Close()
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/admin", http.StatusFound)
	}))
	defer public.Close()
	pub := netip.MustParseAddrPort(strings.TrimPrefix(public.URL, "http://"))
	c := testClient(ClientOptions{})
	c.opts.permit = func(ap netip.AddrPort) bool { return ap == pub } // pretend only "public" is public
	_, err := c.Fetch(context.Background(), models.Feed{URL: public.URL})
	wantKind(t, err, ErrBlocked, "")
}

func TestFetchRedirectLoop(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		http.Redirect(w, r, "/loop", http.StatusFound)
	}))
	defer srv.Close()
	c := testClient(ClientOptions{AllowPrivate: true, MaxRedirects: 5})
	_, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL})
	wantKind(t, err, ErrRedirects, "Trang chuyển hướng quá nhiều lần")
	if n != 6 {
		t.Errorf("server saw %d requests, want 6 (1 + 5 redirects)", n)
	}
}

func TestFetchTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	c := testClient(ClientOptions{AllowPrivate: true, Timeout: 50 * time.Millisecond})
	_, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL})
	wantKind(t, err, ErrTimeout, "Trang không phản hồi (quá thời gian chờ)")
}

func TestFetchBodyCap(t *testing.T) {
	const max = 64 << 10
	big := bytes.Repeat([]byte("<item><title>Tin tốt</title></item>\n"), 200_000) // ~7 MB
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	br := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := brotli.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name, encoding string
		body           []byte
	}{
		{"plain with length", "", big},
		{"gzip bomb", "gzip", gz(big)},
		{"brotli", "br", br(big)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.encoding != "" && len(c.body) > max {
				t.Fatalf("compressed body %d bytes is not small enough to test the decoded cap", len(c.body))
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.encoding != "" {
					w.Header().Set("Content-Encoding", c.encoding)
				}
				w.Write(c.body)
			}))
			defer srv.Close()
			cl := testClient(ClientOptions{AllowPrivate: true, MaxBodyBytes: max})
			_, err := cl.Fetch(context.Background(), models.Feed{URL: srv.URL})
			wantKind(t, err, ErrTooLarge, "Nội dung quá lớn")
		})
	}
}

func TestFetchDecodesAndConditional(t *testing.T) {
	body := []byte(`<rss version="2.0"><channel><title>Đoàn xã</title><item><title>Tin tốt</title><link>https://x.vn/1</link></item></channel></rss>`)
	var gotINM, gotIMS, gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotINM, gotIMS, gotUA = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since"), r.Header.Get("User-Agent")
		if gotINM == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Fri, 27 Nov 2026 01:00:00 GMT")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(body)
		zw.Close()
	}))
	defer srv.Close()
	c := testClient(ClientOptions{AllowPrivate: true})
	res, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Body, body) || res.ETag != `"v1"` || res.MaxAge != time.Hour || res.NotModified || gotUA != "tintot/test" {
		t.Fatalf("first fetch: %+v (ua %q)", res, gotUA)
	}
	res2, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL, ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !res2.NotModified || len(res2.Body) != 0 || gotIMS != "Fri, 27 Nov 2026 01:00:00 GMT" {
		t.Errorf("second fetch not a 304: %+v (If-Modified-Since %q)", res2, gotIMS)
	}
}

func TestFetchHTTPStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := testClient(ClientOptions{AllowPrivate: true})
	res, err := c.Fetch(context.Background(), models.Feed{URL: srv.URL})
	fe := wantKind(t, err, ErrHTTPStatus, "Máy chủ báo lỗi 503")
	if fe.Status != 503 || res.RetryAfter != 2*time.Minute {
		t.Errorf("status %d retry-after %s", fe.Status, res.RetryAfter)
	}
}

func TestFetchInvalidURL(t *testing.T) {
	c := testClient(ClientOptions{})
	for _, u := range []string{"", "ftp://example.vn/rss", "javascript:alert(1)", "http://", "://x"} {
		_, err := c.Fetch(context.Background(), models.Feed{URL: u})
		wantKind(t, err, ErrInvalidURL, "Địa chỉ trang tin không hợp lệ")
	}
}

func TestFetchTitle(t *testing.T) {
	cases := []struct {
		name, ctype, page, want string
	}{
		{"og:title wins", "text/html; charset=utf-8", `<html><head><title>Trang chủ</title><meta property="og:title" content="Đoàn viên hiến máu cứu người"></head></html>`, "Đoàn viên hiến máu cứu người"},
		{"title with entity", "text/html", "<html><head><title>\n  Gương s&aacute;ng  tuổi trẻ\n</title></head><body></body></html>", "Gương sáng tuổi trẻ"},
		{"windows-1252 page", "text/html; charset=windows-1252", "<title>Caf\xe9</title>", "Café"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", c.ctype)
				w.Write([]byte(c.page))
			}))
			defer srv.Close()
			got, err := testClient(ClientOptions{AllowPrivate: true}).FetchTitle(context.Background(), srv.URL)
			if err != nil || got != c.want {
				t.Errorf("FetchTitle = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	if _, err := testClient(ClientOptions{}).FetchTitle(context.Background(), srv.URL); err == nil {
		t.Error("FetchTitle reached a loopback page without AllowPrivate")
	}
}

func TestNumericHost(t *testing.T) {
	cases := []struct {
		host string
		want string // "" : a name, not numeric; "bad": numeric but no address
	}{
		{"2130706433", "127.0.0.1"}, {"0x7f.1", "127.0.0.1"}, {"127.1", "127.0.0.1"}, {"0177.0.0.1", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"}, {"017700000001", "127.0.0.1"}, {"0X7F.0.0.1", "127.0.0.1"}, {"127.0.1", "127.0.0.1"},
		{"127.1.", "127.0.0.1"}, {"10.1", "10.0.0.1"}, {"0xa9.0xfe.0xa9.0xfe", "169.254.169.254"}, {"0", "0.0.0.0"},
		{"0x", "0.0.0.0"}, {"3232235777", "192.168.1.1"}, {"0x08080808", "8.8.8.8"}, {"127.0.0.1", "127.0.0.1"},
		{"example.vn", ""}, {"xa1.example.vn", ""}, {"localhost", ""}, {"0xg", ""}, {"::1", ""}, {"", ""}, {"1e3", ""},
		{"1.2.3.4.5", "bad"}, {"256.1", "bad"}, {"4294967296", "bad"}, {"08", "bad"}, {"0x1.0x1000000", "bad"},
		{"1..2", "bad"}, {"foo.123", "bad"}, {"1.2.3.0x100", "bad"}, {"+1", ""}, {"1.+1", ""},
	}
	for _, c := range cases {
		a, ok, err := numericHost(c.host)
		var got string
		switch {
		case err != nil:
			got = "bad"
		case ok:
			got = a.String()
		}
		if got != c.want {
			t.Errorf("numericHost(%q) = %q (%v, %v), want %q", c.host, got, ok, err, c.want)
		}
	}
}

// dnsRecorder is a resolver that counts the DNS queries it is asked to send (and fails
// them); names from the hosts file and IP literals send none.
type dnsRecorder struct{ queries atomic.Int64 }

func (r *dnsRecorder) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		r.queries.Add(1)
		return nil, errors.New("no DNS in tests")
	}}
}

// loopbackForms writes 127.0.0.1 in the numeric forms inet_aton accepts.
var loopbackForms = []string{"2130706433", "0x7f.1", "127.1", "0177.0.0.1", "0x7f000001", "017700000001", "0x7f.0.0.1", "127.0.1", "127.1."}

func TestFetchRefusesNumericLoopbackWithoutDNS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a blocked address was reached as %s", r.Host)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	var dns dnsRecorder
	c := testClient(ClientOptions{resolver: dns.resolver()})
	for _, h := range loopbackForms {
		_, err := c.Fetch(context.Background(), models.Feed{URL: "http://" + h + ":" + port + "/rss"})
		fe := wantKind(t, err, ErrBlocked, "Địa chỉ bị chặn vì trỏ vào mạng nội bộ")
		if !strings.Contains(fe.Error(), "127.0.0.1") {
			t.Errorf("%s: error %q does not say which address the host is", h, fe)
		}
		if _, err := c.FetchTitle(context.Background(), "https://"+h+"/bai-viet"); err == nil {
			t.Errorf("FetchTitle reached %s", h)
		}
	}
	if n := dns.queries.Load(); n != 0 {
		t.Errorf("%d DNS queries for numeric hosts, want none", n)
	}
	// A numeric form that is no address is an invalid URL, also without DNS.
	_, err := c.Fetch(context.Background(), models.Feed{URL: "http://1.2.3.4.5:" + port + "/rss"})
	wantKind(t, err, ErrInvalidURL, "")
	if n := dns.queries.Load(); n != 0 {
		t.Errorf("%d DNS queries for an invalid numeric host, want none", n)
	}
}

func TestFetchNumericHostIsThatAddress(t *testing.T) {
	var gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost = r.Host
		io.WriteString(w, "<rss/>")
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	var dns dnsRecorder
	c := testClient(ClientOptions{AllowPrivate: true, resolver: dns.resolver()})
	for _, h := range loopbackForms {
		res, err := c.Fetch(context.Background(), models.Feed{URL: "http://" + h + ":" + port + "/rss"})
		if err != nil || string(res.Body) != "<rss/>" {
			t.Errorf("%s with AllowPrivate: %v", h, err)
			continue
		}
		if gotHost != "127.0.0.1:"+port || res.FinalURL != "http://127.0.0.1:"+port+"/rss" {
			t.Errorf("%s: server saw Host %q, final URL %q; want the dotted address", h, gotHost, res.FinalURL)
		}
	}
	if n := dns.queries.Load(); n != 0 {
		t.Errorf("%d DNS queries for numeric hosts, want none", n)
	}
	// A public address in a numeric form is connected to as that address.
	u, _ := url.Parse("https://0x08080808/rss")
	if err := testClient(ClientOptions{}).checkNumericHost(u); err != nil || u.Host != "8.8.8.8" {
		t.Errorf("https://0x08080808/rss: host %q, error %v; want 8.8.8.8", u.Host, err)
	}
}

func TestFetchRefusesRedirectToNumericLoopback(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("redirect target on 127.0.0.1 was reached")
	}))
	defer internal.Close()
	port := internal.URL[strings.LastIndexByte(internal.URL, ':')+1:]
	target := "http://0x7f.1:" + port + "/admin"
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	}))
	defer public.Close()
	pub := netip.MustParseAddrPort(strings.TrimPrefix(public.URL, "http://"))
	var dns dnsRecorder
	c := testClient(ClientOptions{resolver: dns.resolver()})
	c.opts.permit = func(ap netip.AddrPort) bool { return ap == pub } // pretend only "public" is public
	for _, h := range loopbackForms {
		target = "http://" + h + ":" + port + "/admin"
		_, err := c.Fetch(context.Background(), models.Feed{URL: public.URL})
		wantKind(t, err, ErrBlocked, "")
	}
	if n := dns.queries.Load(); n != 0 {
		t.Errorf("%d DNS queries for numeric redirect targets, want none", n)
	}
}

func TestReadCapped(t *testing.T) {
	const max = 3*readPiece + 10
	for _, n := range []int{0, 1, readPiece - 1, readPiece, readPiece + 1, 2 * readPiece, max, max + 1, 5 * readPiece} {
		in := bytes.Repeat([]byte("tin tốt "), n/8+1)[:n]
		got, err := readCapped(bytes.NewReader(in), max)
		if n > max {
			if !errors.Is(err, errTooLarge) {
				t.Errorf("%d bytes: error %v, want errTooLarge", n, err)
			}
			continue
		}
		if err != nil || !bytes.Equal(got, in) || cap(got) != n {
			t.Errorf("%d bytes: read %d (cap %d), error %v", n, len(got), cap(got), err)
		}
	}
}
