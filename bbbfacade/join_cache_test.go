package bbbfacade

import (
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The join cache answers repeated joins from memory; this instance's end and create invalidate
// it at once, changes made elsewhere are seen after JoinCacheTTL.
func TestJoinCache(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2, func(c *envConfig) { c.JoinCacheTTL = time.Hour })
		e.create("room-1", "")
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		// Another instance marks the server offline: this one still uses its copy.
		m := e.meeting("room-1")
		e.setOnline(m.ServerID, false)
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		if n := len(e.calls(0, "create")) + len(e.calls(1, "create")); n != 1 {
			t.Errorf("%d creates: the cached join recovered the meeting", n)
		}
		e.setOnline(m.ServerID, true)
		// Our own end is seen at once.
		e.get("end", "meetingID=room-1&password=mp")
		checkError(t, e.get("join", "fullName=A&meetingID=room-1&password=ap"), keyNotFound, msgMeetingNotFound)
		e.create("room-1", "")
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		if e.meeting("room-1").EndedAt != nil {
			t.Error("meeting ended")
		}
		_ = scalelite.ServerEnabled
	})
}
