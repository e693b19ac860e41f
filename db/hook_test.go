package db

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
)

func TestRedactLiterals(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`INSERT INTO servers (id, secret) VALUES ('a', 's3cr3t')`, `INSERT INTO servers (id, secret) VALUES ('?', '?')`},
		{`UPDATE t SET v = 'it''s' WHERE x = 2`, `UPDATE t SET v = '?' WHERE x = 2`},
		{`SELECT X'deadbeef'`, `SELECT X'?'`},
		{`SELECT 'unterminated`, `SELECT '?`},
	}
	for _, tt := range tests {
		if got := redactLiterals(tt.in, 1000); got != tt.want {
			t.Errorf("redactLiterals(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := redactLiterals("SELECT 123456789", 6); got != "SELECT..." {
		t.Errorf("cut = %q", got)
	}
}

func TestSlowQueryHookLogs(t *testing.T) {
	var buf bytes.Buffer
	h := &slowQueryHook{logger: slog.New(slog.NewTextHandler(&buf, nil)), threshold: 10 * time.Millisecond}
	h.AfterQuery(context.Background(), &bun.QueryEvent{Query: "SELECT 'fast'", StartTime: time.Now()})
	if buf.Len() != 0 {
		t.Errorf("fast query logged: %s", buf.String())
	}
	h.AfterQuery(context.Background(), &bun.QueryEvent{Query: "UPDATE servers SET secret = 'hunter2'", StartTime: time.Now().Add(-time.Second)})
	out := buf.String()
	if !strings.Contains(out, "slow query") || !strings.Contains(out, "operation=UPDATE") || strings.Contains(out, "hunter2") {
		t.Errorf("slow query log = %q", out)
	}
}
