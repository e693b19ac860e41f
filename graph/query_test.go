package graph_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestQueryServers(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		a := e.addServer(0, "bbb-a", "")
		e.addServer(1, "bbb-b", "gpu")
		if _, err := scalelite.NewServerService(store, nil, nil, false).Cordon(e.ctx, "bbb-b"); err != nil {
			t.Fatal(err)
		}

		var got struct {
			All []struct {
				ID, URL, State string
				Secret         *string
				Tag            *string
				Online         bool
				Load           *float64
				LoadMultiplier float64
				Meetings       int
				Users          int
				LargestMeeting int
				Videos         int
				BbbVersion     *string
				LastPolledAt   *time.Time
				LastPollError  *string
			} `json:"all"`
			Cordoned []struct{ ID string } `json:"cordoned"`
			Tagged   []struct{ ID string } `json:"tagged"`
			One      struct{ ID, URL string }
		}
		e.must(adminEnvKey, `{
			all: servers { id url secret tag state online load loadMultiplier meetings users largestMeeting videos bbbVersion lastPolledAt lastPollError }
			cordoned: servers(filter: {states: [CORDONED]}) { id }
			tagged: servers(filter: {tag: "gpu", online: true}) { id }
			one: server(id: "bbb-a") { id url }
		}`, nil, &got)
		if len(got.All) != 2 || got.All[0].ID != "bbb-a" || got.All[1].ID != "bbb-b" {
			t.Fatalf("servers = %+v", got.All)
		}
		s := got.All[0]
		if s.URL != a.URL || s.Secret == nil || *s.Secret != a.Secret || s.Tag != nil || s.State != "ENABLED" || !s.Online ||
			s.Load == nil || *s.Load != 3 || s.LoadMultiplier != 1 || s.Meetings != 2 || s.Users != 7 || s.LargestMeeting != 5 ||
			s.Videos != 1 || s.BbbVersion == nil || *s.BbbVersion != "3.0.19" || s.LastPolledAt == nil || s.LastPollError != nil {
			t.Errorf("server bbb-a = %+v", s)
		}
		if b := got.All[1]; b.State != "CORDONED" || b.Tag == nil || *b.Tag != "gpu" {
			t.Errorf("server bbb-b = %+v", b)
		}
		if len(got.Cordoned) != 1 || got.Cordoned[0].ID != "bbb-b" || len(got.Tagged) != 1 || got.Tagged[0].ID != "bbb-b" {
			t.Errorf("filters: cordoned %+v, tagged %+v", got.Cordoned, got.Tagged)
		}
		if got.One.ID != "bbb-a" || got.One.URL != a.URL {
			t.Errorf("server(id) = %+v", got.One)
		}

		res := e.fails(adminEnvKey, `{ server(id: "nope") { id } }`, nil, "NOT_FOUND")
		if string(res.Data) != `{"server":null}` {
			t.Errorf("unknown server: data %s, want server null", res.Data)
		}
	})
}

func TestQueryClusterStatus(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		e.addServer(1, "bbb-b", "")
		if _, _, err := scalelite.NewServerService(store, nil, nil, false).Disable(e.ctx, "bbb-b", true); err != nil {
			t.Fatal(err)
		}
		var got struct {
			ClusterStatus struct {
				Totals struct {
					Servers, Online, Enabled, Cordoned, Disabled, Meetings, Users, Videos, LargestMeeting int
					Load                                                                                  float64
				}
				Servers []struct {
					Hostname, State string
					Online          bool
					Load            *float64
					Server          struct{ ID string }
				}
			}
		}
		e.must(adminEnvKey, `{ clusterStatus {
			totals { servers online enabled cordoned disabled meetings users videos largestMeeting load }
			servers { hostname state online load server { id } } } }`, nil, &got)
		tot := got.ClusterStatus.Totals
		if tot.Servers != 2 || tot.Online != 2 || tot.Enabled != 1 || tot.Disabled != 1 || tot.Cordoned != 0 ||
			tot.Meetings != 4 || tot.Users != 14 || tot.Videos != 2 || tot.LargestMeeting != 5 || tot.Load != 3 {
			t.Errorf("totals = %+v (the disabled server's load is unavailable)", tot)
		}
		rows := got.ClusterStatus.Servers
		if len(rows) != 2 || rows[0].Hostname != "127.0.0.1" {
			t.Fatalf("rows = %+v", rows)
		}
		for _, r := range rows {
			if r.Server.ID == "bbb-b" && (r.State != "DISABLED" || r.Load != nil) {
				t.Errorf("disabled row = %+v, want load null", r)
			}
		}
	})
}

func TestQueryMeetingsPagination(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		e.addServer(1, "bbb-b", "")
		var want []string
		for i := range 7 {
			id := fmt.Sprintf("m%02d", i)
			srv := "bbb-a"
			if i%2 == 1 {
				srv = "bbb-b"
			}
			e.addMeeting(id, "", srv)
			want = append(want, id)
		}
		if _, err := store.EndMeetings(e.ctx, []string{"m06"}, time.Now()); err != nil {
			t.Fatal(err)
		}

		type page struct {
			Meetings struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Cursor string
					Node   struct {
						MeetingID, Name, VoiceBridge, ServerID string
						Running                                bool
						Server                                 struct{ ID string }
						Placement                              *string
					}
				}
			}
		}
		q := `query($first: Int, $after: String, $filter: MeetingFilter) { meetings(first: $first, after: $after, filter: $filter) {
			totalCount pageInfo { hasNextPage endCursor }
			edges { cursor node { meetingID name voiceBridge serverId running server { id } placement } } } }`
		var seen []string
		var after any
		for pages := 0; ; pages++ {
			var p page
			e.must(adminEnvKey, q, map[string]any{"first": 4, "after": after}, &p)
			if p.Meetings.TotalCount != 6 {
				t.Fatalf("totalCount = %d, want 6 running", p.Meetings.TotalCount)
			}
			for _, edge := range p.Meetings.Edges {
				n := edge.Node
				if !n.Running || n.Server.ID != n.ServerID || n.VoiceBridge == "" || n.Placement == nil {
					t.Errorf("node = %+v", n)
				}
				seen = append(seen, n.MeetingID)
			}
			if !p.Meetings.PageInfo.HasNextPage {
				break
			}
			after = *p.Meetings.PageInfo.EndCursor
			if pages > 3 {
				t.Fatal("pagination does not end")
			}
		}
		if !slices.Equal(seen, want[:6]) {
			t.Errorf("pages gave %v, want %v", seen, want[:6])
		}

		var ended page
		e.must(adminEnvKey, q, map[string]any{"first": 50, "filter": map[string]any{"includeEnded": true, "serverIds": []string{"bbb-a"}}}, &ended)
		if ended.Meetings.TotalCount != 4 || len(ended.Meetings.Edges) != 4 || ended.Meetings.Edges[3].Node.Running {
			t.Errorf("bbb-a with ended meetings: %+v", ended.Meetings)
		}

		e.fails(adminEnvKey, `{ meetings(after: "garbage") { totalCount } }`, nil, "INVALID")
		e.fails(adminEnvKey, `{ meetings(first: 501) { totalCount } }`, nil, "INVALID")

		var one struct {
			Meeting struct {
				MeetingID, ModeratorPW, AttendeePW string
				Tenant                             *struct{ ID string }
			}
		}
		e.must(adminEnvKey, `{ meeting(meetingID: "m01") { meetingID moderatorPW attendeePW tenant { id } } }`, nil, &one)
		if one.Meeting.MeetingID != "m01" || one.Meeting.ModeratorPW != "mp-m01" || one.Meeting.AttendeePW != "ap-m01" || one.Meeting.Tenant != nil {
			t.Errorf("meeting = %+v", one.Meeting)
		}
		e.fails(adminEnvKey, `{ meeting(meetingID: "m06") { meetingID } }`, nil, "NOT_FOUND")
	})
}

func TestQueryRecordingsPagination(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		base := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
		for i := range 5 {
			e.addRecording(fmt.Sprintf("rec%d-1700000000000", i), fmt.Sprintf("meet%d", i%2), "", base.Add(time.Duration(i)*time.Hour))
		}
		type page struct {
			Recordings struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Nodes []struct {
					RecordID, MeetingID, Name string
					State                     *string
					Published, Protected      bool
					StartTime                 *time.Time
					Metadata                  []struct{ Key, Value string }
					Formats                   []struct {
						Format, URL string
						Length      int
						Thumbnails  []struct {
							Width int
							URL   string
						}
					}
				}
			}
		}
		q := `query($first: Int, $after: String, $filter: RecordingFilter) { recordings(first: $first, after: $after, filter: $filter) {
			totalCount pageInfo { hasNextPage endCursor }
			nodes { recordID meetingID name state published protected startTime metadata { key value }
				formats { format url length thumbnails { width url } } } } }`
		var seen []string
		var after any
		for pages := 0; ; pages++ {
			var p page
			e.must(adminEnvKey, q, map[string]any{"first": 2, "after": after}, &p)
			if p.Recordings.TotalCount != 5 {
				t.Fatalf("totalCount = %d", p.Recordings.TotalCount)
			}
			for _, n := range p.Recordings.Nodes {
				seen = append(seen, n.RecordID)
				if n.State == nil || *n.State != "published" || !n.Published || len(n.Formats) != 1 || len(n.Formats[0].Thumbnails) != 1 || len(n.Metadata) != 2 {
					t.Errorf("node = %+v", n)
				}
			}
			if !p.Recordings.PageInfo.HasNextPage {
				break
			}
			after = *p.Recordings.PageInfo.EndCursor
			if pages > 3 {
				t.Fatal("pagination does not end")
			}
		}
		want := []string{"rec4-1700000000000", "rec3-1700000000000", "rec2-1700000000000", "rec1-1700000000000", "rec0-1700000000000"}
		if !slices.Equal(seen, want) {
			t.Errorf("pages gave %v, want newest first %v", seen, want)
		}

		var filtered page
		e.must(adminEnvKey, q, map[string]any{"filter": map[string]any{"meetingIDs": []string{"meet1"}}}, &filtered)
		if filtered.Recordings.TotalCount != 2 {
			t.Errorf("meetingIDs filter: total %d, want 2", filtered.Recordings.TotalCount)
		}
		e.must(adminEnvKey, q, map[string]any{"filter": map[string]any{"metadata": []map[string]string{{"key": "meetingName", "value": "Meeting meet0"}}}}, &filtered)
		if filtered.Recordings.TotalCount != 3 {
			t.Errorf("metadata filter: total %d, want 3", filtered.Recordings.TotalCount)
		}

		var one struct{ Recording struct{ RecordID string } }
		e.must(adminEnvKey, `{ recording(recordID: "rec2-1700000000000") { recordID } }`, nil, &one)
		if one.Recording.RecordID != "rec2-1700000000000" {
			t.Errorf("recording = %+v", one)
		}
		e.fails(adminEnvKey, `{ recording(recordID: "nope") { recordID } }`, nil, "NOT_FOUND")
	})
}

func TestQueryTenants(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		acme := e.addTenant("acme")
		e.addTenant("globex")
		if _, err := scalelite.NewTenantService(store).AddSetting(e.ctx, "acme", "meta_server-tag", "gpu", true); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Tenants []struct {
				ID, Name string
				Secrets  []string
				Settings []struct {
					Param, Value string
					Override     bool
					Tenant       struct{ Name string }
				}
			}
			ByName struct{ ID string }   `json:"byName"`
			ByID   struct{ Name string } `json:"byId"`
		}
		e.must(adminEnvKey, `query($id: ID!) {
			tenants { id name secrets settings { param value override tenant { name } } }
			byName: tenant(id: "acme") { id }
			byId: tenant(id: $id) { name } }`, map[string]any{"id": acme.ID}, &got)
		if len(got.Tenants) != 2 || got.Tenants[0].Name != "acme" || got.Tenants[1].Name != "globex" {
			t.Fatalf("tenants = %+v", got.Tenants)
		}
		a := got.Tenants[0]
		if !slices.Equal(a.Secrets, []string{"acme-secret-1", "acme-secret-2"}) || len(a.Settings) != 1 ||
			a.Settings[0].Param != "meta_server-tag" || !a.Settings[0].Override || a.Settings[0].Tenant.Name != "acme" {
			t.Errorf("acme = %+v", a)
		}
		if len(got.Tenants[1].Settings) != 0 {
			t.Errorf("globex settings = %+v", got.Tenants[1].Settings)
		}
		if got.ByName.ID != acme.ID || got.ByID.Name != "acme" {
			t.Errorf("tenant(id) = %+v / %+v", got.ByName, got.ByID)
		}
		e.fails(adminEnvKey, `{ tenant(id: "nobody") { id } }`, nil, "NOT_FOUND")
	})
}

func TestQueryAPIKeysAndAuditLog(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.key(scalelite.ScopeReadOnly, "dashboard")
		for i := range 5 {
			if err := scalelite.Audit(e.ctx, store, "cli", fmt.Sprintf("action%d", i), map[string]any{"secret": "x"}, nil); err != nil {
				t.Fatal(err)
			}
		}
		var keys struct {
			APIKeys []struct {
				ID, Name, Scope string
				RevokedAt       *time.Time
			} `json:"apiKeys"`
		}
		e.must(adminEnvKey, `{ apiKeys { id name scope revokedAt } }`, nil, &keys)
		if len(keys.APIKeys) != 1 || keys.APIKeys[0].Name != "dashboard" || keys.APIKeys[0].Scope != "readonly" || keys.APIKeys[0].RevokedAt != nil {
			t.Errorf("apiKeys = %+v", keys.APIKeys)
		}

		type page struct {
			AuditLog struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Nodes []struct{ ID, Actor, Action, Arguments, Result string }
			}
		}
		q := `query($after: String) { auditLog(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id actor action arguments result } } }`
		var actions []string
		var after any
		for pages := 0; ; pages++ {
			var p page
			e.must(adminEnvKey, q, map[string]any{"after": after}, &p)
			if p.AuditLog.TotalCount != 5 {
				t.Fatalf("totalCount = %d", p.AuditLog.TotalCount)
			}
			for _, n := range p.AuditLog.Nodes {
				actions = append(actions, n.Action)
				if n.Actor != "cli" || n.Arguments != `{"secret":"***"}` || n.Result != "ok" {
					t.Errorf("entry = %+v", n)
				}
			}
			if !p.AuditLog.PageInfo.HasNextPage {
				break
			}
			after = *p.AuditLog.PageInfo.EndCursor
			if pages > 3 {
				t.Fatal("pagination does not end")
			}
		}
		if want := []string{"action4", "action3", "action2", "action1", "action0"}; !slices.Equal(actions, want) {
			t.Errorf("audit pages = %v, want newest first %v", actions, want)
		}
	})
}

// TestQueryOverGET runs a query with GET (the transport also carries websocket upgrades) and
// checks that GET cannot mutate.
func TestQueryOverGET(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		get := func(query string) gqlResult {
			req, _ := http.NewRequest(http.MethodGet, e.http.URL+"?query="+url.QueryEscape(query), nil)
			req.Header.Set("Authorization", "Bearer "+adminEnvKey)
			return e.do(req)
		}
		res := get(`{ servers { id } }`)
		if res.Status != http.StatusOK || string(res.Data) != `{"servers":[{"id":"bbb-a"}]}` {
			t.Errorf("GET query: HTTP %d data %s errors %+v", res.Status, res.Data, res.Errors)
		}
		res = get(`mutation { enableServer(id: "bbb-a") { id } }`)
		if res.Status == http.StatusOK && len(res.Errors) == 0 {
			t.Errorf("GET mutation succeeded: %s", res.Data)
		}
	})
}
