package scalelite

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// DefaultTouchEvery is how often, at most, an API key's last use is written by default.
const DefaultTouchEvery = time.Minute

const (
	// maxTouchesInFlight bounds the background last-use writes; uses seen while it is reached
	// are recorded by a later request.
	maxTouchesInFlight = 4
	// touchTimeout bounds one last-use write.
	touchTimeout = 10 * time.Second
	// keyUsesPruneAt is the number of remembered keys above which stale entries are dropped.
	keyUsesPruneAt = 1024
)

// keyUses remembers, per key id, the last use this process wrote (or is writing), so that each
// key costs at most one write per TouchEvery however often it is used.
type keyUses struct {
	mu       sync.Mutex
	last     map[string]time.Time
	inFlight int
	idle     *sync.Cond // signalled when inFlight drops to zero; nil until WaitLastUse
}

// noteUse records in the background that k was used now. It skips the write when this process
// or, per the stored LastUsedAt, any process wrote a use less than TouchEvery ago, and when
// maxTouchesInFlight writes are already running. It never blocks on the store and never fails:
// a failed write is logged and retried on the key's next use.
func (s *APIKeyService) noteUse(ctx context.Context, k *APIKey) {
	now := s.now()
	every := s.TouchEvery
	if every <= 0 {
		every = DefaultTouchEvery
	}
	u := &s.uses
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last == nil {
		u.last = map[string]time.Time{}
	}
	if last, ok := u.last[k.ID]; ok && now.Sub(last) < every {
		return
	}
	if k.LastUsedAt != nil && now.Sub(*k.LastUsedAt) < every {
		u.last[k.ID] = *k.LastUsedAt
		return
	}
	if u.inFlight >= maxTouchesInFlight {
		return
	}
	if len(u.last) >= keyUsesPruneAt {
		for id, t := range u.last {
			if now.Sub(t) >= every {
				delete(u.last, id)
			}
		}
	}
	u.last[k.ID] = now
	u.inFlight++
	go func() {
		// The write outlives the request that triggered it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), touchTimeout)
		defer cancel()
		err := s.Keys.TouchAPIKey(ctx, k.ID, now)
		if err != nil {
			s.logger().WarnContext(ctx, "record api key use", "key_id", k.ID, "err", err)
		}
		u.mu.Lock()
		defer u.mu.Unlock()
		if err != nil && u.last[k.ID].Equal(now) {
			delete(u.last, k.ID) // the next use tries again
		}
		if u.inFlight--; u.inFlight == 0 && u.idle != nil {
			u.idle.Broadcast()
		}
	}()
}

// WaitLastUse waits until no last-use write is running (for tests and shutdown).
func (s *APIKeyService) WaitLastUse() {
	u := &s.uses
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.idle == nil {
		u.idle = sync.NewCond(&u.mu)
	}
	for u.inFlight > 0 {
		u.idle.Wait()
	}
}

func (s *APIKeyService) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}
