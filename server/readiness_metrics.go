package server

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
)

// readinessCollector runs the readiness checks (database, Redis) at each scrape, so a dashboard
// and the alert rules see what /readyz would answer, from every role.
type readinessCollector struct {
	health *health
	desc   *prometheus.Desc
}

// NewReadinessCollector returns a collector of scalelite_readiness_check{check}: 1 when the
// check passes, 0 when it fails. Each check is bounded by the same timeout as /readyz.
func NewReadinessCollector(checks []Check, logger *slog.Logger) prometheus.Collector {
	return &readinessCollector{
		health: &health{checks: checks, logger: logger.With("component", "readiness-metrics")},
		desc: prometheus.NewDesc("scalelite_readiness_check",
			"1 when the readiness check (database, redis) passes at scrape time, 0 when it fails.", []string{"check"}, nil),
	}
}

func (c *readinessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *readinessCollector) Collect(ch chan<- prometheus.Metric) {
	results, _ := c.health.run(context.Background())
	for name, res := range results {
		v := 0.0
		if res == "ok" {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, name)
	}
}
