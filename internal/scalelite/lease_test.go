package scalelite_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// flakyLocker fails its first Acquire, then grants leases that the test can take away.
type flakyLocker struct {
	mu       sync.Mutex
	attempts int
	revoke   []context.CancelFunc
}

func (l *flakyLocker) Acquire(ctx context.Context, _ string) (context.Context, func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts++
	if l.attempts == 1 {
		return nil, nil, errors.New("redis unreachable")
	}
	held, cancel := context.WithCancel(ctx)
	l.revoke = append(l.revoke, cancel)
	return held, cancel, nil
}

func (l *flakyLocker) loseLease() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.revoke[len(l.revoke)-1]()
}

func TestLeaseRunsTheRoleAgainAfterLosingIt(t *testing.T) {
	locker := &flakyLocker{}
	lease := scalelite.NewLease(locker, "importer", nil)
	runs := make(chan context.Context, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- lease.Run(ctx, func(ctx, held context.Context) error {
			runs <- held
			<-held.Done()
			return nil
		})
	}()
	next := func() context.Context {
		t.Helper()
		select {
		case held := <-runs:
			return held
		case <-time.After(10 * time.Second):
			t.Fatal("role not started")
			return nil
		}
	}
	next() // after the failed first attempt and a retry
	if !lease.Held() || lease.Acquisitions() != 1 {
		t.Errorf("held %v acquisitions %d", lease.Held(), lease.Acquisitions())
	}
	for i := 2; i <= 3; i++ {
		locker.loseLease()
		next()
		if lease.Acquisitions() != int64(i) || lease.Losses() != int64(i-1) {
			t.Errorf("after loss %d: acquisitions %d losses %d", i-1, lease.Acquisitions(), lease.Losses())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if lease.Held() || lease.Losses() != 2 {
		t.Errorf("after shutdown: held %v losses %d (a shutdown is no loss)", lease.Held(), lease.Losses())
	}
}

func TestLeaseRoleError(t *testing.T) {
	lease := scalelite.NewLease(&flakyLocker{attempts: 1}, "poller", nil)
	boom := errors.New("boom")
	if err := lease.Run(context.Background(), func(context.Context, context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the role's error", err)
	}
	single := scalelite.NewLease(nil, "poller", nil)
	err := single.Run(context.Background(), func(ctx, held context.Context) error {
		if !single.Held() || ctx != held {
			t.Error("without a locker the role runs at once, held for good")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
