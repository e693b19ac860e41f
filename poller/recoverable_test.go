package poller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

// running reports whether meetingID runs in our records, and on which server.
func (h *harness) running(meetingID string) (string, bool) {
	h.t.Helper()
	m, err := h.store.Meeting(context.Background(), meetingID)
	if scalelite.IsNotFound(err) {
		return "", false
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return m.ServerID, true
}

// endedEvents returns the "ended" meeting events among evs as meetingID -> detail.
func endedEvents(evs []scalelite.Event) map[string]string {
	out := map[string]string{}
	for _, e := range evs {
		if e.Type == "ended" {
			out[e.MeetingID] = e.Detail
		}
	}
	return out
}

// A panicked server keeps answering getMeetings without the meetings the panic ended: they stay
// recoverable (never reconciled) until the meeting TTL, counted from the panic, while
// reconciliation goes on as before on the healthy server of the same rounds.
func TestPanickedServerMeetingsStayRecoverableUntilTTL(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 2, poller.Config{ReconcileGrace: time.Minute})
		if ttl := h.p.Config().MeetingTTL; ttl != 24*time.Hour {
			t.Fatalf("default MeetingTTL = %v, want 24h (DEFAULT_MEETING_TTL 86400 s)", ttl)
		}
		h.meeting("s0", "panicked", 4)
		h.meeting("s1", "healthy", 2)
		h.record("s1", "gone", 1) // in our records only: reconciliation ends it (grace: 1 min)
		h.round()

		svc := scalelite.NewServerService(store, bbb.NewBackend(h.client, testTimeouts), nil, false)
		res, err := svc.Panic(ctx, "s0", false, false)
		if err != nil || len(res.Ended) != 1 || len(res.EndErrors) != 0 {
			t.Fatalf("panic: %+v, %v", res, err)
		}
		if _, ok := h.simServer("s0").Meeting("panicked"); ok {
			t.Fatalf("the panic did not end the meeting on BBB")
		}

		h.age(time.Hour) // past the grace period
		var evs []scalelite.Event
		for i := 0; i < 4; i++ {
			evs = append(evs, h.eventsOf(func() { h.round() }, scalelite.TopicMeetingEvents)...)
		}
		if got := endedEvents(evs); len(got) != 1 || got["gone"] == "" {
			t.Errorf("ended events = %v, want only gone (healthy server reconciled)", got)
		}
		if _, ok := h.running("gone"); ok {
			t.Errorf("gone, missing from a healthy server, still running")
		}
		if _, ok := h.running("healthy"); !ok {
			t.Errorf("healthy meeting ended")
		}
		m, err := store.Meeting(ctx, "panicked")
		if err != nil || m.ServerID != "s0" || m.MissedPolls != 0 {
			t.Fatalf("panicked meeting after 4 rounds: %+v, %v; want running on s0, not reconciled", m, err)
		}

		h.age(22*time.Hour + 58*time.Minute) // 23 h 58 min after the panic
		if res := h.round(); res.Ended != 0 {
			t.Errorf("round before the TTL ended %d meeting(s)", res.Ended)
		}
		if _, ok := h.running("panicked"); !ok {
			t.Fatalf("recoverable meeting ended before the TTL")
		}
		h.age(3 * time.Minute)
		var res2 poller.RoundResult
		evs = h.eventsOf(func() { res2 = h.round() }, scalelite.TopicMeetingEvents)
		if _, ok := h.running("panicked"); ok {
			t.Errorf("recoverable meeting still running after the TTL")
		}
		if got := endedEvents(evs); res2.Ended != 1 || !strings.Contains(got["panicked"], "TTL") || !strings.Contains(got["panicked"], "disabled") {
			t.Errorf("round %+v, ended events %v", res2, got)
		}
		if _, ok := h.running("healthy"); !ok {
			t.Errorf("healthy meeting ended by the TTL")
		}
	})
}

// An offline server's meetings are not reconciled, even by successful polls below the healthy
// threshold; they get the whole TTL from when the server went offline however long they ran
// before; once the server is back online, reconciliation applies again.
func TestOfflineServerMeetingsTTLFromOffline(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 1, poller.Config{HealthyThreshold: 2, MeetingTTL: 6 * time.Hour})
		h.meeting("s0", "long", 3)
		h.meeting("s0", "short", 3)
		h.age(72 * time.Hour) // the meetings ran for three days
		h.round()

		h.simServer("s0").SetDown(true)
		h.round()
		h.round()
		if h.server("s0").Online {
			t.Fatal("server still online")
		}
		h.age(5 * time.Hour)
		if res := h.round(); res.Ended != 0 {
			t.Fatalf("ended %d meeting(s) 5 h after going offline (TTL 6 h)", res.Ended)
		}

		// Back, having lost "short": a successful poll below the healthy threshold is no miss.
		h.simServer("s0").SetDown(false)
		h.simServer("s0").EndAll()
		h.createOnBBB("s0", "long", 2, 0)
		h.round()
		if s := h.server("s0"); s.Online {
			t.Fatal("server online after one success (threshold 2)")
		}
		for _, id := range []string{"long", "short"} {
			if m, err := store.Meeting(context.Background(), id); err != nil || m.MissedPolls != 0 {
				t.Errorf("%s after a poll of the offline server: %+v, %v", id, m, err)
			}
		}
		h.round() // online: "short" missed once
		h.round() // missed twice: ended as any meeting gone from a healthy server
		if _, ok := h.running("short"); ok {
			t.Errorf("short, lost by the server that came back, still running")
		}
		if _, ok := h.running("long"); !ok {
			t.Errorf("long ended")
		}
		h.age(7 * time.Hour) // past the TTL, but the server keeps its meetings again
		if res := h.round(); res.Ended != 0 {
			t.Errorf("ended %d meeting(s) of a healthy server by the TTL", res.Ended)
		}
	})
}

// The meetings of a removed server are recoverable until the TTL, then ended.
func TestRemovedServerMeetingsExpire(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 2, poller.Config{MeetingTTL: time.Hour})
		h.meeting("s0", "orphan", 3)
		h.meeting("s1", "kept", 3)
		if err := scalelite.NewServerService(store, nil, nil, false).Remove(ctx, "s0"); err != nil {
			t.Fatal(err)
		}
		if res := h.round(); res.Ended != 0 || res.Servers != 1 {
			t.Errorf("round = %+v", res)
		}
		if srv, ok := h.running("orphan"); !ok || srv != "s0" {
			t.Errorf("orphan: running %v on %q, want recoverable on s0", ok, srv)
		}
		h.age(59 * time.Minute)
		h.round()
		if _, ok := h.running("orphan"); !ok {
			t.Errorf("orphan ended before the TTL")
		}
		h.age(2 * time.Minute)
		var res poller.RoundResult
		evs := h.eventsOf(func() { res = h.round() }, scalelite.TopicMeetingEvents)
		if _, ok := h.running("orphan"); ok {
			t.Errorf("orphan still running after the TTL")
		}
		if _, ok := h.running("kept"); !ok {
			t.Errorf("kept: ended")
		}
		if got := endedEvents(evs); res.Ended != 1 || !strings.Contains(got["orphan"], "removed") {
			t.Errorf("round %+v, events %v", res, got)
		}
	})
}

// A recoverable meeting recovered (moved to a healthy server) is not ended by its old server's
// TTL, and the TTL counts from its last placement when that is later than the server's failure.
func TestRecoveredMeetingNotExpired(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 2, poller.Config{MeetingTTL: time.Hour})
		h.meeting("s0", "moved", 3)
		h.meeting("s0", "left", 3)
		svc := scalelite.NewServerService(store, nil, nil, false)
		if _, err := svc.Panic(ctx, "s0", false, true); err != nil {
			t.Fatal(err)
		}
		h.round()
		// Recovery of "moved" onto s1, as the facade's join does.
		_, err := store.PlaceMeeting(ctx, scalelite.PlaceRequest{
			Meeting:     scalelite.Meeting{MeetingID: "moved", ModeratorPW: "mp", AttendeePW: "ap"},
			Reservation: 1,
		})
		if err != nil {
			t.Fatal(err)
		}
		h.createOnBBB("s1", "moved", 2, 0)
		h.age(2 * time.Hour)
		h.round()
		if srv, ok := h.running("moved"); !ok || srv != "s1" {
			t.Errorf("recovered meeting: running %v on %q", ok, srv)
		}
		if _, ok := h.running("left"); ok {
			t.Errorf("unrecovered meeting still running after the TTL")
		}
	})
}

// A cordoned server that drains is disabled; a meeting it no longer lists ended on a healthy
// server and is ended at once, not left recoverable.
func TestDrainEndsUnlistedMeetings(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 1, poller.Config{ReconcileGrace: time.Minute})
		h.meeting("s0", "m1", 5)
		h.age(time.Hour)
		h.round()
		if _, err := scalelite.NewServerService(store, nil, nil, false).Cordon(ctx, "s0"); err != nil {
			t.Fatal(err)
		}
		h.simServer("s0").EndAll()
		h.round()
		if s := h.server("s0"); s.State != scalelite.ServerDisabled {
			t.Fatalf("state = %s, want disabled", s.State)
		}
		if _, ok := h.running("m1"); ok {
			t.Errorf("meeting gone from the drained server still running")
		}
	})
}
