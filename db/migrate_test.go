package db_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestMigrateUpDownUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "m.db") }},
		{"postgres", func(t *testing.T) string { return dbtest.PostgresDSN(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store, err := db.Open(ctx, tc.dsn(t), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer store.Close()
			if got := store.Dialect(); got != tc.name {
				t.Errorf("Dialect = %q, want %q", got, tc.name)
			}
			wantVersion := func(want uint) {
				t.Helper()
				v, dirty, err := store.MigrationVersion(ctx)
				if err != nil || v != want || dirty {
					t.Fatalf("MigrationVersion = %d, %v, %v; want %d, false, nil", v, dirty, err, want)
				}
			}
			latest := latestMigration(t)
			wantVersion(0)
			for round := range 2 {
				if err := store.Migrate(ctx, "up"); err != nil {
					t.Fatalf("round %d: up: %v", round, err)
				}
				wantVersion(latest)
				if err := store.Migrate(ctx, "up"); err != nil {
					t.Fatalf("round %d: up again (no change): %v", round, err)
				}
				if err := store.CreateServer(ctx, &scalelite.Server{ID: "a", URL: "https://a/bigbluebutton/api", Secret: "s"}); err != nil {
					t.Fatalf("round %d: schema not usable: %v", round, err)
				}
				for v := latest; v > 0; v-- {
					if err := store.Migrate(ctx, "down"); err != nil {
						t.Fatalf("round %d: down from %d: %v", round, v, err)
					}
					wantVersion(v - 1)
				}
				if err := store.Migrate(ctx, "down"); err != nil {
					t.Fatalf("round %d: down with nothing applied: %v", round, err)
				}
				if _, err := store.Servers(ctx, scalelite.ServerFilter{}); err == nil {
					t.Fatalf("round %d: servers table still exists after migrating all the way down", round)
				}
			}
			if err := store.Migrate(ctx, "sideways"); err == nil {
				t.Errorf("Migrate(sideways) succeeded")
			}
		})
	}
}

var migrationName = regexp.MustCompile(`^(\d+)_[a-z0-9_]+\.(up|down)\.sql$`)

// latestMigration checks the migration files (an up and a down for every version, the same
// versions for both dialects, no transaction statements in SQLite files) and returns the
// highest version.
func latestMigration(t *testing.T) uint {
	t.Helper()
	versions := map[string]map[string]bool{}
	for _, dialect := range []string{"postgres", "sqlite"} {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			m := migrationName.FindStringSubmatch(e.Name())
			if m == nil {
				t.Fatalf("unexpected migration file %s/%s", dialect, e.Name())
			}
			key := dialect + " " + m[1]
			if versions[key] == nil {
				versions[key] = map[string]bool{}
			}
			versions[key][m[2]] = true
			if dialect == "sqlite" {
				b, err := os.ReadFile(filepath.Join("migrations", dialect, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if regexp.MustCompile(`(?im)^\s*(BEGIN|COMMIT)\b`).Match(b) {
					t.Errorf("%s contains BEGIN/COMMIT; the sqlite driver wraps each migration itself", e.Name())
				}
			}
		}
	}
	var latest uint
	for key, dirs := range versions {
		if !dirs["up"] || !dirs["down"] {
			t.Errorf("migration %s lacks an up or a down file", key)
		}
		dialect, num, _ := strings.Cut(key, " ")
		other := "sqlite"
		if dialect == "sqlite" {
			other = "postgres"
		}
		if versions[other+" "+num] == nil {
			t.Errorf("migration %s exists for %s only", num, dialect)
		}
		var v uint
		for _, c := range num {
			v = v*10 + uint(c-'0')
		}
		latest = max(latest, v)
	}
	return latest
}

func TestOpenRejectsBadDSN(t *testing.T) {
	for _, dsn := range []string{"", "mysql://x", "sqlite:", "sqlite::memory:", "sqlite:/tmp/a?b"} {
		if store, err := db.Open(context.Background(), dsn, nil); err == nil {
			store.Close()
			t.Errorf("Open(%q) succeeded", dsn)
		} else if code := scalelite.ErrorCode(err); code != scalelite.EINVALID {
			t.Errorf("Open(%q) error code %q (%v), want invalid", dsn, code, err)
		}
	}
}
