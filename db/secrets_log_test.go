//go:build unix

package db_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// Statements that carry secrets send them as bound parameters: a PostgreSQL of the test's own
// logs the failed statements (STATEMENT: lines) with placeholders only, while the values are
// stored exactly.
func TestSecretsStayOutOfPostgresLog(t *testing.T) {
	pg := testprocs.StartPostgres(t)
	ctx := context.Background()
	store, err := db.Open(ctx, pg.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		t.Fatal(err)
	}
	secrets := failSecretStatements(t, store)
	if !strings.Contains(pg.Log(), "STATEMENT:") || !strings.Contains(pg.Log(), "$1") {
		t.Fatalf("PostgreSQL logged no failed statement with placeholders; the test proves nothing:\n%s", pg.Log())
	}
	if hits := testprocs.GrepFile(t, pg.LogPath(), secrets...); len(hits) > 0 {
		t.Errorf("PostgreSQL's log carries secrets:\n%s", strings.Join(hits, "\n"))
	}
}

// The bound statements behave as bun's on both dialects, inside a transaction too.
func TestBoundStatements(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		failSecretStatements(t, store)
		got, err := store.BoundInTx(context.Background(), "tx-1", "https://tx.example/bigbluebutton/api", "old-secret", "new-secret")
		if err != nil || got != "new-secret" {
			t.Fatalf("in a transaction: %q %v", got, err)
		}
	})
}

// failSecretStatements stores servers and tenants with secrets, then sends statements with new
// secrets that fail on a unique index, and checks what is stored. It returns every secret used.
func failSecretStatements(t *testing.T, store *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	const url1, url2 = "https://bbb1.example/bigbluebutton/api", "https://bbb2.example/bigbluebutton/api"
	used := []string{"srv-secret-a1f3", "srv-secret-b7c2", "srv-secret-c9d4", "srv-secret-d2e8",
		"tenant-secret-e5f1", "lrs-pw-f8a2", "kc-secret-a3b9", "kc-pw-b6c4", "tenant-secret-c1d7", "lrs-pw-d4e2"}
	s1 := &scalelite.Server{ID: "s1", URL: url1, Secret: used[0], State: scalelite.ServerEnabled}
	if err := store.CreateServer(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateServer(ctx, &scalelite.Server{ID: "s2", URL: url2, Secret: used[1]}); err != nil {
		t.Fatal(err)
	}
	err := store.CreateServer(ctx, &scalelite.Server{ID: "s3", URL: url1, Secret: used[2]})
	if !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("duplicate URL: %v, want ECONFLICT", err)
	}
	u := url2
	sec := used[3]
	if _, err := store.UpdateServer(ctx, "s1", scalelite.ServerUpdate{URL: &u, Secret: &sec}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("update to a taken URL: %v, want ECONFLICT", err)
	}
	if _, err := store.UpdateServer(ctx, "nope", scalelite.ServerUpdate{Secret: &sec}); !scalelite.IsNotFound(err) {
		t.Fatalf("update of an unknown server: %v, want ENOTFOUND", err)
	}
	tag, newSecret := "!edu", "srv-secret-rotated"
	got, err := store.UpdateServer(ctx, "s1", scalelite.ServerUpdate{Secret: &newSecret, Tag: &tag})
	if err != nil || got.Secret != newSecret || got.Tag != tag || got.URL != url1 || got.State != scalelite.ServerEnabled {
		t.Fatalf("update: %+v %v", got, err)
	}
	if s, err := store.Server(ctx, "s2"); err != nil || s.Secret != used[1] || s.LoadMultiplier != 1 || !s.LastPolledAt.IsZero() {
		t.Fatalf("stored server: %+v %v", s, err)
	}

	t1 := &scalelite.Tenant{Name: "t1", Secrets: []string{used[4]}, LRSPassword: used[5], KCClientSecret: used[6], KCPassword: used[7]}
	if err := store.CreateTenant(ctx, t1); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTenant(ctx, &scalelite.Tenant{Name: "t2"}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTenant(ctx, &scalelite.Tenant{Name: "t1", Secrets: []string{used[8]}, LRSPassword: used[9]}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("duplicate tenant: %v, want ECONFLICT", err)
	}
	name, pw := "t2", "lrs-pw-e7f5"
	used = append(used, pw)
	if _, err := store.UpdateTenant(ctx, t1.ID, scalelite.TenantUpdate{Name: &name, LRSPassword: &pw}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("rename to a taken name: %v, want ECONFLICT", err)
	}
	stored, err := store.Tenant(ctx, t1.ID)
	if err != nil || stored.Name != "t1" || strings.Join(stored.Secrets, ",") != used[4] || stored.LRSPassword != used[5] ||
		stored.KCClientSecret != used[6] || stored.KCPassword != used[7] {
		t.Fatalf("stored tenant: %+v %v", stored, err)
	}
	kc := "kc-pw-rotated"
	upd, err := store.UpdateTenant(ctx, t1.ID, scalelite.TenantUpdate{KCPassword: &kc, Secrets: []string{"a", "b"}})
	if err != nil || upd.KCPassword != kc || strings.Join(upd.Secrets, ",") != "a,b" || upd.LRSPassword != used[5] {
		t.Fatalf("update tenant: %+v %v", upd, err)
	}
	if _, err := store.UpdateTenant(ctx, "nope", scalelite.TenantUpdate{KCPassword: &kc}); !scalelite.IsNotFound(err) {
		t.Fatalf("update of an unknown tenant: %v, want ENOTFOUND", err)
	}
	return used
}
