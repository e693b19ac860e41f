package graph_test

import (
	"net/http"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestViewer asks, over HTTP, who the calling key is: every scope may, and the answer is what
// the web console hides actions by.
func TestViewer(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addTenant("acme")
		type viewer struct {
			Name     string
			Scope    string
			Admin    bool
			ReadOnly bool
			Tenant   *string
		}
		acme := "acme"
		tests := []struct {
			name string
			key  string
			want viewer
		}{
			{"admin", e.key(scalelite.ScopeAdmin, "ops"), viewer{Name: "ops", Scope: "admin", Admin: true}},
			{"readonly", e.key(scalelite.ScopeReadOnly, "dashboard"), viewer{Name: "dashboard", Scope: "readonly", ReadOnly: true}},
			{"tenant", e.key(scalelite.TenantScope("acme"), "acme-portal"), viewer{Name: "acme-portal", Scope: "tenant:acme", Tenant: &acme}},
			{"ADMIN_API_KEY", adminEnvKey, viewer{Name: scalelite.ActorAdminAPIKey, Scope: "admin", Admin: true}},
		}
		for _, tc := range tests {
			var got struct{ Viewer viewer }
			e.must(tc.key, `{ viewer { name scope admin readOnly tenant } }`, nil, &got)
			v, w := got.Viewer, tc.want
			if v.Name != w.Name || v.Scope != w.Scope || v.Admin != w.Admin || v.ReadOnly != w.ReadOnly ||
				(v.Tenant == nil) != (w.Tenant == nil) || (v.Tenant != nil && *v.Tenant != *w.Tenant) {
				t.Errorf("%s: viewer = %+v (tenant %v), want %+v (tenant %v)", tc.name, v, strOrNil(v.Tenant), w, strOrNil(w.Tenant))
			}
		}

		if res := e.post("", `{ viewer { name } }`, nil); res.Status != http.StatusUnauthorized || res.code() != "UNAUTHENTICATED" {
			t.Errorf("viewer without a key: HTTP %d, %v", res.Status, res.codes())
		}
		revoked, err := e.keys.Create(e.ctx, "old", scalelite.ScopeAdmin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.keys.Revoke(e.ctx, revoked.Record.ID); err != nil {
			t.Fatal(err)
		}
		if res := e.post(revoked.Key, `{ viewer { name } }`, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("viewer with a revoked key: HTTP %d, %v", res.Status, res.codes())
		}
	})
}

func strOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
