package graph_test

import (
	"slices"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestScopes runs operations with admin, read-only and tenant keys: what each may do, what it
// is refused (FORBIDDEN), and what a tenant key cannot even see (NOT_FOUND, filtered lists).
func TestScopes(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		acme, globex := e.addTenant("acme"), e.addTenant("globex")
		e.addServer(0, "bbb-a", "")
		for _, m := range []struct{ id, tenant string }{
			{"acme-1", acme.ID}, {"acme-2", acme.ID}, {"acme-3", acme.ID}, {"globex-1", globex.ID}, {"plain-1", ""}, {"plain-2", ""},
		} {
			e.addMeeting(m.id, m.tenant, "bbb-a")
		}
		start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		e.addRecording("acme-rec-1", "acme-1", acme.ID, start)
		e.addRecording("acme-rec-2", "acme-2", acme.ID, start.Add(time.Hour))
		e.addRecording("globex-rec-1", "globex-1", globex.ID, start)

		keys := map[string]string{
			"admin":    e.key(scalelite.ScopeAdmin, "k-admin"),
			"readonly": e.key(scalelite.ScopeReadOnly, "k-ro"),
			"acme":     e.key(scalelite.TenantScope("acme"), "k-acme"),
		}
		tests := []struct {
			name, key, query, code string
		}{
			{"servers", "acme", `{ servers { id url state } }`, ""},
			{"server secret admin", "admin", `{ servers { secret } }`, ""},
			{"server secret readonly", "readonly", `{ servers { secret } }`, "FORBIDDEN"},
			{"server secret tenant", "acme", `{ server(id: "bbb-a") { secret } }`, "FORBIDDEN"},
			{"tenant secrets readonly", "readonly", `{ tenants { secrets } }`, "FORBIDDEN"},
			{"tenant secrets tenant", "acme", `{ tenants { secrets } }`, "FORBIDDEN"},
			{"meeting passwords tenant", "acme", `{ meeting(meetingID: "acme-1") { moderatorPW } }`, "FORBIDDEN"},
			{"meeting passwords admin", "admin", `{ meeting(meetingID: "acme-1") { moderatorPW attendeePW } }`, ""},
			{"cluster status tenant", "acme", `{ clusterStatus { totals { servers } } }`, ""},
			{"audit log readonly", "readonly", `{ auditLog { totalCount } }`, ""},
			{"audit log tenant", "acme", `{ auditLog { totalCount } }`, "FORBIDDEN"},
			{"api keys readonly", "readonly", `{ apiKeys { id } }`, ""},
			{"api keys tenant", "acme", `{ apiKeys { id } }`, "FORBIDDEN"},
			{"other tenant's meeting", "acme", `{ meeting(meetingID: "globex-1") { meetingID } }`, "NOT_FOUND"},
			{"meeting without tenant", "acme", `{ meeting(meetingID: "plain-1") { meetingID } }`, "NOT_FOUND"},
			{"other tenant's recording", "acme", `{ recording(recordID: "globex-rec-1") { recordID } }`, "NOT_FOUND"},
			{"other tenant", "acme", `{ tenant(id: "globex") { id } }`, "NOT_FOUND"},
			{"other tenant's meetings", "acme", `query($t: ID) { meetings(filter: {tenantId: $t}) { totalCount } }`, "FORBIDDEN"},
			{"own tenant", "acme", `{ tenant(id: "acme") { name settings { param } } }`, ""},

			{"add server readonly", "readonly", `mutation { addServer(input: {url: "https://x/bigbluebutton/api", secret: "s"}) { server { id } } }`, "FORBIDDEN"},
			{"add server tenant", "acme", `mutation { addServer(input: {url: "https://x/bigbluebutton/api", secret: "s"}) { server { id } } }`, "FORBIDDEN"},
			{"cordon tenant", "acme", `mutation { cordonServer(id: "bbb-a") { id } }`, "FORBIDDEN"},
			{"poll tenant", "acme", `mutation { pollServers { id } }`, "FORBIDDEN"},
			{"sync readonly", "readonly", `mutation { syncServers(yaml: "servers: {}") { dryRun } }`, "FORBIDDEN"},
			{"add tenant tenant", "acme", `mutation { addTenant(input: {name: "x", secrets: ["y"]}) { id } }`, "FORBIDDEN"},
			{"add setting readonly", "readonly", `mutation { addTenantSetting(input: {tenant: "acme", param: "p", value: "v"}) { id } }`, "FORBIDDEN"},
			{"create key readonly", "readonly", `mutation { createApiKey(input: {scope: "admin"}) { key } }`, "FORBIDDEN"},
			{"create key tenant", "acme", `mutation { createApiKey(input: {scope: "admin"}) { key } }`, "FORBIDDEN"},
			{"end meeting readonly", "readonly", `mutation { endMeeting(meetingID: "plain-2") { meetingID } }`, "FORBIDDEN"},
			{"end other tenant's meeting", "acme", `mutation { endMeeting(meetingID: "globex-1") { meetingID } }`, "NOT_FOUND"},
			{"end own meeting", "acme", `mutation { endMeeting(meetingID: "acme-3") { meetingID running } }`, ""},
			{"publish readonly", "readonly", `mutation { publishRecordings(recordIDs: ["acme-rec-1"], publish: false) { recordID } }`, "FORBIDDEN"},
			{"publish other tenant's", "acme", `mutation { publishRecordings(recordIDs: ["globex-rec-1"], publish: false) { recordID } }`, "NOT_FOUND"},
			{"delete other tenant's", "acme", `mutation { deleteRecordings(recordIDs: ["globex-rec-1"]) { recordID } }`, "NOT_FOUND"},
			{"protect own", "acme", `mutation { protectRecordings(recordIDs: ["acme-rec-1"], protect: true) { recordID protected } }`, ""},
			{"publish own", "acme", `mutation { publishRecordings(recordIDs: ["acme-rec-2"], publish: false) { recordID published } }`, ""},
			{"protect as admin", "admin", `mutation { protectRecordings(recordIDs: ["globex-rec-1"], protect: true) { recordID } }`, ""},
		}
		for _, tt := range tests {
			res := e.post(keys[tt.key], tt.query, map[string]any{"t": globex.ID})
			if got := res.code(); got != tt.code {
				t.Errorf("%s: codes %v (data %s), want %q", tt.name, res.codes(), res.Data, tt.code)
			}
		}
		if _, err := store.Meeting(e.ctx, "globex-1"); err != nil {
			t.Errorf("globex-1 was ended by another tenant's key: %v", err)
		}
		if rec, _ := store.Recording(e.ctx, "globex-rec-1"); !rec.Published {
			t.Error("globex-rec-1 was unpublished by another tenant's key")
		}

		// What a tenant key lists.
		var lists struct {
			Meetings struct {
				TotalCount int
				Nodes      []struct{ MeetingID string }
			}
			Recordings struct {
				TotalCount int
				Nodes      []struct{ RecordID string }
			}
			Tenants []struct{ Name string }
		}
		q := `{ meetings(filter: {includeEnded: true}) { totalCount nodes { meetingID } }
			recordings { totalCount nodes { recordID } } tenants { name } }`
		e.must(keys["acme"], q, nil, &lists)
		var meetings, recs []string
		for _, n := range lists.Meetings.Nodes {
			meetings = append(meetings, n.MeetingID)
		}
		for _, n := range lists.Recordings.Nodes {
			recs = append(recs, n.RecordID)
		}
		if lists.Meetings.TotalCount != 3 || !slices.Equal(meetings, []string{"acme-1", "acme-2", "acme-3"}) {
			t.Errorf("tenant key meetings = %d %v", lists.Meetings.TotalCount, meetings)
		}
		if lists.Recordings.TotalCount != 2 || !slices.Equal(recs, []string{"acme-rec-2", "acme-rec-1"}) {
			t.Errorf("tenant key recordings = %d %v", lists.Recordings.TotalCount, recs)
		}
		if len(lists.Tenants) != 1 || lists.Tenants[0].Name != "acme" {
			t.Errorf("tenant key tenants = %+v", lists.Tenants)
		}
		e.must(keys["readonly"], q, nil, &lists)
		if lists.Meetings.TotalCount != 6 || lists.Recordings.TotalCount != 3 || len(lists.Tenants) != 2 {
			t.Errorf("read-only key sees %d meetings, %d recordings, %d tenants; want all", lists.Meetings.TotalCount, lists.Recordings.TotalCount, len(lists.Tenants))
		}

		// A tenant key stops working when its tenant is removed.
		e.must(keys["admin"], `mutation { removeTenant(id: "acme") { id } }`, nil, nil)
		if res := e.post(keys["acme"], `{ servers { id } }`, nil); res.code() != "UNAUTHENTICATED" {
			t.Errorf("key of a removed tenant: %+v", res.Errors)
		}
	})
}
