package db_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// eachDSN runs fn for a fresh, empty SQLite file and PostgreSQL database.
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "g.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, dbtest.PostgresDSN(t)) })
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
				dbtest.Exec(t, dsn, stmts...)
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
		store, latest := openMigrated(t, dsn)
		store.Close()
		// A database migrated by an earlier release: golang-migrate's default table name.
		stmts := []string{"ALTER TABLE " + db.MigrationsTable + " RENAME TO schema_migrations"}
		if !strings.HasPrefix(dsn, "sqlite:") {
			stmts = append(stmts, "ALTER INDEX "+db.MigrationsTable+"_pkey RENAME TO schema_migrations_pkey")
		}
		dbtest.Exec(t, dsn, stmts...)

		store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
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
		dbtest.Exec(t, dsn, "CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)")
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	eachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		store, latest := openMigrated(t, dsn)
		defer store.Close()
		// What a newer release leaves behind.
		dbtest.Exec(t, dsn, "UPDATE "+db.MigrationsTable+" SET version = version + 1")
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

// openMigrated opens dsn and migrates it up; it returns the store and its latest version.
func openMigrated(t *testing.T, dsn string) (*db.DB, uint) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Migrate(ctx, "up"); err != nil {
		t.Fatal(err)
	}
	latest, _ := db.LatestMigration(store.Dialect())
	return store, latest
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
