package scalelitetest

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func testTenants(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("create, get, list", func(t *testing.T) {
		s := newStore(t)
		acme := &scalelite.Tenant{Name: "acme", Secrets: []string{"s1", "s2"}, LRSEndpoint: "https://lrs", LRSUsername: "u",
			LRSPassword: "p", KCTokenURL: "https://kc", KCClientID: "cid", KCClientSecret: "cs", KCUsername: "ku", KCPassword: "kp"}
		must(t, "CreateTenant", s.CreateTenant(ctx, acme))
		if acme.ID == "" || acme.CreatedAt.IsZero() {
			t.Fatalf("CreateTenant did not fill ID/CreatedAt: %+v", acme)
		}
		must(t, "CreateTenant beta", s.CreateTenant(ctx, &scalelite.Tenant{ID: "b-id", Name: "beta"}))
		for _, get := range []func() (*scalelite.Tenant, error){
			func() (*scalelite.Tenant, error) { return s.Tenant(ctx, acme.ID) },
			func() (*scalelite.Tenant, error) { return s.TenantByName(ctx, "acme") },
		} {
			got, err := get()
			must(t, "get tenant", err)
			if got.ID != acme.ID || got.Name != "acme" || !equal(got.Secrets, []string{"s1", "s2"}) ||
				got.LRSEndpoint != "https://lrs" || got.LRSUsername != "u" || got.LRSPassword != "p" ||
				got.KCTokenURL != "https://kc" || got.KCClientID != "cid" || got.KCClientSecret != "cs" ||
				got.KCUsername != "ku" || got.KCPassword != "kp" || !sameTime(got.CreatedAt, acme.CreatedAt) {
				t.Errorf("tenant = %+v, want %+v", got, acme)
			}
		}
		beta, err := s.Tenant(ctx, "b-id")
		must(t, "Tenant beta", err)
		if beta.Name != "beta" || len(beta.Secrets) != 0 {
			t.Errorf("beta = %+v", beta)
		}
		list, err := s.Tenants(ctx)
		must(t, "Tenants", err)
		if len(list) != 2 || list[0].Name != "acme" || list[1].Name != "beta" {
			t.Errorf("Tenants = %+v", list)
		}
		_, err = s.Tenant(ctx, "nope")
		wantCode(t, "unknown id", err, scalelite.ENOTFOUND)
		_, err = s.TenantByName(ctx, "nope")
		wantCode(t, "unknown name", err, scalelite.ENOTFOUND)
		wantCode(t, "duplicate name", s.CreateTenant(ctx, &scalelite.Tenant{Name: "acme"}), scalelite.ECONFLICT)
	})

	t.Run("update and delete", func(t *testing.T) {
		s := newStore(t)
		a := &scalelite.Tenant{Name: "a", Secrets: []string{"x"}}
		must(t, "CreateTenant a", s.CreateTenant(ctx, a))
		must(t, "CreateTenant b", s.CreateTenant(ctx, &scalelite.Tenant{Name: "b"}))
		got, err := s.UpdateTenant(ctx, a.ID, scalelite.TenantUpdate{Name: ptr("a2")})
		must(t, "UpdateTenant name", err)
		if got.Name != "a2" || !equal(got.Secrets, []string{"x"}) {
			t.Errorf("after name update: %+v", got)
		}
		got, err = s.UpdateTenant(ctx, a.ID, scalelite.TenantUpdate{Secrets: []string{"y", "z"}})
		must(t, "UpdateTenant secrets", err)
		if got.Name != "a2" || !equal(got.Secrets, []string{"y", "z"}) {
			t.Errorf("after secrets update: %+v", got)
		}
		if _, err := s.TenantByName(ctx, "a"); !scalelite.IsNotFound(err) {
			t.Errorf("old name still found: %v", err)
		}
		_, err = s.UpdateTenant(ctx, a.ID, scalelite.TenantUpdate{Name: ptr("b")})
		wantCode(t, "rename to a taken name", err, scalelite.ECONFLICT)
		_, err = s.UpdateTenant(ctx, "nope", scalelite.TenantUpdate{Name: ptr("c")})
		wantCode(t, "update unknown", err, scalelite.ENOTFOUND)

		must(t, "CreateTenantSetting", s.CreateTenantSetting(ctx, &scalelite.TenantSetting{TenantID: a.ID, Param: "record", Value: "true"}))
		must(t, "DeleteTenant", s.DeleteTenant(ctx, a.ID))
		_, err = s.Tenant(ctx, a.ID)
		wantCode(t, "deleted tenant", err, scalelite.ENOTFOUND)
		settings, err := s.TenantSettings(ctx, "")
		must(t, "TenantSettings", err)
		if len(settings) != 0 {
			t.Errorf("settings survived their tenant: %+v", settings)
		}
		wantCode(t, "delete unknown", s.DeleteTenant(ctx, a.ID), scalelite.ENOTFOUND)
	})

	t.Run("settings", func(t *testing.T) {
		s := newStore(t)
		a := &scalelite.Tenant{ID: "ta", Name: "a"}
		b := &scalelite.Tenant{ID: "tb", Name: "b"}
		must(t, "CreateTenant a", s.CreateTenant(ctx, a))
		must(t, "CreateTenant b", s.CreateTenant(ctx, b))
		inputs := []*scalelite.TenantSetting{
			{TenantID: "tb", Param: "welcome", Value: "hi"},
			{TenantID: "ta", Param: "record", Value: "false", Override: true},
			{TenantID: "ta", Param: "meta_server-tag", Value: "eu"},
		}
		for _, in := range inputs {
			must(t, "CreateTenantSetting "+in.Param, s.CreateTenantSetting(ctx, in))
			if in.ID == "" {
				t.Fatalf("CreateTenantSetting left ID empty")
			}
		}
		wantCode(t, "duplicate param", s.CreateTenantSetting(ctx, &scalelite.TenantSetting{TenantID: "ta", Param: "record", Value: "true"}), scalelite.ECONFLICT)
		wantCode(t, "unknown tenant", s.CreateTenantSetting(ctx, &scalelite.TenantSetting{TenantID: "nope", Param: "x"}), scalelite.ENOTFOUND)

		all, err := s.TenantSettings(ctx, "")
		must(t, "TenantSettings all", err)
		var got []string
		for _, st := range all {
			got = append(got, st.TenantID+"/"+st.Param)
		}
		if want := []string{"ta/meta_server-tag", "ta/record", "tb/welcome"}; !equal(got, want) {
			t.Errorf("TenantSettings(\"\") = %v, want %v", got, want)
		}
		onlyA, err := s.TenantSettings(ctx, "ta")
		must(t, "TenantSettings ta", err)
		if len(onlyA) != 2 || onlyA[1].Param != "record" || onlyA[1].Value != "false" || !onlyA[1].Override || onlyA[0].Override {
			t.Errorf("TenantSettings(ta) = %+v", onlyA)
		}
		must(t, "DeleteTenantSetting", s.DeleteTenantSetting(ctx, inputs[1].ID))
		wantCode(t, "delete setting twice", s.DeleteTenantSetting(ctx, inputs[1].ID), scalelite.ENOTFOUND)
		onlyA, err = s.TenantSettings(ctx, "ta")
		must(t, "TenantSettings ta", err)
		if len(onlyA) != 1 || onlyA[0].Param != "meta_server-tag" {
			t.Errorf("after delete: %+v", onlyA)
		}
	})
}
