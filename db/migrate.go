package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	migratesqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun/driver/sqliteshim"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFiles embed.FS

// Migrate applies migrations: "up" applies every pending one, "down" reverts the last one.
// Having nothing to do is not an error. A schema newer than this binary's migrations gives a
// *SchemaTooNewError and is left alone. On PostgreSQL an advisory lock lets only one process
// migrate at a time.
func (db *DB) Migrate(ctx context.Context, direction string) error {
	if direction != "up" && direction != "down" {
		return fmt.Errorf("migrate %q: direction must be up or down", direction)
	}
	m, closeAll, err := db.migrator(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	if err := db.checkKnown(m); err != nil {
		return err
	}
	finished := make(chan struct{})
	defer close(finished)
	go func() {
		select {
		case <-ctx.Done():
			select {
			case m.GracefulStop <- true:
			default:
			}
		case <-finished:
		}
	}()
	if direction == "up" {
		err = m.Up()
	} else {
		err = m.Steps(-1)
	}
	if errors.Is(err, migrate.ErrNoChange) || errors.Is(err, fs.ErrNotExist) && direction == "down" {
		// Nothing to do: up to date, or down with no migration applied.
		return nil
	}
	if err != nil {
		return fmt.Errorf("migrate %s %s: %w", db.dialect, direction, err)
	}
	return ctx.Err()
}

// checkKnown returns a *SchemaTooNewError when the applied version is newer than every embedded
// migration (golang-migrate would only say it found no migration file for it).
func (db *DB) checkKnown(m *migrate.Migrate) error {
	v, _, err := m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("migration version: %w", err)
	}
	latest, err := LatestMigration(db.dialect)
	if err != nil {
		return err
	}
	if v > latest {
		return &SchemaTooNewError{Version: v, Latest: latest}
	}
	return nil
}

// MigrationVersion returns the applied schema version (0 when none) and whether the last
// migration failed half-way (dirty).
func (db *DB) MigrationVersion(ctx context.Context) (uint, bool, error) {
	m, closeAll, err := db.migrator(ctx)
	if err != nil {
		return 0, false, err
	}
	defer closeAll()
	v, dirty, err := m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("migration version: %w", err)
	}
	return v, dirty, nil
}

// migrator builds a migrate instance on its own connection pool (migrate closes what it is given).
func (db *DB) migrator(ctx context.Context) (*migrate.Migrate, func(), error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+db.dialect)
	if err != nil {
		return nil, nil, fmt.Errorf("migrations for %s: %w", db.dialect, err)
	}
	src, err := iofs.New(sub, ".")
	if err != nil {
		return nil, nil, fmt.Errorf("migrations for %s: %w", db.dialect, err)
	}
	var (
		sqldb  *sql.DB
		driver database.Driver
	)
	switch db.dialect {
	case Postgres:
		cfg, perr := pgx.ParseConfig(db.dsn)
		if perr != nil {
			return nil, nil, fmt.Errorf("migrate: %w", perr)
		}
		sqldb = stdlib.OpenDB(*cfg)
		if err = sqldb.PingContext(ctx); err == nil {
			driver, err = migratepgx.WithInstance(sqldb, &migratepgx.Config{MigrationsTable: MigrationsTable})
		}
	case SQLite:
		path, perr := sqlitePath(db.dsn)
		if perr != nil {
			return nil, nil, perr
		}
		if sqldb, err = sql.Open(sqliteshim.ShimName, sqliteDriverDSN(path, false)); err != nil {
			return nil, nil, fmt.Errorf("migrate: %w", err)
		}
		sqldb.SetMaxOpenConns(1)
		driver, err = migratesqlite.WithInstance(sqldb, &migratesqlite.Config{MigrationsTable: MigrationsTable})
	default:
		return nil, nil, fmt.Errorf("migrate: unknown dialect %q", db.dialect)
	}
	if err != nil {
		sqldb.Close()
		src.Close()
		return nil, nil, fmt.Errorf("migrate %s: %w", db.dialect, err)
	}
	m, err := migrate.NewWithInstance("iofs", src, db.dialect, driver)
	if err != nil {
		driver.Close()
		src.Close()
		return nil, nil, fmt.Errorf("migrate %s: %w", db.dialect, err)
	}
	return m, func() { m.Close() }, nil
}
