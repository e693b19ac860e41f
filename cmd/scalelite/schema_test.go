package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// eachDatabaseEnv runs fn with the environment of a command on a fresh SQLite file and on a
// fresh PostgreSQL database.
func eachDatabaseEnv(t *testing.T, fn func(t *testing.T, env map[string]string)) {
	t.Run("sqlite", func(t *testing.T) {
		env := sqliteEnv(t)
		env["DATABASE_URL"] = "sqlite:" + filepath.Join(env["SCALELITE_DATA_DIR"], "scalelite.db")
		fn(t, env)
	})
	t.Run("postgres", func(t *testing.T) {
		env := sqliteEnv(t)
		env["DATABASE_URL"] = dbtest.PostgresDSN(t)
		fn(t, env)
	})
}

// mustFail runs the command and checks it fails with every want in its error and stderr.
func mustFail(t *testing.T, env map[string]string, args []string, wants ...string) {
	t.Helper()
	_, stderr, err := runCmd(t, env, args...)
	if err == nil {
		t.Fatalf("%v succeeded, want an error with %q", args, wants)
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			t.Errorf("%v: stderr %q lacks %q", args, stderr, w)
		}
	}
}

// A binary refuses a schema newer than it knows, and with AUTO_MIGRATE=false one older than it
// needs, each saying what to do.
func TestSchemaVersionChecks(t *testing.T) {
	eachDatabaseEnv(t, func(t *testing.T, env map[string]string) {
		if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
			t.Fatalf("migrate up: %v\n%s", err, stderr)
		}
		dialect := "sqlite"
		if strings.HasPrefix(env["DATABASE_URL"], "postgres") {
			dialect = "postgres"
		}
		latest, err := db.LatestMigration(dialect)
		if err != nil {
			t.Fatal(err)
		}

		// Older schema, AUTO_MIGRATE=false: refused; with AUTO_MIGRATE on, migrated.
		if _, stderr, err := runCmd(t, env, "migrate", "down"); err != nil {
			t.Fatalf("migrate down: %v\n%s", err, stderr)
		}
		off := map[string]string{}
		for k, v := range env {
			off[k] = v
		}
		off["AUTO_MIGRATE"] = "false"
		for _, args := range [][]string{{"status"}, {"serve"}} {
			mustFail(t, off, args, fmt.Sprintf("older than this binary needs (%d)", latest), "scalelite migrate up")
		}
		if out, _, err := runCmd(t, env, "migrate", "version"); err != nil || !strings.Contains(out, "'scalelite migrate up' applies the rest") {
			t.Errorf("migrate version on an older schema: %v %q", err, out)
		}
		if _, stderr, err := runCmd(t, env, "status"); err != nil {
			t.Fatalf("status with AUTO_MIGRATE on: %v\n%s", err, stderr)
		}

		// Newer schema (what a newer release leaves): refused by every command, and by
		// migrate itself, naming the rollback.
		dbtest.Exec(t, env["DATABASE_URL"], "UPDATE "+db.MigrationsTable+" SET version = version + 1")
		for _, args := range [][]string{{"status"}, {"serve"}, {"migrate", "up"}, {"migrate", "down"}} {
			mustFail(t, env, args, "newer than this binary knows", "'scalelite migrate down'", "run the newer release")
			mustFail(t, off, args, "newer than this binary knows")
		}
		if out, _, err := runCmd(t, env, "migrate", "version"); err != nil || !strings.Contains(out, "newer than this binary") {
			t.Errorf("migrate version on a newer schema: %v %q", err, out)
		}
	})
}

// A database holding Scalelite's Rails schema stops every command with the import command named,
// never a SQL error.
func TestScaleliteDatabaseRefused(t *testing.T) {
	eachDatabaseEnv(t, func(t *testing.T, env map[string]string) {
		dbtest.Exec(t, env["DATABASE_URL"],
			"CREATE TABLE schema_migrations (version varchar NOT NULL PRIMARY KEY)",
			"CREATE TABLE ar_internal_metadata (key varchar NOT NULL PRIMARY KEY, value varchar)",
			"CREATE TABLE recordings (id bigint PRIMARY KEY, record_id varchar, meeting_id varchar)")
		for _, args := range [][]string{{"serve"}, {"status"}, {"migrate", "up"}, {"migrate", "version"}, {"recordings", "list"}} {
			mustFail(t, env, args, "holds Scalelite's own schema", "scalelite import-scalelite")
			if _, stderr, _ := runCmd(t, env, args...); strings.Contains(stderr, "dirty") || strings.Contains(stderr, "SQLSTATE") {
				t.Errorf("%v: a SQL error: %s", args, stderr)
			}
		}
	})
}
