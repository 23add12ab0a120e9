// Package feeds fetches unit feeds through one guarded HTTP client, parses RSS, Atom and
// JSON Feed documents into posts, derives item keys and dates in Vietnamese time, and
// polls due feeds while keeping their scheduling and health state.
package feeds

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
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
}

// Client performs guarded HTTP fetches: timeouts, body cap after decompression, redirect
// limit, user agent, and a dialer that refuses internal addresses, redirects included.
type Client struct {
	opts ClientOptions
	http *http.Client
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
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second, Control: c.control}
	tr := &http.Transport{
		Proxy:             nil, // a proxy would dial on our behalf and bypass the address check
		DialContext:       dialer.DialContext,
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
			return nil
		},
	}
	return c
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
	buf := readBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			readBuffers.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(io.LimitReader(r, c.opts.MaxBodyBytes+1)); err != nil {
		return nil, classifyErr(resp.Request.Context(), err)
	}
	if int64(buf.Len()) > c.opts.MaxBodyBytes {
		return nil, &FetchError{Kind: ErrTooLarge, Status: resp.StatusCode,
			Err: fmt.Errorf("%w: more than %d bytes after decoding", errTooLarge, c.opts.MaxBodyBytes)}
	}
	return bytes.Clone(buf.Bytes()), nil
}

// readBuffers holds the buffers bodies are read into before being copied at their exact
// size: reading into a fresh slice that doubles as it fills allocates about three times
// the body for every fetch.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest read buffer kept for reuse.
const maxPooledBuffer = 1 << 20

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
