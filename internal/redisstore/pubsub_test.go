package redisstore

import (
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestPubSubAcrossClients is the must-have: an event published through one client reaches a
// subscriber of another client (another process) on the same namespace, and not one on
// another namespace.
func TestPubSubAcrossClients(t *testing.T) {
	url := testRedisURL(t)
	ns := testNamespace(t, url)
	pub := testPubSub(t, testClient(t, url, ns))
	sub := testPubSub(t, testClient(t, url, ns))
	other := testPubSub(t, testClient(t, url, testNamespace(t, url)))

	ch, err := sub.Subscribe(t.Context(), scalelite.TopicMeetingEvents)
	if err != nil {
		t.Fatal(err)
	}
	otherCh, err := other.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: "created", MeetingID: "m1", ServerID: "bbb1"}
	if err := pub.Publish(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-ch:
		if got.Type != want.Type || got.MeetingID != want.MeetingID || got.ServerID != want.ServerID {
			t.Errorf("received %+v, want %+v", got, want)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("event not delivered to the other client")
	}
	select {
	case e := <-otherCh:
		t.Errorf("subscriber of another namespace received %+v", e)
	default:
	}
}

// TestPubSubResubscribes kills the subscription's connection and checks events flow again.
func TestPubSubResubscribes(t *testing.T) {
	url := testRedisURL(t)
	ns := testNamespace(t, url)
	pub := testPubSub(t, testClient(t, url, ns))
	c := testClient(t, url, ns)
	sub := testPubSub(t, c)
	ch, err := sub.Subscribe(t.Context(), scalelite.TopicServerLoad)
	if err != nil {
		t.Fatal(err)
	}
	id := sub.connID.Load()
	if id == 0 {
		t.Fatal("subscription connection id unknown")
	}
	if err := c.rc.Do(t.Context(), c.rc.B().ClientKill().Id(id).Build()).Error(); err != nil {
		t.Fatalf("CLIENT KILL ID %d: %v", id, err)
	}
	// Publish until one gets through: events sent while resubscribing are lost by design.
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed by a lost connection")
			}
			if e.Topic != scalelite.TopicServerLoad {
				t.Fatalf("received %+v", e)
			}
			if sub.connID.Load() == id {
				t.Errorf("event arrived on the killed connection %d", id)
			}
			return
		case <-tick.C:
			if err := pub.Publish(t.Context(), scalelite.Event{Topic: scalelite.TopicServerLoad, Type: "polled"}); err != nil {
				t.Fatal(err)
			}
		case <-deadline:
			t.Fatal("no event after the subscription connection was killed")
		}
	}
}

func TestPubSubPublishFailsWhenRedisDoes(t *testing.T) {
	url := testRedisURL(t)
	c := testClient(t, url, testNamespace(t, url))
	p := testPubSub(t, c)
	c.Close()
	err := p.Publish(t.Context(), scalelite.Event{Topic: scalelite.TopicServerLoad})
	if scalelite.ErrorCode(err) != scalelite.EUNAVAILABLE {
		t.Fatalf("Publish on a closed client = %v, want EUNAVAILABLE", err)
	}
}
