package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// registerHealth routes the health endpoints and /metrics, the same on the api role's listener
// and on the metrics listener.
func registerHealth(r gin.IRouter, deps Deps, logger *slog.Logger) {
	h := &health{checks: deps.Checks, logger: logger}
	for path, handle := range map[string]gin.HandlerFunc{"/healthz": h.live, "/readyz": h.ready, "/health_check": h.scalelite} {
		r.GET(path, handle)
		r.HEAD(path, handle)
	}
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{Registry: deps.Registry})))
}

// NewMetricsListener builds the handler of the metrics and health listener (METRICS_BIND) that
// every role can open, the poller and importer included: /metrics, /healthz, /readyz and
// /health_check, as on the api role's port. Only Deps.Logger, Registry and Checks are used.
func NewMetricsListener(deps Deps) (http.Handler, error) {
	if deps.Logger == nil || deps.Registry == nil {
		return nil, errors.New("server: Logger and Registry are required")
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	logger := deps.Logger.With("component", "metrics-http")
	engine.Use(recovery(logger))
	registerHealth(engine, deps, logger)
	engine.NoRoute(func(c *gin.Context) { c.String(http.StatusNotFound, "404 page not found\n") })
	return engine, nil
}
