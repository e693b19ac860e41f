package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestTouchAPIKey(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 5, 1, 10, 0, 0, 123456000, time.UTC)
		k := &scalelite.APIKey{Name: "grafana", Hash: "cc33", Scope: scalelite.ScopeReadOnly, CreatedAt: t0}
		if err := store.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		other := &scalelite.APIKey{Name: "unused", Hash: "dd44", Scope: scalelite.ScopeAdmin, CreatedAt: t0}
		if err := store.CreateAPIKey(ctx, other); err != nil {
			t.Fatal(err)
		}
		lastUsed := func(id string) *time.Time {
			t.Helper()
			keys, err := store.APIKeys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if k.ID == id {
					return k.LastUsedAt
				}
			}
			t.Fatalf("key %s not listed", id)
			return nil
		}
		if got := lastUsed(k.ID); got != nil {
			t.Fatalf("new key's last use = %v, want none", got)
		}

		steps := []struct {
			name string
			at   time.Time
			want time.Time
		}{
			{"first use", t0.Add(time.Minute), t0.Add(time.Minute)},
			{"later use", t0.Add(2 * time.Minute), t0.Add(2 * time.Minute)},
			{"earlier use is ignored", t0.Add(90 * time.Second), t0.Add(2 * time.Minute)},
			{"same time", t0.Add(2 * time.Minute), t0.Add(2 * time.Minute)},
			{"other time zone", t0.Add(3 * time.Minute).In(time.FixedZone("CEST", 2*3600)), t0.Add(3 * time.Minute)},
		}
		for _, s := range steps {
			if err := store.TouchAPIKey(ctx, k.ID, s.at); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got := lastUsed(k.ID); got == nil || !got.Equal(s.want) {
				t.Errorf("%s: last use = %v, want %v", s.name, got, s.want)
			}
		}
		// The key found by hash carries it too (the service skips writes that are recent enough).
		byHash, err := store.APIKeyByHash(ctx, "cc33")
		if err != nil || byHash.LastUsedAt == nil || !byHash.LastUsedAt.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("APIKeyByHash = %+v, %v", byHash, err)
		}
		if got := lastUsed(other.ID); got != nil {
			t.Errorf("untouched key's last use = %v", got)
		}
		if err := store.TouchAPIKey(ctx, "nope", t0); !scalelite.IsNotFound(err) {
			t.Errorf("touch unknown key: %v, want not found", err)
		}
		// A revoked key keeps its last use.
		if err := store.RevokeAPIKey(ctx, k.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(k.ID); got == nil || !got.Equal(t0.Add(3*time.Minute)) {
			t.Errorf("last use after revocation = %v", got)
		}
	})
}
