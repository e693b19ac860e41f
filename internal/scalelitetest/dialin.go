package scalelitetest

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// testDialIn checks MeetingByVoiceBridge: running meetings of any tenant only, following a
// meeting that was re-homed, and free again once the meeting ended.
func testDialIn(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	dial, ok := s.(scalelite.DialInStore)
	if !ok {
		t.Fatalf("%T does not implement scalelite.DialInStore", s)
	}
	CreateServers(t, s, "a", "b")
	m1 := place(t, s, "m1", "")
	m2 := place(t, s, "m2", "tenant-2")

	for _, m := range []*scalelite.Meeting{m1, m2} {
		got, err := dial.MeetingByVoiceBridge(ctx, m.VoiceBridge)
		must(t, "MeetingByVoiceBridge "+m.MeetingID, err)
		if got.MeetingID != m.MeetingID || got.TenantID != m.TenantID || got.ServerID != m.ServerID {
			t.Errorf("MeetingByVoiceBridge(%s) = %+v, want %+v", m.VoiceBridge, got, m)
		}
	}
	_, err := dial.MeetingByVoiceBridge(ctx, "000000000")
	wantCode(t, "unknown voice bridge", err, scalelite.ENOTFOUND)
	_, err = dial.MeetingByVoiceBridge(ctx, m1.VoiceBridge[:len(m1.VoiceBridge)-1])
	wantCode(t, "voice bridge prefix", err, scalelite.ENOTFOUND)

	// A re-homed meeting is found on its new server.
	disabled := scalelite.ServerDisabled
	_, err = s.UpdateServer(ctx, m1.ServerID, scalelite.ServerUpdate{State: &disabled})
	must(t, "disable server", err)
	req := PlaceRequest("m1", "")
	res, err := s.PlaceMeeting(ctx, req)
	must(t, "re-home m1", err)
	if !res.Moved {
		t.Fatalf("m1 was not re-homed: %+v", res)
	}
	got, err := dial.MeetingByVoiceBridge(ctx, m1.VoiceBridge)
	must(t, "MeetingByVoiceBridge after the move", err)
	if got.ServerID == m1.ServerID || got.ServerID != res.Meeting.ServerID {
		t.Errorf("after the move: server %s, want %s", got.ServerID, res.Meeting.ServerID)
	}

	// Ended meetings are history: their voice bridge reaches nothing.
	_, err = s.EndMeetings(ctx, []string{"m1"}, time.Now())
	must(t, "EndMeetings", err)
	_, err = dial.MeetingByVoiceBridge(ctx, m1.VoiceBridge)
	wantCode(t, "ended meeting", err, scalelite.ENOTFOUND)
}
