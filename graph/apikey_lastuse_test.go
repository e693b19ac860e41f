package graph_test

import (
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestQueryAPIKeyLastUsedAt checks that a key's use shows as ApiKey.lastUsedAt.
func TestQueryAPIKeyLastUsedAt(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		before := time.Now().Add(-time.Second)
		used := e.key(scalelite.ScopeReadOnly, "dashboard")
		e.key(scalelite.ScopeReadOnly, "spare")
		e.must(used, `{ servers { id } }`, nil, nil)
		e.keys.WaitLastUse()

		var got struct {
			APIKeys []struct {
				Name       string
				LastUsedAt *time.Time
			} `json:"apiKeys"`
		}
		e.must(adminEnvKey, `{ apiKeys { name lastUsedAt } }`, nil, &got)
		seen := map[string]*time.Time{}
		for _, k := range got.APIKeys {
			seen[k.Name] = k.LastUsedAt
		}
		if at := seen["dashboard"]; at == nil || at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("dashboard lastUsedAt = %v, want about now", at)
		}
		if at, ok := seen["spare"]; !ok || at != nil {
			t.Errorf("spare lastUsedAt = %v (listed %t), want null", at, ok)
		}
	})
}
