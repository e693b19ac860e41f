package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Item 3: the meeting nodes of all servers are merged (GET and POST form).
func TestGetMeetingsMerges(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		e.create("room-1", "")
		e.create("room-2", "")
		if a, b := e.meeting("room-1").ServerID, e.meeting("room-2").ServerID; a == b {
			t.Fatalf("both meetings on %s", a)
		}
		golden(t, "get_meetings_merged", e.get("getMeetings", ""))
		// POST with the checksum in a form body (covering the whole body).
		sum := "checksum=" + checksumOf("getMeetings", "")
		_, body, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/getMeetings", "application/x-www-form-urlencoded", sum)
		golden(t, "get_meetings_merged", body)
		for i := range 2 {
			if n := len(e.calls(i, "getMeetings")); n != 2 {
				t.Errorf("server %d got %d getMeetings, want 2", i, n)
			}
		}
	})
}

// Item 5: no servers answers noMeetings.
func TestGetMeetingsNoServers(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0)
		golden(t, "get_meetings_none", e.get("getMeetings", ""))
	})
}

// Item 4 (better): a failing server is skipped, not fatal; Scalelite fails the whole call.
func TestGetMeetingsSkipsFailedServers(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 3)
		e.create("room-1", "")
		e.create("room-2", "")
		e.create("room-3", "")
		e.bbbServer(0).SetBlackhole(true) // times out
		e.bbbServer(1).SetHTTPError(500)
		body := e.get("getMeetings", "")
		if !strings.Contains(body, "<meetingID>room-3</meetingID>") || strings.Contains(body, "room-1") || strings.Contains(body, "room-2") {
			t.Errorf("want only room-3:\n%s", body)
		}
		e.bbbServer(2).SetMalformed(true)
		golden(t, "get_meetings_none", e.get("getMeetings", ""))
	})
}

// Item 6: offline and disabled servers are not asked; enabled and cordoned ones are.
func TestGetMeetingsServerStates(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 4)
		e.setOnline("s01", false)
		e.setState("s02", scalelite.ServerDisabled)
		e.setState("s03", scalelite.ServerCordoned)
		e.get("getMeetings", "")
		for i, want := range []int{0, 0, 1, 1} {
			if got := len(e.calls(i, "getMeetings")); got != want {
				t.Errorf("server %d: %d calls, want %d", i+1, got, want)
			}
		}
	})
}

// Item 7: GET_MEETINGS_API_DISABLED answers noMeetings, GET and POST, without a checksum.
func TestGetMeetingsDisabled(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.GetMeetingsDisabled = true })
		e.create("room-1", "")
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			code, body, _ := e.do(m, e.ts.URL+APIPath+"/getMeetings", "", "")
			if code != 200 {
				t.Errorf("%s: %d", m, code)
			}
			golden(t, "get_meetings_none", body)
		}
		if n := len(e.calls(0, "getMeetings")); n != 0 {
			t.Errorf("server asked %d times", n)
		}
	})
}

// Item 8: with multitenancy only the tenant's meetings come back; without it, meetings with a
// tenant-id are dropped.
func TestGetMeetingsTenantFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2, multitenant)
		a := e.addTenant("bn", "bn-secret")
		e.addTenant("other", "other-secret")
		e.tenantCreate("bn", "bn-secret", "bn-room")
		e.tenantCreate("other", "other-secret", "other-room")
		body := e.tenantGet("bn", "bn-secret", "getMeetings", "")
		if !strings.Contains(body, "<meetingID>bn-room</meetingID>") || strings.Contains(body, "other-room") ||
			!strings.Contains(body, "<tenant-id>"+a.ID+"</tenant-id>") {
			t.Errorf("tenant bn sees:\n%s", body)
		}
		// A balancer without multitenancy on the same pool drops tenant meetings.
		plain := newEnvOn(t, store, e, func(c *envConfig) {})
		golden(t, "get_meetings_none", plain.get("getMeetings", ""))
		_ = context.Background()
	})
}
