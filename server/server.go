// Package server builds the HTTP edge of the api role: a gin engine with request ids, slog access
// logs, panic recovery, trusted proxies, the host allow-list, Prometheus metrics, health endpoints,
// and the mount points of the roles (the BBB API, GraphQL, the console, playback). It holds no
// business logic; Run owns the http.Server and its graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/scalelite-go/scalelite/internal/clienthost"
)

// Config is the server's section of the configuration.
type Config struct {
	// TrustedProxies lists the IPs and CIDRs whose X-Forwarded-For and X-Forwarded-Host headers
	// are believed. Empty trusts none.
	TrustedProxies []string
	// URLHost, when set, is the only host answered (Scalelite's URL_HOST); health and metrics
	// endpoints are exempt. AllowSubdomains also allows every subdomain (multitenancy).
	URLHost         string
	AllowSubdomains bool
}

// Check is one readiness check, e.g. a database ping.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// Mount routes one path pattern (gin syntax, e.g. "/graphql" or "/admin/*path") to a plain
// http.Handler, for roles that do not use gin.
type Mount struct {
	Path string
	// Methods lists the HTTP methods; nil means GET and HEAD.
	Methods []string
	Handler http.Handler
}

// Deps are the server's collaborators. Only Logger and Registry are required.
type Deps struct {
	Logger *slog.Logger
	// Registry receives the HTTP metrics and is served at /metrics.
	Registry *prometheus.Registry
	// Checks decide /readyz and /health_check (database, Redis, migrations).
	Checks []Check
	// BBBAPI registers the /bigbluebutton/api routes (with full paths) on the root router.
	BBBAPI func(r gin.IRouter)
	// Routes register further gin routes (with full paths), e.g. Scalelite's admin API.
	Routes []func(r gin.IRouter)
	// Mounts route paths to plain handlers: /graphql, /admin, playback.
	Mounts []Mount
	// NoRoute answers requests no route matches, wrong methods included (Scalelite answers
	// them all with the BBB unsupportedRequest document). nil answers a plain 404.
	NoRoute gin.HandlerFunc
}

// OutcomeKey is the gin context key under which a handler may store a short outcome label for
// the request metrics (for example a BBB messageKey such as "checksumError"); by default the
// outcome is derived from the status code. Keep the set of values small.
const OutcomeKey = "outcome"

// RouteKey is the gin context key under which a handler may store a more precise route label
// for metrics and access logs than its pattern, e.g. "/bigbluebutton/api/create" for a request
// matched by "/bigbluebutton/api/*action". Keep the set of values small (known routes only).
const RouteKey = "route"

// TenantKey is the gin context key under which a handler stores the name of the tenant a request
// was authenticated for (multitenancy), the tenant label of the request metrics. Set it only
// for tenants that exist, so the label's values stay bounded.
const TenantKey = "tenant"

// RequestIDKey is the gin context key holding the request id.
const RequestIDKey = "request_id"

// New builds the HTTP handler of the api role.
func New(cfg Config, deps Deps) (h http.Handler, err error) {
	if deps.Logger == nil || deps.Registry == nil {
		return nil, errors.New("server: Logger and Registry are required")
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	if err := engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	hosts, err := clienthost.NewResolver(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(deps.Registry)
	if err != nil {
		return nil, err
	}
	logger := deps.Logger.With("component", "http")
	engine.Use(requestID(), m.observe(), accessLog(logger), recovery(logger), clientHost(hosts), allowHosts(cfg))

	// gin panics on conflicting routes; report them as errors instead.
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("register routes: %v", r)
		}
	}()

	registerHealth(engine, deps, logger)
	engine.Any("/", (&health{checks: deps.Checks, logger: logger}).scalelite)

	if deps.BBBAPI != nil {
		deps.BBBAPI(engine)
	}
	for _, register := range deps.Routes {
		register(engine)
	}
	for _, mt := range deps.Mounts {
		methods := mt.Methods
		if methods == nil {
			methods = []string{http.MethodGet, http.MethodHead}
		}
		for _, method := range methods {
			engine.Handle(method, mt.Path, gin.WrapH(mt.Handler))
		}
	}
	if deps.NoRoute != nil {
		engine.NoRoute(deps.NoRoute)
	} else {
		engine.NoRoute(func(c *gin.Context) { c.String(http.StatusNotFound, "404 page not found\n") })
	}
	return engine, nil
}
