// Package handlers is tintot's HTTP layer: the Fiber app, accounts, sessions, CSRF,
// API tokens, the JSON API under /api/v1 and the server-rendered pages.
//
// Page code (pages_*.go) builds on the same pieces as the API rather than repeating them:
// principalOf / scopeOf / unitInScope / postInScope for who may see what,
// requirePageUser (login redirect + CSRF on every non-GET form) and CSRFToken for forms,
// overridePost, rejectPost, submitManualPost, addFeed, removeFeed, addUser for changes
// (each validates, enforces scope and writes the audit entry), buildReview and
// exportReview for the weekly review, and the one error handler (handleError).
package handlers

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tintot/config"
	"tintot/feeds"
	"tintot/models"
	"tintot/store"
	"tintot/web"
)

// StatusService computes quota statuses and weekly reviews (implemented by campaign.Service).
type StatusService interface {
	UnitStatus(ctx context.Context, code, date string) (models.UnitStatusReport, error)
	Review(ctx context.Context, week, parent string) (models.Review, error)
}

// PostClassifier gives a post its rule kind and a Vietnamese reason (implemented by *classify.Classifier).
type PostClassifier interface {
	Classify(p models.Post, f models.Feed) (models.Kind, string)
}

// TitleFetcher reads the title of a page through the guarded HTTP client (implemented by *feeds.Client).
type TitleFetcher interface {
	FetchTitle(ctx context.Context, url string) (string, error)
}

// FeedDiscoverer finds the feed behind an address an officer typed: the feed itself, or
// a page of the unit's website that declares or hosts one (implemented by *feeds.Client).
// A failure is a *feeds.DiscoveryError whose Message says why in Vietnamese.
type FeedDiscoverer interface {
	Discover(ctx context.Context, url string) (feeds.Discovery, error)
}

// ReviewExporter writes a weekly review as a spreadsheet (implemented by the report package).
type ReviewExporter interface {
	WriteXLSX(w io.Writer, r models.Review) error
	WriteCSV(w io.Writer, r models.Review) error
}

// Deps is everything the HTTP layer needs. Store is required; a nil Status, Classifier,
// Titles or Exports disables the routes that need it (503 with a clear message). A nil
// Discovery stores feed addresses as typed, unchecked (tests that do not fetch).
type Deps struct {
	Store      store.Store
	Status     StatusService
	Classifier PostClassifier
	Titles     TitleFetcher
	Discovery  FeedDiscoverer
	Exports    ReviewExporter
	Config     config.Config
	Log        *slog.Logger
	Clock      models.Clock
	Version    string
	// Metrics, if set, registers the application's own gauges and counters on the
	// private registry served at /metrics.
	Metrics func(reg prometheus.Registerer) error
}

// Limits of the HTTP server.
const (
	readTimeout  = 15 * time.Second
	writeTimeout = 60 * time.Second // exports of a whole province
	idleTimeout  = 120 * time.Second
	bodyLimit    = 8 << 20 // registry CSV uploads
)

// server holds the dependencies shared by every handler.
type server struct {
	Deps
	loc      *time.Location
	limiter  *loginLimiter
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	reviews  reviewSnapshots // reviews computed lately, for the pages of GET /api/v1/review
}

// New builds the Fiber app with every route. It never listens; callers use app.Listener
// (or app.Test in tests).
func New(d Deps) (*fiber.App, error) {
	if d.Store == nil {
		return nil, errorf("a store is required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.Clock == nil {
		d.Clock = models.SystemClock{}
	}
	s := &server{Deps: d, loc: d.Config.Location, limiter: newLoginLimiter(d.Clock)}
	if s.loc == nil {
		s.loc = models.Vietnam
	}
	if err := s.initMetrics(); err != nil {
		return nil, err
	}

	app := fiber.New(fiber.Config{
		AppName:               "tintot",
		ErrorHandler:          s.handleError,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		BodyLimit:             bodyLimit,
		Immutable:             true,
		DisableStartupMessage: true,
	})
	app.Use(securityHeaders, s.requestID, s.observe, s.recoverPanic)

	// Probes and scrapes come before authentication: no store lookups, no 401s.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsAuth, adaptor.HTTPHandler(promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})))
	app.Get("/api/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(web.OpenAPI)
	})

	app.Get("/static/:name", staticFile)

	app.Use(s.authenticate)
	s.registerAPI(app)
	s.registerPages(app)

	// Anything else under /api is a JSON 404, elsewhere an HTML one.
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app, nil
}

// initMetrics builds the private Prometheus registry.
func (s *server) initMetrics() error {
	s.reg = prometheus.NewRegistry()
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tintot_http_requests_total",
		Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "status"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "tintot_http_request_duration_seconds",
		Help:    "HTTP request duration by route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "tintot_build_info",
		Help:        "Always 1; the version label tells which build runs.",
		ConstLabels: prometheus.Labels{"version": s.Version},
	})
	info.Set(1)
	for _, c := range []prometheus.Collector{
		s.requests, s.duration, info,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := s.reg.Register(c); err != nil {
			return errorf("unable to register metrics: %w", err)
		}
	}
	if s.Metrics != nil {
		if err := s.Metrics(s.reg); err != nil {
			return errorf("unable to register application metrics: %w", err)
		}
	}
	return nil
}

// healthz answers 200 while the process is alive.
func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.Version})
}

// readyz answers 200 when the store answers, else 503.
func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Log.Warn("readiness check failed", slog.Any("error", err), slog.String("request_id", requestIDOf(c)))
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "error": "Cơ sở dữ liệu không phản hồi"})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

// now returns the injected clock's time.
func (s *server) now() time.Time { return s.Clock.Now() }

// today returns the local day key of now.
func (s *server) today() string { return models.LocalDay(s.now(), s.loc) }

// routeLabel bounds the metrics label set to route patterns.
func routeLabel(c *fiber.Ctx, status int) string {
	if status == fiber.StatusNotFound && c.Route().Path == "/" && c.Path() != "/" {
		return "unmatched"
	}
	p := c.Route().Path
	if p == "" {
		return "unmatched"
	}
	return p
}

// statusText is a metrics-friendly status code.
func statusText(code int) string { return strconv.Itoa(code) }

// metricsAuth guards /metrics with TINTOT_METRICS_TOKEN when one is set (scrapers send
// "Authorization: Bearer <token>"); without it /metrics is open, for a private network.
func (s *server) metricsAuth(c *fiber.Ctx) error {
	if s.Config.MetricsToken == "" {
		return c.Next()
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || !tokenEqual(strings.TrimSpace(token), s.Config.MetricsToken) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return httpErr(fiber.StatusUnauthorized, "Cần token để đọc số liệu /metrics")
	}
	return c.Next()
}
