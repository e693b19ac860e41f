// Package dbtest gives tests a fresh, migrated database: a SQLite file in t.TempDir(), and a
// PostgreSQL database created for the test on TEST_DATABASE_URL's server and dropped at cleanup.
// Without TEST_DATABASE_URL the PostgreSQL variants skip, unless TEST_REQUIRE_SERVICES=1, in
// which case they fail.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/scalelite-go/scalelite/db"

	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// EachDB runs fn as the subtests "sqlite" and "postgres", each with its own fresh database.
func EachDB(t *testing.T, fn func(t *testing.T, store *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a migrated SQLite database in a fresh file under t.TempDir().
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return open(t, "sqlite:"+filepath.Join(t.TempDir(), "scalelite.db"))
}

// Postgres opens a migrated, freshly created PostgreSQL database.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return open(t, PostgresDSN(t))
}

func open(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.Migrate(ctx, "up"); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return store
}

// PostgresDSN creates an empty PostgreSQL database with a random name on the server of
// TEST_DATABASE_URL, drops it (WITH (FORCE)) at cleanup, and returns its DSN.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := scalelitetest.ServiceURL(t, "TEST_DATABASE_URL")
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	admin, err := adminDB(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	defer admin.Close()

	var b [8]byte
	rand.Read(b[:])
	name := "scalelite_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := adminDB(base)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func adminDB(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return stdlib.OpenDB(*cfg), nil
}

// Exec runs statements on the database of dsn (postgres://... or sqlite:PATH) directly, without
// db.Open and its checks: to set up what a test needs, such as Scalelite's schema.
func Exec(t testing.TB, dsn string, stmts ...string) {
	t.Helper()
	var sqldb *sql.DB
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		var err error
		if sqldb, err = sql.Open(sqliteshim.ShimName, path); err != nil {
			t.Fatal(err)
		}
	} else {
		var err error
		if sqldb, err = adminDB(dsn); err != nil {
			t.Fatal(err)
		}
	}
	defer sqldb.Close()
	for _, s := range stmts {
		if _, err := sqldb.Exec(s); err != nil {
			t.Fatalf("%.200s: %v", s, err)
		}
	}
}
