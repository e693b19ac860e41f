package graph

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Error codes in extensions.code. They are part of the API: clients switch on them.
const (
	CodeNotFound        = "NOT_FOUND"
	CodeInvalid         = "INVALID"
	CodeConflict        = "CONFLICT"
	CodeForbidden       = "FORBIDDEN"
	CodeUnavailable     = "UNAVAILABLE"
	CodeUnauthenticated = "UNAUTHENTICATED"
	CodeInternal        = "INTERNAL"
)

// errorCodes maps domain error codes to GraphQL ones.
var errorCodes = map[string]string{
	scalelite.ENOTFOUND:     CodeNotFound,
	scalelite.EINVALID:      CodeInvalid,
	scalelite.ECONFLICT:     CodeConflict,
	scalelite.EFORBIDDEN:    CodeForbidden,
	scalelite.EUNAVAILABLE:  CodeUnavailable,
	scalelite.EUNAUTHORIZED: CodeUnauthenticated,
	scalelite.EINTERNAL:     CodeInternal,
}

// internalError marks an error a resolver returned that is not a domain error: its details go to
// the log, the client sees "Internal error.".
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

// markInternal is a field middleware: resolver errors that carry no domain code become internal.
func markInternal(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err == nil {
		return res, nil
	}
	var de *scalelite.Error
	var ge *gqlerror.Error
	if errors.As(err, &de) || errors.As(err, &ge) {
		return res, err
	}
	return res, &internalError{err: err}
}

// errorPresenter translates errors once: domain errors keep their message and get a stable
// extensions.code, internal errors are logged and hidden, and gqlgen's own errors (parsing,
// validation, input coercion) pass unchanged.
func errorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var de *scalelite.Error
		var ie *internalError
		switch {
		case errors.As(err, &de):
			code := scalelite.ErrorCode(err)
			if code == scalelite.EINTERNAL {
				logger.ErrorContext(ctx, "graphql: internal error", "path", gerr.Path.String(), "err", err)
				gerr.Message = scalelite.ErrorMessage(err)
			} else {
				gerr.Message = de.Message
			}
			setCode(gerr, errorCodes[code])
		case errors.As(err, &ie):
			logger.ErrorContext(ctx, "graphql: internal error", "path", gerr.Path.String(), "err", ie.err)
			gerr.Message = "Internal error."
			setCode(gerr, CodeInternal)
		}
		return gerr
	}
}

func setCode(e *gqlerror.Error, code string) {
	if code == "" {
		code = CodeInternal
	}
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

// recoverFunc turns a resolver panic into an internal error, logged with its value.
func recoverFunc(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "graphql: panic in resolver", "panic", v, "stack", string(debug.Stack()))
		e := gqlerror.Errorf("Internal error.")
		setCode(e, CodeInternal)
		return e
	}
}
