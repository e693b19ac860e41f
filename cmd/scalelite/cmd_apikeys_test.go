package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestAPIKeyCommands runs api-keys create, list and revoke with the real binary on both
// databases and checks what is stored (a hash only) and audited.
func TestAPIKeyCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	for _, b := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "scalelite.db") }},
		{"postgres", func(t *testing.T) string { return dbtest.PostgresDSN(t) }},
	} {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			c := &cliEnv{t: t, bin: bin, env: []string{"DATABASE_URL=" + dsn, "HOME=" + t.TempDir()}}
			c.ok("migrate", "up")

			out := c.ok("api-keys", "create", "--scope", "admin", "--name", "ops")
			var key, id string
			for _, line := range strings.Split(out, "\n") {
				if v, ok := strings.CutPrefix(line, "key: "); ok {
					key = v
				}
				if v, ok := strings.CutPrefix(line, "id: "); ok {
					id = v
				}
			}
			if !strings.HasPrefix(out, "OK\n") || !strings.HasPrefix(key, scalelite.APIKeyPrefix) || id == "" {
				t.Fatalf("api-keys create printed %q", out)
			}
			var created apiKeyJSON
			if err := json.Unmarshal([]byte(c.ok("api-keys", "create", "--scope", "readonly", "--json")), &created); err != nil {
				t.Fatal(err)
			}
			if created.Scope != "readonly" || !strings.HasPrefix(created.Name, "readonly-") || created.Key == "" {
				t.Errorf("created = %+v", created)
			}
			c.fails("Invalid scope", "api-keys", "create", "--scope", "root")
			c.fails("Unknown tenant", "api-keys", "create", "--scope", "tenant:ghost")
			c.fails("scope", "api-keys", "create")

			if list := c.ok("api-keys", "list"); !strings.Contains(list, "name: ops") || strings.Contains(list, key) {
				t.Errorf("api-keys list = %q", list)
			}
			if out := c.ok("api-keys", "revoke", id); out != "OK\n" {
				t.Errorf("api-keys revoke printed %q", out)
			}
			c.fails("No API key", "api-keys", "revoke", "nope")
			var keys []apiKeyJSON
			if err := json.Unmarshal([]byte(c.ok("api-keys", "list", "--json")), &keys); err != nil {
				t.Fatal(err)
			}
			if len(keys) != 2 || keys[0].RevokedAt == nil && keys[1].RevokedAt == nil {
				t.Errorf("keys = %+v, want two, one revoked", keys)
			}

			ctx := context.Background()
			store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			svc := scalelite.NewAPIKeyService(store, store, "")
			if _, err := svc.Authenticate(ctx, key); scalelite.ErrorCode(err) != scalelite.EUNAUTHORIZED {
				t.Errorf("revoked key authenticates: %v", err)
			}
			if p, err := svc.Authenticate(ctx, created.Key); err != nil || p.Scope != scalelite.ScopeReadOnly {
				t.Errorf("created key: %+v, %v", p, err)
			}
			entries, _, err := store.AuditEntries(ctx, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			actions := map[string]int{}
			for _, e := range entries {
				if e.Actor != "cli" || strings.Contains(e.Arguments, scalelite.APIKeyPrefix) {
					t.Errorf("audit entry %+v", e)
				}
				actions[e.Action]++
			}
			if actions["createApiKey"] != 4 || actions["revokeApiKey"] != 2 {
				t.Errorf("audited actions = %v, want 4 createApiKey (2 failed) and 2 revokeApiKey (1 failed)", actions)
			}
		})
	}
}

// TestServeRecordsAPIKeyUse uses a key against a running serve and stops it at once: shutdown
// waits for the background last-use write, so api-keys list shows it afterwards.
func TestServeRecordsAPIKeyUse(t *testing.T) {
	env := sqliteEnv(t)
	if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	out, stderr, err := runCmd(t, env, "api-keys", "create", "--scope", "readonly", "--name", "console", "--json")
	if err != nil {
		t.Fatalf("api-keys create: %v\n%s", err, stderr)
	}
	var created apiKeyJSON
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatal(err)
	}
	list := func() (string, []apiKeyJSON) {
		t.Helper()
		text, stderr, err := runCmd(t, env, "api-keys", "list")
		if err != nil {
			t.Fatalf("api-keys list: %v\n%s", err, stderr)
		}
		js, stderr, err := runCmd(t, env, "api-keys", "list", "--json")
		if err != nil {
			t.Fatalf("api-keys list --json: %v\n%s", err, stderr)
		}
		var keys []apiKeyJSON
		if err := json.Unmarshal([]byte(js), &keys); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(js, "lastUsedAt") != (len(keys) == 1 && keys[0].LastUsedAt != nil) {
			t.Errorf("lastUsedAt should appear only when set: %s", js)
		}
		return text, keys
	}
	if text, keys := list(); !strings.Contains(text, "\tlast used: never\n") || len(keys) != 1 || keys[0].LastUsedAt != nil {
		t.Fatalf("before any use: %q, %+v", text, keys)
	}

	s := start(t, env, "serve", "--roles", "api")
	base := s.stdout.wait(t, listening, s.done)[1]
	before := time.Now().Add(-time.Second)
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{apiKeys{name}}"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+created.Key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name":"console"`) {
		t.Fatalf("graphql with the key: %d %s", resp.StatusCode, body)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("serve ended with %v; stderr:\n%s", err, s.stderr)
	}

	text, keys := list()
	if len(keys) != 1 || keys[0].LastUsedAt == nil || keys[0].LastUsedAt.Before(before) {
		t.Fatalf("after a use and shutdown: %+v (stderr of serve:\n%s)", keys, s.stderr)
	}
	if want := "\tlast used: " + keys[0].LastUsedAt.UTC().Format(time.RFC3339) + "\n"; !strings.Contains(text, want) {
		t.Errorf("api-keys list = %q, want a line %q", text, want)
	}
}
