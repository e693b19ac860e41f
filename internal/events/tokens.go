package events

import (
	"context"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// LocalTokens keeps one-time tokens in memory (scalelite.TokenStore without Redis). Expired
// tokens are swept on writes, so memory stays proportional to the live tokens.
type LocalTokens struct {
	now func() time.Time

	mu        sync.Mutex
	tokens    map[string]localToken
	nextSweep int
}

type localToken struct {
	value   string
	expires time.Time
}

const minSweep = 64

// NewLocalTokens returns an empty token store reading time from now (time.Now when nil).
func NewLocalTokens(now func() time.Time) *LocalTokens {
	if now == nil {
		now = time.Now
	}
	return &LocalTokens{now: now, tokens: make(map[string]localToken), nextSweep: minSweep}
}

// PutToken stores value under token for ttl, replacing any previous value.
func (s *LocalTokens) PutToken(ctx context.Context, token, value string, ttl time.Duration) error {
	if ttl <= 0 {
		return scalelite.Errorf(scalelite.EINVALID, "put token: ttl must be positive, got %s", ttl)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) >= s.nextSweep {
		for k, t := range s.tokens {
			if !now.Before(t.expires) {
				delete(s.tokens, k)
			}
		}
		s.nextSweep = max(minSweep, 2*len(s.tokens))
	}
	s.tokens[token] = localToken{value: value, expires: now.Add(ttl)}
	return nil
}

// TakeToken returns the token's value and deletes it; ENOTFOUND when absent or expired.
func (s *LocalTokens) TakeToken(ctx context.Context, token string) (string, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[token]
	delete(s.tokens, token)
	if !ok || !now.Before(t.expires) {
		return "", scalelite.Errorf(scalelite.ENOTFOUND, "token not found or expired")
	}
	return t.value, nil
}

// Len returns the number of stored tokens, expired ones not yet swept included.
func (s *LocalTokens) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}
