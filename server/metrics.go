package server

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// Websocket connections (GraphQL subscriptions) last as long as the client stays: they are
	// counted here and kept out of the request latency and in-flight series.
	wsOpen     *prometheus.GaugeVec
	wsTotal    *prometheus.CounterVec
	wsDuration *prometheus.HistogramVec
	// series caches the children of requests and duration per label set (seriesKey ->
	// *seriesMetrics), so a request does not hash its labels into the vectors again. The label
	// sets are bounded (routes, methods, codes, outcomes), hence so is the cache.
	series sync.Map
}

type seriesKey struct {
	method, route, outcome, tenant string
	status                         int
}

type seriesMetrics struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// seriesFor returns the counter and histogram of one label set.
func (m *metrics) seriesFor(k seriesKey) *seriesMetrics {
	if s, ok := m.series.Load(k); ok {
		return s.(*seriesMetrics)
	}
	s := &seriesMetrics{
		requests: m.requests.WithLabelValues(k.method, k.route, strconv.Itoa(k.status), k.outcome, k.tenant),
		duration: m.duration.WithLabelValues(k.method, k.route, k.tenant),
	}
	actual, _ := m.series.LoadOrStore(k, s)
	return actual.(*seriesMetrics)
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scalelite_http_requests_total",
			Help: "HTTP requests by method, route pattern, status code, outcome (a BBB messageKey, or success, client_error, server_error) and tenant (multitenancy; empty otherwise). Websocket connections are not counted here.",
		}, []string{"method", "route", "code", "outcome", "tenant"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scalelite_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route pattern and tenant. Websocket connections are not timed here.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route", "tenant"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "scalelite_http_requests_in_flight",
			Help: "HTTP requests being answered, websocket connections excluded.",
		}),
		wsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "scalelite_http_websocket_connections",
			Help: "Open websocket connections (GraphQL subscriptions), by route pattern.",
		}, []string{"route"}),
		wsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scalelite_http_websocket_connections_total",
			Help: "Websocket upgrade requests, by route pattern (refused ones are also counted as HTTP requests).",
		}, []string{"route"}),
		wsDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scalelite_http_websocket_connection_duration_seconds",
			Help:    "How long websocket connections stayed open, by route pattern.",
			Buckets: []float64{1, 10, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600},
		}, []string{"route"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight, m.wsOpen, m.wsTotal, m.wsDuration} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register http metrics: %w", err)
		}
	}
	return m, nil
}

// observe counts and times every request. Labels use the route pattern, never the raw path, so
// their number stays bounded.
func (m *metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		if c.IsWebsocket() {
			m.observeWebsocket(c, start)
			return
		}
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		c.Next()
		m.count(c, start)
	}
}

// count records a finished request.
func (m *metrics) count(c *gin.Context, start time.Time) {
	route := routeLabel(c)
	method := metricMethod(c.Request.Method)
	status := c.Writer.Status()
	outcome := c.GetString(OutcomeKey)
	if outcome == "" {
		outcome = statusOutcome(status)
	}
	s := m.seriesFor(seriesKey{method: method, route: route, outcome: outcome, tenant: c.GetString(TenantKey), status: status})
	s.requests.Inc()
	s.duration.Observe(time.Since(start).Seconds())
}

// observeWebsocket counts a websocket upgrade request: an accepted connection (101) as a
// websocket connection for as long as it lasts; a refused upgrade as an ordinary request.
func (m *metrics) observeWebsocket(c *gin.Context, start time.Time) {
	route := routeLabel(c)
	open := m.wsOpen.WithLabelValues(route)
	open.Inc()
	m.wsTotal.WithLabelValues(route).Inc()
	c.Next()
	open.Dec()
	if c.Writer.Status() != http.StatusSwitchingProtocols {
		m.count(c, start)
		return
	}
	m.wsDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
}

func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "OTHER"
}

func statusOutcome(status int) string {
	switch {
	case status >= 500:
		return "server_error"
	case status >= 400:
		return "client_error"
	}
	return "success"
}

// routeLabel is the route for metrics and logs: the handler's RouteKey, else the matched
// pattern, else "unmatched".
func routeLabel(c *gin.Context) string {
	if r := c.GetString(RouteKey); r != "" {
		return r
	}
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
