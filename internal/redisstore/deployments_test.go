//go:build unix

package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// Two deployments on one Redis server that differ only by database number (the same default
// namespace): each holds its leases without disturbing the other, so together they stay almost
// silent when idle, and neither receives the other's events.
func TestTwoDeploymentsOnOneServer(t *testing.T) {
	srv := testprocs.StartRedis(t)
	ctx := t.Context()
	type deployment struct {
		locker  *Locker
		pubsub  *PubSub
		events  <-chan scalelite.Event
		holders []context.Context
	}
	var deps [2]*deployment
	for i := range deps {
		url := srv.URL(i)
		c := testClient(t, url, "scalelite")
		ps, err := NewPubSub(ctx, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(ps.Close)
		events, err := ps.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		d := &deployment{locker: testLocker(t, url, "scalelite"), pubsub: ps, events: events}
		for _, name := range []string{"poller", "recording-importer"} {
			held, release, err := d.locker.Acquire(ctx, name)
			if err != nil {
				t.Fatalf("deployment %d: acquire %s: %v", i, name, err)
			}
			t.Cleanup(release)
			d.holders = append(d.holders, held)
		}
		// A standby instance of the deployment waits for the poller lease.
		standby := testLocker(t, url, "scalelite")
		go standby.Acquire(ctx, "poller")
		deps[i] = d
	}

	time.Sleep(time.Second) // settle
	before, err := srv.Info("total_commands_processed")
	if err != nil {
		t.Fatal(err)
	}
	const window = 3 * time.Second
	time.Sleep(window)
	after, err := srv.Info("total_commands_processed")
	if err != nil {
		t.Fatal(err)
	}
	rate := float64(after-before) / window.Seconds()
	t.Logf("two idle deployments: %.1f Redis commands/s", rate)
	// Lease extensions, standby retries and rueidis's keep-alive PINGs of six clients: about ten
	// per second. The cross-database invalidation loop made it tens of thousands.
	if rate > 40 {
		t.Errorf("two idle deployments send %.0f Redis commands/s, want at most 40", rate)
	}
	for i, d := range deps {
		for _, held := range d.holders {
			if held.Err() != nil {
				t.Errorf("deployment %d lost a lease", i)
			}
		}
	}

	if err := deps[0].pubsub.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: "online", ServerID: "a"}); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-deps[0].events:
		if e.ServerID != "a" {
			t.Errorf("deployment 0 received %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("deployment 0 did not receive its own event")
	}
	select {
	case e := <-deps[1].events:
		t.Errorf("deployment 1 received deployment 0's event %+v", e)
	case <-time.After(500 * time.Millisecond):
	}
}
