package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/server"
)

func serveCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run the load balancer",
		Description: `Runs the roles of the balancer in one process until SIGINT or SIGTERM:
  api       the BBB API (/bigbluebutton/api), playback, /healthz, /readyz, /health_check, /metrics
  poller    polls the BBB servers (one active per cluster)
  importer  imports recordings from RECORDING_SPOOL_DIR (one active per cluster)
Pending database migrations are applied on start (AUTO_MIGRATE=false turns that off).
Configuration comes from environment variables, over SCALELITE_ENV_FILE; see
docs/configuration.md. SIGHUP (systemctl reload) reads it again and applies LOG_LEVEL,
LOADBALANCER_SECRET, LOADBALANCER_SECRETS and ADMIN_API_KEY without a restart.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "roles", Usage: "comma-separated roles to run (default: SCALELITE_ROLES, or api,poller,importer)"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("serve takes no arguments (got %q)", cmd.Args().First())
			}
			cfg, logger, err := e.loadConfig(e.lookupEnv)
			if err != nil {
				return err
			}
			roles := cfg.Roles
			if cmd.IsSet("roles") {
				if roles, err = config.ParseRoles(cmd.String("roles")); err != nil {
					return usagef("--roles: %v", err)
				}
			}
			if err := cfg.ValidateFor(roles); err != nil {
				return fmt.Errorf("configuration:\n  %w", err)
			}
			in, err := startInstance(ctx, cfg, roles, logger)
			if err != nil {
				return err
			}
			if in.ln != nil {
				fmt.Fprintf(e.stdout, "scalelite %s serving %s on %s\n", buildVersion(), roles, in.baseURL())
			} else {
				fmt.Fprintf(e.stdout, "scalelite %s running %s\n", buildVersion(), roles)
			}
			if in.metrics != nil {
				fmt.Fprintf(e.stdout, "metrics and health on %s\n", listenerURL(in.metrics))
			}
			e.reloadOnHangup(ctx, in)
			return in.run(ctx)
		},
	}
}

// instance is a running serve process: shared infrastructure plus the roles.
type instance struct {
	app     *app
	roles   config.Roles
	logger  *slog.Logger
	ln      net.Listener // nil without the api role
	metrics net.Listener // METRICS_BIND's listener, nil when unset
	api     *api
	poller  *poller.Poller
	jobs    []role
	closers []func()
}

// startInstance opens the infrastructure, applies migrations, builds the roles and, with the
// api role, listens on the configured address (so the port is known before run).
func startInstance(ctx context.Context, cfg *config.Config, roles config.Roles, logger *slog.Logger) (_ *instance, err error) {
	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	in := &instance{app: a, roles: roles, logger: logger}
	defer func() {
		if err != nil {
			in.close()
		}
	}()
	if err := a.migrate(ctx); err != nil {
		return nil, err
	}
	a.registry.MustRegister(server.NewReadinessCollector(a.checks(), logger))
	if !cfg.Recordings.Disabled && (roles.Has(config.RoleImporter) || roles.Has(config.RoleAPI)) {
		makeRecordingDirs(cfg.Recordings, logger)
	}
	if roles.Has(config.RolePoller) {
		if in.poller, err = a.newPoller(); err != nil {
			return nil, err
		}
		in.jobs = append(in.jobs, role{name: "poller", run: in.poller.Run, stopsAtOnce: true})
	}
	if roles.Has(config.RoleImporter) {
		if jobs := a.newImporter(); jobs != nil {
			in.jobs = append(in.jobs, jobs...)
		} else {
			logger.Info("RECORDING_DISABLED=true: the importer role does nothing")
		}
	}
	if roles.Has(config.RoleAPI) {
		if in.api, err = a.newAPI(); err != nil {
			return nil, err
		}
		in.jobs = append(in.jobs, in.api.jobs...)
		if in.ln, err = net.Listen("tcp", cfg.HTTP.Addr); err != nil {
			return nil, fmt.Errorf("listen on %s (BIND/PORT): %w", cfg.HTTP.Addr, err)
		}
	}
	if err := in.listenMetrics(); err != nil {
		return nil, err
	}
	return in, nil
}

// baseURL is the URL the api role answers on, with a loopback host when listening on all
// interfaces.
func (in *instance) baseURL() string { return listenerURL(in.ln) }

// listenerURL is the http URL of ln, with a loopback host when listening on all interfaces.
func listenerURL(ln net.Listener) string {
	addr := ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// run serves until ctx ends or a role fails, then shuts down in order: the poller and importer
// stop at once (their leases pass to a standby instance at once; an import in progress gets its
// grace period) while HTTP drains (in-flight requests finish), then the other background jobs,
// then (close) the API keys' last-use writes still running, then the stores.
func (in *instance) run(ctx context.Context) error {
	defer in.close()
	stopCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	rolesCtx, stopRoles := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRoles()
	leaseCtx, stopLeases := context.WithCancel(rolesCtx)
	defer stopLeases()
	go func() {
		<-stopCtx.Done()
		stopLeases()
	}()

	var wg sync.WaitGroup
	for _, r := range in.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jobCtx := rolesCtx
			if r.stopsAtOnce {
				jobCtx = leaseCtx
			}
			if err := r.run(jobCtx); err != nil && jobCtx.Err() == nil {
				stop(fmt.Errorf("%s: %w", r.name, err))
			}
		}()
	}
	var httpErr error
	if in.ln != nil {
		httpErr = server.Serve(stopCtx, in.ln, in.api.handler, in.logger)
		in.ln = nil
		if httpErr != nil {
			stop(httpErr)
		}
	} else {
		<-stopCtx.Done()
	}
	in.logger.Info("stopping background roles")
	stopRoles()
	wg.Wait()
	if cause := context.Cause(stopCtx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return httpErr
}

// close releases everything in reverse order of creation, the stores last.
func (in *instance) close() {
	for _, ln := range []net.Listener{in.ln, in.metrics} {
		if ln != nil {
			ln.Close()
		}
	}
	in.ln, in.metrics = nil, nil
	for i := len(in.closers) - 1; i >= 0; i-- {
		in.closers[i]()
	}
	in.closers = nil
	in.app.close()
}

// makeRecordingDirs creates the recording directories that are missing. Failing is only a
// warning: on shared storage they may be created by someone else, and the importer reports
// what it cannot reach.
func makeRecordingDirs(rc config.Recordings, logger *slog.Logger) {
	for _, dir := range []string{rc.SpoolDir, rc.WorkDir, rc.PublishDir, rc.UnpublishDir} {
		if err := os.MkdirAll(dir, 0o775); err != nil {
			logger.Warn("cannot create recording directory", "dir", dir, "err", err)
		}
	}
}
