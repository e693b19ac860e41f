package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/uptrace/bun"
)

// MigrationsTable is the table that records which of our migrations are applied. Rails keeps its
// own schema_migrations (one text column, version) in Scalelite's database, so ours has a name of
// its own. Databases migrated before this name existed keep their bookkeeping: Open moves it
// from schema_migrations (golang-migrate's default, with its version and dirty columns).
const MigrationsTable = "scalelite_go_migrations"

const legacyMigrationsTable = "schema_migrations"

// ErrScaleliteSchema is the code-level cause of the error Open returns for a database that
// holds Scalelite's own (Rails) schema; test for it with errors.Is.
var ErrScaleliteSchema = errors.New("database holds Scalelite's Rails schema")

// scaleliteSchemaError says what to do with a database holding Scalelite's schema.
type scaleliteSchemaError struct{ dsn string }

func (e *scaleliteSchemaError) Error() string {
	return "database " + e.dsn + " holds Scalelite's own schema (Rails tables schema_migrations and ar_internal_metadata); " +
		"the balancer needs a database of its own: point DATABASE_URL at a new, empty database and bring " +
		"Scalelite's data over with 'scalelite import-scalelite --database <Scalelite's DATABASE_URL> " +
		"--redis <Scalelite's REDIS_URL>' (see docs/migrating-from-scalelite.md)"
}

func (e *scaleliteSchemaError) Is(target error) bool { return target == ErrScaleliteSchema }

// SchemaTooNewError is returned when the database was migrated by a newer release than this
// binary: its schema version is above every migration this binary embeds.
type SchemaTooNewError struct {
	Version uint // applied
	Latest  uint // the newest this binary knows
}

func (e *SchemaTooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this binary knows (its latest is %d)", e.Version, e.Latest)
}

// LatestMigration returns the newest migration version embedded for the dialect ("postgres"
// or "sqlite").
func LatestMigration(dialect string) (uint, error) {
	names, err := fs.Glob(migrationFiles, "migrations/"+dialect+"/*.up.sql")
	if err != nil || len(names) == 0 {
		return 0, fmt.Errorf("no migrations embedded for %q", dialect)
	}
	var latest uint
	for _, name := range names {
		prefix, _, _ := strings.Cut(path.Base(name), "_")
		v, err := strconv.ParseUint(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration file %s: %w", name, err)
		}
		latest = max(latest, uint(v))
	}
	return latest, nil
}

// schemaTables tells which bookkeeping tables a database has.
type schemaTables struct {
	ARInternalMetadata bool `bun:"ar_internal_metadata"`
	Legacy             bool `bun:"legacy"`       // schema_migrations exists
	LegacyDirty        bool `bun:"legacy_dirty"` // ... with golang-migrate's dirty column
	Ours               bool `bun:"ours"`
}

// rails reports whether the tables are Scalelite's (Rails) bookkeeping: ar_internal_metadata,
// or a schema_migrations without golang-migrate's dirty column.
func (t schemaTables) rails() bool { return t.ARInternalMetadata || t.Legacy && !t.LegacyDirty }

func (db *DB) schemaTables(ctx context.Context, idb bun.IDB) (schemaTables, error) {
	var q string
	if db.dialect == Postgres {
		q = `SELECT to_regclass('ar_internal_metadata') IS NOT NULL AS ar_internal_metadata,
	to_regclass('schema_migrations') IS NOT NULL AS legacy,
	EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name = 'schema_migrations' AND column_name = 'dirty') AS legacy_dirty,
	to_regclass('` + MigrationsTable + `') IS NOT NULL AS ours`
	} else {
		q = `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ar_internal_metadata') AS ar_internal_metadata,
	EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations') AS legacy,
	EXISTS (SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'dirty') AS legacy_dirty,
	EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '` + MigrationsTable + `') AS ours`
	}
	var t schemaTables
	if err := idb.NewRaw(q).Scan(ctx, &t); err != nil {
		return t, fmt.Errorf("inspect %s schema: %w", db.dialect, err)
	}
	return t, nil
}

// checkSchema runs when the database is opened. It refuses a database that holds Scalelite's
// Rails schema (our tables have the same names as Scalelite's), and moves the migration
// bookkeeping of a database migrated by an earlier release from schema_migrations to
// MigrationsTable.
func (db *DB) checkSchema(ctx context.Context) error {
	t, err := db.schemaTables(ctx, db.rw)
	if err != nil {
		return err
	}
	if t.rails() {
		return &scaleliteSchemaError{dsn: scalelite.RedactURL(db.dsn)}
	}
	if !t.Legacy || t.Ours {
		return nil
	}
	return db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.dialect == Postgres {
			// Concurrent starts of several instances: one renames, the others find it done.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", MigrationsTable); err != nil {
				return fmt.Errorf("lock migration bookkeeping: %w", err)
			}
		}
		t, err := db.schemaTables(ctx, tx)
		if err != nil || !t.Legacy || t.Ours || t.rails() {
			return err
		}
		stmts := []string{"ALTER TABLE " + legacyMigrationsTable + " RENAME TO " + MigrationsTable}
		if db.dialect == Postgres {
			stmts = append(stmts, "ALTER INDEX IF EXISTS "+legacyMigrationsTable+"_pkey RENAME TO "+MigrationsTable+"_pkey")
		}
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("move migration bookkeeping to %s: %w", MigrationsTable, err)
			}
		}
		db.logger.InfoContext(ctx, "migration bookkeeping moved", "from", legacyMigrationsTable, "to", MigrationsTable)
		return nil
	})
}
