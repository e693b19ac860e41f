package bbbfacade

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The meeting service (shared with the CLI and GraphQL) ends meetings in our records and on BBB
// through the bbb.Backend adapter; a meeting BBB no longer knows is not an error.
func TestMeetingServiceEnd(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.create("room-2", "")
		svc := e.meetings
		ctx := context.Background()
		m, err := svc.EndMeeting(ctx, "room-1")
		if err != nil || m.MeetingID != "room-1" {
			t.Fatalf("EndMeeting: %v %v", m, err)
		}
		if calls := e.calls(0, "end"); len(calls) != 1 || sent(calls[0]) != "meetingID=room-1&password=mp" {
			t.Errorf("server received %+v", calls)
		}
		if _, err := svc.EndMeeting(ctx, "room-1"); !scalelite.IsNotFound(err) {
			t.Errorf("second end: %v", err)
		}
		e.bbbServer(0).EndAll()
		ended, err := svc.EndMeetings(ctx, []string{"room-2", "nope"})
		if err != nil || len(ended) != 1 {
			t.Errorf("EndMeetings: %v %v", ended, err)
		}
		// Backend errors are reported with the ended meeting.
		e.create("room-3", "")
		e.bbbServer(0).SetDown(true)
		if m, err := svc.EndMeeting(ctx, "room-3"); m == nil || scalelite.ErrorCode(err) != scalelite.EUNAVAILABLE {
			t.Errorf("down server: %v %v", m, err)
		}
		if _, err := store.Meeting(ctx, "room-3"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting still running: %v", err)
		}
	})
}
