package eventstest

import (
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RunTokens checks one-time semantics across two handles, expiry and atomic takes. advance
// makes d pass for both handles (a fake clock, or a real sleep for a real server).
func RunTokens(t *testing.T, newPair func(t *testing.T) (a, b scalelite.TokenStore, advance func(d time.Duration))) {
	t.Run("TakesOnceFromOtherHandle", func(t *testing.T) {
		ctx := testContext(t)
		a, b, _ := newPair(t)
		put(t, a, "tok-1", "recording-1", time.Minute)
		if got, err := b.TakeToken(ctx, "tok-1"); err != nil || got != "recording-1" {
			t.Fatalf("TakeToken = %q, %v; want recording-1", got, err)
		}
		if got, err := a.TakeToken(ctx, "tok-1"); scalelite.ErrorCode(err) != scalelite.ENOTFOUND {
			t.Fatalf("second TakeToken = %q, %v; want ENOTFOUND", got, err)
		}
	})

	t.Run("UnknownIsNotFound", func(t *testing.T) {
		ctx := testContext(t)
		a, _, _ := newPair(t)
		if _, err := a.TakeToken(ctx, "never-stored"); scalelite.ErrorCode(err) != scalelite.ENOTFOUND {
			t.Fatalf("TakeToken = %v, want ENOTFOUND", err)
		}
	})

	t.Run("Expires", func(t *testing.T) {
		ctx := testContext(t)
		a, b, advance := newPair(t)
		put(t, a, "short", "s", 100*time.Millisecond)
		put(t, a, "long", "l", time.Hour)
		advance(300 * time.Millisecond)
		if _, err := b.TakeToken(ctx, "short"); scalelite.ErrorCode(err) != scalelite.ENOTFOUND {
			t.Errorf("expired token: TakeToken = %v, want ENOTFOUND", err)
		}
		if got, err := b.TakeToken(ctx, "long"); err != nil || got != "l" {
			t.Errorf("live token: TakeToken = %q, %v; want l", got, err)
		}
	})

	t.Run("PutReplaces", func(t *testing.T) {
		ctx := testContext(t)
		a, b, _ := newPair(t)
		put(t, a, "tok", "old", time.Minute)
		put(t, b, "tok", "new", time.Minute)
		if got, err := a.TakeToken(ctx, "tok"); err != nil || got != "new" {
			t.Fatalf("TakeToken = %q, %v; want new", got, err)
		}
	})

	t.Run("ConcurrentTakesGiveOneWinner", func(t *testing.T) {
		ctx := testContext(t)
		a, b, _ := newPair(t)
		put(t, a, "contested", "v", time.Minute)
		var mu sync.Mutex
		wins := 0
		var wg sync.WaitGroup
		for i := range 16 {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				v, err := s.TakeToken(ctx, "contested")
				switch {
				case err == nil && v == "v":
					mu.Lock()
					wins++
					mu.Unlock()
				case scalelite.ErrorCode(err) != scalelite.ENOTFOUND:
					t.Errorf("TakeToken = %q, %v", v, err)
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d takes got the token, want exactly 1", wins)
		}
	})

	t.Run("RejectsNonPositiveTTL", func(t *testing.T) {
		ctx := testContext(t)
		a, _, _ := newPair(t)
		if err := a.PutToken(ctx, "tok", "v", 0); scalelite.ErrorCode(err) != scalelite.EINVALID {
			t.Fatalf("PutToken with ttl 0 = %v, want EINVALID", err)
		}
	})
}

func put(t *testing.T, s scalelite.TokenStore, token, value string, ttl time.Duration) {
	t.Helper()
	if err := s.PutToken(t.Context(), token, value, ttl); err != nil {
		t.Fatalf("PutToken(%s): %v", token, err)
	}
}
