package bbbfacade

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// loadBumps accumulates the load each join adds to its server (Scalelite's 1 × multiplier per
// join) so the join path never writes to the database; Run flushes them with one AddLoad.
type loadBumps struct {
	mu     sync.Mutex
	deltas map[string]float64
}

// bump records one join on srv; only enabled and online servers take it (Scalelite's
// ZADD XX on server_load).
func (b *loadBumps) bump(srv *scalelite.Server) {
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

// Flush writes the accumulated join load bumps now. On failure they are kept for the next flush.
func (h *Handler) Flush(ctx context.Context) error {
	d := h.bumps.take()
	if d == nil {
		return nil
	}
	if err := h.store.AddLoad(ctx, d); err != nil {
		h.bumps.putBack(d)
		return fmt.Errorf("flush join load: %w", err)
	}
	return nil
}

// Run flushes the join load bumps every LoadFlushInterval until ctx ends, then once more.
func (h *Handler) Run(ctx context.Context) error {
	t := time.NewTicker(h.cfg.LoadFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := h.Flush(fctx); err != nil {
				h.logger.Error("final load flush", "error", err)
			}
			return nil
		case <-t.C:
			if err := h.Flush(ctx); err != nil {
				h.logger.WarnContext(ctx, "load flush", "error", err)
			}
		}
	}
}
