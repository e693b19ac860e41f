package scalelite

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// loadBumps accumulates the load each join adds to its server (Scalelite's 1 × multiplier per
// join) so the join path never writes to the database; MeetingService.Run flushes them with one
// AddLoad.
type loadBumps struct {
	mu     sync.Mutex
	deltas map[string]float64
}

// bump records one join on srv; only enabled and online servers take it (Scalelite's
// ZADD XX on server_load).
func (b *loadBumps) bump(srv *Server) {
	if !srv.TakesNewMeetings() {
		return
	}
	m := srv.LoadMultiplier
	if m <= 0 {
		m = 1
	}
	b.mu.Lock()
	b.deltas[srv.ID] += m
	b.mu.Unlock()
}

func (b *loadBumps) take() map[string]float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.deltas) == 0 {
		return nil
	}
	d := b.deltas
	b.deltas = map[string]float64{}
	return d
}

func (b *loadBumps) putBack(d map[string]float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, v := range d {
		b.deltas[id] += v
	}
}

// FlushLoad writes the accumulated join load bumps now (one synchronous round of Run). On
// failure they are kept for the next flush.
func (s *MeetingService) FlushLoad(ctx context.Context) error {
	d := s.bumps.take()
	if d == nil {
		return nil
	}
	if err := s.store.AddLoad(ctx, d); err != nil {
		s.bumps.putBack(d)
		return fmt.Errorf("flush join load: %w", err)
	}
	return nil
}

// Run flushes the join load bumps every LoadFlushInterval until ctx ends, then once more.
func (s *MeetingService) Run(ctx context.Context) error {
	t := time.NewTicker(s.policy.LoadFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.FlushLoad(fctx); err != nil {
				s.logger.Error("final load flush", "error", err)
			}
			return nil
		case <-t.C:
			if err := s.FlushLoad(ctx); err != nil {
				s.logger.WarnContext(ctx, "load flush", "error", err)
			}
		}
	}
}
