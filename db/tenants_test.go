package db_test

import (
	"context"
	"slices"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// lrsFields lists a tenant's LRS and Keycloak settings in a fixed order.
func lrsFields(t *scalelite.Tenant) []string {
	return []string{t.LRSEndpoint, t.LRSUsername, t.LRSPassword, t.KCTokenURL, t.KCClientID, t.KCClientSecret, t.KCUsername, t.KCPassword}
}

func TestUpdateTenantLRS(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	steps := []struct {
		name string
		u    scalelite.TenantUpdate
		want []string
	}{
		{"basic", scalelite.TenantUpdate{LRSEndpoint: s("https://lrs/xapi"), LRSUsername: s("u"), LRSPassword: s("p")},
			[]string{"https://lrs/xapi", "u", "p", "", "", "", "", ""}},
		{"keycloak, basic credentials kept", scalelite.TenantUpdate{KCTokenURL: s("https://kc/token"), KCClientID: s("cid"),
			KCClientSecret: s("cs"), KCUsername: s("ku"), KCPassword: s("kp")},
			[]string{"https://lrs/xapi", "u", "p", "https://kc/token", "cid", "cs", "ku", "kp"}},
		{"clear basic credentials", scalelite.TenantUpdate{LRSUsername: s(""), LRSPassword: s("")},
			[]string{"https://lrs/xapi", "", "", "https://kc/token", "cid", "cs", "ku", "kp"}},
		{"name only leaves LRS", scalelite.TenantUpdate{Name: s("acme2")},
			[]string{"https://lrs/xapi", "", "", "https://kc/token", "cid", "cs", "ku", "kp"}},
		{"everything at once with secrets", scalelite.TenantUpdate{Secrets: []string{"s9"}, LRSEndpoint: s("https://lrs2"),
			LRSUsername: s("u2"), LRSPassword: s("p2"), KCTokenURL: s(""), KCClientID: s(""), KCClientSecret: s(""),
			KCUsername: s(""), KCPassword: s("")},
			[]string{"https://lrs2", "u2", "p2", "", "", "", "", ""}},
	}
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		acme := &scalelite.Tenant{Name: "acme", Secrets: []string{"s1"}}
		if err := store.CreateTenant(ctx, acme); err != nil {
			t.Fatal(err)
		}
		bystander := &scalelite.Tenant{Name: "globex", Secrets: []string{"g1"}, LRSEndpoint: "https://glrs", LRSUsername: "gu", LRSPassword: "gp"}
		if err := store.CreateTenant(ctx, bystander); err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			got, err := store.UpdateTenant(ctx, acme.ID, st.u)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if !slices.Equal(lrsFields(got), st.want) {
				t.Errorf("%s: returned %q, want %q", st.name, lrsFields(got), st.want)
			}
			stored, err := store.Tenant(ctx, acme.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(lrsFields(stored), st.want) {
				t.Errorf("%s: stored %q, want %q", st.name, lrsFields(stored), st.want)
			}
		}
		final, _ := store.TenantByName(ctx, "acme2")
		if final == nil || !slices.Equal(final.Secrets, []string{"s9"}) {
			t.Errorf("tenant after updates = %+v", final)
		}
		other, _ := store.Tenant(ctx, bystander.ID)
		if want := []string{"https://glrs", "gu", "gp", "", "", "", "", ""}; !slices.Equal(lrsFields(other), want) {
			t.Errorf("other tenant changed: %q", lrsFields(other))
		}
		if _, err := store.UpdateTenant(ctx, "nope", scalelite.TenantUpdate{LRSEndpoint: s("https://x")}); !scalelite.IsNotFound(err) {
			t.Errorf("update unknown tenant: %v, want not found", err)
		}
	})
}
