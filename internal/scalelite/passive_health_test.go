package scalelite_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestPassiveHealth(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now }
	broker := events.NewBroker(events.DefaultBuffer)
	defer broker.Close()
	sub, err := broker.Subscribe(ctx, scalelite.TopicServerEvents)
	if err != nil {
		t.Fatal(err)
	}
	h := scalelite.NewPassiveHealth(30*time.Second, broker, clock, slog.New(slog.DiscardHandler))
	unreachable := fmt.Errorf("create on a: %w", &scalelite.Error{Code: scalelite.EUNAVAILABLE, Err: scalelite.ErrServerUnreachable})

	h.Observe(ctx, "a", unreachable)
	h.Observe(ctx, "a", unreachable)                                         // still suspect: announced once
	h.Observe(ctx, "b", scalelite.Errorf(scalelite.EINVALID, "BBB said no")) // it answered
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	h.Observe(cancelled, "c", unreachable) // the caller gave up: says nothing about c
	if got := h.Suspects(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("suspects %v, want [a]", got)
	}
	select {
	case e := <-sub:
		if e.Type != scalelite.ServerSuspect || e.ServerID != "a" {
			t.Errorf("event %+v", e)
		}
	case <-time.After(time.Second):
		t.Fatal("no suspect event")
	}
	select {
	case e := <-sub:
		t.Errorf("second event %+v for a server already suspect", e)
	case <-time.After(100 * time.Millisecond):
	}

	now = now.Add(31 * time.Second) // the window passed
	if h.Suspect("a") || h.Suspects() != nil {
		t.Errorf("a still suspect after the window: %v", h.Suspects())
	}
	h.Observe(ctx, "a", unreachable)
	h.Observe(ctx, "a", nil) // an answer clears it at once
	if h.Suspect("a") {
		t.Error("a suspect after it answered")
	}

	// A nil tracker is no passive health.
	var none *scalelite.PassiveHealth
	none.Observe(ctx, "a", errors.New("x"))
	if none.Suspect("a") || none.Suspects() != nil {
		t.Error("nil tracker reports suspects")
	}
}

// Run takes over the suspicions other instances publish, and clears a server the poller found
// healthy.
func TestPassiveHealthRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	broker := events.NewBroker(events.DefaultBuffer)
	defer broker.Close()
	h := scalelite.NewPassiveHealth(time.Minute, nil, time.Now, slog.New(slog.DiscardHandler))
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx, broker) }()
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
			// The subscription starts asynchronously: publish again until it is seen.
			_ = broker.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerSuspect, ServerID: "x"})
		}
	}
	eventually("a suspicion from another instance was not taken over", func() bool { return h.Suspect("x") })
	_ = broker.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Type: scalelite.ServerPolled, ServerID: "x",
		Server: &scalelite.ServerSnapshot{ID: "x", Online: true}})
	for deadline := time.Now().Add(5 * time.Second); h.Suspect("x"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a healthy poll did not clear the suspicion")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// Select leaves out Avoid always, and Suspects unless nothing else fits.
func TestPlaceRequestSelectSuspects(t *testing.T) {
	servers := []*scalelite.Server{{ID: "a", Load: 1}, {ID: "b", Load: 5}, {ID: "c", Load: 9, Tag: "gpu"}}
	req := scalelite.PlaceRequest{Suspects: []string{"a"}}
	if srv, _, err := req.Select(servers); err != nil || srv.ID != "b" {
		t.Errorf("with a suspect: %v, %v; want b", srv, err)
	}
	req = scalelite.PlaceRequest{Suspects: []string{"a", "b"}}
	if srv, _, err := req.Select(servers); err != nil || srv.ID != "a" {
		t.Errorf("every untagged server suspect: %v, %v; want a (better than nothing)", srv, err)
	}
	req = scalelite.PlaceRequest{Suspects: []string{"c"}, Tags: scalelite.ParseServerTag("gpu!")}
	if srv, _, err := req.Select(servers); err != nil || srv.ID != "c" {
		t.Errorf("the only server with the required tag suspect: %v, %v; want c", srv, err)
	}
	req = scalelite.PlaceRequest{Avoid: []string{"a", "b"}}
	if srv, _, err := req.Select(servers); !errors.Is(err, scalelite.ErrNoAvailableServers) {
		t.Errorf("every untagged server avoided: %v, %v; want no available servers", srv, err)
	}
}
