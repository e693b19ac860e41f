package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// CachedStore is a scalelite.Store whose Server(id), Meeting(meetingID) and TenantByName(name)
// are answered from rueidis client-side caches, read through from the inner (SQL) store on a
// miss. Every write made through it invalidates the rows it touches, in this process and in
// every other process using a CachedStore on the same Redis and namespace. Writes made to the
// SQL database by other means are seen only after the TTL: every writer must go through a
// CachedStore when Redis is configured.
//
// # Consistency scheme
//
// Each cached row has a data key and a version key. A version is a random token; writers,
// after the SQL write returns, set the version key to a fresh token, which also makes Redis
// invalidate every client's local copy of it. Readers fetch [data, version] with DoMultiCache
// (from local memory when both are cached). A hit requires the data's recorded version to equal
// the current version. On a miss the reader reads SQL and then stores {version read before the
// SQL read, row} with a Lua script that writes only while that version is still current. So a
// reader that read SQL before a writer's commit can never leave its stale row behind: the
// writer's new token no longer matches. Random tokens (rather than a counter) mean a version key
// lost to eviction or expiry is replaced by a new random token that no old entry can match.
//
// Reads that follow a write from the same process re-read the version key from Redis for a few
// seconds (read-your-writes despite the asynchronous invalidation push). Other processes see a
// write once Redis's invalidation reaches them, normally within milliseconds.
//
// Rows larger than 256 KiB once encoded (meetings with embedded slides) are not cached.
//
// Not-found answers are cached too (negative entries, invalidated the same way: creating the
// server, placing the meeting or creating/renaming the tenant changes the version).
//
// Writes invalidate after every attempt, failed or not, since a failed call may still have
// committed (the one exception: a PlaceMeeting that found the meeting running changed nothing).
// Invalidated keys per write: server writes (CreateServer, UpdateServer, DeleteServer,
// RecordPoll, AddLoad) the servers; PlaceMeeting the meeting and, when it placed or moved it,
// the chosen and previous servers (load reservations); UndoPlacement the meeting
// and its servers; UpdateCreateParams the meeting (its MeetingID is looked up by row id);
// EndMeetings the requested meetings; EndServerMeetings and Reconcile the meetings they ended;
// tenant writes the old and new names. Reconcile does not invalidate meetings whose MissedPolls
// counter it changed without ending them, nor SetParticipants the meetings it counted (every
// poll would empty the join path's cache): cached meetings may show a MissedPolls and
// Participants up to the TTL old.
//
// # Failures
//
// Redis is never the only copy. When Redis fails, reads fall back to the inner store (logged at
// most every few seconds) and a failed invalidation is logged; the TTL then bounds staleness.
// rueidis drops a connection's local cache when the connection breaks.
//
// # Secrets
//
// Cached rows are stored in Redis in full, including server secrets and tenant secrets and
// credentials: Redis is trusted infrastructure here, like the SQL database. Protect it (AUTH,
// rediss:// TLS, a private network). Restoring Redis from an old snapshot can bring back old
// entries with matching versions; the TTL bounds how long they are served.
type CachedStore struct {
	scalelite.Store // the inner store; every method not overridden goes straight to it

	c      *Client
	ttl    time.Duration
	verTTL time.Duration
	recent recentWrites
	warn   throttle

	hits, localHits, misses, failures atomic.Int64
}

// opTimeout bounds each cache operation, so a hung Redis costs a request at most this long
// before it falls back to SQL.
const opTimeout = time.Second

// maxEntryBytes keeps rows with a large create body (embedded slides) out of the caches; they
// are read from SQL every time.
const maxEntryBytes = 256 << 10

// recentWindow is how long reads re-read a version key this process just changed.
const recentWindow = 3 * time.Second

// NewCachedStore wraps inner. ttl bounds how long an entry lives (in Redis and in local
// memory); it is the upper bound of staleness for changes made without a CachedStore.
func NewCachedStore(c *Client, inner scalelite.Store, ttl time.Duration) scalelite.Store {
	if ttl <= 0 {
		ttl = time.Minute
	}
	return &CachedStore{Store: inner, c: c, ttl: ttl, verTTL: max(2*ttl, 10*time.Second)}
}

// CacheStats counts lookups answered from the cache (LocalHits of them from process memory
// without a Redis round trip), lookups read from SQL, and Redis failures.
type CacheStats struct{ Hits, LocalHits, Misses, Failures int64 }

// Stats returns the counters since start.
func (s *CachedStore) Stats() CacheStats {
	return CacheStats{Hits: s.hits.Load(), LocalHits: s.localHits.Load(), Misses: s.misses.Load(),
		Failures: s.failures.Load()}
}

// Server returns the server with this id, from the cache when it is current.
func (s *CachedStore) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	return cachedRead(ctx, s, serverKey(id), func(ctx context.Context) (*scalelite.Server, error) {
		return s.Store.Server(ctx, id)
	})
}

// Meeting returns the running meeting with this MeetingID, from the cache when it is current.
func (s *CachedStore) Meeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error) {
	return cachedRead(ctx, s, meetingKey(meetingID), func(ctx context.Context) (*scalelite.Meeting, error) {
		return s.Store.Meeting(ctx, meetingID)
	})
}

// TenantByName returns the tenant with this name, from the cache when it is current.
func (s *CachedStore) TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error) {
	return cachedRead(ctx, s, tenantKey(name), func(ctx context.Context) (*scalelite.Tenant, error) {
		return s.Store.TenantByName(ctx, name)
	})
}

// cacheKey names one cached row; the braces make its data and version keys share a Redis
// Cluster slot (the Lua fill touches both).
type cacheKey string

func serverKey(id string) cacheKey         { return cacheKey("s:" + id) }
func meetingKey(meetingID string) cacheKey { return cacheKey("m:" + meetingID) }
func tenantKey(name string) cacheKey       { return cacheKey("t:" + strings.ToLower(name)) } // names match in any case

func (s *CachedStore) dataKey(k cacheKey) string    { return s.c.ns + ":cache:{" + string(k) + "}" }
func (s *CachedStore) versionKey(k cacheKey) string { return s.c.ns + ":cache:{" + string(k) + "}:v" }

// entry is the stored form of a row: the version it was read under, and the row or, for a
// negative entry, the not-found message.
type entry[T any] struct {
	Version  string `json:"v"`
	Row      *T     `json:"row,omitempty"`
	NotFound string `json:"notFound,omitempty"`
}

func cachedRead[T any](ctx context.Context, s *CachedStore, k cacheKey, load func(context.Context) (*T, error)) (*T, error) {
	version, cached, local, err := s.lookup(ctx, k)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		s.failed(err, "read", k)
		return load(ctx)
	}
	if e, ok := current[T](cached, version); ok {
		s.hits.Add(1)
		if local {
			s.localHits.Add(1)
		}
		return e.result()
	}
	// The local copy may predate a fill (by another process, or by this one moments ago whose
	// invalidation push is still in flight): ask Redis before paying for SQL.
	if cached, err = s.reread(ctx, k); err == nil {
		if e, ok := current[T](cached, version); ok {
			s.hits.Add(1)
			return e.result()
		}
	} else if ctx.Err() != nil {
		return nil, err
	}
	s.misses.Add(1)
	row, err := load(ctx)
	e := entry[T]{Version: version, Row: row}
	switch {
	case scalelite.IsNotFound(err):
		e.NotFound = scalelite.ErrorMessage(err)
	case err != nil:
		return nil, err
	case row == nil:
		return nil, nil
	}
	if payload, jerr := json.Marshal(e); jerr == nil && len(payload) <= maxEntryBytes {
		s.fill(ctx, k, version, payload)
	}
	return row, err
}

// current decodes a stored entry and reports whether it belongs to version.
func current[T any](stored, version string) (entry[T], bool) {
	var e entry[T]
	if stored == "" || json.Unmarshal([]byte(stored), &e) != nil {
		return e, false
	}
	return e, e.Version == version
}

func (e entry[T]) result() (*T, error) {
	if e.Row == nil {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "%s", e.NotFound)
	}
	return e.Row, nil
}

// reread fetches the stored entry from Redis, bypassing the local cache.
func (s *CachedStore) reread(ctx context.Context, k cacheKey) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	return optString(s.c.rc.Do(ctx, s.c.rc.B().Get().Key(s.dataKey(k)).Build()))
}

// lookup returns the current version of k (creating one when there is none), the stored entry
// ("" when absent), and whether both came from process memory.
func (s *CachedStore) lookup(ctx context.Context, k cacheKey) (version, data string, local bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	rc, dk, vk := s.c.rc, s.dataKey(k), s.versionKey(k)
	res := rc.DoMultiCache(ctx,
		rueidis.CT(rc.B().Get().Key(dk).Cache(), s.ttl),
		rueidis.CT(rc.B().Get().Key(vk).Cache(), s.ttl))
	if data, err = optString(res[0]); err != nil {
		return "", "", false, err
	}
	if version, err = optString(res[1]); err != nil {
		return "", "", false, err
	}
	local = res[0].IsCacheHit() && res[1].IsCacheHit()
	if s.recent.has(vk, time.Now()) {
		// This process changed the version moments ago; its invalidation push may not have
		// been processed yet, so ask Redis itself.
		if version, err = optString(rc.Do(ctx, rc.B().Get().Key(vk).Build())); err != nil {
			return "", "", false, err
		}
		local = false
	}
	if version == "" {
		fresh := rand.Text()
		prev, err := optString(rc.Do(ctx, rc.B().Set().Key(vk).Value(fresh).Nx().Get().
			PxMilliseconds(s.verTTL.Milliseconds()).Build()))
		if err != nil {
			return "", "", false, err
		}
		local = false
		if version = prev; version == "" {
			version = fresh
		}
	}
	return version, data, local, nil
}

// fillScript stores an entry only while the version it was read under is current.
var fillScript = rueidis.NewLuaScript(`
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`)

func (s *CachedStore) fill(ctx context.Context, k cacheKey, version string, payload []byte) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	err := fillScript.Exec(ctx, s.c.rc, []string{s.dataKey(k), s.versionKey(k)},
		[]string{version, string(payload), strconv.FormatInt(s.ttl.Milliseconds(), 10)}).Error()
	if err != nil {
		s.failed(err, "fill", k)
	}
}

// invalidate gives each key a fresh version. It runs even when ctx is cancelled: the SQL write
// it follows may have committed.
func (s *CachedStore) invalidate(ctx context.Context, keys ...cacheKey) {
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opTimeout)
	defer cancel()
	rc := s.c.rc
	cmds := make(rueidis.Commands, 0, len(keys))
	now := time.Now()
	for _, k := range keys {
		vk := s.versionKey(k)
		s.recent.add(vk, now)
		cmds = append(cmds, rc.B().Set().Key(vk).Value(rand.Text()).PxMilliseconds(s.verTTL.Milliseconds()).Build())
	}
	for i, r := range rc.DoMulti(ctx, cmds...) {
		if err := r.Error(); err != nil {
			s.c.logger.Error("redis cache invalidation failed; the entry may be served stale until its TTL",
				"key", string(keys[i]), "ttl", s.ttl, "err", err)
			s.failures.Add(1)
		}
	}
}

func (s *CachedStore) failed(err error, op string, k cacheKey) {
	s.failures.Add(1)
	if s.warn.allow(time.Now()) {
		s.c.logger.Warn("redis cache unavailable, using SQL", "op", op, "key", string(k), "err", err)
	}
}

// optString returns a string reply, "" for nil.
func optString(r rueidis.RedisResult) (string, error) {
	v, err := r.ToString()
	if rueidis.IsRedisNil(err) {
		return "", nil
	}
	return v, err
}

// recentWrites remembers the version keys this process changed in the last recentWindow.
type recentWrites struct {
	mu        sync.Mutex
	at        map[string]time.Time
	lastSweep time.Time
}

func (r *recentWrites) add(key string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = make(map[string]time.Time)
	}
	if now.Sub(r.lastSweep) > recentWindow {
		for k, t := range r.at {
			if now.Sub(t) > recentWindow {
				delete(r.at, k)
			}
		}
		r.lastSweep = now
	}
	r.at[key] = now
}

func (r *recentWrites) has(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.at[key]
	return ok && now.Sub(t) <= recentWindow
}

// throttle lets one log line through per interval.
type throttle struct{ last atomic.Int64 }

const throttleInterval = 10 * time.Second

func (t *throttle) allow(now time.Time) bool {
	last := t.last.Load()
	return now.UnixNano()-last >= int64(throttleInterval) && t.last.CompareAndSwap(last, now.UnixNano())
}
