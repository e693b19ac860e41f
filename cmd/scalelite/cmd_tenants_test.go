package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestTenantLRSCommands runs tenants update-lrs-basic and update-lrs-kc (Scalelite's
// tenants:update_lrs_basic and tenants:update_lrs_kc) with the real binary on both databases.
func TestTenantLRSCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	backends := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "scalelite.db") }},
		{"postgres", func(t *testing.T) string { return dbtest.PostgresDSN(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			env := []string{"DATABASE_URL=" + dsn, "HOME=" + t.TempDir()}
			if u := os.Getenv("TEST_REDIS_URL"); u != "" {
				env = append(env, "REDIS_URL="+u, "REDIS_NAMESPACE="+randomNamespace())
			}
			c := &cliEnv{t: t, bin: bin, env: env}
			c.ok("migrate", "up")
			tenantLRSScenario(t, c, dsn)
		})
	}
}

func tenantLRSScenario(t *testing.T, c *cliEnv, dsn string) {
	ctx := context.Background()
	c.fails("Multitenancy is disabled", "tenants", "update-lrs-basic", "x", "https://lrs", "u", "p")
	mt := &cliEnv{t: t, bin: c.bin, env: append(append([]string(nil), c.env...), "MULTITENANCY_ENABLED=true")}
	m := regexp.MustCompile(`^OK\nNew Tenant id: (\S+)\n$`).FindStringSubmatch(mt.ok("tenants", "add", "acme", "sec1"))
	if m == nil {
		t.Fatal("tenants add gave no id")
	}
	id := m[1]
	store, err := db.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	stored := func() []string {
		t.Helper()
		tn, err := store.Tenant(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return []string{tn.LRSEndpoint, tn.LRSUsername, tn.LRSPassword, tn.KCTokenURL, tn.KCClientID, tn.KCClientSecret, tn.KCUsername, tn.KCPassword}
	}

	if out := mt.ok("tenants", "update-lrs-basic", id, "https://lrs.example.com/xapi", "lrs-user", "LRS-PASS-1"); out != "OK\nUpdated Tenant id: "+id+"\n" {
		t.Errorf("update-lrs-basic: %q", out)
	}
	if got, want := stored(), []string{"https://lrs.example.com/xapi", "lrs-user", "LRS-PASS-1", "", "", "", "", ""}; !slices.Equal(got, want) {
		t.Errorf("after update-lrs-basic: %q, want %q", got, want)
	}
	if out := mt.ok("tenants"); !strings.Contains(out, "\tlrs_endpoint: https://lrs.example.com/xapi\n\tlrs_username: lrs-user\n") || strings.Contains(out, "LRS-PASS") {
		t.Errorf("tenants list:\n%s", out)
	}

	var got tenantJSON
	out := mt.ok("tenants", "update-lrs-kc", id, "https://lrs2.example.com/xapi", "https://kc.example.com/token", "cid", "KC-SECRET-1", "kc-user", "KC-PASS-1", "--json")
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("update-lrs-kc --json: %v\n%s", err, out)
	}
	if got.ID != id || got.LRSEndpoint != "https://lrs2.example.com/xapi" || got.KCTokenURL != "https://kc.example.com/token" ||
		got.KCClientID != "cid" || got.KCUsername != "kc-user" || got.LRSUsername != "" || strings.Contains(out, "KC-") {
		t.Errorf("update-lrs-kc --json = %s", out)
	}
	if got, want := stored(), []string{"https://lrs2.example.com/xapi", "", "", "https://kc.example.com/token", "cid", "KC-SECRET-1", "kc-user", "KC-PASS-1"}; !slices.Equal(got, want) {
		t.Errorf("after update-lrs-kc: %q, want %q", got, want)
	}

	before := stored()
	mt.fails("wrong number of arguments", "tenants", "update-lrs-basic", id, "https://lrs", "u")
	mt.fails("wrong number of arguments", "tenants", "update-lrs-kc", id, "https://lrs", "https://kc", "cid", "cs", "u")
	mt.fails("are required", "tenants", "update-lrs-basic", id, "https://lrs", "u", "")
	mt.fails("LRS endpoint must be an http", "tenants", "update-lrs-basic", id, "lrs.example.com", "u", "p")
	mt.fails("Keycloak token URL must be an http", "tenants", "update-lrs-kc", id, "https://lrs", "kc", "cid", "cs", "u", "p")
	mt.fails("Couldn't find Tenant with id=00000000-0000-4000-8000-000000000000", "tenants", "update-lrs-basic", "00000000-0000-4000-8000-000000000000", "https://lrs", "u", "p")
	if got := stored(); !slices.Equal(got, before) {
		t.Errorf("failed commands changed the tenant: %q", got)
	}

	// Audited by "cli" with the passwords and the client secret masked.
	entries, _, err := store.AuditEntries(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
		if strings.Contains(e.Arguments, "PASS-1") || strings.Contains(e.Arguments, "SECRET-1") {
			t.Errorf("audit entry leaks a secret: %+v", e)
		}
	}
	if actions["updateTenantLRSBasic"] == 0 || actions["updateTenantLRSKeycloak"] == 0 {
		t.Errorf("audit actions = %v", actions)
	}
	for _, e := range entries {
		if e.Action == "updateTenantLRSKeycloak" && e.Result == "ok" &&
			!strings.Contains(e.Arguments, `"kcClientSecret":"`+scalelite.MaskedValue+`"`) {
			t.Errorf("keycloak audit arguments = %s", e.Arguments)
		}
	}
}

func TestTenantLRSCommandsHelp(t *testing.T) {
	c := &cliEnv{t: t, bin: scaleliteBinary(t), env: []string{"HOME=" + t.TempDir()}}
	for _, sub := range []string{"update-lrs-basic", "update-lrs-kc"} {
		if out := c.ok("tenants", sub, "--help"); !strings.Contains(out, "ID URL") {
			t.Errorf("tenants %s --help: %q", sub, out)
		}
	}
}
