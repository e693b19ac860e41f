package redisstore

import (
	"context"
	"fmt"
)

// SetBBBVersion records a server's BBB version in the store under the cache and drops the
// cached row.
func (s *CachedStore) SetBBBVersion(ctx context.Context, serverID, version string) error {
	inner, ok := s.Store.(interface {
		SetBBBVersion(ctx context.Context, serverID, version string) error
	})
	if !ok {
		return fmt.Errorf("set BBB version: %T cannot", s.Store)
	}
	err := inner.SetBBBVersion(ctx, serverID, version)
	s.invalidate(ctx, serverKey(serverID))
	return err
}
