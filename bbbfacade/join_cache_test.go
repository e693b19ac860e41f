package bbbfacade

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/events"
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

// A change another instance announces reaches the join cache at once (WatchChanges): the next
// join reads the store again instead of using its copy for JoinCacheTTL.
func TestJoinCacheFollowsAnnouncedChanges(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2, func(c *envConfig) { c.JoinCacheTTL = time.Hour })
		broker := events.NewBroker(events.DefaultBuffer)
		t.Cleanup(broker.Close)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- e.meetings.WatchChanges(ctx, broker) }()
		t.Cleanup(func() { cancel(); <-done })

		e.create("room-1", "")
		m := e.meeting("room-1")
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		e.setOnline(m.ServerID, false) // another instance's poller
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			_ = broker.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerOffline, ServerID: m.ServerID})
			if e.meeting("room-1").ServerID != m.ServerID {
				t.Fatal("moved without a join")
			}
			loc := e.joinLocation("fullName=A&meetingID=room-1&password=ap")
			if got := e.meeting("room-1").ServerID; got != m.ServerID {
				if !strings.Contains(loc, e.server(got).URL) {
					t.Errorf("join went to %s, the meeting is on %s", loc, got)
				}
				return // recovered on the other server: the copy was not used
			}
			if time.Now().After(deadline) {
				t.Fatal("the join kept using its copy of the offline server")
			}
		}
	})
}
