package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/events/eventstest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Each pair is two processes' worth of clients on one namespace.

func TestPubSubConformance(t *testing.T) {
	url := testRedisURL(t)
	eventstest.RunPubSub(t, func(t *testing.T) (a, b eventstest.PubSub) {
		ns := testNamespace(t, url)
		return testPubSub(t, testClient(t, url, ns)), testPubSub(t, testClient(t, url, ns))
	}, events.DefaultBuffer)
}

func TestLockerConformance(t *testing.T) {
	url := testRedisURL(t)
	eventstest.RunLocker(t, func(t *testing.T) (a, b scalelite.Locker) {
		ns := testNamespace(t, url)
		return testLocker(t, url, ns), testLocker(t, url, ns)
	})
}

func TestTokensConformance(t *testing.T) {
	url := testRedisURL(t)
	eventstest.RunTokens(t, func(t *testing.T) (a, b scalelite.TokenStore, advance func(time.Duration)) {
		ns := testNamespace(t, url)
		return NewTokens(testClient(t, url, ns)), NewTokens(testClient(t, url, ns)), time.Sleep
	})
}

func testPubSub(t testing.TB, c *Client) *PubSub {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	p, err := NewPubSub(ctx, c, testLogger(t))
	if err != nil {
		t.Fatalf("NewPubSub: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

func testLocker(t testing.TB, url, ns string) *Locker {
	t.Helper()
	l, err := NewLocker(t.Context(), url, ns)
	if err != nil {
		t.Fatalf("NewLocker: %v", err)
	}
	t.Cleanup(l.Close)
	return l
}
