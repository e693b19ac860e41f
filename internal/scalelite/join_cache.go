package scalelite

import (
	"context"
	"sync"
	"time"
)

// joinCache keeps the meeting and server rows the join path reads, so a busy join path does not
// query the store for every user. A copy is fresh for JoinCacheTTL (1 s by default): a server
// marked offline, or a meeting moved or ended by another instance, is seen within the TTL (the
// poller itself only looks every POLL_INTERVAL). This instance's own changes (create, end,
// recovery) invalidate their entries at once.
//
// Copies are kept after they stop being fresh (up to joinCacheLimit rows per map): when the store
// cannot be read (the database is down or hangs), join uses the last copy it has, however old,
// and says so in the log. Without a copy the join fails as before.
type joinCache struct {
	meetings *copies[*Meeting]
	servers  *copies[*Server]
	tenants  *copies[TenantParams] // a tenant's settings, by tenant id
}

// joinCacheLimit bounds each table; when full, it is cleared.
const joinCacheLimit = 100_000

func newJoinCache(ttl time.Duration) *joinCache {
	return &joinCache{meetings: newCopies[*Meeting](ttl), servers: newCopies[*Server](ttl), tenants: newCopies[TenantParams](ttl)}
}

// copies is one table of the join cache: the last copy read of each row, by key.
type copies[T any] struct {
	ttl time.Duration // <= 0: nothing is kept
	mu  sync.RWMutex
	m   map[string]cached[T]
}

type cached[T any] struct {
	v    T
	read time.Time // when it was read from the store; zero once announced changed
}

func newCopies[T any](ttl time.Duration) *copies[T] {
	return &copies[T]{ttl: ttl, m: map[string]cached[T]{}}
}

// get returns the copy under key, when it was read, whether it is still fresh and whether there
// is one at all.
func (c *copies[T]) get(key string, now time.Time) (v T, read time.Time, fresh, ok bool) {
	if c.ttl <= 0 {
		return v, read, false, false
	}
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	return e.v, e.read, ok && now.Sub(e.read) < c.ttl, ok
}

func (c *copies[T]) put(key string, v T, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.m) >= joinCacheLimit {
		clear(c.m)
	}
	c.m[key] = cached[T]{v: v, read: now}
	c.mu.Unlock()
}

// forget drops the copy under key (a meeting this instance changed or found gone).
func (c *copies[T]) forget(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// expire makes the copy under key stale at once: the next join reads the store, and only falls
// back to the copy when the store cannot answer.
func (c *copies[T]) expire(key string) {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		e.read = time.Time{}
		c.m[key] = e
	}
	c.mu.Unlock()
}

// WatchChanges keeps the join cache in step with the changes every instance announces until ctx
// ends: a server whose state, health or settings changed, and a meeting that moved or was
// cleared, are read again by the next join instead of up to JoinCacheTTL later (their copies
// stay for when the store cannot answer); an ended meeting's copy is dropped. A subscription
// the broker drops is made again.
func (s *MeetingService) WatchChanges(ctx context.Context, sub Subscriber) error {
	consume(ctx, sub, s.logger, "the join cache", func(e Event) {
		switch {
		case e.Topic == TopicServerEvents:
			s.cache.servers.expire(e.ServerID)
		case e.Type == MeetingEnded:
			s.cache.meetings.forget(e.MeetingID)
		case e.Type != MeetingCreated: // placed, recovered, cleared: read it again
			s.cache.meetings.expire(e.MeetingID)
		}
	}, TopicServerEvents, TopicMeetingEvents)
	return nil
}
