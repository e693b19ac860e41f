package main

import (
	"context"
	"fmt"
	"net"

	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/server"
)

// listenMetrics opens the metrics and health listener (METRICS_BIND) when configured: the only
// port of a poller or importer process, and a port apart from the public one for the api role.
// Without it a process with no api role cannot be scraped, which is logged.
func (in *instance) listenMetrics() error {
	cfg := in.app.cfg
	if cfg.HTTP.MetricsAddr == "" {
		if !in.roles.Has(config.RoleAPI) {
			in.logger.Info("METRICS_BIND is not set: this process serves no metrics or health endpoints")
		}
		return nil
	}
	h, err := server.NewMetricsListener(server.Deps{Logger: in.logger, Registry: in.app.registry, Checks: in.app.checks()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (METRICS_BIND): %w", cfg.HTTP.MetricsAddr, err)
	}
	in.metrics = ln
	in.jobs = append(in.jobs, role{name: "metrics listener", run: func(ctx context.Context) error {
		return server.Serve(ctx, ln, h, in.logger.With("component", "metrics-http"))
	}})
	return nil
}
