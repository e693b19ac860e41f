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
	ttl      time.Duration
	mu       sync.RWMutex
	meetings map[string]cached[*Meeting]
	servers  map[string]cached[*Server]
	tenants  map[string]cached[TenantParams] // a tenant's settings, by tenant id
}

type cached[T any] struct {
	v    T
	read time.Time // when it was read from the store
}

// joinCacheLimit bounds each map; when full, it is cleared.
const joinCacheLimit = 100_000

func newJoinCache(ttl time.Duration) *joinCache {
	return &joinCache{ttl: ttl, meetings: map[string]cached[*Meeting]{}, servers: map[string]cached[*Server]{},
		tenants: map[string]cached[TenantParams]{}}
}

// meeting returns the copy of a running meeting and whether it is still fresh.
func (c *joinCache) meeting(id string, now time.Time) (m *Meeting, read time.Time, fresh, ok bool) {
	if c.ttl <= 0 {
		return nil, time.Time{}, false, false
	}
	c.mu.RLock()
	e, ok := c.meetings[id]
	c.mu.RUnlock()
	return e.v, e.read, ok && now.Sub(e.read) < c.ttl, ok
}

// server returns the copy of a server and whether it is still fresh.
func (c *joinCache) server(id string, now time.Time) (s *Server, read time.Time, fresh, ok bool) {
	if c.ttl <= 0 {
		return nil, time.Time{}, false, false
	}
	c.mu.RLock()
	e, ok := c.servers[id]
	c.mu.RUnlock()
	return e.v, e.read, ok && now.Sub(e.read) < c.ttl, ok
}

func (c *joinCache) putMeeting(m *Meeting, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.meetings) >= joinCacheLimit {
		clear(c.meetings)
	}
	c.meetings[m.MeetingID] = cached[*Meeting]{v: m, read: now}
	c.mu.Unlock()
}

func (c *joinCache) putServer(s *Server, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.servers) >= joinCacheLimit {
		clear(c.servers)
	}
	c.servers[s.ID] = cached[*Server]{v: s, read: now}
	c.mu.Unlock()
}

// tenantParams returns the copy of a tenant's settings and whether it is still fresh.
func (c *joinCache) tenantParams(tenantID string, now time.Time) (tp TenantParams, read time.Time, fresh, ok bool) {
	if c.ttl <= 0 {
		return TenantParams{}, time.Time{}, false, false
	}
	c.mu.RLock()
	e, ok := c.tenants[tenantID]
	c.mu.RUnlock()
	return e.v, e.read, ok && now.Sub(e.read) < c.ttl, ok
}

func (c *joinCache) putTenantParams(tenantID string, tp TenantParams, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.tenants) >= joinCacheLimit {
		clear(c.tenants)
	}
	c.tenants[tenantID] = cached[TenantParams]{v: tp, read: now}
	c.mu.Unlock()
}

// forgetMeeting drops a meeting this instance changed or found gone.
func (c *joinCache) forgetMeeting(id string) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	delete(c.meetings, id)
	c.mu.Unlock()
}

// expireMeeting and expireServer make a copy stale at once: the next join reads the store, and
// only falls back to the copy when the store cannot answer.
func (c *joinCache) expireMeeting(id string) {
	c.mu.Lock()
	if e, ok := c.meetings[id]; ok {
		e.read = time.Time{}
		c.meetings[id] = e
	}
	c.mu.Unlock()
}

func (c *joinCache) expireServer(id string) {
	c.mu.Lock()
	if e, ok := c.servers[id]; ok {
		e.read = time.Time{}
		c.servers[id] = e
	}
	c.mu.Unlock()
}

// WatchChanges keeps the join cache in step with the changes every instance announces until ctx
// ends: a server whose state, health or settings changed, and a meeting that moved or was
// cleared, are read again by the next join instead of up to JoinCacheTTL later (their copies
// stay for when the store cannot answer); an ended meeting's copy is dropped. A subscription
// the broker drops is made again.
func (s *MeetingService) WatchChanges(ctx context.Context, sub Subscriber) error {
	for ctx.Err() == nil {
		events, err := sub.Subscribe(ctx, TopicServerEvents, TopicMeetingEvents)
		if err != nil {
			s.logger.WarnContext(ctx, "subscribe to changes for the join cache", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		for e := range events {
			switch {
			case e.Topic == TopicServerEvents:
				s.cache.expireServer(e.ServerID)
			case e.Type == MeetingEnded:
				s.cache.forgetMeeting(e.MeetingID)
			case e.Type != MeetingCreated: // placed, recovered, cleared: read it again
				s.cache.expireMeeting(e.MeetingID)
			}
		}
	}
	return nil
}
