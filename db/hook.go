package db

import (
	"context"
	"log/slog"
	"time"

	"github.com/uptrace/bun"
)

// slowQueryHook logs queries that take longer than threshold, and failed queries at debug level.
type slowQueryHook struct {
	logger    *slog.Logger
	threshold time.Duration
}

func (h *slowQueryHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (h *slowQueryHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	d := time.Since(e.StartTime)
	if d < h.threshold {
		return
	}
	q := e.Query
	if len(q) > 2000 {
		q = q[:2000] + "..."
	}
	h.logger.LogAttrs(ctx, slog.LevelWarn, "slow query",
		slog.String("operation", e.Operation()),
		slog.Duration("duration", d),
		slog.String("query", q),
		slog.Any("error", e.Err))
}
