package bbbfacade

import (
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// joinCache keeps the meeting and server rows the join path reads for a short time (JoinCacheTTL,
// 1 s by default), so a busy join path does not query the store for every user. A copy is at most
// that old: a server marked offline, or a meeting moved or ended by another instance, is seen
// within the TTL (the poller itself only looks every POLL_INTERVAL). This instance's own changes
// (create, end, recovery) invalidate their entries at once.
type joinCache struct {
	ttl      time.Duration
	mu       sync.RWMutex
	meetings map[string]cachedMeeting
	servers  map[string]cachedServer
}

type cachedMeeting struct {
	m       *scalelite.Meeting
	expires time.Time
}

type cachedServer struct {
	s       *scalelite.Server
	expires time.Time
}

// joinCacheLimit bounds each map; when full, it is cleared (entries live a second anyway).
const joinCacheLimit = 100_000

func newJoinCache(ttl time.Duration) *joinCache {
	return &joinCache{ttl: ttl, meetings: map[string]cachedMeeting{}, servers: map[string]cachedServer{}}
}

func (c *joinCache) meeting(id string) (*scalelite.Meeting, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.meetings[id]
	c.mu.RUnlock()
	if !ok || time.Now().After(e.expires) {
		return nil, false
	}
	return e.m, true
}

func (c *joinCache) server(id string) (*scalelite.Server, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.servers[id]
	c.mu.RUnlock()
	if !ok || time.Now().After(e.expires) {
		return nil, false
	}
	return e.s, true
}

func (c *joinCache) putMeeting(m *scalelite.Meeting) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.meetings) >= joinCacheLimit {
		clear(c.meetings)
	}
	c.meetings[m.MeetingID] = cachedMeeting{m: m, expires: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

func (c *joinCache) putServer(s *scalelite.Server) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	if len(c.servers) >= joinCacheLimit {
		clear(c.servers)
	}
	c.servers[s.ID] = cachedServer{s: s, expires: time.Now().Add(c.ttl)}
	c.mu.Unlock()
}

// forgetMeeting drops a meeting this instance changed.
func (c *joinCache) forgetMeeting(id string) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	delete(c.meetings, id)
	c.mu.Unlock()
}
