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

// A server passive health reports suspect is re-checked at once: dead, it goes offline within
// SERVER_UNHEALTHY_THRESHOLD quick polls (seconds, not poll intervals); healthy, one poll
// confirms it and it stays online.
func TestRecheckSuspectServer(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 2, poller.Config{Interval: time.Hour, UnhealthyThreshold: 2})
		h.simServer("s0").SetDown(true)
		start := time.Now()
		if err := h.p.Recheck(context.Background(), "s0"); err != nil {
			t.Fatal(err)
		}
		if s := h.server("s0"); s.Online || s.LastPollError == "" {
			t.Errorf("s0 after the re-check: online %v, error %q", s.Online, s.LastPollError)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("re-check took %s", d)
		}
		before := h.server("s1").LastPolledAt
		if err := h.p.Recheck(context.Background(), "s1"); err != nil {
			t.Fatal(err)
		}
		if s := h.server("s1"); !s.Online || !s.LastPolledAt.After(before) {
			t.Errorf("s1 after the re-check: online %v, polled at %s (before %s)", s.Online, s.LastPolledAt, before)
		}
	})
}

// Run re-checks a server as soon as a suspicion is published, long before the next round.
func TestRunRechecksOnSuspicion(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 1, poller.Config{})
		p, err := poller.New(poller.Config{Interval: time.Hour, UnhealthyThreshold: 2, Timeouts: testTimeouts},
			poller.Deps{Store: store, BBB: h.client, Publisher: h.broker, Subscriber: h.broker})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		defer func() { cancel(); <-done }()
		for deadline := time.Now().Add(10 * time.Second); h.server("s0").LastPolledAt.IsZero(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no first round")
			}
		}
		h.simServer("s0").SetDown(true)
		for deadline := time.Now().Add(20 * time.Second); h.server("s0").Online; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the suspect server is still online")
			}
			_ = h.broker.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerSuspect, ServerID: "s0"})
		}
	})
}
