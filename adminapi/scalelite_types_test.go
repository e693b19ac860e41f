package adminapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Every field has Scalelite's JSON type, written as Rails writes it: load a number printed as a
// Ruby Float (15.0) or the string "unavailable", load_multiplier a decimal string (a BigDecimal),
// online, state, tag, bbb_version, ids, names and secrets strings.
func TestJSONTypesAsScalelite(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		e := newEnv(t, store, true)
		for _, s := range []*scalelite.Server{
			{ID: "bbb1", URL: "https://bbb1.example.com/bigbluebutton/api", Secret: "s1", State: scalelite.ServerEnabled, LoadMultiplier: 1},
			{ID: "bbb2", URL: "https://bbb2.example.com/bigbluebutton/api", Secret: "s2", State: scalelite.ServerCordoned, LoadMultiplier: 2.5, Tag: "gpu"},
			{ID: "bbb3", URL: "https://bbb3.example.com/bigbluebutton/api", Secret: "s3", State: scalelite.ServerDisabled, LoadMultiplier: 3},
		} {
			if err := store.CreateServer(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		for id, load := range map[string]float64{"bbb1": 15, "bbb2": 7.5, "bbb3": 4} {
			if _, err := store.RecordPoll(ctx, id, scalelite.PollResult{Time: time.Now(), Online: true, Load: load, BBBVersion: "3.0.19"}); err != nil {
				t.Fatal(err)
			}
		}
		list := e.call("GET", "getServers", "", "")
		for _, want := range []string{
			`{"id":"bbb1","url":"https://bbb1.example.com/bigbluebutton/api","secret":"s1","tag":"","bbb_version":"3.0.19","state":"enabled","load":15.0,"load_multiplier":"1.0","online":"online"}`,
			`{"id":"bbb2","url":"https://bbb2.example.com/bigbluebutton/api","secret":"s2","tag":"gpu","bbb_version":"3.0.19","state":"cordoned","load":7.5,"load_multiplier":"2.5","online":"online"}`,
			`{"id":"bbb3","url":"https://bbb3.example.com/bigbluebutton/api","secret":"s3","tag":"","bbb_version":"3.0.19","state":"disabled","load":"unavailable","load_multiplier":"3.0","online":"online"}`,
		} {
			if !strings.Contains(list.body, want) {
				t.Errorf("getServers lacks\n%s\nin\n%s", want, list.body)
			}
		}
		if info := e.call("GET", "getServerInfo", "id=bbb1", ""); !strings.Contains(info.body, `"load":15.0,"load_multiplier":"1.0"`) {
			t.Errorf("getServerInfo: %s", info.body)
		}

		add := e.call("POST", "addTenant", "", `{"tenant":{"name":"acme","secrets":["a","b"]}}`)
		id, _ := add.json(t).(map[string]any)["tenant"].(map[string]any)["id"].(string)
		if want := `{"tenant":{"id":"` + id + `","name":"acme","secrets":"a:b"}}`; strings.TrimSpace(add.body) != want {
			t.Errorf("addTenant: %s, want %s", add.body, want)
		}
		if got, want := strings.TrimSpace(e.call("GET", "getTenants", "", "").body), `[{"id":"`+id+`","name":"acme","secrets":"a:b"}]`; got != want {
			t.Errorf("getTenants: %s, want %s", got, want)
		}
	})
}

// Tenant names: any case (Scalelite accepts SHA1-tenant), unique without regard to case, and a
// clear refusal for a name no host can start with.
func TestTenantNames(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, true)
		add := e.call("POST", "addTenant", "", `{"tenant":{"name":"SHA1-tenant","secrets":"s1"}}`)
		if add.status != 201 || !strings.Contains(add.body, `"name":"SHA1-tenant"`) {
			t.Fatalf("addTenant SHA1-tenant: %d %s", add.status, add.body)
		}
		expect(t, "same name in another case", e.call("POST", "addTenant", "", `{"tenant":{"name":"sha1-TENANT","secrets":"s"}}`), 422, nil)
		for _, name := range []string{"a.b", "with space", "münchen", strings.Repeat("x", 64)} {
			got := e.call("POST", "addTenant", "", `{"tenant":{"name":"`+name+`","secrets":"s"}}`)
			if got.status != 422 || !strings.Contains(got.body, "can never match a request's host name") {
				t.Errorf("addTenant %q: %d %s", name, got.status, got.body)
			}
		}
		for _, name := range []string{"B2-school", "under_score", "7", strings.Repeat("x", 63)} {
			expect(t, "addTenant "+name, e.call("POST", "addTenant", "", `{"tenant":{"name":"`+name+`","secrets":"s"}}`), 201, nil)
		}
	})
}
