package loaders

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// countingStore is an in-memory Store that counts its calls.
type countingStore struct {
	mu       sync.Mutex
	calls    int
	servers  []*scalelite.Server
	tenants  []*scalelite.Tenant
	settings []*scalelite.TenantSetting
}

func (s *countingStore) Servers(_ context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	var out []*scalelite.Server
	for _, srv := range s.servers { // store order, not key order
		if slices.Contains(f.IDs, srv.ID) {
			out = append(out, srv)
		}
	}
	return out, nil
}

func (s *countingStore) Tenants(context.Context) ([]*scalelite.Tenant, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	return s.tenants, nil
}

func (s *countingStore) TenantSettings(_ context.Context, tenantID string) ([]*scalelite.TenantSetting, error) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	return s.settings, nil
}

func TestServerLoaderBatchesInKeyOrder(t *testing.T) {
	store := &countingStore{servers: []*scalelite.Server{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	l := New(store)
	ctx := context.Background()
	keys := []string{"c", "missing", "a", "c"}
	got, err := l.Server.LoadAll(ctx, keys)
	if err == nil {
		t.Error("LoadAll with a missing key: no error")
	}
	var ids []string
	for _, s := range got {
		if s == nil {
			ids = append(ids, "")
			continue
		}
		ids = append(ids, s.ID)
	}
	if want := []string{"c", "", "a", "c"}; !slices.Equal(ids, want) {
		t.Errorf("LoadAll(%v) = %v, want %v", keys, ids, want)
	}
	if _, err := l.Server.Load(ctx, "missing"); !scalelite.IsNotFound(err) {
		t.Errorf("missing key: err %v, want not found", err)
	}
	if store.calls != 1 {
		t.Errorf("store calls = %d, want 1 batch (then cached)", store.calls)
	}
}

func TestSettingsLoaderGroupsByTenant(t *testing.T) {
	store := &countingStore{tenants: []*scalelite.Tenant{{ID: "t1"}, {ID: "t2"}},
		settings: []*scalelite.TenantSetting{{ID: "s1", TenantID: "t2"}, {ID: "s2", TenantID: "t2"}}}
	l := New(store)
	ctx := context.Background()
	results, err := l.Settings.LoadAll(ctx, []string{"t1", "t2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(results[0]) != 0 || results[0] == nil || len(results[1]) != 2 {
		t.Errorf("settings = %v / %v, want none (not nil) for t1 and two for t2", results[0], results[1])
	}
	if _, err := l.Tenant.Load(ctx, "t2"); err != nil {
		t.Error(err)
	}
	if store.calls != 2 {
		t.Errorf("store calls = %d, want one per loader", store.calls)
	}
}
