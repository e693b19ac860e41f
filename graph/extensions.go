package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/scalelite-go/scalelite/graph/generated"
	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// setComplexity makes connections cost their page size times their selection.
func setComplexity(c *generated.ComplexityRoot) {
	page := func(child int, first *int) int {
		n := defaultPageSize
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + child*n
	}
	c.Query.Meetings = func(child int, _ *model.MeetingFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.Recordings = func(child int, _ *model.RecordingFilter, first *int, _ *string) int { return page(child, first) }
	c.Query.AuditLog = func(child int, first *int, _ *string) int { return page(child, first) }
}

// introspectionForKeys allows introspection to authenticated principals only.
type introspectionForKeys struct{}

func (introspectionForKeys) ExtensionName() string                   { return "IntrospectionForAPIKeys" }
func (introspectionForKeys) Validate(graphql.ExecutableSchema) error { return nil }
func (introspectionForKeys) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	oc.DisableIntrospection = PrincipalFrom(ctx) == nil
	return nil
}

// depthLimit refuses operations whose fields nest deeper than limit. Introspection fields
// (__schema, __type) are not counted: clients' standard introspection query is deep.
type depthLimit struct{ limit int }

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, d.limit+1); depth > d.limit {
		e := gqlerror.Errorf("operation is nested %d levels deep, more than the limit of %d", depth, d.limit)
		setCode(e, "DEPTH_LIMIT_EXCEEDED")
		return e
	}
	return nil
}

// selectionDepth returns the depth of set, counting no further than stop.
func selectionDepth(set ast.SelectionSet, stop int) int {
	if stop <= 0 {
		return 0
	}
	max := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, stop-1)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, stop)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				d = selectionDepth(s.Definition.SelectionSet, stop)
			}
		}
		if d > max {
			max = d
		}
	}
	return max
}

// auditMutations writes an audit entry for every root mutation field: the principal's name, the
// field name, its arguments with secrets masked, and "ok" or the error. The write outlives a
// cancelled request; a failed write is logged, never returned.
func auditMutations(store scalelite.AuditStore, logger *slog.Logger) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Mutation" {
			return next(ctx)
		}
		res, err := next(ctx)
		actor := "anonymous"
		if p := PrincipalFrom(ctx); p != nil {
			actor = p.Name
		}
		var result error
		if err != nil {
			result = auditResult{err}
		} else if errs := graphql.GetFieldErrors(ctx, fc); len(errs) > 0 {
			// The mutation returned its object and reported a partial failure next to it.
			result = errors.New(errs[0].Message)
		}
		if werr := scalelite.Audit(context.WithoutCancel(ctx), store, actor, fc.Field.Name, fc.Args, result); werr != nil {
			logger.ErrorContext(ctx, "graphql: write audit entry", "action", fc.Field.Name, "err", werr)
		}
		return res, err
	}
}

// auditResult records what the client was told: the domain message, or "Internal error.".
type auditResult struct{ err error }

func (a auditResult) Error() string {
	if scalelite.ErrorCode(a.err) == scalelite.EINTERNAL {
		return "Internal error: " + a.err.Error()
	}
	return scalelite.ErrorMessage(a.err)
}
