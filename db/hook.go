package db

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// slowQueryHook logs queries that take longer than threshold. bun formats values into the query
// text, so string literals (secrets, passwords) are blanked before logging.
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
	attrs := []slog.Attr{
		slog.String("operation", e.Operation()),
		slog.Duration("duration", d),
		slog.String("query", redactLiterals(e.Query, 2000)),
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	h.logger.LogAttrs(ctx, slog.LevelWarn, "slow query", attrs...)
}

// redactLiterals replaces the content of every '...' literal with "?" and cuts the result to
// about limit bytes.
func redactLiterals(q string, limit int) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(q) && b.Len() < limit; i++ {
		c := q[i]
		switch {
		case !in && c == '\'':
			in = true
			b.WriteString("'?")
		case in && c == '\'' && i+1 < len(q) && q[i+1] == '\'':
			i++ // escaped quote inside the literal
		case in && c == '\'':
			in = false
			b.WriteByte('\'')
		case !in:
			b.WriteByte(c)
		}
	}
	if b.Len() >= limit {
		b.WriteString("...")
	}
	return b.String()
}
