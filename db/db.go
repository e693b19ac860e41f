// Package db implements the scalelite stores on SQL with bun: PostgreSQL through the pgx stdlib
// driver, SQLite through modernc (sqliteshim, no cgo). It is the only package that imports bun and
// golang-migrate. Schema changes are SQL migrations embedded per dialect (see Migrate).
package db

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Dialect names returned by DB.Dialect.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// SlowQueryThreshold is the duration above which a query is logged at warn level.
const SlowQueryThreshold = 200 * time.Millisecond

// DB is the SQL system of record. It implements scalelite.Store.
//
// On PostgreSQL reads and writes share one pool. On SQLite writes go through a pool of exactly one
// connection whose transactions start with BEGIN IMMEDIATE, so writers queue in the process instead
// of spinning on SQLITE_BUSY, and reads use a separate read-only pool (WAL lets them run alongside).
type DB struct {
	dialect string
	dsn     string // the original DSN, for migrations
	rw      *bun.DB
	ro      *bun.DB
	logger  *slog.Logger

	placements *placementQueue // group commit of placements (place_batch.go)
	// applyHook, set only by tests (export_test.go), runs in the placement transaction before
	// each request is applied: it can park the worker or panic as a request would.
	applyHook func(meetingID string)
	imported  importGrowth // rows imported since the last ANALYZE (import.go)

	// Now is the clock used for CreatedAt/UpdatedAt and similar stamps. Open sets time.Now.
	Now func() time.Time
}

// Open connects to the database named by dsn: "postgres://..." or "postgresql://..." for
// PostgreSQL, "sqlite:PATH" for SQLite (the file is created when missing). It does not migrate;
// it refuses a database holding Scalelite's Rails schema (see checkSchema).
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{dsn: dsn, logger: logger, Now: time.Now}
	db.placements = newPlacementQueue(db)
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		err = db.openPostgres(dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		err = db.openSQLite(dsn)
	default:
		return nil, scalelite.Errorf(scalelite.EINVALID, "database URL %q: want postgres://, postgresql:// or sqlite:PATH", scalelite.RedactURL(dsn))
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s database: %w", db.dialect, err)
	}
	if err := db.checkSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openPostgres(dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return scalelite.Errorf(scalelite.EINVALID, "database URL %q: %v", scalelite.RedactURL(dsn), err)
	}
	// bun formats every value into the query text, so each query is unique: preparing and caching
	// statements would only cost a round trip. The simple protocol sends the text as it is.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(max(10, 4*runtime.GOMAXPROCS(0)))
	sqldb.SetMaxIdleConns(max(10, 4*runtime.GOMAXPROCS(0)))
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db.dialect = Postgres
	db.rw = bun.NewDB(sqldb, pgdialect.New())
	db.rw.AddQueryHook(&slowQueryHook{logger: db.logger, threshold: SlowQueryThreshold})
	db.ro = db.rw
	return nil
}

// sqlitePath returns the file path of a "sqlite:PATH" (or "sqlite://PATH") DSN.
func sqlitePath(dsn string) (string, error) {
	path := strings.TrimPrefix(dsn, "sqlite:")
	path = strings.TrimPrefix(path, "//")
	if path == "" || path == ":memory:" || strings.ContainsAny(path, "?#") {
		return "", scalelite.Errorf(scalelite.EINVALID, "database URL %q: want sqlite:PATH with a file path", dsn)
	}
	return path, nil
}

// sqliteDriverDSN is the modernc DSN for path: WAL, a generous busy timeout (other processes such
// as the CLI may hold the write lock), foreign keys, and write-locking transactions.
func sqliteDriverDSN(path string, readOnly bool) string {
	q := "_pragma=busy_timeout(30000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	if readOnly {
		return path + "?" + q + "&_pragma=query_only(1)"
	}
	return path + "?" + q + "&_pragma=journal_mode(WAL)&_txlock=immediate"
}

func (db *DB) openSQLite(dsn string) error {
	path, err := sqlitePath(dsn)
	if err != nil {
		return err
	}
	db.dialect = SQLite
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("open sqlite %s: %w", path, err)
		}
	}
	hook := &slowQueryHook{logger: db.logger, threshold: SlowQueryThreshold}

	w, err := sql.Open(sqliteshim.ShimName, sqliteDriverDSN(path, false))
	if err != nil {
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db.rw = bun.NewDB(w, sqlitedialect.New())
	db.rw.AddQueryHook(hook)
	// Create the file and switch it to WAL before readers open it.
	if err := w.Ping(); err != nil {
		w.Close()
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}

	r, err := sql.Open(sqliteshim.ShimName, sqliteDriverDSN(path, true))
	if err != nil {
		w.Close()
		return fmt.Errorf("open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	db.ro = bun.NewDB(r, sqlitedialect.New())
	db.ro.AddQueryHook(hook)
	return nil
}

// Close stops the placement worker (placements still queued fail) and closes every connection.
func (db *DB) Close() error {
	db.placements.close()
	var err error
	if db.ro != nil && db.ro != db.rw {
		err = db.ro.Close()
	}
	if db.rw != nil {
		if e := db.rw.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Dialect returns "postgres" or "sqlite".
func (db *DB) Dialect() string { return db.dialect }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.ro.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.dialect, err)
	}
	if db.ro != db.rw {
		if err := db.rw.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s: %w", db.dialect, err)
		}
	}
	return nil
}

// now returns the current time in UTC with the microsecond precision both databases keep.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// utc normalises a time for storage.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := utc(*t)
	return &u
}

var _ scalelite.Store = (*DB)(nil)
