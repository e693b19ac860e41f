package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestErrorPresenter(t *testing.T) {
	t.Parallel()
	present := errorPresenter(slog.New(slog.DiscardHandler))
	tests := []struct {
		name     string
		err      error
		wantMsg  string
		wantCode any
	}{
		{"not found", fmt.Errorf("update server x: %w", scalelite.Errorf(scalelite.ENOTFOUND, "No server x")), "No server x", CodeNotFound},
		{"invalid", scalelite.Errorf(scalelite.EINVALID, "bad"), "bad", CodeInvalid},
		{"conflict", scalelite.Errorf(scalelite.ECONFLICT, "dup"), "dup", CodeConflict},
		{"forbidden", scalelite.Errorf(scalelite.EFORBIDDEN, "no"), "no", CodeForbidden},
		{"unavailable", scalelite.Errorf(scalelite.EUNAVAILABLE, "down"), "down", CodeUnavailable},
		{"unauthorized", scalelite.Errorf(scalelite.EUNAUTHORIZED, "who"), "who", CodeUnauthenticated},
		{"internal", &internalError{err: errors.New("pq: password=hunter2 refused")}, "Internal error.", CodeInternal},
		{"gqlgen's own", &gqlerror.Error{Message: "syntax", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}, "syntax", "GRAPHQL_PARSE_FAILED"},
	}
	for _, tt := range tests {
		got := present(context.Background(), tt.err)
		if got.Message != tt.wantMsg || got.Extensions["code"] != tt.wantCode {
			t.Errorf("%s: %q %v, want %q %v", tt.name, got.Message, got.Extensions["code"], tt.wantMsg, tt.wantCode)
		}
	}
}

func TestMarkInternal(t *testing.T) {
	t.Parallel()
	resolve := func(err error) graphql.Resolver {
		return func(context.Context) (any, error) { return nil, err }
	}
	var ie *internalError
	if _, err := markInternal(context.Background(), resolve(errors.New("boom"))); !errors.As(err, &ie) {
		t.Errorf("plain error: %T, want *internalError", err)
	}
	domain := scalelite.Errorf(scalelite.EINVALID, "x")
	if _, err := markInternal(context.Background(), resolve(domain)); err != error(domain) {
		t.Errorf("domain error changed: %v", err)
	}
	if _, err := markInternal(context.Background(), resolve(nil)); err != nil {
		t.Errorf("nil error: %v", err)
	}
}
