package graph_test

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// addTenant and updateTenant take names in any case, refuse one that differs from another only
// in case, and explain a name no host can start with.
func TestTenantNames(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		var add struct{ AddTenant struct{ ID, Name string } }
		e.must(adminEnvKey, `mutation { addTenant(input: {name: "SHA1-tenant", secrets: ["s1"]}) { id name } }`, nil, &add)
		if add.AddTenant.Name != "SHA1-tenant" {
			t.Errorf("addTenant = %+v", add.AddTenant)
		}
		e.fails(adminEnvKey, `mutation { addTenant(input: {name: "sha1-TENANT", secrets: ["s"]}) { id } }`, nil, "CONFLICT")
		res := e.fails(adminEnvKey, `mutation { addTenant(input: {name: "a.b", secrets: ["s"]}) { id } }`, nil, "INVALID")
		if !strings.Contains(res.Errors[0].Message, `Tenant name "a.b" can never match a request's host name`) {
			t.Errorf("message %q", res.Errors[0].Message)
		}
		e.fails(adminEnvKey, `mutation($id: ID!) { updateTenant(id: $id, input: {name: "über"}) { id } }`, map[string]any{"id": add.AddTenant.ID}, "INVALID")
		var upd struct{ UpdateTenant struct{ Name string } }
		e.must(adminEnvKey, `mutation($id: ID!) { updateTenant(id: $id, input: {name: "School_B2"}) { name } }`, map[string]any{"id": add.AddTenant.ID}, &upd)
		if upd.UpdateTenant.Name != "School_B2" {
			t.Errorf("updateTenant = %+v", upd.UpdateTenant)
		}
	})
}
