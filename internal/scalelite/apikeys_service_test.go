package scalelite

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// memKeys is a small in-memory APIKeyStore and TenantStore (only what the key service uses).
type memKeys struct {
	mu      sync.Mutex
	keys    []*APIKey
	tenants map[string]*Tenant // by name
	TenantStore

	touches   []time.Time   // every TouchAPIKey call's time
	touchErr  error         // returned by TouchAPIKey when set
	touchGate chan struct{} // when set, TouchAPIKey waits for it (or ctx) before writing
}

func (m *memKeys) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	if m.touchGate != nil {
		select {
		case <-m.touchGate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.touches = append(m.touches, at)
	if m.touchErr != nil {
		return m.touchErr
	}
	for _, k := range m.keys {
		if k.ID == id {
			if k.LastUsedAt == nil || k.LastUsedAt.Before(at) {
				k.LastUsedAt = &at
			}
			return nil
		}
	}
	return Errorf(ENOTFOUND, "no key %s", id)
}

func (m *memKeys) CreateAPIKey(_ context.Context, k *APIKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := *k
	m.keys = append(m.keys, &c)
	return nil
}

func (m *memKeys) APIKeyByHash(_ context.Context, hash string) (*APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.Hash == hash && k.RevokedAt == nil {
			c := *k
			return &c, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "no key")
}

func (m *memKeys) APIKeys(context.Context) ([]*APIKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*APIKey
	for _, k := range m.keys {
		c := *k
		out = append(out, &c)
	}
	return out, nil
}

func (m *memKeys) RevokeAPIKey(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.ID == id {
			k.RevokedAt = &at
			return nil
		}
	}
	return Errorf(ENOTFOUND, "no key %s", id)
}

func (m *memKeys) TenantByName(_ context.Context, name string) (*Tenant, error) {
	if t, ok := m.tenants[name]; ok {
		return t, nil
	}
	return nil, Errorf(ENOTFOUND, "no tenant %s", name)
}

func TestAPIKeyServiceLifecycle(t *testing.T) {
	ctx := context.Background()
	store := &memKeys{tenants: map[string]*Tenant{"acme": {ID: "t-acme", Name: "acme"}}}
	svc := NewAPIKeyService(store, store, "automation-admin-key-0123")

	created, err := svc.Create(ctx, "ops", ScopeReadOnly)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if !strings.HasPrefix(created.Key, APIKeyPrefix) || len(created.Key) < 40 {
		t.Errorf("key = %q, want %s plus 43 characters", created.Key, APIKeyPrefix)
	}
	if got, want := store.keys[0].Hash, HashAPIKey(created.Key); got != want || strings.Contains(got, created.Key) {
		t.Errorf("stored hash = %q, want %q", got, want)
	}

	p, err := svc.Authenticate(ctx, created.Key)
	if err != nil || p.Name != "ops" || p.Scope != ScopeReadOnly || p.KeyID != created.Record.ID {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}

	tenantKey, err := svc.Create(ctx, "", TenantScope("acme"))
	if err != nil {
		t.Fatalf("Create tenant key: %v", err)
	}
	if !strings.HasPrefix(tenantKey.Record.Name, "tenant:acme-") {
		t.Errorf("default name = %q", tenantKey.Record.Name)
	}
	tp, err := svc.Authenticate(ctx, tenantKey.Key)
	if err != nil || tp.TenantID != "t-acme" {
		t.Fatalf("tenant principal = %+v, %v", tp, err)
	}

	if _, err := svc.Revoke(ctx, created.Record.ID); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if _, err := svc.Authenticate(ctx, created.Key); ErrorCode(err) != EUNAUTHORIZED {
		t.Errorf("revoked key: err = %v, want %s", err, EUNAUTHORIZED)
	}
	if _, err := svc.Revoke(ctx, "nope"); ErrorCode(err) != ENOTFOUND {
		t.Errorf("Revoke unknown: err = %v", err)
	}

	admin, err := svc.Authenticate(ctx, "automation-admin-key-0123")
	if err != nil || !admin.Admin() || admin.Name != ActorAdminAPIKey {
		t.Errorf("ADMIN_API_KEY principal = %+v, %v", admin, err)
	}
}

func TestAPIKeyServiceRejects(t *testing.T) {
	ctx := context.Background()
	store := &memKeys{tenants: map[string]*Tenant{}}
	svc := NewAPIKeyService(store, store, "")
	tests := []struct {
		name  string
		scope Scope
		code  string
	}{
		{"bad scope", "root", EINVALID},
		{"empty tenant", "tenant:", EINVALID},
		{"unknown tenant", TenantScope("ghost"), EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := svc.Create(ctx, "x", tt.scope); ErrorCode(err) != tt.code {
				t.Errorf("Create(%q) err = %v, want code %s", tt.scope, err, tt.code)
			}
		})
	}
	for _, key := range []string{"", "slk_unknown"} {
		if _, err := svc.Authenticate(ctx, key); ErrorCode(err) != EUNAUTHORIZED {
			t.Errorf("Authenticate(%q) err = %v, want %s", key, err, EUNAUTHORIZED)
		}
	}
}

func TestPrincipalPolicy(t *testing.T) {
	admin := &Principal{Scope: ScopeAdmin}
	ro := &Principal{Scope: ScopeReadOnly}
	tenant := &Principal{Scope: TenantScope("acme"), TenantID: "t1"}
	var anon *Principal
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"admin admin", ErrorCode(admin.RequireAdmin("x")), ""},
		{"readonly admin", ErrorCode(ro.RequireAdmin("x")), EFORBIDDEN},
		{"tenant admin", ErrorCode(tenant.RequireAdmin("x")), EFORBIDDEN},
		{"anon admin", ErrorCode(anon.RequireAdmin("x")), EUNAUTHORIZED},
		{"readonly write", ErrorCode(ro.RequireWrite("x")), EFORBIDDEN},
		{"tenant write", ErrorCode(tenant.RequireWrite("x")), ""},
		{"readonly read", ErrorCode(ro.RequireRead("x")), ""},
		{"tenant read", ErrorCode(tenant.RequireRead("x")), EFORBIDDEN},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: code %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if !tenant.CanSeeTenant("t1") || tenant.CanSeeTenant("t2") || tenant.CanSeeTenant("") {
		t.Error("tenant key must see only its own tenant")
	}
	if !ro.CanSeeTenant("t2") || !admin.CanSeeTenant("") || anon.CanSeeTenant("") {
		t.Error("admin and read-only keys see every tenant; no key sees nothing")
	}
}
