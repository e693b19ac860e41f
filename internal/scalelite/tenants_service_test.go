package scalelite_test

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestTenantService(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewTenantService(store)
		for _, bad := range []struct{ name, secrets string }{{"", "s"}, {"t1", ""}, {"bad.name", "s"}, {"bad name", "s"}, {"t1", ":::"}} {
			if _, err := svc.Add(ctx, bad.name, bad.secrets); scalelite.ErrorCode(err) != scalelite.EINVALID {
				t.Errorf("Add(%q, %q) = %v, want invalid", bad.name, bad.secrets, err)
			}
		}
		t1, err := svc.Add(ctx, "t1", "a:b")
		if err != nil {
			t.Fatal(err)
		}
		if len(t1.Secrets) != 2 || t1.Secrets[1] != "b" {
			t.Errorf("secrets = %q", t1.Secrets)
		}
		if _, err := svc.Add(ctx, "t1", "c"); scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			t.Errorf("duplicate name: %v, want conflict", err)
		}
		name, secrets := "t2", "x:y:z"
		got, err := svc.Update(ctx, t1.ID, &name, &secrets)
		if err != nil || got.Name != "t2" || len(got.Secrets) != 3 {
			t.Fatalf("update = %+v, %v", got, err)
		}
		if _, err := svc.Update(ctx, "00000000-0000-4000-8000-000000000000", &name, nil); !scalelite.IsNotFound(err) {
			t.Errorf("update unknown: %v", err)
		}

		st, err := svc.AddSetting(ctx, "t2", "record", "true", true) // by name
		if err != nil {
			t.Fatal(err)
		}
		if st.TenantID != t1.ID || !st.Override {
			t.Errorf("setting = %+v", st)
		}
		if _, err := svc.AddSetting(ctx, t1.ID, "bad param", "x", false); scalelite.ErrorCode(err) != scalelite.EINVALID {
			t.Errorf("bad param: %v", err)
		}
		if _, err := svc.AddSetting(ctx, "nobody", "record", "x", false); !scalelite.IsNotFound(err) {
			t.Errorf("unknown tenant: %v", err)
		}
		list, err := store.TenantSettings(ctx, t1.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("settings = %v, %v", list, err)
		}
		if err := svc.RemoveSetting(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Remove(ctx, t1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Tenant(ctx, t1.ID); !scalelite.IsNotFound(err) {
			t.Errorf("tenant still there: %v", err)
		}
	})
}

func TestParseOverride(t *testing.T) {
	tests := []struct {
		in   string
		want bool
		err  bool
	}{{"true", true, false}, {"false", false, false}, {" TRUE ", true, false}, {"yes", false, true}}
	for _, tt := range tests {
		got, err := scalelite.ParseOverride(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseOverride(%q) = %v, %v", tt.in, got, err)
		}
	}
}
