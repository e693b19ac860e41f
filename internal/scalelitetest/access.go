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
