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
	// series caches the children of requests and duration per label set (seriesKey ->
	// *seriesMetrics), so a request does not hash its labels into the vectors again. The label
	// sets are bounded (routes, methods, codes, outcomes), hence so is the cache.
	series sync.Map
}

type seriesKey struct {
	method, route, outcome string
	status                 int
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
		requests: m.requests.WithLabelValues(k.method, k.route, strconv.Itoa(k.status), k.outcome),
		duration: m.duration.WithLabelValues(k.method, k.route),
	}
	actual, _ := m.series.LoadOrStore(k, s)
	return actual.(*seriesMetrics)
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scalelite_http_requests_total",
			Help: "HTTP requests by method, route pattern, status code and outcome.",
		}, []string{"method", "route", "code", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "scalelite_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "scalelite_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight} {
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
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		c.Next()
		route := routeLabel(c)
		method := metricMethod(c.Request.Method)
		status := c.Writer.Status()
		outcome := c.GetString(OutcomeKey)
		if outcome == "" {
			outcome = statusOutcome(status)
		}
		s := m.seriesFor(seriesKey{method: method, route: route, outcome: outcome, status: status})
		s.requests.Inc()
		s.duration.Observe(time.Since(start).Seconds())
	}
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
