package eventstest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RunLocker checks mutual exclusion between two handles, hand-over on release and on the end
// of the acquiring context, cancellation of a waiting Acquire and independence of names.
func RunLocker(t *testing.T, newPair func(t *testing.T) (a, b scalelite.Locker)) {
	t.Run("ExcludesOtherHandle", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		held, release := acquire(t, ctx, a, "poller")
		defer release()
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if _, rel, err := b.Acquire(short, "poller"); err == nil {
			rel()
			t.Fatalf("second handle acquired a held lock")
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Acquire on a held lock = %v, want context.DeadlineExceeded", err)
		}
		if held.Err() != nil {
			t.Errorf("holder's context ended (%v) while it still holds the lock", held.Err())
		}
	})

	t.Run("HandsOverOnRelease", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		held, release := acquire(t, ctx, a, "importer")
		got := acquireAsync(ctx, b, "importer")
		release()
		if held.Err() == nil {
			t.Errorf("held context still alive after release")
		}
		heldB, releaseB := awaitAcquired(t, got)
		defer releaseB()
		if heldB.Err() != nil {
			t.Errorf("new holder's context ended: %v", heldB.Err())
		}
		release() // a second release is harmless
	})

	t.Run("ContextEndReleases", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		lockCtx, cancel := context.WithCancel(ctx)
		held, release := acquire(t, lockCtx, a, "poller")
		defer release()
		cancel()
		select {
		case <-held.Done():
		case <-time.After(wait):
			t.Fatalf("held context not cancelled after the acquiring context ended")
		}
		_, releaseB := awaitAcquired(t, acquireAsync(ctx, b, "poller"))
		releaseB()
	})

	t.Run("WaitingAcquireHonoursCancel", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		_, release := acquire(t, ctx, a, "poller")
		defer release()
		waitCtx, cancel := context.WithCancel(ctx)
		got := acquireAsync(waitCtx, b, "poller")
		cancel()
		select {
		case r := <-got:
			if r.err == nil {
				r.release()
				t.Fatalf("cancelled Acquire got the held lock")
			}
			if !errors.Is(r.err, context.Canceled) {
				t.Errorf("cancelled Acquire = %v, want context.Canceled", r.err)
			}
		case <-time.After(wait):
			t.Fatalf("cancelled Acquire did not return")
		}
	})

	t.Run("NamesAreIndependent", func(t *testing.T) {
		ctx := testContext(t)
		a, b := newPair(t)
		_, release := acquire(t, ctx, a, "poller")
		defer release()
		_, releaseB := awaitAcquired(t, acquireAsync(ctx, b, "importer"))
		releaseB()
	})

	t.Run("ReacquireAfterRelease", func(t *testing.T) {
		ctx := testContext(t)
		a, _ := newPair(t)
		for range 3 {
			_, release := acquire(t, ctx, a, "poller")
			release()
		}
	})
}

type acquired struct {
	held    context.Context
	release func()
	err     error
}

func acquire(t *testing.T, ctx context.Context, l scalelite.Locker, name string) (context.Context, func()) {
	t.Helper()
	return awaitAcquired(t, acquireAsync(ctx, l, name))
}

func acquireAsync(ctx context.Context, l scalelite.Locker, name string) <-chan acquired {
	ch := make(chan acquired, 1)
	go func() {
		held, release, err := l.Acquire(ctx, name)
		ch <- acquired{held, release, err}
	}()
	return ch
}

func awaitAcquired(t *testing.T, ch <-chan acquired) (context.Context, func()) {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("Acquire: %v", r.err)
		}
		return r.held, r.release
	case <-time.After(wait):
		t.Fatalf("lock not acquired within %s", wait)
	}
	return nil, nil
}
