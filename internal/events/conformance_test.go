package events_test

import (
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/events/eventstest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestBrokerConformance(t *testing.T) {
	const buffer = 16
	eventstest.RunPubSub(t, func(t *testing.T) (a, b eventstest.PubSub) {
		br := events.NewBroker(buffer)
		t.Cleanup(br.Close)
		return br, br
	}, buffer)
}

func TestLocalLockerConformance(t *testing.T) {
	eventstest.RunLocker(t, func(t *testing.T) (a, b scalelite.Locker) {
		l := events.NewLocalLocker()
		return l, l
	})
}

func TestLocalTokensConformance(t *testing.T) {
	eventstest.RunTokens(t, func(t *testing.T) (a, b scalelite.TokenStore, advance func(time.Duration)) {
		clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		s := events.NewLocalTokens(clock.Now)
		return s, s, clock.Advance
	})
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestLocalLockerHeld(t *testing.T) {
	l := events.NewLocalLocker()
	if ok, _ := l.Held(t.Context(), "poller"); ok {
		t.Fatal("held before acquired")
	}
	_, release, err := l.Acquire(t.Context(), "poller")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.Held(t.Context(), "poller"); !ok {
		t.Error("not held while acquired")
	}
	release()
	if ok, _ := l.Held(t.Context(), "poller"); ok {
		t.Error("held after release")
	}
}
