package adminapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/adminapi"
	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

const lbSecret = "lb-secret-for-the-admin-api"

type env struct {
	t     *testing.T
	store *db.DB
	srv   *httptest.Server
	sim   *bbbsim.Sim
}

func newEnv(t *testing.T, store *db.DB, multitenancy bool) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sim, err := bbbsim.Start(ctx, 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	timeouts := bbb.Timeouts{Connect: 2 * time.Second, Response: 5 * time.Second}
	backend := bbb.NewBackend(bbb.NewClient(bbb.SHA256, timeouts), timeouts)
	h := adminapi.New(adminapi.Config{Secrets: []string{"", lbSecret}, MultitenancyEnabled: multitenancy}, adminapi.Deps{
		Servers: scalelite.NewServerService(store, backend, nil, false),
		Tenants: scalelite.NewTenantService(store),
		Store:   store,
	})
	mux := http.NewServeMux()
	mux.Handle("/scalelite/api/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, store: store, srv: srv, sim: sim}
}

type answer struct {
	status      int
	contentType string
	body        string
}

// json decodes the answer's body.
func (a answer) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, a.body)
	}
	return v
}

// call sends a request signed like Scalelite's clients: SHA-256 over action + query + secret.
func (e *env) call(method, action, query, body string) answer {
	e.t.Helper()
	sum := bbb.Checksum(bbb.SHA256, action, query, lbSecret)
	q := "checksum=" + sum
	if query != "" {
		q = query + "&" + q
	}
	return e.raw(method, "/scalelite/api/"+action+"?"+q, body, "application/json")
}

func (e *env) raw(method, path, body, contentType string) answer {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: string(b)}
}

// expect checks status and, when want is not nil, the JSON body.
func expect(t *testing.T, what string, got answer, status int, want any) {
	t.Helper()
	if got.status != status {
		t.Errorf("%s: HTTP %d, want %d: %s", what, got.status, status, got.body)
		return
	}
	if want == nil {
		return
	}
	wantJSON, _ := json.Marshal(want)
	var w, g any
	_ = json.Unmarshal(wantJSON, &w)
	if err := json.Unmarshal([]byte(got.body), &g); err != nil {
		t.Errorf("%s: not JSON: %s", what, got.body)
		return
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("%s: body %s, want %s", what, gb, wb)
	}
}

func TestServers(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, false)
		sim := e.sim.Servers()[0]
		expect(t, "getServers empty", e.call("GET", "getServers", "", ""), 404, map[string]string{"error": "No servers are configured"})

		add := e.call("POST", "addServer", "", `{"server":{"url":"`+sim.URL()+`","secret":"`+sim.Secret()+`"}}`)
		if add.status != http.StatusCreated {
			t.Fatalf("addServer: HTTP %d %s", add.status, add.body)
		}
		s := add.json(t).(map[string]any)
		id := s["id"].(string)
		expect(t, "addServer", add, 201, map[string]any{"id": id, "url": sim.URL(), "secret": sim.Secret(), "tag": "",
			"bbb_version": "", "state": "disabled", "load": "unavailable", "load_multiplier": "1.0", "online": "offline"})
		if !strings.HasPrefix(add.contentType, "application/json") {
			t.Errorf("content type %q", add.contentType)
		}
		var keys []string
		for _, line := range strings.Split(strings.Trim(add.body, "{}\n"), ",\"") {
			k, _, _ := strings.Cut(strings.Trim(line, `"`), `"`)
			keys = append(keys, k)
		}
		if got := strings.Join(keys, " "); got != "id url secret tag bbb_version state load load_multiplier online" {
			t.Errorf("field order = %s", got)
		}

		add2 := e.call("POST", "addServer", "", `{"server":{"url":"https://bbb2.example.com/bigbluebutton/api","secret":"s2","load_multiplier":"2.5","tag":"gpu"}}`)
		s2 := add2.json(t).(map[string]any)
		if add2.status != 201 || s2["load_multiplier"] != "2.5" || s2["tag"] != "gpu" {
			t.Errorf("addServer with multiplier and tag: HTTP %d %v", add2.status, s2)
		}
		id2 := s2["id"].(string)
		expect(t, "addServer without secret", e.call("POST", "addServer", "", `{"server":{"url":"https://x/bigbluebutton/api"}}`),
			400, map[string]string{"error": "Server needs a URL and a secret"})
		expect(t, "addServer, top-level keys", e.call("POST", "addServer", "", `{"url":"https://bbb3.example.com/bigbluebutton/api","secret":"s3"}`), 201, nil)

		list := e.call("GET", "getServers", "", "")
		if arr, ok := list.json(t).([]any); list.status != 200 || !ok || len(arr) != 3 {
			t.Errorf("getServers: HTTP %d %s", list.status, list.body)
		}
		expect(t, "getServerInfo", e.call("GET", "getServerInfo", "id="+url.QueryEscape(id), ""), 200, s)
		expect(t, "getServerInfo unknown", e.call("GET", "getServerInfo", "id=nope", ""), 404, map[string]string{"error": "Couldn't find server with id=nope"})

		upd := e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"state":"enable","load_multiplier":3,"tag":"a"}}`)
		u := upd.json(t).(map[string]any)
		if upd.status != 200 || u["state"] != "enabled" || u["load_multiplier"] != "3.0" || u["tag"] != "a" {
			t.Errorf("updateServer: HTTP %d %v", upd.status, u)
		}
		upd = e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"tag":"","state":"cordon"}}`)
		if u := upd.json(t).(map[string]any); u["tag"] != "" || u["state"] != "cordoned" {
			t.Errorf("updateServer remove tag, cordon: %v", u)
		}
		expect(t, "updateServer bad state", e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"state":"on"}}`),
			400, map[string]string{"error": "Invalid state parameter: on"})
		expect(t, "updateServer zero multiplier", e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"load_multiplier":0}}`),
			400, map[string]string{"error": "Load-multiplier must be a non-zero number"})
		expect(t, "updateServer text multiplier", e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"load_multiplier":"abc"}}`),
			400, map[string]string{"error": "Load-multiplier must be a non-zero number"})
		expect(t, "updateServer unknown", e.call("POST", "updateServer", "", `{"id":"nope","server":{"state":"enable"}}`),
			404, map[string]string{"error": "Couldn't find server with id=nope"})

		// panicServer: keep_state at the top level, where even the string "false" keeps it.
		e.call("POST", "updateServer", "", `{"id":"`+id+`","server":{"state":"enable"}}`)
		srv, _ := store.Server(context.Background(), id)
		if _, err := store.RecordPoll(context.Background(), id, scalelite.PollResult{Time: time.Now(), Online: true}); err != nil {
			t.Fatal(err)
		}
		placeMeeting(t, store, "m-1", srv.ID)
		msg := map[string]string{"success": "Server id=" + id + " has been disabled and the meetings have been destroyed"}
		expect(t, "panicServer keep_state \"false\"", e.call("POST", "panicServer", "", `{"id":"`+id+`","keep_state":"false"}`), 200, msg)
		if got, _ := store.Server(context.Background(), id); got.State != scalelite.ServerEnabled {
			t.Errorf("state after panic with keep_state = %s, want enabled", got.State)
		}
		// Ended on BBB; the row stays running (recoverable on its next create or join).
		if m, err := store.Meeting(context.Background(), "m-1"); err != nil || m.ServerID != id {
			t.Errorf("meeting after the panic: %+v, %v; want its row running", m, err)
		}
		expect(t, "panicServer nested keep_state ignored", e.call("POST", "panicServer", "", `{"id":"`+id+`","server":{"keep_state":true}}`), 200, msg)
		if got, _ := store.Server(context.Background(), id); got.State != scalelite.ServerDisabled {
			t.Errorf("state after panic = %s, want disabled", got.State)
		}
		expect(t, "panicServer unknown", e.call("POST", "panicServer", "", `{"id":"nope"}`), 404, map[string]string{"error": "Couldn't find server with id=nope"})

		// A failing end call gives Scalelite's 400.
		e.call("POST", "updateServer", "", `{"id":"`+id2+`","server":{"state":"enable"}}`)
		if _, err := store.RecordPoll(context.Background(), id2, scalelite.PollResult{Time: time.Now(), Online: true}); err != nil {
			t.Fatal(err)
		}
		placeMeeting(t, store, "m-2", id2) // its server is bbb2.example.com: the end call fails
		expect(t, "panicServer failing end", e.call("POST", "panicServer", "", `{"id":"`+id2+`"}`), 400, map[string]string{"error": "Couldn't disable server id=" + id2})

		expect(t, "deleteServer", e.call("POST", "deleteServer", "", `{"id":"`+id+`"}`), 200, map[string]string{"success": "Server id=" + id + " was destroyed"})
		expect(t, "deleteServer unknown", e.call("POST", "deleteServer", "", `{"id":"`+id+`"}`), 404, map[string]string{"error": "Couldn't find server with id=" + id})
		expect(t, "deleteServer id in the query", e.call("POST", "deleteServer", "id="+id2, ""), 200, map[string]string{"success": "Server id=" + id2 + " was destroyed"})

		// Audit: actor admin-api, secrets masked.
		entries, _, err := store.AuditEntries(context.Background(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, en := range entries {
			actions[en.Action] = true
			if en.Actor != adminapi.Actor {
				t.Errorf("actor = %q", en.Actor)
			}
			if strings.Contains(en.Arguments, sim.Secret()) || strings.Contains(en.Arguments, `"s2"`) {
				t.Errorf("secret in audit arguments: %s", en.Arguments)
			}
		}
		for _, a := range []string{"addServer", "updateServer", "panicServer", "deleteServer"} {
			if !actions[a] {
				t.Errorf("no audit entry for %s", a)
			}
		}
	})
}

func placeMeeting(t *testing.T, store *db.DB, meetingID, serverID string) {
	t.Helper()
	_, err := scalelitetest.PlaceOn(context.Background(), store, scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{MeetingID: meetingID, ModeratorPW: "mp", AttendeePW: "ap"},
	}, serverID)
	if err != nil {
		t.Fatalf("place meeting: %v", err)
	}
}

func TestTenants(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		off := newEnv(t, store, false)
		for _, c := range []struct{ method, action, body string }{
			{"GET", "getTenants", ""}, {"GET", "getTenantInfo", ""}, {"POST", "addTenant", `{"tenant":{"name":"a","secrets":"b"}}`},
			{"POST", "updateTenant", `{"id":"x"}`}, {"POST", "deleteTenant", `{"id":"x"}`},
		} {
			expect(t, c.action+" without multitenancy", off.call(c.method, c.action, "", c.body), 412, map[string]string{"message": "Multitenancy is disabled"})
		}

		e := newEnv(t, store, true)
		expect(t, "getTenants empty", e.call("GET", "getTenants", "", ""), 200, map[string]string{"message": "No tenants exist"})
		expect(t, "addTenant without secrets", e.call("POST", "addTenant", "", `{"tenant":{"name":"acme"}}`),
			400, map[string]string{"message": "Error: both name and secrets are required to create a Tenant"})
		add := e.call("POST", "addTenant", "", `{"tenant":{"name":"acme","secrets":"s1:s2"}}`)
		if add.status != 201 {
			t.Fatalf("addTenant: HTTP %d %s", add.status, add.body)
		}
		tenant := add.json(t).(map[string]any)["tenant"].(map[string]any)
		id := tenant["id"].(string)
		expect(t, "addTenant", add, 201, map[string]any{"tenant": map[string]string{"id": id, "name": "acme", "secrets": "s1:s2"}})
		expect(t, "addTenant duplicate", e.call("POST", "addTenant", "", `{"tenant":{"name":"acme","secrets":"x"}}`), 422, nil)
		expect(t, "getTenants", e.call("GET", "getTenants", "", ""), 200, []map[string]string{{"id": id, "name": "acme", "secrets": "s1:s2"}})
		expect(t, "getTenantInfo", e.call("GET", "getTenantInfo", "id="+id, ""), 200, map[string]string{"id": id, "name": "acme", "secrets": "s1:s2"})
		unknown := "00000000-0000-4000-8000-000000000000"
		expect(t, "getTenantInfo unknown", e.call("GET", "getTenantInfo", "id="+unknown, ""), 404, map[string]string{"error": "Couldn't find Tenant with id=" + unknown})

		expect(t, "updateTenant", e.call("POST", "updateTenant", "", `{"id":"`+id+`","tenant":{"name":"acme2","secrets":"s3"}}`),
			200, map[string]any{"tenant": map[string]string{"id": id, "name": "acme2", "secrets": "s3"}})
		expect(t, "updateTenant invalid name", e.call("POST", "updateTenant", "", `{"id":"`+id+`","tenant":{"name":"No Spaces"}}`), 422, nil)
		expect(t, "updateTenant unknown", e.call("POST", "updateTenant", "", `{"id":"`+unknown+`","tenant":{"name":"x"}}`),
			404, map[string]string{"error": "Couldn't find Tenant with id=" + unknown})
		expect(t, "deleteTenant", e.call("POST", "deleteTenant", "", `{"id":"`+id+`"}`), 200, map[string]string{"success": "Tenant id=" + id + " was destroyed"})
		expect(t, "deleteTenant again", e.call("POST", "deleteTenant", "", `{"id":"`+id+`"}`), 404, map[string]string{"error": "Couldn't find Tenant with id=" + id})

		entries, _, _ := store.AuditEntries(context.Background(), 0, 100)
		for _, en := range entries {
			if strings.Contains(en.Arguments, "s1:s2") || strings.Contains(en.Arguments, `"s3"`) {
				t.Errorf("tenant secrets in audit arguments: %s", en.Arguments)
			}
		}
	})
}

// TestAuthenticationAndRouting: the checksum covers action and query with the LB secrets only;
// checksum, content-type and routing failures are BBB XML documents with HTTP 200.
func TestAuthenticationAndRouting(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, true)
		checksumError := "<messageKey>checksumError</messageKey>"
		tests := []struct {
			name, method, path, body, contentType, want string
		}{
			{"no checksum", "GET", "/scalelite/api/getServers", "", "", checksumError},
			{"wrong secret", "GET", "/scalelite/api/getServers?checksum=" + bbb.Checksum(bbb.SHA256, "getServers", "", "other"), "", "", checksumError},
			{"other action's checksum", "GET", "/scalelite/api/getServers?checksum=" + bbb.Checksum(bbb.SHA256, "getTenants", "", lbSecret), "", "", checksumError},
			{"query not covered", "GET", "/scalelite/api/getServerInfo?id=b&checksum=" + bbb.Checksum(bbb.SHA256, "getServerInfo", "id=a", lbSecret), "", "", checksumError},
			{"not JSON", "POST", "/scalelite/api/addServer?checksum=" + bbb.Checksum(bbb.SHA256, "addServer", "", lbSecret), "url=x", "application/x-www-form-urlencoded",
				"<messageKey>unsupportedContentType</messageKey>"},
			{"unknown action", "GET", "/scalelite/api/getMeetings", "", "", "<messageKey>unsupportedRequest</messageKey>"},
			{"wrong method", "GET", "/scalelite/api/addServer?checksum=" + bbb.Checksum(bbb.SHA256, "addServer", "", lbSecret), "", "", "<messageKey>unsupportedRequest</messageKey>"},
		}
		for _, tt := range tests {
			got := e.raw(tt.method, tt.path, tt.body, tt.contentType)
			if got.status != 200 || !strings.Contains(got.body, tt.want) || !strings.HasPrefix(got.contentType, "application/xml") ||
				!strings.Contains(got.body, "<returncode>FAILED</returncode>") {
				t.Errorf("%s: HTTP %d %s %s, want XML %s", tt.name, got.status, got.contentType, got.body, tt.want)
			}
		}

		// SHA-1 checksums are accepted; the body is not covered, as in Scalelite.
		sha1 := "/scalelite/api/getServers?checksum=" + bbb.Checksum(bbb.SHA1, "getServers", "", lbSecret)
		expect(t, "SHA-1", e.raw("GET", sha1, "", ""), 404, map[string]string{"error": "No servers are configured"})
		post := "/scalelite/api/addTenant?checksum=" + bbb.Checksum(bbb.SHA512, "addTenant", "", lbSecret)
		expect(t, "SHA-512 with an unsigned body", e.raw("POST", post, `{"tenant":{"name":"t1","secrets":"x"}}`, "application/json; charset=utf-8"), 201, nil)
		expect(t, "malformed JSON", e.raw("POST", post, `{"tenant":`, "application/json"), 400, nil)
	})
}
