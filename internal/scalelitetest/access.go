package scalelitetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func testAPIKeys(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	admin := &scalelite.APIKey{Name: "ops", Hash: "aa11", Scope: scalelite.ScopeAdmin, CreatedAt: t0}
	must(t, "CreateAPIKey admin", s.CreateAPIKey(ctx, admin))
	if admin.ID == "" {
		t.Fatal("CreateAPIKey left ID empty")
	}
	tenant := &scalelite.APIKey{Name: "acme", Hash: "bb22", Scope: scalelite.TenantScope("acme"), CreatedAt: t0.Add(time.Second)}
	must(t, "CreateAPIKey tenant", s.CreateAPIKey(ctx, tenant))
	wantCode(t, "duplicate hash", s.CreateAPIKey(ctx, &scalelite.APIKey{Name: "x", Hash: "aa11", Scope: scalelite.ScopeReadOnly}), scalelite.ECONFLICT)

	got, err := s.APIKeyByHash(ctx, "bb22")
	must(t, "APIKeyByHash", err)
	if got.ID != tenant.ID || got.Name != "acme" || got.Scope != scalelite.TenantScope("acme") ||
		!sameTime(got.CreatedAt, tenant.CreatedAt) || got.RevokedAt != nil || got.LastUsedAt != nil {
		t.Errorf("APIKeyByHash = %+v", got)
	}
	_, err = s.APIKeyByHash(ctx, "nope")
	wantCode(t, "unknown hash", err, scalelite.ENOTFOUND)

	must(t, "RevokeAPIKey", s.RevokeAPIKey(ctx, admin.ID, t0.Add(time.Hour)))
	_, err = s.APIKeyByHash(ctx, "aa11")
	wantCode(t, "revoked key", err, scalelite.ENOTFOUND)
	wantCode(t, "revoke unknown", s.RevokeAPIKey(ctx, "nope", t0), scalelite.ENOTFOUND)

	list, err := s.APIKeys(ctx)
	must(t, "APIKeys", err)
	if len(list) != 2 || list[0].ID != admin.ID || list[1].ID != tenant.ID {
		t.Fatalf("APIKeys = %+v", list)
	}
	if list[0].RevokedAt == nil || !sameTime(*list[0].RevokedAt, t0.Add(time.Hour)) || list[1].RevokedAt != nil {
		t.Errorf("revocation times: %v %v", list[0].RevokedAt, list[1].RevokedAt)
	}
}

func testAudit(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	entries, total, err := s.AuditEntries(ctx, 0, 10)
	must(t, "AuditEntries empty", err)
	if len(entries) != 0 || total != 0 {
		t.Fatalf("empty log: %d entries, total %d", len(entries), total)
	}
	var ids []int64
	for i := range 5 {
		e := &scalelite.AuditEntry{Time: t0.Add(time.Duration(i) * time.Second), Actor: "cli", Action: fmt.Sprintf("action%d", i),
			Arguments: `{"id":"x","secret":"***"}`, Result: "ok"}
		must(t, "AddAuditEntry", s.AddAuditEntry(ctx, e))
		if e.ID == 0 || (len(ids) > 0 && e.ID <= ids[len(ids)-1]) {
			t.Fatalf("AddAuditEntry ids %v then %d", ids, e.ID)
		}
		ids = append(ids, e.ID)
	}
	entries, total, err = s.AuditEntries(ctx, 0, 2)
	must(t, "AuditEntries page 1", err)
	if total != 5 || len(entries) != 2 || entries[0].ID != ids[4] || entries[1].ID != ids[3] {
		t.Fatalf("page 1: total %d, %+v", total, entries)
	}
	e := entries[0]
	if e.Actor != "cli" || e.Action != "action4" || e.Arguments != `{"id":"x","secret":"***"}` || e.Result != "ok" ||
		!sameTime(e.Time, t0.Add(4*time.Second)) {
		t.Errorf("entry = %+v", e)
	}
	entries, total, err = s.AuditEntries(ctx, entries[1].ID, 10)
	must(t, "AuditEntries page 2", err)
	if total != 5 || len(entries) != 3 || entries[0].ID != ids[2] || entries[2].ID != ids[0] {
		t.Errorf("page 2: total %d, %+v", total, entries)
	}
}

// testTouchAPIKey: TouchAPIKey records a key's last use, never moves it backwards, leaves the
// other keys alone and gives ENOTFOUND for an unknown id.
func testTouchAPIKey(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	k := &scalelite.APIKey{Name: "console", Hash: "cc33", Scope: scalelite.ScopeReadOnly, CreatedAt: t0}
	must(t, "CreateAPIKey", s.CreateAPIKey(ctx, k))
	other := &scalelite.APIKey{Name: "other", Hash: "dd44", Scope: scalelite.ScopeAdmin, CreatedAt: t0}
	must(t, "CreateAPIKey other", s.CreateAPIKey(ctx, other))

	east := time.FixedZone("UTC+2", 2*60*60)
	steps := []struct {
		name string
		at   time.Time
		want time.Time
	}{
		{"first use", t0.Add(time.Minute), t0.Add(time.Minute)},
		{"later", t0.Add(2*time.Minute + 250*time.Microsecond), t0.Add(2*time.Minute + 250*time.Microsecond)},
		{"earlier", t0.Add(90 * time.Second), t0.Add(2*time.Minute + 250*time.Microsecond)},
		{"same time", t0.Add(2*time.Minute + 250*time.Microsecond), t0.Add(2*time.Minute + 250*time.Microsecond)},
		{"earlier in another zone", t0.Add(time.Minute).In(east), t0.Add(2*time.Minute + 250*time.Microsecond)},
		{"later in another zone", t0.Add(time.Hour).In(east), t0.Add(time.Hour)},
		{"before creation", t0.Add(-time.Hour), t0.Add(time.Hour)},
	}
	for _, st := range steps {
		must(t, "TouchAPIKey "+st.name, s.TouchAPIKey(ctx, k.ID, st.at))
		got, err := s.APIKeyByHash(ctx, "cc33")
		must(t, "APIKeyByHash after "+st.name, err)
		if got.LastUsedAt == nil || !sameTime(*got.LastUsedAt, st.want) {
			t.Errorf("%s: LastUsedAt = %v, want %v", st.name, got.LastUsedAt, st.want)
		}
	}

	list, err := s.APIKeys(ctx)
	must(t, "APIKeys", err)
	last := map[string]*time.Time{}
	for _, key := range list {
		last[key.ID] = key.LastUsedAt
	}
	if got := last[k.ID]; got == nil || !sameTime(*got, t0.Add(time.Hour)) {
		t.Errorf("APIKeys: LastUsedAt of the touched key = %v, want %v", got, t0.Add(time.Hour))
	}
	if got, ok := last[other.ID]; !ok || got != nil {
		t.Errorf("APIKeys: LastUsedAt of the other key = %v (listed %v), want nil", got, ok)
	}

	wantCode(t, "TouchAPIKey unknown id", s.TouchAPIKey(ctx, "no-such-key", t0.Add(2*time.Hour)), scalelite.ENOTFOUND)
	got, err := s.APIKeyByHash(ctx, "dd44")
	must(t, "APIKeyByHash other", err)
	if got.LastUsedAt != nil {
		t.Errorf("touching an unknown id changed another key: %v", got.LastUsedAt)
	}
}
