package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/redis/rueidis"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Tokens is scalelite.TokenStore in Redis: SET with PX and an atomic GETDEL, under
// "<namespace>:token:<hex SHA-256 of the token>" so the tokens themselves never reach Redis.
// Needs Redis >= 6.2 (GETDEL).
type Tokens struct {
	c *Client
}

// NewTokens returns the token store of c's namespace.
func NewTokens(c *Client) *Tokens { return &Tokens{c: c} }

func (s *Tokens) key(token string) string {
	sum := sha256.Sum256([]byte(token))
	return s.c.key("token", hex.EncodeToString(sum[:]))
}

// PutToken stores value under token for ttl (at least a millisecond), replacing any previous
// value.
func (s *Tokens) PutToken(ctx context.Context, token, value string, ttl time.Duration) error {
	if ttl <= 0 {
		return scalelite.Errorf(scalelite.EINVALID, "put token: ttl must be positive, got %s", ttl)
	}
	rc := s.c.rc
	cmd := rc.B().Set().Key(s.key(token)).Value(value).PxMilliseconds(max(1, ttl.Milliseconds())).Build()
	if err := rc.Do(ctx, cmd).Error(); err != nil {
		return &scalelite.Error{Code: scalelite.EUNAVAILABLE, Message: "store token in redis", Err: err}
	}
	return nil
}

// TakeToken returns the value and deletes it in one step; ENOTFOUND when absent or expired.
func (s *Tokens) TakeToken(ctx context.Context, token string) (string, error) {
	rc := s.c.rc
	v, err := rc.Do(ctx, rc.B().Getdel().Key(s.key(token)).Build()).ToString()
	switch {
	case rueidis.IsRedisNil(err):
		return "", scalelite.Errorf(scalelite.ENOTFOUND, "token not found or expired")
	case err != nil:
		return "", &scalelite.Error{Code: scalelite.EUNAVAILABLE, Message: "take token from redis", Err: err}
	}
	return v, nil
}
