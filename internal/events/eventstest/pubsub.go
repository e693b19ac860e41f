package eventstest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// PubSub is a publisher that is also a subscriber.
type PubSub interface {
	scalelite.Publisher
	scalelite.Subscriber
}

// RunPubSub checks delivery between two handles, topic filtering, ordering, closing on context
// end, and that a subscriber more than buffer events behind is dropped without blocking the
// publisher. buffer is the subscriber buffer of handle b.
func RunPubSub(t *testing.T, newPair func(t *testing.T) (a, b PubSub), buffer int) {
	t.Run("DeliversEveryFieldToOtherHandle", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		ch := subscribe(t, ctx, b, scalelite.TopicServerLoad)
		want := scalelite.Event{
			Topic: scalelite.TopicServerLoad, Type: "polled",
			Time:     time.Date(2026, 11, 23, 10, 4, 5, 123456789, time.UTC),
			ServerID: "bbb1", MeetingID: "m1", TenantID: "t1", RecordID: "r1", Detail: "ok",
			Server: &scalelite.ServerSnapshot{ID: "bbb1", URL: "https://bbb1/bigbluebutton/api",
				State: scalelite.ServerEnabled, Online: true, Load: 12.5, Meetings: 2, Users: 7, Videos: 1},
		}
		publish(t, ctx, a, want)
		got := receive(t, ch)
		if !got.Time.Equal(want.Time) {
			t.Errorf("Time = %v, want %v", got.Time, want.Time)
		}
		got.Time = want.Time
		if !reflect.DeepEqual(got, want) {
			t.Errorf("event = %+v (server %+v), want %+v (server %+v)", got, got.Server, want, want.Server)
		}
	})

	t.Run("FiltersTopics", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		ch := subscribe(t, ctx, b, scalelite.TopicMeetingEvents, scalelite.TopicRecordings)
		publish(t, ctx, a, event(scalelite.TopicServerLoad, "skipped"))
		publish(t, ctx, a, event(scalelite.TopicMeetingEvents, "first"))
		publish(t, ctx, a, event(scalelite.TopicServerEvents, "skipped"))
		publish(t, ctx, a, event(scalelite.TopicRecordings, "second"))
		for _, want := range []string{"first", "second"} {
			if got := receive(t, ch); got.Detail != want {
				t.Fatalf("received %q (topic %s), want %q", got.Detail, got.Topic, want)
			}
		}
	})

	t.Run("NoTopicsMeansAll", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		ch := subscribe(t, ctx, b)
		for _, topic := range []string{scalelite.TopicServerLoad, scalelite.TopicRecordings} {
			publish(t, ctx, a, event(topic, topic))
			if got := receive(t, ch); got.Topic != topic {
				t.Fatalf("received topic %s, want %s", got.Topic, topic)
			}
		}
	})

	t.Run("EverySubscriberOnEveryHandle", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		chs := []<-chan scalelite.Event{
			subscribe(t, ctx, a, scalelite.TopicServerEvents),
			subscribe(t, ctx, b, scalelite.TopicServerEvents),
			subscribe(t, ctx, b, scalelite.TopicServerEvents),
		}
		publish(t, ctx, b, event(scalelite.TopicServerEvents, "hello"))
		for i, ch := range chs {
			if got := receive(t, ch); got.Detail != "hello" {
				t.Errorf("subscriber %d received %q, want hello", i, got.Detail)
			}
		}
	})

	t.Run("KeepsPublishOrder", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		ch := subscribe(t, ctx, b, scalelite.TopicServerLoad)
		n := min(buffer, 100)
		for i := range n {
			publish(t, ctx, a, event(scalelite.TopicServerLoad, fmt.Sprint(i)))
		}
		for i := range n {
			if got, want := receive(t, ch).Detail, fmt.Sprint(i); got != want {
				t.Fatalf("event %d: got %s, want %s", i, got, want)
			}
		}
	})

	t.Run("ClosesWhenContextEnds", func(t *testing.T) {
		ctx := testContext(t)
		_, b := newPair(t)
		subCtx, cancel := context.WithCancel(ctx)
		ch := subscribe(t, subCtx, b, scalelite.TopicServerLoad)
		cancel()
		waitClosed(t, ch)
		if _, err := b.Subscribe(subCtx, scalelite.TopicServerLoad); err == nil {
			t.Errorf("Subscribe with an ended context succeeded, want an error")
		}
	})

	t.Run("DropsSlowSubscriberWithoutBlocking", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		slow := subscribe(t, ctx, b, scalelite.TopicServerLoad)
		// The probe listens on another topic, so the flood cannot overflow it; events of one
		// publisher keep their order, so when the marker arrives the flood has been offered.
		probe := subscribe(t, ctx, b, scalelite.TopicServerEvents)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := range 2*buffer + 10 {
				if err := a.Publish(ctx, event(scalelite.TopicServerLoad, fmt.Sprint(i))); err != nil {
					t.Errorf("publish %d: %v", i, err)
					return
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(wait):
			t.Fatalf("publishing %d events to a subscriber that never reads did not finish", 2*buffer+10)
		}
		publish(t, ctx, a, event(scalelite.TopicServerEvents, "marker"))
		if got := receive(t, probe); got.Detail != "marker" {
			t.Fatalf("probe received %q, want marker", got.Detail)
		}
		n := 0
		for range waitClosedCount(t, slow) {
			n++
		}
		if n > buffer {
			t.Errorf("slow subscriber received %d events before being dropped, want at most %d", n, buffer)
		}
		// The publisher is not stalled: a new subscriber still gets events.
		fresh := subscribe(t, ctx, b, scalelite.TopicServerLoad)
		publish(t, ctx, a, event(scalelite.TopicServerLoad, "after"))
		if got := receive(t, fresh); got.Detail != "after" {
			t.Errorf("new subscriber received %q, want after", got.Detail)
		}
	})
}

func event(topic, detail string) scalelite.Event {
	return scalelite.Event{Topic: topic, Type: "test", Time: time.Now().UTC(), Detail: detail}
}

func subscribe(t *testing.T, ctx context.Context, s scalelite.Subscriber, topics ...string) <-chan scalelite.Event {
	t.Helper()
	ch, err := s.Subscribe(ctx, topics...)
	if err != nil {
		t.Fatalf("Subscribe(%v): %v", topics, err)
	}
	return ch
}

func publish(t *testing.T, ctx context.Context, p scalelite.Publisher, e scalelite.Event) {
	t.Helper()
	if err := p.Publish(ctx, e); err != nil {
		t.Fatalf("Publish(%s %q): %v", e.Topic, e.Detail, err)
	}
}

func receive(t *testing.T, ch <-chan scalelite.Event) scalelite.Event {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatalf("subscription closed, want an event")
		}
		return e
	case <-time.After(wait):
		t.Fatalf("no event within %s", wait)
	}
	return scalelite.Event{}
}

func waitClosed(t *testing.T, ch <-chan scalelite.Event) {
	t.Helper()
	for range waitClosedCount(t, ch) {
	}
}

// waitClosedCount yields each event left in ch until it is closed, failing after the deadline.
func waitClosedCount(t *testing.T, ch <-chan scalelite.Event) func(yield func(scalelite.Event) bool) {
	return func(yield func(scalelite.Event) bool) {
		deadline := time.After(wait)
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					return
				}
				if !yield(e) {
					return
				}
			case <-deadline:
				t.Fatalf("subscription not closed within %s", wait)
			}
		}
	}
}
