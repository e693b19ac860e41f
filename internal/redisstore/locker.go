package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"github.com/redis/rueidis/rueidislock"
)

// LockValidity is how long a lock outlives its holder: the holder extends it every half
// validity, and a standby takes over at most this long after the holder's process dies.
const LockValidity = 5 * time.Second

// Locker is scalelite.Locker over rueidislock, for singleton roles across instances: one key
// per lock ("<prefix>:lock:0:<name>", the prefix as in Prefix; KeyMajority 1 for a single Redis), kept alive while
// held, watched through client-side caching so a waiting standby retries as soon as the key is
// released or expires.
type Locker struct {
	rl     rueidislock.Locker
	rc     rueidis.Client // plain client for Held
	prefix string         // of the lock keys
}

// NewLocker connects its own rueidis client to redisURL (rueidislock needs dedicated tracking
// options) after checking the server version: NOLOOP tracking needs Redis >= 7.0.5 and
// SET PXAT >= 6.2; older servers get the fallbacks.
func NewLocker(ctx context.Context, redisURL, namespace string) (*Locker, error) {
	if err := checkNamespace(namespace); err != nil {
		return nil, err
	}
	opt, err := clientOption(redisURL)
	if err != nil {
		return nil, err
	}
	version, err := serverVersion(ctx, opt)
	if err != nil {
		return nil, connectError(redisURL, err)
	}
	prefix := Prefix(namespace, opt) + ":lock"
	rl, err := rueidislock.NewLocker(rueidislock.LockerOption{
		ClientOption:   opt,
		KeyPrefix:      prefix,
		KeyValidity:    LockValidity,
		TryNextAfter:   time.Second, // per attempt; the 20ms default fails attempts on a busy host
		KeyMajority:    1,
		NoLoopTracking: !versionBefore(version, 7, 0, 5),
		FallbackSETPX:  versionBefore(version, 6, 2, 0),
	})
	if err != nil {
		return nil, connectError(redisURL, err)
	}
	plain := opt
	plain.DisableCache = true
	rc, err := rueidis.NewClient(plain)
	if err != nil {
		rl.Close()
		return nil, connectError(redisURL, err)
	}
	return &Locker{rl: rl, rc: rc, prefix: prefix}, nil
}

// Held reports whether any instance holds the named lock (its key exists).
func (l *Locker) Held(ctx context.Context, name string) (bool, error) {
	n, err := l.rc.Do(ctx, l.rc.B().Exists().Key(l.prefix+":0:"+name).Build()).AsInt64()
	if err != nil {
		return false, fmt.Errorf("read lock %s: %w", name, err)
	}
	return n > 0, nil
}

// Acquire blocks until the named lock is held or ctx ends. The returned context is cancelled
// when the lock is lost (Redis unreachable past the validity, key deleted) or when ctx ends,
// which also releases the lock; release gives it up and returns once the key is deleted.
//
// A waiting Acquire retries as soon as Redis reports the key changed, and in any case every
// LockValidity: rueidislock waits for invalidations only, and one can be missed (an attempt
// that timed out on a busy machine after succeeding in Redis deletes its own key, and NOLOOP
// tracking does not report a client's own writes), which would otherwise wait forever.
func (l *Locker) Acquire(ctx context.Context, name string) (context.Context, func(), error) {
	for {
		round, endRound := context.WithCancel(ctx)
		timer := time.AfterFunc(LockValidity, endRound)
		held, release, err := l.rl.WithContext(round, name)
		inTime := timer.Stop()
		switch {
		case err == nil && inTime:
			return held, func() { release(); endRound() }, nil
		case err == nil: // acquired just as the round ended: the lock is already lost
			release()
		case ctx.Err() != nil:
			endRound()
			return nil, nil, fmt.Errorf("acquire lock %s: %w", name, ctx.Err())
		case round.Err() == nil:
			endRound()
			return nil, nil, fmt.Errorf("acquire lock %s: %w", name, err)
		}
		endRound()
	}
}

// Close closes the client; locks still held are cancelled and expire in Redis after
// LockValidity, as if the process had died.
func (l *Locker) Close() {
	l.rl.Close()
	l.rc.Close()
}

// serverVersion returns the redis_version of the server opt points at.
func serverVersion(ctx context.Context, opt rueidis.ClientOption) (string, error) {
	opt.DisableCache = true
	rc, err := rueidis.NewClient(opt)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, connectTimeout)
		defer cancel()
	}
	info, err := rc.Do(ctx, rc.B().Info().Section("server").Build()).ToString()
	if err != nil {
		return "", fmt.Errorf("read server version: %w", err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return v, nil
		}
	}
	return "", nil // unknown: assume current
}

// versionBefore reports whether version (e.g. "7.0.15") is older than major.minor.patch; an
// unparsable or empty version counts as current.
func versionBefore(version string, major, minor, patch int) bool {
	parts := strings.SplitN(version, ".", 3)
	want := []int{major, minor, patch}
	for i, w := range want {
		if i >= len(parts) {
			return false
		}
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return false
		}
		if n != w {
			return n < w
		}
	}
	return false
}
