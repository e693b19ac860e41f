package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type serverLoadOut struct {
	Type, ID, URL, State string
	Time                 time.Time
	Online               bool
	Load                 *float64
	Meetings             int
	Users                int
	Videos               int
}

// awaitEvent triggers events with trigger until the subscription id delivers one into out.
// Subscriptions start asynchronously, so the first triggers may fire before it is live.
func awaitEvent(t *testing.T, c *wsClient, id string, out any, trigger func(attempt int)) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		trigger(attempt)
		err := c.next(id, eventWait, out)
		if err == nil {
			return
		}
		if !errors.Is(err, errTimeout) || attempt >= maxAttempts {
			t.Fatalf("subscription %s: %v", id, err)
		}
	}
}

// TestSubscriptionServerLoadFromAnotherInstance: a poll made by a second instance (its own
// poller and Redis connection) reaches a serverLoad subscriber of the first over Redis pub/sub.
func TestSubscriptionServerLoadFromAnotherInstance(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.newInstance(t, store)
		sim := e.sim.Servers()[0]
		srv := &scalelite.Server{ID: "bbb-a", URL: sim.URL(), Secret: sim.Secret(), State: scalelite.ServerEnabled, LoadMultiplier: 1}
		if err := store.CreateServer(e.ctx, srv); err != nil {
			t.Fatal(err)
		}
		ro := e.key(scalelite.ScopeReadOnly, "watcher")
		c := e.connect(map[string]any{"Authorization": "Bearer " + ro})
		c.subscribe("load", `subscription { serverLoad(serverIds: ["bbb-a"]) { type id url state online load meetings users videos time } }`, nil)

		var ev struct{ ServerLoad serverLoadOut }
		awaitEvent(t, c, "load", &ev, func(int) {
			if err := other.poller.PollOnce(e.ctx); err != nil {
				t.Fatalf("poll on the other instance: %v", err)
			}
		})
		got := ev.ServerLoad
		if got.Type != "POLLED" || got.ID != "bbb-a" || got.URL != sim.URL() || got.State != "ENABLED" || !got.Online || got.Load == nil || got.Time.IsZero() {
			t.Errorf("serverLoad event = %+v", got)
		}
	})
}

// TestSubscriptionServerEvents: a state change made through the other instance's GraphQL API
// reaches this instance's serverEvents subscribers; the serverIds filter holds.
func TestSubscriptionServerEvents(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.newInstance(t, store)
		e.addServer(0, "bbb-a", "")
		e.addServer(1, "bbb-b", "")
		c := e.connect(map[string]any{"apiKey": adminEnvKey})
		c.subscribe("ev", `subscription { serverEvents(serverIds: ["bbb-b"]) { type time serverId detail server { id state online } } }`, nil)
		var ev struct {
			ServerEvents struct {
				Type, ServerID string
				Detail         *string
				Server         struct{ ID, State string }
			}
		}
		states := []string{"cordonServer", "enableServer"}
		awaitEvent(t, c, "ev", &ev, func(attempt int) {
			// A change of bbb-a first: the filter must skip it.
			other.must(adminEnvKey, `mutation { cordonServer(id: "bbb-a") { id } }`, nil, nil)
			other.must(adminEnvKey, fmt.Sprintf(`mutation { %s(id: "bbb-b") { id } }`, states[attempt%2]), nil, nil)
		})
		if ev.ServerEvents.ServerID != "bbb-b" || ev.ServerEvents.Type != "STATE_CHANGED" || ev.ServerEvents.Server.ID != "bbb-b" {
			t.Errorf("serverEvents = %+v", ev.ServerEvents)
		}
	})
}

// TestSubscriptionMeetingEventsForTenant: a tenant key's meetingEvents carry only its tenant's
// meetings, whichever instance ended them.
func TestSubscriptionMeetingEventsForTenant(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.newInstance(t, store)
		acme, globex := e.addTenant("acme"), e.addTenant("globex")
		e.addServer(0, "bbb-a", "")
		c := e.connect(map[string]any{"apiKey": e.key(scalelite.TenantScope("acme"), "acme-watch")})
		c.subscribe("m", `subscription { meetingEvents { type time meetingID serverId tenantId } }`, nil)
		var ev struct {
			MeetingEvents struct {
				Type, MeetingID string
				ServerID        *string
				TenantID        *string
			}
		}
		awaitEvent(t, c, "m", &ev, func(attempt int) {
			g, a := fmt.Sprintf("globex-%d", attempt), fmt.Sprintf("acme-%d", attempt)
			e.addMeeting(g, globex.ID, "bbb-a")
			e.addMeeting(a, acme.ID, "bbb-a")
			other.must(adminEnvKey, `mutation($id: String!) { endMeeting(meetingID: $id) { meetingID } }`, map[string]any{"id": g}, nil)
			other.must(adminEnvKey, `mutation($id: String!) { endMeeting(meetingID: $id) { meetingID } }`, map[string]any{"id": a}, nil)
		})
		got := ev.MeetingEvents
		if !strings.HasPrefix(got.MeetingID, "acme-") || got.Type != "ENDED" || got.TenantID == nil || *got.TenantID != acme.ID || got.ServerID == nil {
			t.Errorf("meetingEvents = %+v, want only acme's meetings", got)
		}
	})
}

// TestSlowSubscribersDoNotStallPublishers: a subscriber that stops reading and one whose
// connection is gone never block publishing (events published here, polls made by another
// instance); the stalled one is dropped, and new subscribers still get events.
func TestSlowSubscribersDoNotStallPublishers(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.newInstance(t, store)
		e.addServer(0, "bbb-a", "")
		const sub = `subscription { serverLoad { type id url } }`

		// A subscriber that never reads again.
		stalled, _, err := e.dialRaw("", nil)
		if err != nil {
			t.Fatal(err)
		}
		rawInit(t, stalled)
		rawSubscribe(t, stalled, "s", sub)

		// A subscriber whose connection drops without a close handshake.
		gone := e.connect(map[string]any{"apiKey": adminEnvKey})
		gone.subscribe("g", sub, nil)
		gone.conn.CloseNow()

		// Publish big events until the stalled subscriber's buffers (TCP and broker) overflow
		// and it is dropped. Every Publish and every poll must return.
		big := &scalelite.ServerSnapshot{ID: "flood", URL: strings.Repeat("u", 8<<10), State: scalelite.ServerEnabled, Online: true}
		done := make(chan error, 1)
		go func() {
			for round := 0; round < 200 && e.pubsub.Dropped() == 0; round++ {
				for range 100 {
					if err := e.pubsub.Publish(e.ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Type: "polled", Time: time.Now(), ServerID: big.ID, Server: big}); err != nil {
						done <- err
						return
					}
				}
				if err := other.poller.PollOnce(e.ctx); err != nil {
					done <- err
					return
				}
				time.Sleep(10 * time.Millisecond) // let the Redis reader deliver
			}
			done <- nil
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("publish: %v", err)
			}
		case <-time.After(5 * waitLong):
			t.Fatal("publishing stalled behind a slow subscriber")
		}
		if e.pubsub.Dropped() == 0 {
			t.Fatal("the stalled subscriber was never dropped")
		}

		// The instance still serves new subscribers.
		fresh := e.connect(map[string]any{"apiKey": adminEnvKey})
		fresh.subscribe("f", `subscription { serverLoad(serverIds: ["bbb-a"]) { type id } }`, nil)
		var ev struct{ ServerLoad serverLoadOut }
		awaitEvent(t, fresh, "f", &ev, func(int) {
			if err := other.poller.PollOnce(e.ctx); err != nil {
				t.Fatal(err)
			}
		})
		if ev.ServerLoad.ID != "bbb-a" {
			t.Errorf("event after the flood = %+v", ev.ServerLoad)
		}
	})
}

// rawInit initialises a websocket that has no reader goroutine.
func rawInit(t *testing.T, conn *websocket.Conn) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"apiKey": adminEnvKey})
	if err := writeMessage(conn, wsMessage{Type: "connection_init", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("connection_ack: %v", err)
		}
		if strings.Contains(string(b), "connection_ack") {
			return
		}
	}
}

func rawSubscribe(t *testing.T, conn *websocket.Conn, id, query string) {
	t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query})
	if err := writeMessage(conn, wsMessage{ID: id, Type: "subscribe", Payload: payload}); err != nil {
		t.Fatal(err)
	}
}
