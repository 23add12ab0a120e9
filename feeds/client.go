// Package feeds fetches unit feeds through one guarded HTTP client, parses RSS, Atom and
// JSON Feed documents into posts, derives item keys and dates in Vietnamese time, and
// polls due feeds while keeping their scheduling and health state.
package feeds

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"
)

// ClientOptions configures the one HTTP client used for every outside fetch.
type ClientOptions struct {
	ConnectTimeout time.Duration // TCP connect timeout (default 10s)
	Timeout        time.Duration // whole request including body (default 30s)
	MaxBodyBytes   int64         // cap on the decoded body (default 5 MiB)
	MaxRedirects   int           // default 5
	UserAgent      string        // default "tintot/dev"
	AllowPrivate   bool          // allow loopback/private/link-local targets (tests, intranets)
	// DisableKeepAlives closes each connection after its request (tests with virtual time).
	DisableKeepAlives bool

	// permit, when set, lets chosen addresses through even if AllowPrivate is false (tests).
	permit func(netip.AddrPort) bool
	// resolver, when set, is the dialer's resolver (tests record the lookups it makes).
	resolver *net.Resolver
}

// Client performs guarded HTTP fetches: timeouts, body cap after decompression, redirect
// limit, user agent, and a dialer that refuses internal addresses, redirects included.
type Client struct {
	opts   ClientOptions
	http   *http.Client
	dialer *net.Dialer
}

// errBlockedAddr marks a dial refused because the address is internal.
var errBlockedAddr = errors.New("feeds: address is blocked (internal network)")

// errTooManyRedirects marks a redirect chain over the limit.
var errTooManyRedirects = errors.New("feeds: too many redirects")

// errTooLarge marks a body over the cap.
var errTooLarge = errors.New("feeds: body exceeds size limit")

// NewClient builds a Client; zero options take their defaults.
func NewClient(opts ClientOptions) *Client {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 5 << 20
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "tintot/dev"
	}
	c := &Client{opts: opts}
	c.dialer = &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second, Control: c.control, Resolver: opts.resolver}
	tr := &http.Transport{
		Proxy:             nil, // a proxy would dial on our behalf and bypass the address check
		DialContext:       c.dial,
		ForceAttemptHTTP2: true,
		MaxIdleConns:      100,
		// As many idle connections per host as the poller's workers may use at once (a
		// host serving many units' feeds), so no fetch re-dials a host it just used.
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: opts.Timeout,
		DisableCompression:    true, // we decompress ourselves so the cap applies to decoded bytes
		DisableKeepAlives:     opts.DisableKeepAlives,
	}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("%w (%d)", errTooManyRedirects, len(via))
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("feeds: redirect to unsupported scheme %q", req.URL.Scheme)
			}
			return c.checkNumericHost(req.URL)
		},
	}
	return c
}

// dial connects to addr. A numeric host the URL checks missed is still dialled as the
// address it denotes (then checked by control), never looked up in DNS.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if host, port, err := net.SplitHostPort(addr); err == nil {
		a, ok, err := numericHost(host)
		if err != nil {
			return nil, &FetchError{Kind: ErrInvalidURL, Err: err}
		}
		if ok {
			addr = net.JoinHostPort(a.String(), port)
		}
	}
	return c.dialer.DialContext(ctx, network, addr)
}

// control runs after DNS resolution, before connecting: it sees the real IP, so every
// redirect target and every DNS answer is checked.
func (c *Client) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address %q", errBlockedAddr, address)
	}
	if c.opts.AllowPrivate || (c.opts.permit != nil && c.opts.permit(ap)) {
		return nil
	}
	if blockedAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", errBlockedAddr, ap.Addr())
	}
	return nil
}

// errInvalidHost marks a host that ends in a number but denotes no IPv4 address.
var errInvalidHost = errors.New("feeds: invalid numeric host")

// checkNumericHost handles a URL whose host is an IPv4 address in one of the forms
// inet_aton and browsers accept besides dotted decimal (see numericHost), before any DNS
// lookup: an internal address is refused like any other (errBlockedAddr, unless
// AllowPrivate), a public one is written back as dotted decimal so the request goes to
// that very address, as a browser would. A host that ends in a number but is no address
// ("1.2.3.4.5", "foo.123") is invalid.
func (c *Client) checkNumericHost(u *url.URL) error {
	host := u.Hostname()
	a, ok, err := numericHost(host)
	if err != nil {
		return &FetchError{Kind: ErrInvalidURL, Err: err}
	}
	if !ok {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	ap := netip.AddrPortFrom(a, 0)
	if n, perr := strconv.ParseUint(port, 10, 16); perr == nil {
		ap = netip.AddrPortFrom(a, uint16(n))
	}
	if blockedAddr(a) && !c.opts.AllowPrivate && (c.opts.permit == nil || !c.opts.permit(ap)) {
		return fmt.Errorf("%w: host %q is %s", errBlockedAddr, host, a)
	}
	if host != a.String() {
		if u.Port() != "" {
			u.Host = net.JoinHostPort(a.String(), u.Port())
		} else {
			u.Host = a.String()
		}
	}
	return nil
}

// numericHost reads a host written as an IPv4 address the way inet_aton and the WHATWG
// URL standard do: one to four parts separated by dots (a trailing dot allowed), each
// decimal, octal (leading 0) or hexadecimal (0x), the last part filling the remaining
// bytes: "2130706433", "0x7f000001", "017700000001", "0x7f.1", "127.1", "0177.0.0.1" all
// are 127.0.0.1. ok is false for a host name (its last part is not a number) and for IPv6
// literals; err is set for a host whose last part is a number but that is no address.
func numericHost(host string) (netip.Addr, bool, error) {
	if host == "" || strings.ContainsRune(host, ':') {
		return netip.Addr{}, false, nil
	}
	parts := strings.Split(host, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if _, ok := ipv4Part(last); !ok && strings.Trim(last, "0123456789") != "" || last == "" {
		return netip.Addr{}, false, nil // a name
	}
	bad := func() (netip.Addr, bool, error) {
		return netip.Addr{}, false, fmt.Errorf("%w: %q", errInvalidHost, host)
	}
	if len(parts) > 4 {
		return bad()
	}
	var v uint64
	for i, p := range parts {
		n, ok := ipv4Part(p)
		if !ok {
			return bad()
		}
		if i < len(parts)-1 {
			if n > 255 {
				return bad()
			}
			v = v<<8 | n
			continue
		}
		rest := uint(8 * (5 - len(parts))) // bits the last part fills
		if n >= 1<<rest {
			return bad()
		}
		v = v<<rest | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// ipv4Part reads one part of a numeric host: decimal, octal with a leading 0, or hex
// with 0x ("0x" alone is 0), at most 32 bits.
func ipv4Part(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(p) >= 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
		if p == "" {
			return 0, true
		}
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 32)
	if err != nil {
		return 0, false
	}
	return n, true
}

var (
	cgnat      = netip.MustParsePrefix("100.64.0.0/10")
	thisNet    = netip.MustParsePrefix("0.0.0.0/8")
	benchmark  = netip.MustParsePrefix("198.18.0.0/15")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	reservedV4 = netip.MustParsePrefix("240.0.0.0/4")
)

// blockedAddr reports whether a is loopback, private, link-local, multicast, unspecified,
// CGNAT or otherwise not a public unicast address (IPv4-mapped IPv6 included).
func blockedAddr(a netip.Addr) bool {
	a = a.Unmap()
	if a.Is6() && nat64.Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsPrivate(), a.IsLinkLocalUnicast(),
		a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast(), a.IsMulticast(), a.IsUnspecified():
		return true
	}
	if a.Is4() && (cgnat.Contains(a) || thisNet.Contains(a) || benchmark.Contains(a) || reservedV4.Contains(a)) {
		return true
	}
	return false
}

// get issues a GET with our headers; the caller closes the body.
func (c *Client) get(ctx context.Context, rawURL string, header http.Header) (*http.Response, error) {
	if err := checkURL(rawURL); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &FetchError{Kind: ErrInvalidURL, Err: err}
	}
	if err := c.checkNumericHost(req.URL); err != nil {
		return nil, classifyErr(ctx, err)
	}
	req.Host = req.URL.Host // as rewritten by checkNumericHost
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, classifyErr(ctx, err)
	}
	return resp, nil
}

// readBody decodes Content-Encoding and reads at most MaxBodyBytes of decoded content.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > c.opts.MaxBodyBytes && resp.Header.Get("Content-Encoding") == "" {
		return nil, &FetchError{Kind: ErrTooLarge, Status: resp.StatusCode,
			Err: fmt.Errorf("%w: Content-Length %d > %d", errTooLarge, resp.ContentLength, c.opts.MaxBodyBytes)}
	}
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, &FetchError{Kind: ErrNetwork, Status: resp.StatusCode, Err: fmt.Errorf("feeds: bad gzip body: %w", err)}
		}
		defer zr.Close()
		r = zr
	case "deflate":
		fr := flate.NewReader(resp.Body)
		defer fr.Close()
		r = fr
	case "br":
		r = brotli.NewReader(resp.Body)
	default:
		return nil, &FetchError{Kind: ErrNetwork, Status: resp.StatusCode, Err: fmt.Errorf("feeds: unsupported Content-Encoding %q", enc)}
	}
	body, err := readCapped(r, c.opts.MaxBodyBytes)
	if errors.Is(err, errTooLarge) {
		return nil, &FetchError{Kind: ErrTooLarge, Status: resp.StatusCode,
			Err: fmt.Errorf("%w: more than %d bytes after decoding", errTooLarge, c.opts.MaxBodyBytes)}
	}
	if err != nil {
		return nil, classifyErr(resp.Request.Context(), err)
	}
	return body, nil
}

// readCapped reads r to its end into a slice of exactly its size, or fails with
// errTooLarge past max bytes. It reads into pooled pieces first and copies them once, so
// a body costs its own size plus pieces reused by the next fetch: growing one buffer by
// doubling and trimming it costs three to five times the body for every fetch, which
// matters when many workers read large bodies at once.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	var (
		pieces []*[]byte
		total  int64
		last   int // bytes in the last piece
	)
	defer func() {
		// The pieces of a small body go back to the pool; those of a large one are left
		// to the collector rather than kept (up to two collections) for bodies that may
		// never come.
		for i, p := range pieces {
			if i >= pooledPieces {
				break
			}
			readPieces.Put(p)
		}
	}()
	for {
		p := readPieces.Get().(*[]byte)
		n, err := io.ReadFull(r, *p)
		if n > 0 {
			pieces, last = append(pieces, p), n
			total += int64(n)
		} else {
			readPieces.Put(p)
		}
		if total > max {
			return nil, errTooLarge
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, total)
	for i, p := range pieces {
		if i == len(pieces)-1 {
			out = append(out, (*p)[:last]...)
		} else {
			out = append(out, *p...)
		}
	}
	return out, nil
}

// readPieces holds the pieces bodies are read into.
var readPieces = sync.Pool{New: func() any { b := make([]byte, readPiece); return &b }}

const (
	readPiece    = 32 << 10
	pooledPieces = 32 // 1 MiB
)

// checkURL accepts only absolute http(s) URLs with a host.
func checkURL(rawURL string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return &FetchError{Kind: ErrInvalidURL, Err: fmt.Errorf("feeds: invalid URL %q: %w", rawURL, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return &FetchError{Kind: ErrInvalidURL, Err: fmt.Errorf("feeds: not an http(s) URL: %q", rawURL)}
	}
	return nil
}

// classifyErr turns a transport error into a *FetchError with the right kind.
func classifyErr(ctx context.Context, err error) error {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe
	}
	var dnsErr *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, errBlockedAddr):
		return &FetchError{Kind: ErrBlocked, Err: err}
	case errors.Is(err, errTooManyRedirects):
		return &FetchError{Kind: ErrRedirects, Err: err}
	case errors.Is(err, context.DeadlineExceeded), ctx.Err() == context.DeadlineExceeded,
		errors.As(err, &ne) && ne.Timeout():
		return &FetchError{Kind: ErrTimeout, Err: err}
	case errors.Is(err, context.Canceled):
		return &FetchError{Kind: ErrCanceled, Err: err}
	case errors.As(err, &dnsErr):
		return &FetchError{Kind: ErrDNS, Err: err}
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return &FetchError{Kind: ErrTLS, Err: err}
	}
	return &FetchError{Kind: ErrNetwork, Err: err}
}
