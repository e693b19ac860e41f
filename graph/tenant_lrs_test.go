package graph_test

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestMutationTenantLRS sets a tenant's LRS and Keycloak settings with updateTenant: admin keys
// only, passwords and the client secret readable by admin keys only and masked in the audit log.
func TestMutationTenantLRS(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		acme := e.addTenant("acme")
		admin := e.key(scalelite.ScopeAdmin, "alice")
		ro := e.key(scalelite.ScopeReadOnly, "bob")
		tenantKey := e.key(scalelite.TenantScope("acme"), "acme-key")

		type tenantOut struct {
			Name                                   string
			LrsEndpoint, LrsUsername, LrsPassword  *string
			KcTokenUrl, KcClientId, KcClientSecret *string
			KcUsername, KcPassword                 *string
		}
		const fields = `name lrsEndpoint lrsUsername lrsPassword kcTokenUrl kcClientId kcClientSecret kcUsername kcPassword`
		str := func(p *string) string {
			if p == nil {
				return "<null>"
			}
			return *p
		}
		flat := func(o tenantOut) string {
			return strings.Join([]string{str(o.LrsEndpoint), str(o.LrsUsername), str(o.LrsPassword), str(o.KcTokenUrl),
				str(o.KcClientId), str(o.KcClientSecret), str(o.KcUsername), str(o.KcPassword)}, " ")
		}
		update := `mutation($id: ID!, $in: UpdateTenantInput!) { updateTenant(id: $id, input: $in) { ` + fields + ` } }`

		steps := []struct {
			name string
			in   map[string]any
			want string
		}{
			{"basic", map[string]any{"lrsEndpoint": "https://lrs.example.com/xapi", "lrsUsername": "u", "lrsPassword": "LRS-PASS-1"},
				"https://lrs.example.com/xapi u LRS-PASS-1 <null> <null> <null> <null> <null>"},
			{"keycloak too, by name", map[string]any{"kcTokenUrl": "https://kc.example.com/token", "kcClientId": "cid",
				"kcClientSecret": "KC-SECRET-1", "kcUsername": "ku", "kcPassword": "KC-PASS-1"},
				"https://lrs.example.com/xapi u LRS-PASS-1 https://kc.example.com/token cid KC-SECRET-1 ku KC-PASS-1"},
			{"empty strings clear", map[string]any{"lrsUsername": "", "lrsPassword": ""},
				"https://lrs.example.com/xapi <null> <null> https://kc.example.com/token cid KC-SECRET-1 ku KC-PASS-1"},
		}
		for i, s := range steps {
			id := acme.ID
			if i == 1 {
				id = "acme" // updateTenant takes an id or a name
			}
			var got struct{ UpdateTenant tenantOut }
			e.must(admin, update, map[string]any{"id": id, "in": s.in}, &got)
			if f := flat(got.UpdateTenant); f != s.want {
				t.Errorf("%s: %s\nwant %s", s.name, f, s.want)
			}
		}
		e.fails(admin, update, map[string]any{"id": acme.ID, "in": map[string]any{"lrsEndpoint": "lrs.example.com"}}, "INVALID")
		e.fails(admin, update, map[string]any{"id": acme.ID, "in": map[string]any{"kcTokenUrl": "ftp://kc/token"}}, "INVALID")
		e.fails(ro, update, map[string]any{"id": acme.ID, "in": map[string]any{"lrsPassword": "x"}}, "FORBIDDEN")
		e.fails(tenantKey, update, map[string]any{"id": acme.ID, "in": map[string]any{"lrsPassword": "x"}}, "FORBIDDEN")

		// Reading: everyone who sees the tenant sees the endpoint, user names and client id; only
		// admin keys get the passwords and the client secret.
		for _, key := range []string{ro, tenantKey} {
			res := e.post(key, `{ tenants { name lrsEndpoint kcClientId lrsPassword kcClientSecret kcPassword } }`, nil)
			codes := strings.Join(res.codes(), " ")
			for _, f := range []string{"lrsPassword", "kcClientSecret", "kcPassword"} {
				if !strings.Contains(codes, "tenants.0."+f+"=FORBIDDEN") {
					t.Errorf("%s for a non-admin key: errors %s", f, codes)
				}
			}
			if strings.Contains(string(res.Data), "PASS-1") || strings.Contains(string(res.Data), "SECRET-1") ||
				!strings.Contains(string(res.Data), `"lrsEndpoint":"https://lrs.example.com/xapi"`) {
				t.Errorf("non-admin data = %s", res.Data)
			}
		}
		var read struct{ Tenant tenantOut }
		e.must(admin, `{ tenant(id: "acme") { `+fields+` } }`, nil, &read)
		if f := flat(read.Tenant); f != steps[2].want {
			t.Errorf("admin read: %s", f)
		}

		// The audit log has the updates with the passwords and the client secret masked.
		entries, _, err := store.AuditEntries(e.ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var audited int
		for _, en := range entries {
			if strings.Contains(en.Arguments, "PASS-1") || strings.Contains(en.Arguments, "SECRET-1") {
				t.Errorf("audit entry leaks a secret: %+v", en)
			}
			if en.Action == "updateTenant" && en.Result == "ok" {
				audited++
			}
		}
		if audited != len(steps) {
			t.Errorf("%d successful updateTenant audit entries, want %d", audited, len(steps))
		}
	})
}
