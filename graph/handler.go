package graph

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/scalelite-go/scalelite/graph/generated"
	"github.com/scalelite-go/scalelite/graph/loaders"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// HandlerOptions tune the /graphql handler. Zero values take the defaults.
type HandlerOptions struct {
	// AllowedOrigins are host patterns (path.Match syntax, e.g. "admin.example.com" or
	// "*.example.com") whose browser pages may open websockets. Same-host pages and clients that
	// send no Origin (curl, websocat, servers) are always allowed.
	AllowedOrigins []string
	// KeepAlive is the interval of websocket keep-alive pings; default 25s.
	KeepAlive time.Duration
	// ComplexityLimit caps an operation's complexity (each field 1, lists times their page
	// size); default 5000.
	ComplexityLimit int
	// DepthLimit caps the nesting of an operation's fields (introspection excluded); default 12.
	DepthLimit int
	// QueryCacheSize is the number of parsed queries kept; default 1000.
	QueryCacheSize int
}

func (o HandlerOptions) withDefaults() HandlerOptions {
	if o.KeepAlive <= 0 {
		o.KeepAlive = 25 * time.Second
	}
	if o.ComplexityLimit <= 0 {
		o.ComplexityLimit = 5000
	}
	if o.DepthLimit <= 0 {
		o.DepthLimit = 12
	}
	if o.QueryCacheSize <= 0 {
		o.QueryCacheSize = 1000
	}
	return o
}

// NewHandler returns the /graphql endpoint: POST and GET queries and mutations, and websocket
// subscriptions (graphql-transport-ws, and the older graphql-ws). Every operation needs an API
// key: the Authorization: Bearer header, or for websockets the connection_init payload
// ({"Authorization": "Bearer KEY"} or {"apiKey": "KEY"}). Route GET and POST to it (GET also
// carries the websocket upgrade).
func NewHandler(r *Resolver, opts HandlerOptions) http.Handler {
	opts = opts.withDefaults()
	logger := r.Logger.With("component", "graphql")

	cfg := generated.Config{Resolvers: r}
	setComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))

	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{
			AcceptOptions: websocket.AcceptOptions{OriginPatterns: opts.AllowedOrigins},
		},
		InitFunc:              wsInit(r.APIKeyService),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: opts.KeepAlive, // graphql-ws "ka" messages
		PingPongInterval:      opts.KeepAlive, // graphql-transport-ws pings
		MissingPongOk:         true,           // websocat users do not answer pings
		ErrorFunc: func(ctx context.Context, err error) {
			logger.DebugContext(ctx, "graphql: websocket", "err", err)
		},
	})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](opts.QueryCacheSize))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(introspectionForKeys{})
	srv.Use(extension.FixedComplexityLimit(opts.ComplexityLimit))
	srv.Use(depthLimit{limit: opts.DepthLimit})
	srv.SetErrorPresenter(errorPresenter(logger))
	srv.SetRecoverFunc(recoverFunc(logger))

	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(loaders.With(ctx, loaders.New(r.Store)))
	})
	srv.AroundFields(markInternal)
	srv.AroundFields(auditMutations(r.Store, logger))

	return &authenticate{keys: r.APIKeyService, next: srv, logger: logger}
}

// authenticate resolves the Authorization: Bearer header into a principal. Plain HTTP requests
// without a valid key are refused with 401; websocket upgrades may authenticate in their init
// payload instead (wsInit).
type authenticate struct {
	keys   APIKeyService
	next   http.Handler
	logger *slog.Logger
}

func (a *authenticate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	upgrade := r.Header.Get("Upgrade") != ""
	key, present := requestKey(r)
	if present {
		p, err := a.keys.Authenticate(r.Context(), key)
		if err != nil {
			a.refuse(w, r, err)
			return
		}
		r = r.WithContext(WithPrincipal(r.Context(), p))
	} else if !upgrade {
		a.refuse(w, r, scalelite.Errorf(scalelite.EUNAUTHORIZED, "An API key is required (Authorization: Bearer KEY)"))
		return
	}
	a.next.ServeHTTP(w, r)
}

func (a *authenticate) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status, code := http.StatusUnauthorized, CodeUnauthenticated
	if scalelite.ErrorCode(err) != scalelite.EUNAUTHORIZED {
		a.logger.ErrorContext(r.Context(), "graphql: authenticate", "err", err)
		status, code = http.StatusServiceUnavailable, CodeUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="scalelite"`)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message":    scalelite.ErrorMessage(err),
		"extensions": map[string]any{"code": code},
	}}})
}

// wsInit authenticates a websocket from its connection_init payload, falling back to the
// upgrade request's Authorization header. Failures close the socket with 4403 (Forbidden), as
// graphql-transport-ws prescribes.
func wsInit(keys APIKeyService) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		key := bearerToken(payload.Authorization())
		if key == "" {
			key = payload.GetString("apiKey")
		}
		if key != "" {
			p, err := keys.Authenticate(ctx, key)
			if err != nil {
				return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New("Forbidden: " + scalelite.ErrorMessage(err))
			}
			ctx = WithPrincipal(ctx, p)
		}
		if PrincipalFrom(ctx) == nil {
			return transport.WithWebsocketCloseCode(ctx, 4403), nil, errors.New("Forbidden: an API key is required in the connection_init payload")
		}
		return ctx, nil, nil
	}
}
