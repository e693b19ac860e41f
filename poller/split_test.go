package poller_test

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

// poll:meetings ends at once every meeting its server no longer has, spares young meetings,
// meetings of servers out of service and of servers that do not answer, and does not touch the
// servers' health or statistics.
func TestPollMeetings(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 3, poller.Config{ReconcileGrace: time.Minute})
		store.Now = func() time.Time { return time.Now().Add(-time.Hour) } // placed an hour ago
		h.meeting("s0", "live", 2)
		h.record("s0", "gone", 1)
		h.record("s1", "on-dead-server", 1)
		h.record("s2", "on-disabled-server", 1)
		store.Now = time.Now
		h.record("s0", "young", 1) // placed just now: its create may be in flight
		h.simServer("s1").SetDown(true)
		disabled := scalelite.ServerDisabled
		if _, err := store.UpdateServer(ctx, "s2", scalelite.ServerUpdate{State: &disabled}); err != nil {
			t.Fatal(err)
		}
		before := h.server("s0")

		var res poller.MeetingsResult
		evs := h.eventsOf(func() {
			var err error
			if res, err = h.p.PollMeetings(ctx); err != nil {
				t.Fatal(err)
			}
		}, scalelite.TopicMeetingEvents)
		if res.Servers != 2 || res.Failed != 1 || len(res.Ended) != 1 || res.Ended[0].MeetingID != "gone" {
			t.Errorf("result %+v", res)
		}
		if len(evs) != 1 || evs[0].Type != "ended" || evs[0].MeetingID != "gone" {
			t.Errorf("events %+v", evs)
		}
		for _, id := range []string{"live", "young", "on-dead-server", "on-disabled-server"} {
			if _, err := store.Meeting(ctx, id); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
		if _, err := store.Meeting(ctx, "gone"); !scalelite.IsNotFound(err) {
			t.Errorf("gone still running: %v", err)
		}
		if after := h.server("s0"); after.Load != before.Load || after.Meetings != before.Meetings || !after.LastPolledAt.Equal(before.LastPolledAt) {
			t.Errorf("server touched: %+v -> %+v", before, after)
		}
		if s1 := h.server("s1"); !s1.Online || s1.UnhealthyCounter != 0 {
			t.Errorf("unanswering server's health changed: %+v", s1)
		}
	})
}

// poll:versions reads every server's version (disabled ones too) and stores it, leaving the
// version of a server that does not answer.
func TestPollVersions(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 3, poller.Config{})
		if _, err := store.RecordPoll(ctx, "s2", scalelite.PollResult{Time: time.Now(), Online: true, BBBVersion: "2.7.0"}); err != nil {
			t.Fatal(err)
		}
		disabled := scalelite.ServerDisabled
		if _, err := store.UpdateServer(ctx, "s1", scalelite.ServerUpdate{State: &disabled}); err != nil {
			t.Fatal(err)
		}
		h.simServer("s2").SetDown(true)
		got, err := h.p.PollVersions(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0] != (poller.ServerVersion{ServerID: "s0", Version: "3.0.19"}) ||
			got[1] != (poller.ServerVersion{ServerID: "s1", Version: "3.0.19"}) || got[2].Error == "" {
			t.Errorf("versions %+v", got)
		}
		for id, want := range map[string]string{"s0": "3.0.19", "s1": "3.0.19", "s2": "2.7.0"} {
			if v := h.server(id).BBBVersion; v != want {
				t.Errorf("%s: stored %q, want %q", id, v, want)
			}
		}
		if err := store.SetBBBVersion(ctx, "nope", "1"); !scalelite.IsNotFound(err) {
			t.Errorf("unknown server: %v", err)
		}
	})
}
