package redisstore

import (
	"context"
	"testing"
	"time"
)

// TestLockHandoverWhenHolderStops is the must-have: the holder's process stops without
// releasing (its client closes, its key stays until it expires) and a standby on another client
// takes the lock over.
func TestLockHandoverWhenHolderStops(t *testing.T) {
	url := testRedisURL(t)
	ns := testNamespace(t, url)
	holder := testLocker(t, url, ns)
	standby := testLocker(t, url, ns)

	held, release, err := holder.Acquire(t.Context(), "poller")
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	type result struct {
		held    context.Context
		release func()
		err     error
	}
	got := make(chan result, 1)
	go func() {
		h, r, err := standby.Acquire(t.Context(), "poller")
		got <- result{h, r, err}
	}()
	time.Sleep(200 * time.Millisecond) // give the standby time to try (and fail) once
	select {
	case r := <-got:
		t.Fatalf("standby acquired a held lock (err %v)", r.err)
	default:
	}

	holder.Close()
	select {
	case <-held.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("holder's context not cancelled after its client closed")
	}
	select {
	case r := <-got:
		if r.err != nil {
			t.Fatalf("standby Acquire: %v", r.err)
		}
		defer r.release()
		if r.held.Err() != nil {
			t.Errorf("standby's lock context ended: %v", r.held.Err())
		}
	case <-time.After(LockValidity + 20*time.Second):
		t.Fatalf("standby did not take over within the lock validity (%s) plus slack", LockValidity)
	}
}

// TestLockLostWhenKeyDeleted checks the held context ends when the lock key disappears.
func TestLockLostWhenKeyDeleted(t *testing.T) {
	url := testRedisURL(t)
	ns := testNamespace(t, url)
	l := testLocker(t, url, ns)
	c := testClient(t, url, ns)
	held, release, err := l.Acquire(t.Context(), "importer")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := c.rc.Do(t.Context(), c.rc.B().Del().Key(ns+":lock:0:importer").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("held context alive after the lock key was deleted")
	}
}

// Held tells every instance whether some instance holds a lock.
func TestLockerHeld(t *testing.T) {
	url := testRedisURL(t)
	ns := testNamespace(t, url)
	holder, other := testLocker(t, url, ns), testLocker(t, url, ns)
	held := func() bool {
		t.Helper()
		ok, err := other.Held(t.Context(), "importer")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if held() {
		t.Fatal("held before anyone acquired it")
	}
	_, release, err := holder.Acquire(t.Context(), "importer")
	if err != nil {
		t.Fatal(err)
	}
	if !held() {
		t.Error("not held while acquired")
	}
	release()
	if held() {
		t.Error("held after release")
	}
}
