package scalelitetest

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// testTenantNames checks that tenant names keep their case, are found in any case (a host's
// first label) and are unique without regard to case.
func testTenantNames(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	sha := &scalelite.Tenant{Name: "SHA1-tenant", Secrets: []string{"x"}}
	must(t, "CreateTenant SHA1-tenant", s.CreateTenant(ctx, sha))
	for _, name := range []string{"SHA1-tenant", "sha1-tenant", "SHA1-TENANT", "Sha1-Tenant"} {
		got, err := s.TenantByName(ctx, name)
		must(t, "TenantByName "+name, err)
		if got.ID != sha.ID || got.Name != "SHA1-tenant" {
			t.Errorf("TenantByName(%s) = %+v", name, got)
		}
	}
	_, err := s.TenantByName(ctx, "sha1-tenan")
	wantCode(t, "prefix", err, scalelite.ENOTFOUND)
	wantCode(t, "same name in another case", s.CreateTenant(ctx, &scalelite.Tenant{Name: "sha1-TENANT"}), scalelite.ECONFLICT)

	other := &scalelite.Tenant{Name: "other"}
	must(t, "CreateTenant other", s.CreateTenant(ctx, other))
	_, err = s.UpdateTenant(ctx, other.ID, scalelite.TenantUpdate{Name: ptr("Sha1-Tenant")})
	wantCode(t, "rename onto another case", err, scalelite.ECONFLICT)
	got, err := s.UpdateTenant(ctx, sha.ID, scalelite.TenantUpdate{Name: ptr("sha1-tenant")})
	must(t, "rename to another case of itself", err)
	if got.Name != "sha1-tenant" {
		t.Errorf("after the rename: %+v", got)
	}
}
