package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/server"
)

// cacheTTL bounds how long a cached row lives when Redis is configured.
const cacheTTL = time.Minute

// migrateLock is the cluster-wide lock serve holds while it applies migrations.
const migrateLock = "migrate"

// newLogger builds the process logger; the only place a slog handler is chosen. A level var,
// when given, replaces c.Level (and can change later).
func newLogger(w io.Writer, c config.Log, level ...*slog.LevelVar) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.Level}
	if len(level) > 0 {
		opts.Level = level[0]
	}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loadConfig reads the configuration and the logger it asks for, whose level a reload can
// change (e.logLevel).
func (e *env) loadConfig(lookup func(string) (string, bool)) (*config.Config, *slog.Logger, error) {
	cfg, err := config.LoadLookup(lookup)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	e.logLevel = new(slog.LevelVar)
	e.logLevel.Set(cfg.Log.Level)
	return cfg, newLogger(e.stderr, cfg.Log, e.logLevel), nil
}

// openDB opens the configured database, creating the data directory of the embedded default.
func openDB(ctx context.Context, cfg config.Database, logger *slog.Logger) (*db.DB, error) {
	if cfg.Dialect() == "sqlite" {
		dir := filepath.Dir(strings.TrimPrefix(cfg.URL, "sqlite:"))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
	}
	store, err := db.Open(ctx, cfg.URL, logger.With("component", "db"))
	if err != nil {
		return nil, err
	}
	return store, nil
}

// app is the process's shared infrastructure: the system of record, the Redis layer or its
// in-process equivalents, and the metrics registry. Roles are built on top of it.
type app struct {
	cfg      *config.Config
	logger   *slog.Logger
	db       *db.DB
	store    scalelite.Store // db, or db behind the Redis cache
	redis    *redisstore.Client
	pub      scalelite.Publisher
	sub      scalelite.Subscriber
	locker   scalelite.Locker
	tokens   scalelite.TokenStore
	registry *prometheus.Registry
	recs     *recordingsKit                   // built on first use by recordings()
	svc      *services                        // built on first use by services()
	keys     *scalelite.APIKeyService         // built on first use by apiKeys()
	leases   map[config.Role]*scalelite.Lease // of the singleton roles this process runs (leases.go)
	history  *loadhistory.Recorder            // built on first use by loadHistory()
	closers  []func()                         // run in reverse order by close
	// onReload apply the settings that can change while serving (SIGHUP; see reload.go).
	onReload []func(*config.Config)
}

// openApp connects to everything the roles share. Close it when done.
func openApp(ctx context.Context, cfg *config.Config, logger *slog.Logger) (_ *app, err error) {
	a := &app{cfg: cfg, logger: logger, registry: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newLeaseCollector(a))

	if a.db, err = openDB(ctx, cfg.Database, logger); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = a.db.Close() })
	a.store = a.db

	if !cfg.Redis.Enabled() {
		broker := events.NewBroker(events.DefaultBuffer)
		a.closers = append(a.closers, broker.Close)
		a.pub, a.sub = broker, broker
		a.locker = events.NewLocalLocker()
		a.tokens = events.NewLocalTokens(time.Now)
		logger.Info("REDIS_URL is not set: caches, events and locks are in-process; run a single instance only")
		return a, nil
	}
	rlog := logger.With("component", "redis")
	if a.redis, err = redisstore.Connect(ctx, cfg.Redis.URL, cfg.Redis.Namespace, rlog); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, a.redis.Close)
	ps, err := redisstore.NewPubSub(ctx, a.redis, rlog)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, ps.Close)
	a.pub, a.sub = ps, ps
	locker, err := redisstore.NewLocker(ctx, cfg.Redis.URL, cfg.Redis.Namespace)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, locker.Close)
	a.locker = locker
	a.tokens = redisstore.NewTokens(a.redis)
	a.store = redisstore.NewCachedStore(a.redis, a.db, cacheTTL)
	return a, nil
}

// close waits for the API keys' background last-use writes (callers stop serving first), then
// releases everything in reverse order of creation.
func (a *app) close() {
	if a.keys != nil {
		a.keys.WaitLastUse()
	}
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// apiKeys returns the process's one API key service (the control plane's and the commands'),
// so that close can wait for the last-use writes it starts in the background.
func (a *app) apiKeys() *scalelite.APIKeyService {
	if a.keys == nil {
		a.keys = scalelite.NewAPIKeyService(a.store, a.store, a.cfg.Admin.APIKey)
		a.keys.Logger = a.logger.With("component", "api-keys")
		a.onReload = append(a.onReload, func(c *config.Config) { a.keys.SetAdminKey(c.Admin.APIKey) })
	}
	return a.keys
}

// migrate applies pending migrations under the cluster-wide lock, or, with AUTO_MIGRATE=false,
// refuses to go on without a usable schema.
func (a *app) migrate(ctx context.Context) error {
	if !a.cfg.Database.AutoMigrate {
		v, dirty, err := a.db.MigrationVersion(ctx)
		if err != nil {
			return err
		}
		latest, err := db.LatestMigration(a.db.Dialect())
		switch {
		case err != nil:
			return err
		case dirty:
			return fmt.Errorf("database schema version %d is dirty (a migration failed half-way); fix it, then run 'scalelite migrate up'", v)
		case v == 0:
			return errors.New("database has no schema and AUTO_MIGRATE=false: run 'scalelite migrate up' first")
		case v > latest:
			return schemaError(&db.SchemaTooNewError{Version: v, Latest: latest})
		case v < latest:
			return fmt.Errorf("database schema version %d is older than this binary needs (%d) and AUTO_MIGRATE=false: "+
				"run 'scalelite migrate up' with this binary first", v, latest)
		}
		return nil
	}
	held, release, err := a.locker.Acquire(ctx, migrateLock)
	if err != nil {
		return fmt.Errorf("wait for the migration lock: %w", err)
	}
	defer release()
	if err := a.db.Migrate(held, "up"); err != nil {
		return schemaError(err)
	}
	v, _, err := a.db.MigrationVersion(held)
	if err != nil {
		return err
	}
	a.logger.Info("database schema up to date", "dialect", a.db.Dialect(), "version", v)
	return nil
}

// schemaError adds what to do to a *db.SchemaTooNewError: run the newer release, or roll the
// schema back with the newer binary.
func schemaError(err error) error {
	var tooNew *db.SchemaTooNewError
	if !errors.As(err, &tooNew) {
		return err
	}
	return fmt.Errorf("%w: a newer scalelite migrated it, and this binary will not run on a schema it does not know; "+
		"run the newer release, or roll back with the newer binary: 'scalelite migrate down' once per version, "+
		"until 'scalelite migrate version' prints %d (see docs/operations.md)", err, tooNew.Latest)
}

// checks are the readiness checks of /readyz and /health_check.
func (a *app) checks() []server.Check {
	checks := []server.Check{{Name: "database", Check: a.db.Ping}}
	if a.redis != nil {
		checks = append(checks, server.Check{Name: "redis", Check: a.redis.Ping})
	}
	return checks
}
