package main

import (
	"regexp"
	"strings"
	"testing"
)

// tenants add and update take every name Scalelite takes (SHA1-tenant), refuse one that differs
// from another only in case, and explain why a name that no host can start with is refused.
func TestTenantNamesCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	eachDSN(t, func(t *testing.T, dsn string) {
		c := &cliEnv{t: t, bin: bin, env: []string{"DATABASE_URL=" + dsn, "HOME=" + t.TempDir(), "MULTITENANCY_ENABLED=true"}}
		c.ok("migrate", "up")
		m := regexp.MustCompile(`New Tenant id: (\S+)`).FindStringSubmatch(c.ok("tenants", "add", "SHA1-tenant", "sec1"))
		if m == nil {
			t.Fatal("tenants add gave no id")
		}
		c.fails("already exists", "tenants", "add", "sha1-TENANT", "sec2")
		r := c.fails(`Tenant name "a\.b" can never match a request's host name`, "tenants", "add", "a.b", "sec")
		if r.code != 1 {
			t.Errorf("exit %d", r.code)
		}
		c.fails("can never match", "tenants", "update", m[1], "--name", "with space")
		c.ok("tenants", "update", m[1], "--name", "School-B2")
		if out := c.ok("tenants"); !strings.Contains(out, "School-B2") {
			t.Errorf("tenants:\n%s", out)
		}
	})
}
