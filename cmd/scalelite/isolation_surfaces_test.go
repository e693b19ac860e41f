package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// gqlAnswer is a GraphQL answer: its data as text and its errors' codes.
type gqlAnswer struct {
	data  string
	codes []string
}

func (a gqlAnswer) code(c string) bool { return slices.Contains(a.codes, c) }

func (iso *isolation) gql(key, query string) gqlAnswer {
	iso.t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, iso.base+"/graphql", bytes.NewReader(b))
	req.Host = lbHost
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	_, body, _ := iso.send(req)
	var res struct {
		Data   json.RawMessage
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		iso.t.Fatalf("graphql answer %q: %v", body, err)
	}
	a := gqlAnswer{data: string(res.Data)}
	for _, e := range res.Errors {
		a.codes = append(a.codes, e.Extensions.Code)
	}
	return a
}

// graphql tries every root field of the schema with t1's key against t2's objects. A field
// without a case fails the test, so new fields get one.
func (iso *isolation) graphql(t *testing.T) {
	servers := iso.gql(iso.adminKey, `{ servers { id } }`).data
	serverID := servers[strings.Index(servers, `"id":"`)+6:]
	serverID = serverID[:strings.IndexByte(serverID, '"')]

	hidden := func(a gqlAnswer) bool { return a.code("NOT_FOUND") || a.code("FORBIDDEN") }
	refused := func(a gqlAnswer) bool { return a.code("FORBIDDEN") }
	clean := func(a gqlAnswer) bool { return len(a.codes) == 0 }
	t2Data := []string{"t2-room", "t2-other", iso.recT2, iso.recNone, iso.t2.ID, "t2-welcome", iso.t2Setting}
	cases := map[string][]struct {
		query string
		want  func(gqlAnswer) bool
	}{
		"apiKeys":  {{`{ apiKeys { id name } }`, refused}},
		"viewer":   {{`{ viewer { name scope tenant admin readOnly } }`, clean}},
		"auditLog": {{`{ auditLog { totalCount nodes { action arguments } } }`, refused}},
		"meetings": {
			{`{ meetings(filter: {includeEnded: true}) { totalCount nodes { meetingID tenant { name } } } }`, clean},
			{`{ meetings(filter: {tenantId: "` + iso.t2.ID + `"}) { nodes { meetingID } } }`, refused},
			{`{ meetings(filter: {meetingIDs: ["t2-room"]}) { totalCount nodes { meetingID } } }`, clean},
		},
		"meeting":       {{`{ meeting(meetingID: "t2-room") { meetingID moderatorPW } }`, hidden}},
		"recordings":    {{`{ recordings(filter: {recordIDs: ["` + iso.recT2 + `", "` + iso.recNone + `"]}) { totalCount nodes { recordID } } }`, clean}, {`{ recordings { totalCount nodes { recordID metadata { key value } } } }`, clean}},
		"recording":     {{`{ recording(recordID: "` + iso.recT2 + `") { recordID } }`, hidden}},
		"servers":       {{`{ servers { id url state } }`, clean}, {`{ servers { secret } }`, refused}},
		"server":        {{`{ server(id: "` + serverID + `") { id url } }`, clean}, {`{ server(id: "` + serverID + `") { secret } }`, refused}},
		"clusterStatus": {{`{ clusterStatus { totals { servers } } }`, clean}},
		"dialIn":        {{`{ dialIn { path authenticated pinMinDigits } }`, clean}},
		"loadHistory":   {{`{ loadHistory { step cluster { times meetings } servers { serverId } } }`, clean}},
		"tenants":       {{`{ tenants { id name settings { param value } usage { runningNow started } } }`, clean}},
		"tenant":        {{`{ tenant(id: "` + iso.t2.ID + `") { id settings { value } } }`, hidden}, {`{ tenant(id: "t2") { id } }`, hidden}},

		"createApiKey":            {{`mutation { createApiKey(input: {scope: "tenant:t2"}) { key } }`, refused}},
		"revokeApiKey":            {{`mutation { revokeApiKey(id: "x") { id } }`, refused}},
		"endMeeting":              {{`mutation { endMeeting(meetingID: "t2-room") { meetingID } }`, hidden}},
		"publishRecordings":       {{`mutation { publishRecordings(recordIDs: ["` + iso.recT2 + `"], publish: false) { recordID } }`, hidden}},
		"updateRecordingMetadata": {{`mutation { updateRecordingMetadata(recordIDs: ["` + iso.recT2 + `"], metadata: [{key: "owner", value: "eve"}]) { recordID } }`, hidden}},
		"protectRecordings":       {{`mutation { protectRecordings(recordIDs: ["` + iso.recT2 + `"], protect: true) { recordID } }`, hidden}},
		"deleteRecordings":        {{`mutation { deleteRecordings(recordIDs: ["` + iso.recT2 + `"]) { recordID } }`, hidden}},
		"addServer":               {{`mutation { addServer(input: {url: "https://x/bigbluebutton/api", secret: "s"}) { server { id } } }`, refused}},
		"updateServer":            {{`mutation { updateServer(id: "` + serverID + `", input: {tag: "t1"}) { id } }`, refused}},
		"removeServer":            {{`mutation { removeServer(id: "` + serverID + `") { id } }`, refused}},
		"enableServer":            {{`mutation { enableServer(id: "` + serverID + `") { id } }`, refused}},
		"disableServer":           {{`mutation { disableServer(id: "` + serverID + `") { server { id } } }`, refused}},
		"cordonServer":            {{`mutation { cordonServer(id: "` + serverID + `") { id } }`, refused}},
		"panicServer":             {{`mutation { panicServer(id: "` + serverID + `", skipEndCalls: true) { endedMeetings { meetingID } } }`, refused}},
		"setLoadMultiplier":       {{`mutation { setLoadMultiplier(id: "` + serverID + `", loadMultiplier: 9) { id } }`, refused}},
		"syncServers":             {{`mutation { syncServers(yaml: "servers: {}", dryRun: true) { dryRun } }`, refused}},
		"pollServers":             {{`mutation { pollServers { id } }`, refused}},
		"addTenant":               {{`mutation { addTenant(input: {name: "t3", secrets: ["x"]}) { id } }`, refused}},
		"updateTenant":            {{`mutation { updateTenant(id: "` + iso.t2.ID + `", input: {name: "pwned", secrets: ["x"]}) { id } }`, hidden}, {`mutation { updateTenant(id: "` + iso.t1.ID + `", input: {name: "t2"}) { id } }`, hidden}},
		"removeTenant":            {{`mutation { removeTenant(id: "` + iso.t2.ID + `") { id } }`, hidden}},
		"addTenantSetting":        {{`mutation { addTenantSetting(input: {tenant: "t2", param: "welcome", value: "pwned"}) { id } }`, hidden}, {`mutation { addTenantSetting(input: {tenant: "` + iso.t2.ID + `", param: "logo", value: "pwned"}) { id } }`, hidden}},
		"removeTenantSetting":     {{`mutation { removeTenantSetting(id: "` + iso.t2Setting + `") { id } }`, hidden}},
	}
	for field, list := range cases {
		for _, c := range list {
			a := iso.gql(iso.t1Key, c.query)
			if !c.want(a) {
				t.Errorf("%s: codes %v data %s", field, a.codes, a.data)
			}
			for _, s := range t2Data {
				if strings.Contains(a.data, s) {
					t.Errorf("%s shows t2's %q: %s", field, s, a.data)
				}
			}
			if l := leaks(a.data); len(l) > 0 {
				t.Errorf("%s leaks %v", field, l)
			}
		}
	}
	subscriptions := iso.subscriptions(t)

	var schema struct {
		Schema struct {
			QueryType, MutationType, SubscriptionType struct{ Fields []struct{ Name string } }
		} `json:"__schema"`
	}
	a := iso.gql(iso.adminKey, `{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }`)
	if err := json.Unmarshal([]byte(a.data), &schema); err != nil {
		t.Fatalf("introspection: %v %s", err, a.data)
	}
	for _, f := range slices.Concat(schema.Schema.QueryType.Fields, schema.Schema.MutationType.Fields) {
		if _, ok := cases[f.Name]; !ok {
			t.Errorf("root field %s has no tenant-isolation case", f.Name)
		}
	}
	for _, f := range schema.Schema.SubscriptionType.Fields {
		if !slices.Contains(subscriptions, f.Name) {
			t.Errorf("subscription %s has no tenant-isolation case", f.Name)
		}
	}
}

// subscriptions: t1's meetingEvents never carry t2's meetings, while an admin subscription sees
// them; serverLoad and serverEvents carry servers only. It returns the fields it tried.
func (iso *isolation) subscriptions(t *testing.T) []string {
	if _, body, _ := iso.bbb("t2", t2Secret, "create", "meetingID=t2-other&name=Other"); !strings.Contains(body, "SUCCESS") {
		t.Fatalf("t2 create t2-other: %s", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dial := func(key string) *websocket.Conn {
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(iso.base, "http")+"/graphql", &websocket.DialOptions{
			Subprotocols: []string{"graphql-transport-ws"}, Host: lbHost})
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { conn.CloseNow() })
		write := func(v any) {
			b, _ := json.Marshal(v)
			conn.Write(ctx, websocket.MessageText, b)
		}
		write(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + key}})
		_, b, err := conn.Read(ctx)
		if err != nil || !bytes.Contains(b, []byte("connection_ack")) {
			t.Fatalf("connection_init: %s %v", b, err)
		}
		for id, q := range map[string]string{
			"all":     `subscription { meetingEvents { type meetingID tenantId } }`,
			"named":   `subscription { meetingEvents(meetingIDs: ["t2-other"]) { type meetingID } }`,
			"load":    `subscription { serverLoad { id meetings } }`,
			"servers": `subscription { serverEvents { type } }`,
		} {
			write(map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": q}})
		}
		return conn
	}
	t1 := dial(iso.t1Key)
	admin := dial(iso.adminKey)
	time.Sleep(time.Second) // subscriptions start asynchronously
	if a := iso.gql(iso.adminKey, `mutation { endMeeting(meetingID: "t2-other") { meetingID } }`); len(a.codes) > 0 {
		t.Fatalf("admin endMeeting: %v", a.codes)
	}
	read := func(conn *websocket.Conn, d time.Duration) []string {
		var got []string
		rctx, rcancel := context.WithTimeout(ctx, d)
		defer rcancel()
		for {
			_, b, err := conn.Read(rctx)
			if err != nil {
				return got
			}
			if bytes.Contains(b, []byte(`"ping"`)) {
				conn.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
				continue
			}
			got = append(got, string(b))
		}
	}
	adminSaw := strings.Join(read(admin, 5*time.Second), "\n")
	if !strings.Contains(adminSaw, "t2-other") {
		t.Errorf("the admin subscription saw no event of t2-other (the check below proves nothing): %s", adminSaw)
	}
	for _, m := range read(t1, time.Second) {
		if strings.Contains(m, "t2-other") || strings.Contains(m, iso.t2.ID) {
			t.Errorf("t1's subscription received t2's event: %s", m)
		}
	}
	// t1 may subscribe to server events; they name servers, never meetings.
	return []string{"meetingEvents", "serverLoad", "serverEvents"}
}

// adminAPI: every Scalelite admin API call signed with t1's secret (on its host and on the bare
// host) is refused with checksumError and changes nothing.
func (iso *isolation) adminAPI(t *testing.T) {
	for _, c := range []struct{ method, action, body string }{
		{"GET", "getServers", ""}, {"GET", "getServerInfo", ""}, {"GET", "getTenants", ""}, {"GET", "getTenantInfo", ""},
		{"POST", "addServer", `{"server":{"url":"https://x/bigbluebutton/api","secret":"s"}}`},
		{"POST", "updateServer", `{"id":"x","server":{"state":"disabled"}}`},
		{"POST", "deleteServer", `{"id":"x"}`}, {"POST", "panicServer", `{"id":"x"}`},
		{"POST", "addTenant", `{"tenant":{"name":"t3","secrets":"x"}}`},
		{"POST", "updateTenant", `{"id":"` + iso.t2.ID + `","tenant":{"name":"pwned"}}`},
		{"POST", "deleteTenant", `{"id":"` + iso.t2.ID + `"}`},
	} {
		for _, host := range []string{hostOf("t1"), lbHost} {
			q := "id=" + iso.t2.ID
			sum := sha256.Sum256([]byte(c.action + q + t1Secret))
			req, _ := http.NewRequest(c.method, iso.base+"/scalelite/api/"+c.action+"?"+q+"&checksum="+hex.EncodeToString(sum[:]), strings.NewReader(c.body))
			req.Host = host
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			status, body, _ := iso.send(req)
			if !strings.Contains(body, "checksumError") || len(leaks(body)) > 0 || strings.Contains(body, "t2") {
				t.Errorf("%s on %s with t1's secret: %d %s", c.action, host, status, oneLine(body))
			}
		}
	}
}

// cli: the commands that name a tenant act on that tenant only.
func (iso *isolation) cli(t *testing.T) {
	var s struct{ ID, TenantID string }
	iso.cliJSON(&s, "tenant-settings", "add", "t1", "welcome", "t1-welcome", "false", "--json")
	if s.TenantID != iso.t1.ID {
		t.Errorf("a setting added for t1 belongs to %s", s.TenantID)
	}
	// Tenant names are matched without regard to case: T1 is t1, never another tenant.
	iso.cliJSON(&s, "tenant-settings", "add", "T1", "logo", "x", "false", "--json")
	if s.TenantID != iso.t1.ID {
		t.Errorf("a setting added for T1 belongs to %s", s.TenantID)
	}
	if _, _, err := runCmd(t, iso.env, "tenants", "update", iso.t1.ID, "--name", "t2"); err == nil {
		t.Error("t1 renamed to t2's name")
	}
	iso.mustCLI("recordings", "add-to-tenant", "t1")
	var recs []struct {
		RecordID string
		Metadata map[string]string
	}
	iso.cliJSON(&recs, "recordings", "list", "--json")
	for _, r := range recs {
		want := map[string]string{iso.recT1: iso.t1.ID, iso.recT2: iso.t2.ID, iso.recNone: iso.t1.ID}[r.RecordID]
		if got := r.Metadata["tenant-id"]; want != "" && got != want {
			t.Errorf("after add-to-tenant t1, %s belongs to %q, want %q", r.RecordID, got, want)
		}
	}
	var key struct{ Key string }
	iso.cliJSON(&key, "api-keys", "create", "--scope", "tenant:T1", "--json")
	if a := iso.gql(key.Key, `{ meeting(meetingID: "t2-room") { meetingID } }`); !a.code("NOT_FOUND") {
		t.Errorf("a key of scope tenant:T1 reads t2-room: %v %s", a.codes, a.data)
	}
	if a := iso.gql(key.Key, `{ meeting(meetingID: "t1-room") { meetingID } }`); len(a.codes) > 0 {
		t.Errorf("a key of scope tenant:T1 cannot read t1-room: %v", a.codes)
	}
}
