package handlers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"tintot/models"
	"tintot/store"
)

// brokenStore fails Ping and ListUnits with an internal error, like a lost database.
type brokenStore struct {
	store.Store
}

var errDBDown = errors.New("sqlite: database disk image is malformed at /var/lib/tintot/secret.db")

func (brokenStore) Ping(context.Context) error { return errDBDown }
func (brokenStore) ListUnits(context.Context, store.UnitFilter) ([]models.Unit, error) {
	return nil, errDBDown
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	e := newEnv(t, func(d *Deps) {
		d.Metrics = func(reg prometheus.Registerer) error {
			g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "tintot_feeds_broken", Help: "Broken feeds."})
			g.Set(3)
			return reg.Register(g)
		}
	})
	resp, body := e.do("", "GET", "/healthz", nil)
	wantStatus(t, resp, body, http.StatusOK)
	resp, body = e.do("", "GET", "/readyz", nil)
	wantStatus(t, resp, body, http.StatusOK)
	e.do("admin", "GET", "/api/v1/units/C1", nil)
	e.do("admin", "GET", "/api/v1/units/C2", nil)
	e.do("", "GET", "/api/v1/nowhere", nil)

	resp, body = e.do("", "GET", "/metrics", nil)
	wantStatus(t, resp, body, http.StatusOK)
	text := string(body)
	for _, want := range []string{
		`tintot_http_requests_total{method="GET",route="/api/v1/units/:code",status="200"} 2`,
		`tintot_feeds_broken 3`,
		`tintot_build_info{version="test"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "/api/v1/nowhere") {
		t.Error("unmatched paths become metric labels (unbounded cardinality)")
	}

	down := newEnv(t, func(d *Deps) { d.Store = brokenStore{d.Store} })
	resp, body = down.do("", "GET", "/readyz", nil)
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	resp, body = down.do("", "GET", "/healthz", nil)
	wantStatus(t, resp, body, http.StatusOK)
}

func TestInternalErrorsAreGenericAndLoggedOnce(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Store = brokenStore{d.Store} })
	req := request("GET", "/api/v1/units", nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
	req.Header.Set("X-Request-ID", "req-42")
	resp, body := e.send(req)
	wantStatus(t, resp, body, http.StatusInternalServerError)
	got := decode[apiError](t, body)
	if got.RequestID != "req-42" || resp.Header.Get("X-Request-ID") != "req-42" || !strings.Contains(got.Error, "req-42") {
		t.Fatalf("500 body %s, header %q: want the request id", body, resp.Header.Get("X-Request-ID"))
	}
	if strings.Contains(string(body), "sqlite") || strings.Contains(string(body), "secret.db") {
		t.Fatalf("internal error leaked to the client: %s", body)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "malformed"); n != 1 {
		t.Fatalf("internal error logged %d times, want once:\n%s", n, logs)
	}
	for _, key := range []string{`"method":"GET"`, `"path":"/api/v1/units"`, `"status":500`, `"duration_ms":`, `"request_id":"req-42"`} {
		if !strings.Contains(logs, key) {
			t.Errorf("request log lacks %s", key)
		}
	}
}

func TestPanicBecomes500(t *testing.T) {
	e := newEnv(t, func(d *Deps) { d.Status = countStatus{st: d.Store, panic: true} })
	resp, body := e.do("admin", "GET", "/api/v1/units/C1/status", nil)
	wantStatus(t, resp, body, http.StatusInternalServerError)
	if strings.Contains(string(body), "exploded") {
		t.Fatalf("panic value leaked: %s", body)
	}
	if n := strings.Count(e.logs.String(), "status exploded"); n != 1 {
		t.Fatalf("panic logged %d times", n)
	}
	// The app keeps serving.
	resp, body = e.do("admin", "GET", "/api/v1/units/C1", nil)
	wantStatus(t, resp, body, http.StatusOK)
}

func TestNotFoundIsJSONUnderAPIAndHTMLElsewhere(t *testing.T) {
	e := newEnv(t)
	resp, body := e.do("admin", "GET", "/api/v1/khong-co", nil)
	wantStatus(t, resp, body, http.StatusNotFound)
	if got := decode[apiError](t, body); got.Error == "" {
		t.Fatalf("API 404 body %s", body)
	}
	resp, body = e.do("admin", "GET", "/khong-co", nil)
	wantStatus(t, resp, body, http.StatusNotFound)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(body), "Không tìm thấy") {
		t.Fatalf("page 404: %s %s", ct, body)
	}
	resp, body = e.do("", "GET", "/api/openapi.json", nil)
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(string(body), `"openapi"`) {
		t.Fatal("OpenAPI document not served")
	}
}

func TestContentDispositionKeepsVietnamese(t *testing.T) {
	cases := map[string]string{
		"Tổng hợp tuần 2026-W48 HN.xlsx": `attachment; filename="Tong-hop-tuan-2026-W48-HN.xlsx"; filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20tu%E1%BA%A7n%202026-W48%20HN.xlsx`,
		`Đoàn "x"/y.csv`:                 `attachment; filename="Doan-xy.csv"; filename*=UTF-8''%C4%90o%C3%A0n%20%22x%22%2Fy.csv`,
	}
	for in, want := range cases {
		if got := contentDisposition(in); got != want {
			t.Errorf("contentDisposition(%q) =\n %s\nwant\n %s", in, got, want)
		}
	}
}

func TestOversizedBodyIsRefusedInVietnamese(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	// Announce a body over the limit; the server must answer before reading it.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/classify HTTP/1.1\r\nHost: tintot\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{",
		e.tokens["admin"], bodyLimit+1)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "quá lớn") {
		t.Fatalf("oversized body: %d %.200s", resp.StatusCode, body)
	}
}
