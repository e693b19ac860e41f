package graph_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type serverOut struct {
	ID, URL, State string
	Tag            *string
	LoadMultiplier float64
	Online         bool
}

const serverFields = `id url state tag loadMultiplier online`

func TestMutationServerLifecycle(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		admin := e.key(scalelite.ScopeAdmin, "ops-admin")
		sim := e.sim.Servers()[0]

		var added struct {
			AddServer struct {
				Server   serverOut
				Warnings []string
			}
		}
		e.must(admin, `mutation($in: AddServerInput!) { addServer(input: $in) { server { `+serverFields+` } warnings } }`,
			map[string]any{"in": map[string]any{"id": "bbb-1", "url": sim.URL(), "secret": sim.Secret(), "tag": "gpu", "loadMultiplier": 0}}, &added)
		s := added.AddServer.Server
		if s.ID != "bbb-1" || s.State != "DISABLED" || s.Online || s.LoadMultiplier != 1 || s.Tag == nil || *s.Tag != "gpu" || len(added.AddServer.Warnings) != 1 {
			t.Fatalf("addServer = %+v", added.AddServer)
		}
		e.fails(admin, `mutation { addServer(input: {url: "ftp://x", secret: "s"}) { server { id } } }`, nil, "INVALID")
		e.fails(admin, `mutation($in: AddServerInput!) { addServer(input: $in) { server { id } } }`,
			map[string]any{"in": map[string]any{"id": "bbb-1", "url": sim.URL(), "secret": "x"}}, "CONFLICT")

		var upd struct{ UpdateServer serverOut }
		e.must(admin, `mutation { updateServer(id: "bbb-1", input: {tag: "", loadMultiplier: 2.5, secret: "new-secret"}) { `+serverFields+` } }`, nil, &upd)
		if upd.UpdateServer.Tag != nil || upd.UpdateServer.LoadMultiplier != 2.5 {
			t.Errorf("updateServer = %+v", upd.UpdateServer)
		}
		if got, _ := store.Server(e.ctx, "bbb-1"); got.Secret != "new-secret" {
			t.Errorf("secret after update = %q", got.Secret)
		}
		e.must(admin, `mutation($s: String!) { updateServer(id: "bbb-1", input: {secret: $s}) { id } }`, map[string]any{"s": sim.Secret()}, nil)
		e.fails(admin, `mutation { updateServer(id: "nope", input: {tag: "x"}) { id } }`, nil, "NOT_FOUND")

		var lm struct{ SetLoadMultiplier serverOut }
		e.must(admin, `mutation { setLoadMultiplier(id: "bbb-1", loadMultiplier: 3) { `+serverFields+` } }`, nil, &lm)
		if lm.SetLoadMultiplier.LoadMultiplier != 3 {
			t.Errorf("setLoadMultiplier = %+v", lm.SetLoadMultiplier)
		}
		e.fails(admin, `mutation { setLoadMultiplier(id: "bbb-1", loadMultiplier: 0) { id } }`, nil, "INVALID")

		var en struct{ EnableServer serverOut }
		e.must(admin, `mutation { enableServer(id: "bbb-1") { `+serverFields+` } }`, nil, &en)
		if en.EnableServer.State != "ENABLED" {
			t.Errorf("enableServer = %+v", en.EnableServer)
		}
		// pollServers brings it online (the simulator answers).
		var polled struct{ PollServers []serverOut }
		e.must(admin, `mutation { pollServers { `+serverFields+` } }`, nil, &polled)
		if len(polled.PollServers) != 1 || !polled.PollServers[0].Online {
			t.Fatalf("pollServers = %+v", polled.PollServers)
		}

		var co struct{ CordonServer serverOut }
		e.must(admin, `mutation { cordonServer(id: "bbb-1") { `+serverFields+` } }`, nil, &co)
		if co.CordonServer.State != "CORDONED" {
			t.Errorf("cordonServer = %+v", co.CordonServer)
		}
		e.must(admin, `mutation { enableServer(id: "bbb-1") { id } }`, nil, nil)

		e.addMeeting("busy-1", "", "bbb-1")
		e.fails(admin, `mutation { disableServer(id: "bbb-1") { server { id } } }`, nil, "CONFLICT")
		var dis struct {
			DisableServer struct {
				Server        serverOut
				EndedMeetings []struct{ MeetingID string }
				EndErrors     []string
			}
		}
		e.must(admin, `mutation { disableServer(id: "bbb-1", force: true) { server { `+serverFields+` } endedMeetings { meetingID } endErrors } }`, nil, &dis)
		// busy-1 exists in our records only: BBB answers notFound, which is not an end error.
		if dis.DisableServer.Server.State != "DISABLED" || len(dis.DisableServer.EndedMeetings) != 1 ||
			dis.DisableServer.EndedMeetings[0].MeetingID != "busy-1" || len(dis.DisableServer.EndErrors) != 0 {
			t.Errorf("disableServer(force) = %+v", dis.DisableServer)
		}
		if m, err := store.Meeting(e.ctx, "busy-1"); err != nil || m.ServerID != "bbb-1" {
			t.Errorf("busy-1 after disableServer(force): %+v, %v; want its row running (recoverable)", m, err)
		}

		e.must(admin, `mutation { enableServer(id: "bbb-1") { id } }`, nil, nil)
		e.addMeeting("busy-2", "", "bbb-1")
		var pan struct {
			PanicServer struct {
				Server        serverOut
				EndedMeetings []struct{ MeetingID string }
			}
		}
		e.must(admin, `mutation { panicServer(id: "bbb-1", keepState: true) { server { `+serverFields+` } endedMeetings { meetingID } } }`, nil, &pan)
		// busy-1, cleared by the forced disable and not recovered since, is the server's again
		// now that it is enabled: the panic clears it too.
		if pan.PanicServer.Server.State != "ENABLED" || len(pan.PanicServer.EndedMeetings) != 2 {
			t.Errorf("panicServer(keepState) = %+v", pan.PanicServer)
		}
		// Ended on BBB; the row stays running (recoverable on its next create or join).
		if m, err := store.Meeting(e.ctx, "busy-2"); err != nil || m.ServerID != "bbb-1" {
			t.Errorf("busy-2 after panic: %+v, %v; want its row running", m, err)
		}

		var rm struct{ RemoveServer serverOut }
		e.must(admin, `mutation { removeServer(id: "bbb-1") { `+serverFields+` } }`, nil, &rm)
		if rm.RemoveServer.ID != "bbb-1" {
			t.Errorf("removeServer = %+v", rm.RemoveServer)
		}
		if _, err := store.Server(e.ctx, "bbb-1"); !scalelite.IsNotFound(err) {
			t.Errorf("server still stored: %v", err)
		}
		e.fails(admin, `mutation { removeServer(id: "bbb-1") { id } }`, nil, "NOT_FOUND")
	})
}

func TestMutationSyncServers(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(1, "old", "")
		sim := e.sim.Servers()[0]
		doc := "servers:\n  new-1:\n    url: " + sim.URL() + "\n    secret: " + sim.Secret() + "\n    tag: gpu\n"
		type plan struct {
			SyncServers struct {
				Mode    string
				DryRun  bool
				Actions []struct{ Kind, ServerID string }
				Servers []struct{ ID, State string }
			}
		}
		q := `mutation($yaml: String!, $dry: Boolean) { syncServers(yaml: $yaml, mode: CORDON, dryRun: $dry) {
			mode dryRun actions { kind serverId } servers { id state } } }`
		var dry plan
		e.must(adminEnvKey, q, map[string]any{"yaml": doc, "dry": true}, &dry)
		if !dry.SyncServers.DryRun || dry.SyncServers.Mode != "CORDON" || len(dry.SyncServers.Actions) == 0 || len(dry.SyncServers.Servers) != 1 {
			t.Fatalf("dry run = %+v", dry.SyncServers)
		}
		var kinds []string
		for _, a := range dry.SyncServers.Actions {
			kinds = append(kinds, a.Kind+" "+a.ServerID)
		}
		if !slices.Contains(kinds, "create new-1") || !slices.Contains(kinds, "cordon old") {
			t.Errorf("plan = %v, want create new-1 and cordon old (it has load)", kinds)
		}
		var applied plan
		e.must(adminEnvKey, q, map[string]any{"yaml": doc}, &applied)
		if applied.SyncServers.DryRun || len(applied.SyncServers.Servers) != 2 || applied.SyncServers.Servers[0].ID != "new-1" ||
			applied.SyncServers.Servers[0].State != "ENABLED" || applied.SyncServers.Servers[1].State != "CORDONED" {
			t.Errorf("applied = %+v", applied.SyncServers)
		}
		e.fails(adminEnvKey, q, map[string]any{"yaml": "servers:\n  x:\n    bogus: 1\n"}, "INVALID")
	})
}

func TestMutationEndMeeting(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		e.addMeeting("m1", "", "bbb-a")
		var got struct {
			EndMeeting struct {
				MeetingID string
				Running   bool
				EndedAt   *string
			}
		}
		e.must(adminEnvKey, `mutation { endMeeting(meetingID: "m1") { meetingID running endedAt } }`, nil, &got)
		if got.EndMeeting.MeetingID != "m1" || got.EndMeeting.Running || got.EndMeeting.EndedAt == nil {
			t.Errorf("endMeeting = %+v", got.EndMeeting)
		}
		e.fails(adminEnvKey, `mutation { endMeeting(meetingID: "m1") { meetingID } }`, nil, "NOT_FOUND")
	})
}

func TestMutationTenants(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		type tenantOut struct {
			ID, Name string
			Secrets  []string
		}
		var add struct{ AddTenant tenantOut }
		e.must(adminEnvKey, `mutation { addTenant(input: {name: "acme", secrets: ["s1", "s2"]}) { id name secrets } }`, nil, &add)
		if add.AddTenant.Name != "acme" || !slices.Equal(add.AddTenant.Secrets, []string{"s1", "s2"}) {
			t.Fatalf("addTenant = %+v", add.AddTenant)
		}
		id := add.AddTenant.ID
		e.fails(adminEnvKey, `mutation { addTenant(input: {name: "acme", secrets: ["x"]}) { id } }`, nil, "CONFLICT")
		e.fails(adminEnvKey, `mutation { addTenant(input: {name: "Not A Host", secrets: ["x"]}) { id } }`, nil, "INVALID")
		e.fails(adminEnvKey, `mutation { addTenant(input: {name: "colon", secrets: ["a:b"]}) { id } }`, nil, "INVALID")

		var upd struct{ UpdateTenant tenantOut }
		e.must(adminEnvKey, `mutation($id: ID!) { updateTenant(id: $id, input: {name: "acme2", secrets: ["s3"]}) { id name secrets } }`, map[string]any{"id": id}, &upd)
		if upd.UpdateTenant.Name != "acme2" || !slices.Equal(upd.UpdateTenant.Secrets, []string{"s3"}) {
			t.Errorf("updateTenant = %+v", upd.UpdateTenant)
		}

		var set struct {
			AddTenantSetting struct {
				ID, TenantID, Param, Value string
				Override                   bool
			}
		}
		e.must(adminEnvKey, `mutation { addTenantSetting(input: {tenant: "acme2", param: "welcome", value: "Hi", override: true}) { id tenantId param value override } }`, nil, &set)
		if set.AddTenantSetting.TenantID != id || !set.AddTenantSetting.Override || set.AddTenantSetting.Value != "Hi" {
			t.Errorf("addTenantSetting = %+v", set.AddTenantSetting)
		}
		e.fails(adminEnvKey, `mutation { addTenantSetting(input: {tenant: "acme2", param: "checksum", value: "x"}) { id } }`, nil, "INVALID")
		var rms struct{ RemoveTenantSetting struct{ ID, Param string } }
		e.must(adminEnvKey, `mutation($id: ID!) { removeTenantSetting(id: $id) { id param } }`, map[string]any{"id": set.AddTenantSetting.ID}, &rms)
		if rms.RemoveTenantSetting.Param != "welcome" {
			t.Errorf("removeTenantSetting = %+v", rms.RemoveTenantSetting)
		}
		e.fails(adminEnvKey, `mutation($id: ID!) { removeTenantSetting(id: $id) { id } }`, map[string]any{"id": set.AddTenantSetting.ID}, "NOT_FOUND")

		var rm struct{ RemoveTenant tenantOut }
		e.must(adminEnvKey, `mutation($id: ID!) { removeTenant(id: $id) { id name } }`, map[string]any{"id": id}, &rm)
		if rm.RemoveTenant.Name != "acme2" {
			t.Errorf("removeTenant = %+v", rm.RemoveTenant)
		}
		e.fails(adminEnvKey, `mutation($id: ID!) { removeTenant(id: $id) { id } }`, map[string]any{"id": id}, "NOT_FOUND")
	})
}

func TestMutationRecordings(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		const id = "aaaa1111-1700000000000"
		e.addRecording(id, "meet", "", mustTime("2026-05-01T10:00:00Z"))
		type recOut struct {
			RecordID             string
			State                *string
			Published, Protected bool
			Metadata             []struct{ Key, Value string }
		}
		var pub struct{ PublishRecordings []recOut }
		e.must(adminEnvKey, `mutation($ids: [String!]!) { publishRecordings(recordIDs: $ids, publish: false) { recordID state published } }`, map[string]any{"ids": []string{id}}, &pub)
		if len(pub.PublishRecordings) != 1 || pub.PublishRecordings[0].Published || *pub.PublishRecordings[0].State != "unpublished" {
			t.Fatalf("publishRecordings(false) = %+v", pub.PublishRecordings)
		}
		if _, err := os.Stat(e.files.Path("presentation", id, false)); err != nil {
			t.Errorf("files not moved to the unpublished tree: %v", err)
		}
		e.fails(adminEnvKey, `mutation { publishRecordings(recordIDs: ["nope-1"], publish: true) { recordID } }`, nil, "NOT_FOUND")

		var meta struct{ UpdateRecordingMetadata []recOut }
		q := `mutation($ids: [String!]!, $meta: [MetadataInput!]!) { updateRecordingMetadata(recordIDs: $ids, metadata: $meta) { recordID metadata { key value } } }`
		e.must(adminEnvKey, q, map[string]any{"ids": []string{id}, "meta": []map[string]string{{"key": "course", "value": "Math"}, {"key": "room", "value": "101"}}}, &meta)
		e.must(adminEnvKey, q, map[string]any{"ids": []string{id}, "meta": []map[string]string{{"key": "room", "value": ""}}}, &meta)
		got := map[string]string{}
		for _, m := range meta.UpdateRecordingMetadata[0].Metadata {
			got[m.Key] = m.Value
		}
		if _, room := got["room"]; got["course"] != "Math" || room || got["meetingName"] != "Meeting meet" {
			t.Errorf("metadata after updates = %v, want course kept and room removed", got)
		}
		e.fails(adminEnvKey, q, map[string]any{"ids": []string{id, "nope-1"}, "meta": []map[string]string{{"key": "a", "value": "b"}}}, "NOT_FOUND")

		var prot struct{ ProtectRecordings []recOut }
		e.must(adminEnvKey, `mutation($ids: [String!]!) { protectRecordings(recordIDs: $ids, protect: true) { recordID protected } }`, map[string]any{"ids": []string{id}}, &prot)
		if !prot.ProtectRecordings[0].Protected {
			t.Errorf("protectRecordings = %+v", prot.ProtectRecordings)
		}

		var del struct{ DeleteRecordings []recOut }
		e.must(adminEnvKey, `mutation($ids: [String!]!) { deleteRecordings(recordIDs: $ids) { recordID state } }`, map[string]any{"ids": []string{id}}, &del)
		if len(del.DeleteRecordings) != 1 || *del.DeleteRecordings[0].State != "deleted" {
			t.Errorf("deleteRecordings = %+v", del.DeleteRecordings)
		}
		if _, err := os.Stat(e.files.Path("presentation", id, false)); !os.IsNotExist(err) {
			t.Errorf("files still on disk after delete: %v", err)
		}
	})
}

func TestMutationAPIKeys(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		var created struct {
			CreateAPIKey struct {
				Key    string
				APIKey struct{ ID, Name, Scope string } `json:"apiKey"`
			} `json:"createApiKey"`
		}
		e.must(adminEnvKey, `mutation { createApiKey(input: {name: "grafana", scope: "readonly"}) { key apiKey { id name scope } } }`, nil, &created)
		k := created.CreateAPIKey
		if !strings.HasPrefix(k.Key, scalelite.APIKeyPrefix) || k.APIKey.Name != "grafana" || k.APIKey.Scope != "readonly" {
			t.Fatalf("createApiKey = %+v", k)
		}
		e.must(k.Key, `{ servers { id } }`, nil, nil)
		e.fails(adminEnvKey, `mutation { createApiKey(input: {scope: "root"}) { key } }`, nil, "INVALID")
		e.fails(adminEnvKey, `mutation { createApiKey(input: {scope: "tenant:ghost"}) { key } }`, nil, "INVALID")

		var revoked struct {
			RevokeAPIKey struct{ RevokedAt *string } `json:"revokeApiKey"`
		}
		e.must(adminEnvKey, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, map[string]any{"id": k.APIKey.ID}, &revoked)
		if revoked.RevokeAPIKey.RevokedAt == nil {
			t.Errorf("revokeApiKey = %+v", revoked)
		}
		if res := e.post(k.Key, `{ servers { id } }`, nil); res.Status != http.StatusUnauthorized || res.code() != "UNAUTHENTICATED" {
			t.Errorf("revoked key: HTTP %d %+v", res.Status, res.Errors)
		}
		e.fails(adminEnvKey, `mutation { revokeApiKey(id: "nope") { id } }`, nil, "NOT_FOUND")
	})
}

// TestMutationAuditEntries checks that every mutation, failed and forbidden ones included, is
// recorded with the key's name and its secrets masked.
func TestMutationAuditEntries(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		admin := e.key(scalelite.ScopeAdmin, "alice")
		ro := e.key(scalelite.ScopeReadOnly, "bob")
		sim := e.sim.Servers()[0]
		e.must(admin, `mutation($in: AddServerInput!) { addServer(input: $in) { server { id } } }`,
			map[string]any{"in": map[string]any{"id": "bbb-1", "url": sim.URL(), "secret": "TOP-SECRET-1"}}, nil)
		e.must(admin, `mutation { addTenant(input: {name: "acme", secrets: ["TOP-SECRET-2"]}) { id } }`, nil, nil)
		e.must(admin, `mutation { updateTenant(id: "acme", input: {secrets: ["TOP-SECRET-3"]}) { id } }`, nil, nil)
		e.fails(admin, `mutation { updateServer(id: "nope", input: {secret: "TOP-SECRET-4"}) { id } }`, nil, "NOT_FOUND")
		e.fails(ro, `mutation { enableServer(id: "bbb-1") { id } }`, nil, "FORBIDDEN")

		entries, total, err := store.AuditEntries(e.ctx, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		if total != 5 {
			t.Fatalf("audit entries = %d, want 5", total)
		}
		type row struct{ actor, action, result string }
		var got []row
		for _, en := range entries {
			if strings.Contains(en.Arguments, "TOP-SECRET") {
				t.Errorf("secret in audit arguments: %s", en.Arguments)
			}
			got = append(got, row{en.Actor, en.Action, en.Result})
		}
		want := []row{
			{"bob", "enableServer", "enableServer requires an admin key (this key's scope is readonly)"},
			{"alice", "updateServer", "Couldn't find server with id=nope"},
			{"alice", "updateTenant", "ok"},
			{"alice", "addTenant", "ok"},
			{"alice", "addServer", "ok"},
		}
		if len(got) != len(want) {
			t.Fatalf("entries = %+v", got)
		}
		for i := range want {
			if got[i].actor != want[i].actor || got[i].action != want[i].action || (want[i].result == "ok") != (got[i].result == "ok") {
				t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		var args map[string]map[string]any
		if err := json.Unmarshal([]byte(entries[4].Arguments), &args); err != nil {
			t.Fatalf("arguments %q: %v", entries[4].Arguments, err)
		}
		if args["input"]["secret"] != scalelite.MaskedValue || args["input"]["url"] != sim.URL() {
			t.Errorf("addServer arguments = %v, want url kept and secret masked", args)
		}
	})
}
