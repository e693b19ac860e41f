package scalelite_test

import (
	"context"
	"slices"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func tenantLRS(t *scalelite.Tenant) []string {
	return []string{t.LRSEndpoint, t.LRSUsername, t.LRSPassword, t.KCTokenURL, t.KCClientID, t.KCClientSecret, t.KCUsername, t.KCPassword}
}

func TestTenantServiceLRS(t *testing.T) {
	basic := scalelite.LRSBasic{Endpoint: "https://lrs.example.com/xapi", Username: "lrs-user", Password: "lrs-pass"}
	kc := scalelite.LRSKeycloak{Endpoint: "https://lrs2.example.com/xapi", TokenURL: "https://kc.example.com/realms/r/protocol/openid-connect/token",
		ClientID: "cid", ClientSecret: "csecret", Username: "kc-user", Password: "kc-pass"}
	s := func(v string) *string { return &v }
	steps := []struct {
		name string
		do   func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error)
		want []string // nil: the call fails with EINVALID and changes nothing
	}{
		{"basic", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.SetLRSBasic(ctx, id, basic)
		}, []string{basic.Endpoint, "lrs-user", "lrs-pass", "", "", "", "", ""}},
		{"keycloak clears the basic credentials", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.SetLRSKeycloak(ctx, id, kc)
		}, []string{kc.Endpoint, "", "", kc.TokenURL, "cid", "csecret", "kc-user", "kc-pass"}},
		{"basic clears keycloak", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.SetLRSBasic(ctx, id, basic)
		}, []string{basic.Endpoint, "lrs-user", "lrs-pass", "", "", "", "", ""}},
		{"basic missing password", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.SetLRSBasic(ctx, id, scalelite.LRSBasic{Endpoint: "https://x", Username: "u", Password: " "})
		}, nil},
		{"basic endpoint not a URL", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.SetLRSBasic(ctx, id, scalelite.LRSBasic{Endpoint: "lrs.example.com", Username: "u", Password: "p"})
		}, nil},
		{"keycloak missing client secret", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			k := kc
			k.ClientSecret = ""
			return svc.SetLRSKeycloak(ctx, id, k)
		}, nil},
		{"keycloak token URL not http", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			k := kc
			k.TokenURL = "ftp://kc/token"
			return svc.SetLRSKeycloak(ctx, id, k)
		}, nil},
		{"change one field", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.Change(ctx, id, scalelite.TenantChanges{LRS: scalelite.LRSChanges{Password: s("rotated")}})
		}, []string{basic.Endpoint, "lrs-user", "rotated", "", "", "", "", ""}},
		{"change with name and secrets", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.Change(ctx, id, scalelite.TenantChanges{Name: s("acme2"), Secrets: s("n1:n2"), LRS: scalelite.LRSChanges{Username: s("other")}})
		}, []string{basic.Endpoint, "other", "rotated", "", "", "", "", ""}},
		{"bad endpoint in a change", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.Change(ctx, id, scalelite.TenantChanges{LRS: scalelite.LRSChanges{Endpoint: s("not a url")}})
		}, nil},
		{"clear everything", func(ctx context.Context, svc *scalelite.TenantService, id string) (*scalelite.Tenant, error) {
			return svc.Change(ctx, id, scalelite.TenantChanges{LRS: scalelite.LRSChanges{Endpoint: s(""), Username: s(""), Password: s("")}})
		}, []string{"", "", "", "", "", "", "", ""}},
	}
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewTenantService(store)
		acme, err := svc.Add(ctx, "acme", "s1")
		if err != nil {
			t.Fatal(err)
		}
		want := tenantLRS(acme)
		for _, st := range steps {
			got, err := st.do(ctx, svc, acme.ID)
			if st.want == nil {
				if scalelite.ErrorCode(err) != scalelite.EINVALID {
					t.Errorf("%s: err = %v, want invalid", st.name, err)
				}
			} else {
				if err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
				want = st.want
				if !slices.Equal(tenantLRS(got), want) {
					t.Errorf("%s: returned %q, want %q", st.name, tenantLRS(got), want)
				}
			}
			stored, err := store.Tenant(ctx, acme.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tenantLRS(stored), want) {
				t.Errorf("%s: stored %q, want %q", st.name, tenantLRS(stored), want)
			}
		}
		if got, _ := store.Tenant(ctx, acme.ID); got.Name != "acme2" || !slices.Equal(got.Secrets, []string{"n1", "n2"}) {
			t.Errorf("name and secrets = %q %q", got.Name, got.Secrets)
		}
		const unknown = "00000000-0000-4000-8000-000000000000"
		if _, err := svc.SetLRSBasic(ctx, unknown, basic); !scalelite.IsNotFound(err) {
			t.Errorf("basic on unknown tenant: %v", err)
		}
		if _, err := svc.SetLRSKeycloak(ctx, unknown, kc); !scalelite.IsNotFound(err) {
			t.Errorf("keycloak on unknown tenant: %v", err)
		}
	})
}
