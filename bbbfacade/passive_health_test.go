package bbbfacade

import (
	"context"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
)

// A server that cannot be reached on the request path is suspect at once: the create that found
// it so is placed once more on another server (the first placement undone), the next creates
// avoid it, and getMeetings does not wait for it. A call that reaches it again clears it.
func TestPassiveHealth(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		e.bbbServer(0).SetDown(true) // s01: refuses connections, still online in our records
		e.create("room-1", "")       // least loaded: s01, which fails; then s02
		if m := e.meeting("room-1"); m.ServerID != "s02" {
			t.Fatalf("room-1 on %s, want s02 after s01 failed", m.ServerID)
		}
		if got := e.server("s01").Load; got != 0 {
			t.Errorf("s01 load %v: the failed placement was not undone", got)
		}
		if !e.health.Suspect("s01") || e.health.Suspect("s02") {
			t.Errorf("suspects %v, want [s01]", e.health.Suspects())
		}
		e.bbbServer(0).SetDown(false)
		e.bbbServer(0).ResetCalls()
		e.create("room-2", "") // s01 is less loaded, but suspect
		if m := e.meeting("room-2"); m.ServerID != "s02" {
			t.Errorf("room-2 on %s, want s02 while s01 is suspect", m.ServerID)
		}
		body := e.get("getMeetings", "")
		if !strings.Contains(body, "<meetingID>room-1</meetingID>") || len(e.calls(0, "getMeetings")) != 0 {
			t.Errorf("getMeetings asked the suspect server (%d calls) or lost meetings:\n%s", len(e.calls(0, "getMeetings")), body)
		}
		// An answer from s01 (a poll, or any call) clears it.
		e.health.Observe(context.Background(), "s01", nil)
		e.create("room-3", "")
		if m := e.meeting("room-3"); m.ServerID != "s01" {
			t.Errorf("room-3 on %s, want s01 once it answers again", m.ServerID)
		}
	})
}
