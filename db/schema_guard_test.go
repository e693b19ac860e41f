package db_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// eachDSN runs fn for a fresh, empty SQLite file and PostgreSQL database.
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, dbtest.PostgresDSN(t)) })
}

// rawExec runs statements on the database of dsn without our Open (and its checks).
func rawExec(t *testing.T, dsn string, stmts ...string) {
	t.Helper()
	var sqldb *sql.DB
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		var err error
		if sqldb, err = sql.Open(sqliteshim.ShimName, path); err != nil {
			t.Fatal(err)
		}
	} else {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		sqldb = stdlib.OpenDB(*cfg)
	}
	defer sqldb.Close()
	for _, s := range stmts {
		if _, err := sqldb.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestOpenRefusesScaleliteSchema(t *testing.T) {
	t.Parallel()
	for name, stmts := range map[string][]string{
		"rails tables": {
			"CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)",
			"CREATE TABLE ar_internal_metadata (key varchar NOT NULL PRIMARY KEY, value varchar, created_at timestamp NOT NULL, updated_at timestamp NOT NULL)",
			"INSERT INTO schema_migrations (version) VALUES ('20230320145524')",
			"CREATE TABLE recordings (id bigint PRIMARY KEY, record_id varchar, meeting_id varchar)",
		},
		"version-only schema_migrations": {"CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)"},
	} {
		t.Run(name, func(t *testing.T) {
			eachDSN(t, func(t *testing.T, dsn string) {
				rawExec(t, dsn, stmts...)
				_, err := db.Open(context.Background(), dsn, slog.New(slog.DiscardHandler))
				if !errors.Is(err, db.ErrScaleliteSchema) {
					t.Fatalf("Open on Scalelite's schema: %v, want ErrScaleliteSchema", err)
				}
				for _, want := range []string{"Scalelite's own schema", "scalelite import-scalelite", "new, empty database"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("message %q lacks %q", err, want)
					}
				}
				if strings.Contains(err.Error(), "SQLSTATE") || strings.Contains(err.Error(), "dirty") {
					t.Errorf("message is a SQL error: %q", err)
				}
			})
		})
	}
}

func TestOpenMovesLegacyBookkeeping(t *testing.T) {
	t.Parallel()
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Migrate(ctx, "up"); err != nil {
			t.Fatal(err)
		}
		latest, _ := db.LatestMigration(store.Dialect())
		store.Close()
		// A database migrated by an earlier release: golang-migrate's default table name.
		stmts := []string{"ALTER TABLE " + db.MigrationsTable + " RENAME TO schema_migrations"}
		if !strings.HasPrefix(dsn, "sqlite:") {
			stmts = append(stmts, "ALTER INDEX "+db.MigrationsTable+"_pkey RENAME TO schema_migrations_pkey")
		}
		rawExec(t, dsn, stmts...)

		store, err = db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("Open on an earlier release's database: %v", err)
		}
		defer store.Close()
		if v, dirty, err := store.MigrationVersion(ctx); err != nil || v != latest || dirty {
			t.Fatalf("version after the move: %d %v %v, want %d", v, dirty, err, latest)
		}
		if err := store.Migrate(ctx, "up"); err != nil {
			t.Fatalf("up after the move: %v", err)
		}
		tables := store.TableNames(t)
		if !contains(tables, db.MigrationsTable) || contains(tables, "schema_migrations") {
			t.Errorf("tables after the move: %v", tables)
		}
		// Rails could now create its own schema_migrations beside ours (no name left behind).
		rawExec(t, dsn, "CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)")
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		if err := store.Migrate(ctx, "up"); err != nil {
			t.Fatal(err)
		}
		latest, _ := db.LatestMigration(store.Dialect())
		// What a newer release leaves behind.
		rawExec(t, dsn, "UPDATE "+db.MigrationsTable+" SET version = version + 1")
		for _, dir := range []string{"up", "down"} {
			var tooNew *db.SchemaTooNewError
			if err := store.Migrate(ctx, dir); !errors.As(err, &tooNew) || tooNew.Version != latest+1 || tooNew.Latest != latest {
				t.Errorf("migrate %s on a newer schema: %v", dir, err)
			}
		}
		if v, _, err := store.MigrationVersion(ctx); err != nil || v != latest+1 {
			t.Errorf("version left at %d (%v), want %d", v, err, latest+1)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
