package scalelite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// lastUseEnv is a key service over memKeys with a clock the test moves.
type lastUseEnv struct {
	t     *testing.T
	store *memKeys
	svc   *APIKeyService
	clock time.Time
}

func newLastUseEnv(t *testing.T) *lastUseEnv {
	e := &lastUseEnv{t: t, store: &memKeys{tenants: map[string]*Tenant{"acme": {ID: "t-acme", Name: "acme"}}},
		clock: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	e.svc = e.service()
	return e
}

// service returns another service (another instance) over the same store and clock.
func (e *lastUseEnv) service() *APIKeyService {
	svc := NewAPIKeyService(e.store, e.store, "automation-admin-key-0123")
	svc.Now = func() time.Time { return e.clock }
	return svc
}

func (e *lastUseEnv) key(name string, scope Scope) *NewAPIKey {
	e.t.Helper()
	k, err := e.svc.Create(context.Background(), name, scope)
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// use authenticates key with svc, which must succeed, and waits for the last-use write.
func (e *lastUseEnv) use(svc *APIKeyService, key string) {
	e.t.Helper()
	if _, err := svc.Authenticate(context.Background(), key); err != nil {
		e.t.Fatalf("Authenticate: %v", err)
	}
	svc.WaitLastUse()
}

func (e *lastUseEnv) touches() []time.Time {
	e.store.mu.Lock()
	defer e.store.mu.Unlock()
	return append([]time.Time(nil), e.store.touches...)
}

func TestAPIKeyLastUseAtMostOncePerInterval(t *testing.T) {
	e := newLastUseEnv(t)
	k := e.key("ops", ScopeReadOnly)
	t0 := e.clock
	other := e.service() // a second instance: it trusts the stored last use
	steps := []struct {
		name  string
		svc   *APIKeyService
		after time.Duration
		want  int // touches so far
	}{
		{"first use is written", e.svc, 0, 1},
		{"same minute: skipped", e.svc, 30 * time.Second, 1},
		{"a minute later: written", e.svc, 61 * time.Second, 2},
		{"other instance, stored use is recent: skipped", other, 90 * time.Second, 2},
		{"other instance, a minute after the stored use: written", other, 2*time.Minute + 2*time.Second, 3},
		{"first instance, within a minute of the stored use: skipped", e.svc, 2*time.Minute + 30*time.Second, 3},
	}
	for _, s := range steps {
		e.clock = t0.Add(s.after)
		e.use(s.svc, k.Key)
		if got := len(e.touches()); got != s.want {
			t.Fatalf("%s: %d writes, want %d", s.name, got, s.want)
		}
	}
	if got := e.touches(); !got[0].Equal(t0) || !got[1].Equal(t0.Add(61*time.Second)) {
		t.Errorf("written times = %v", got)
	}
	keys, _ := e.svc.List(context.Background())
	if keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(t0.Add(2*time.Minute+2*time.Second)) {
		t.Errorf("LastUsedAt = %v", keys[0].LastUsedAt)
	}
}

func TestAPIKeyLastUseNotRecorded(t *testing.T) {
	e := newLastUseEnv(t)
	ctx := context.Background()
	revoked := e.key("old", ScopeAdmin)
	if _, err := e.svc.Revoke(ctx, revoked.Record.ID); err != nil {
		t.Fatal(err)
	}
	orphan := e.key("orphan", TenantScope("acme"))
	delete(e.store.tenants, "acme")
	for _, key := range []string{"automation-admin-key-0123", revoked.Key, orphan.Key, "slk_unknown"} {
		_, _ = e.svc.Authenticate(ctx, key)
	}
	e.svc.WaitLastUse()
	if got := e.touches(); len(got) != 0 {
		t.Errorf("writes = %v, want none (ADMIN_API_KEY, revoked, orphaned and unknown keys)", got)
	}
}

func TestAPIKeyLastUseFailureIsRetried(t *testing.T) {
	e := newLastUseEnv(t)
	k := e.key("ops", ScopeAdmin)
	e.store.touchErr = errors.New("database is down")
	e.use(e.svc, k.Key) // the request succeeds although the write fails
	e.store.touchErr = nil
	e.use(e.svc, k.Key) // same instant: tried again, since nothing was written
	e.use(e.svc, k.Key) // written now: skipped
	if got := len(e.touches()); got != 2 {
		t.Errorf("%d writes, want 2 (a failed one, then its retry)", got)
	}
}

func TestAPIKeyLastUseNeverBlocks(t *testing.T) {
	e := newLastUseEnv(t)
	ctx := context.Background()
	var keys []*NewAPIKey
	for i := range maxTouchesInFlight + 3 {
		keys = append(keys, e.key(fmt.Sprintf("k%d", i), ScopeReadOnly))
	}
	// Every write hangs until the gate opens; authentication must not wait for it (if it did,
	// this test would hang).
	e.store.touchGate = make(chan struct{})
	for _, k := range keys {
		if _, err := e.svc.Authenticate(ctx, k.Key); err != nil {
			t.Fatal(err)
		}
	}
	close(e.store.touchGate)
	e.svc.WaitLastUse()
	if got := len(e.touches()); got != maxTouchesInFlight {
		t.Errorf("%d writes, want %d (uses beyond the in-flight bound are left for later)", got, maxTouchesInFlight)
	}
	// The uses that were left out are written on the keys' next use.
	for _, k := range keys {
		e.use(e.svc, k.Key)
	}
	if got := len(e.touches()); got != len(keys) {
		t.Errorf("%d writes, want %d", got, len(keys))
	}
}
