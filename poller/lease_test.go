package poller_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/poller"

	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// countingBackend counts the polls one poller instance sends.
type countingBackend struct {
	poller.Backend
	polls atomic.Int64
}

func (c *countingBackend) GetMeetings(ctx context.Context, ep bbb.Endpoint, t *bbb.Timeouts) (*bbb.MeetingsList, error) {
	c.polls.Add(1)
	return c.Backend.GetMeetings(ctx, ep, t)
}

func redisURL(t *testing.T) string {
	t.Helper()
	return scalelitetest.ServiceURL(t, "TEST_REDIS_URL")
}

// Two poller instances on one Redis: only the lease holder polls; when the holder dies (its
// Redis client goes away without releasing), the standby takes over.
func TestStandbyTakesOverWhenHolderDies(t *testing.T) {
	url := redisURL(t)
	store := dbtest.SQLite(t)
	h := newHarness(t, store, 2, poller.Config{})
	var b [6]byte
	_, _ = rand.Read(b[:])
	ns := "pollertest-" + hex.EncodeToString(b[:])

	type instance struct {
		backend *countingBackend
		locker  *redisstore.Locker
		cancel  context.CancelFunc
		done    chan struct{}
	}
	start := func() *instance {
		ctx, cancel := context.WithCancel(context.Background())
		locker, err := redisstore.NewLocker(ctx, url, ns)
		if err != nil {
			t.Fatal(err)
		}
		in := &instance{backend: &countingBackend{Backend: h.client}, locker: locker, cancel: cancel, done: make(chan struct{})}
		p := h.newPoller(poller.Config{Interval: 100 * time.Millisecond}, locker, in.backend, nil)
		go func() {
			defer close(in.done)
			_ = p.Run(ctx)
		}()
		t.Cleanup(func() {
			cancel()
			<-in.done
			locker.Close()
		})
		return in
	}
	a, b2 := start(), start()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second) // generous: a dead holder's lease lasts redisstore.LockValidity
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("a first round", func() bool { return a.backend.polls.Load()+b2.backend.polls.Load() >= 4 })
	holder, standby := a, b2
	if b2.backend.polls.Load() > 0 {
		holder, standby = b2, a
	}
	// Several more rounds: the standby never polls while the holder lives.
	base := holder.backend.polls.Load()
	waitFor("more rounds by the holder", func() bool { return holder.backend.polls.Load() >= base+6 })
	if n := standby.backend.polls.Load(); n != 0 {
		t.Fatalf("standby polled %d times while the holder held the lease", n)
	}

	// Kill the holder: its Redis connection goes away without releasing the lock.
	holder.locker.Close()
	holder.cancel()
	<-holder.done
	waitFor("the standby to take over", func() bool { return standby.backend.polls.Load() >= 4 })
}
