package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"

	"github.com/scalelite-go/scalelite/graph/loaders"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// viewer returns the principal of ctx; EUNAUTHORIZED without one (the handler refuses such
// requests already; resolvers check again so that no path depends on the transport).
func viewer(ctx context.Context) (*scalelite.Principal, error) {
	p := PrincipalFrom(ctx)
	if p == nil {
		return nil, scalelite.Errorf(scalelite.EUNAUTHORIZED, "An API key is required")
	}
	return p, nil
}

// requireAdmin allows admin keys only.
func requireAdmin(ctx context.Context, what string) error {
	return PrincipalFrom(ctx).RequireAdmin(what)
}

// requireRead allows admin and read-only keys.
func requireRead(ctx context.Context, what string) error { return PrincipalFrom(ctx).RequireRead(what) }

// optional returns nil for the zero value, else a pointer to v.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// loadersFor returns the operation's loaders, or fresh ones outside an operation.
func (r *Resolver) loadersFor(ctx context.Context) *loaders.Loaders {
	if l := loaders.For(ctx); l != nil {
		return l
	}
	return loaders.New(r.Store)
}

// attachError reports err next to a result that is still returned (e.g. a meeting ended in our
// records whose BBB end call failed), translated like any resolver error.
func attachError(ctx context.Context, err error) {
	var de *scalelite.Error
	if !errors.As(err, &de) {
		err = &internalError{err: err}
	}
	graphql.AddError(ctx, err)
}
