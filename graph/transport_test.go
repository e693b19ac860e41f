package graph_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/server"
)

func TestHTTPAuthentication(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		ro := e.key(scalelite.ScopeReadOnly, "ro")
		tests := []struct {
			name, auth string
			status     int
		}{
			{"no header", "", http.StatusUnauthorized},
			{"unknown key", "Bearer slk_not-a-key", http.StatusUnauthorized},
			{"wrong scheme", "Basic " + ro, http.StatusUnauthorized},
			{"empty bearer", "Bearer ", http.StatusUnauthorized},
			{"stored key", "Bearer " + ro, http.StatusOK},
			{"lower-case scheme", "bearer " + ro, http.StatusOK},
			{"ADMIN_API_KEY", "Bearer " + adminEnvKey, http.StatusOK},
		}
		for _, tt := range tests {
			req, _ := http.NewRequest(http.MethodPost, e.http.URL, strings.NewReader(`{"query":"{ servers { id } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			res := e.do(req)
			if res.Status != tt.status {
				t.Errorf("%s: HTTP %d, want %d (%+v)", tt.name, res.Status, tt.status, res.Errors)
			}
			if tt.status == http.StatusUnauthorized && res.code() != "UNAUTHENTICATED" {
				t.Errorf("%s: code %q, want UNAUTHENTICATED", tt.name, res.code())
			}
		}
	})
}

func TestIntrospectionAndLimits(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		ro := e.key(scalelite.ScopeReadOnly, "ro")

		// The usual client introspection query is deep; it must pass with a key.
		res := e.post(ro, introspectionQuery, nil)
		if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"name":"Query"`) {
			t.Errorf("introspection: %+v", res.Errors)
		}

		deep := "{ tenants { name" + strings.Repeat(" settings { tenant { name", 6) + strings.Repeat(" } }", 6) + " } }"
		e.fails(ro, deep, nil, "DEPTH_LIMIT_EXCEEDED")

		costly := `{ meetings(first: 500) { nodes { meetingID name serverId tenantId voiceBridge running placement reservation missedPolls createdAt updatedAt endedAt } } }`
		e.fails(ro, costly, nil, "COMPLEXITY_LIMIT_EXCEEDED")
		e.must(ro, `{ meetings(first: 100) { nodes { meetingID name } } }`, nil, nil)
	})
}

// introspectionQuery is the query GraphiQL and graphql-js clients send.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`

func TestWebsocketAuthentication(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		ro := e.key(scalelite.ScopeReadOnly, "ro")

		accepted := []struct {
			name    string
			payload map[string]any
			header  http.Header
		}{
			{"Authorization in payload", map[string]any{"Authorization": "Bearer " + ro}, nil},
			{"authorization in payload", map[string]any{"authorization": "Bearer " + ro}, nil},
			{"apiKey in payload", map[string]any{"apiKey": ro}, nil},
			{"header on the upgrade", nil, http.Header{"Authorization": {"Bearer " + ro}}},
		}
		for _, tt := range accepted {
			c, _, err := e.dialWS("", tt.header)
			if err != nil {
				t.Fatalf("%s: dial: %v", tt.name, err)
			}
			if err := c.init(tt.payload); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			c.conn.CloseNow()
		}

		refused := []struct {
			name    string
			payload map[string]any
		}{
			{"no key", map[string]any{}},
			{"unknown key", map[string]any{"apiKey": "slk_nope"}},
			{"bad Authorization", map[string]any{"Authorization": "Bearer slk_nope"}},
		}
		for _, tt := range refused {
			c, _, err := e.dialWS("", nil)
			if err != nil {
				t.Fatalf("%s: dial: %v", tt.name, err)
			}
			err = c.init(tt.payload)
			for err == nil {
				_, err = c.read(waitLong) // drain until the server closes
			}
			if code := closeStatus(err); code != 4403 {
				t.Errorf("%s: closed with %d (%v), want 4403", tt.name, code, err)
			}
		}

		// A bad key on the upgrade request is refused before the upgrade.
		if _, resp, err := e.dialWS("", http.Header{"Authorization": {"Bearer slk_nope"}}); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("bad header: err %v, resp %v; want 401", err, resp)
		}

		// Origin allow-list: the same host and allowed patterns pass, other pages are refused.
		if _, resp, err := e.dialWS("https://evil.example.net", nil); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("foreign origin: err %v, resp %v; want 403", err, resp)
		}
		for _, origin := range []string{"https://console.example.com", e.http.URL} {
			c, _, err := e.dialWS(origin, nil)
			if err != nil {
				t.Errorf("origin %s: %v", origin, err)
				continue
			}
			c.conn.CloseNow()
		}
	})
}

func TestWebsocketKeepAlive(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		c := e.connect(map[string]any{"apiKey": adminEnvKey})
		select {
		case <-c.pings:
		case <-time.After(waitLong):
			t.Fatal("no keep-alive ping")
		}
	})
}

// TestMountedInServer runs the handler behind the production gin engine (server.New), where
// /graphql is routed for GET and POST: queries and websocket subscriptions both work.
func TestMountedInServer(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		h, err := server.New(server.Config{}, server.Deps{
			Logger:   slog.New(slog.DiscardHandler),
			Registry: prometheus.NewRegistry(),
			Mounts:   []server.Mount{{Path: "/graphql", Methods: []string{http.MethodGet, http.MethodPost}, Handler: e.http.Config.Handler}},
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		mounted := &instance{t: t, http: &httptest.Server{URL: srv.URL + "/graphql"}}
		var got struct{ Servers []struct{ ID string } }
		mounted.must(adminEnvKey, `{ servers { id } }`, nil, &got)
		if len(got.Servers) != 1 {
			t.Fatalf("servers = %+v", got)
		}

		c := mounted.connect(map[string]any{"apiKey": adminEnvKey})
		c.subscribe("1", `subscription { serverEvents { type serverId } }`, nil)
		var ev struct {
			ServerEvents struct{ Type, ServerID string }
		}
		for attempt := 0; ; attempt++ {
			e.must(adminEnvKey, `mutation { cordonServer(id: "bbb-a") { id } }`, nil, nil)
			err := c.next("1", eventWait, &ev)
			if err == nil {
				break
			}
			if !errors.Is(err, errTimeout) || attempt > maxAttempts {
				t.Fatalf("subscription through the gin engine: %v", err)
			}
		}
		if ev.ServerEvents.ServerID != "bbb-a" || ev.ServerEvents.Type != "STATE_CHANGED" {
			t.Errorf("event = %+v", ev)
		}
	})
}
