package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/rueidis"
)

// readBatch is the number of commands one pipelined round trip of a Reader sends.
const readBatch = 500

// Reader reads another application's keys (Scalelite's) under a namespace, with read-only
// commands only (SMEMBERS, HGETALL, ZRANGE): nothing it does changes the data. Client-side
// caching is off.
type Reader struct {
	rc     rueidis.Client
	prefix string
}

// OpenReader connects to redisURL; keys are read as "<namespace>:<key>" (namespace "" reads
// them as they are, as redis-namespace does without a namespace).
func OpenReader(ctx context.Context, redisURL, namespace string) (*Reader, error) {
	opt, err := clientOption(redisURL)
	if err != nil {
		return nil, err
	}
	opt.DisableCache = true
	rc, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, connectError(redisURL, err)
	}
	r := &Reader{rc: rc}
	if namespace != "" {
		r.prefix = namespace + ":"
	}
	if err := rc.Do(ctx, rc.B().Ping().Build()).Error(); err != nil {
		rc.Close()
		return nil, connectError(redisURL, err)
	}
	return r, nil
}

// Close closes the connection.
func (r *Reader) Close() { r.rc.Close() }

// SetMembers returns the members of a set (none when the key is missing).
func (r *Reader) SetMembers(ctx context.Context, key string) ([]string, error) {
	members, err := r.rc.Do(ctx, r.rc.B().Smembers().Key(r.prefix+key).Build()).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("redis SMEMBERS %s: %w", r.prefix+key, err)
	}
	return members, nil
}

// Hashes returns the fields of each hash, in the order of keys; a missing key gives nil.
func (r *Reader) Hashes(ctx context.Context, keys []string) ([]map[string]string, error) {
	out := make([]map[string]string, 0, len(keys))
	for start := 0; start < len(keys); start += readBatch {
		chunk := keys[start:min(start+readBatch, len(keys))]
		cmds := make(rueidis.Commands, len(chunk))
		for i, k := range chunk {
			cmds[i] = r.rc.B().Hgetall().Key(r.prefix + k).Build()
		}
		for i, res := range r.rc.DoMulti(ctx, cmds...) {
			m, err := res.AsStrMap()
			if err != nil {
				return nil, fmt.Errorf("redis HGETALL %s: %w", r.prefix+chunk[i], err)
			}
			if len(m) == 0 {
				m = nil
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// SortedSet returns the members of a sorted set with their scores.
func (r *Reader) SortedSet(ctx context.Context, key string) (map[string]float64, error) {
	scores, err := r.rc.Do(ctx, r.rc.B().Zrange().Key(r.prefix+key).Min("0").Max("-1").Withscores().Build()).AsZScores()
	if err != nil {
		return nil, fmt.Errorf("redis ZRANGE %s: %w", r.prefix+key, err)
	}
	out := make(map[string]float64, len(scores))
	for _, z := range scores {
		out[z.Member] = z.Score
	}
	return out, nil
}
