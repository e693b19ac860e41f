package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout bounds how long Run waits for in-flight requests after ctx ends.
const ShutdownTimeout = 25 * time.Second

// Run listens on addr and serves handler until ctx ends, then shuts down gracefully.
func Run(ctx context.Context, addr string, handler http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	return Serve(ctx, ln, handler, logger)
}

// Serve is ServeLimited with DefaultLimits.
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger) error {
	return ServeLimited(ctx, ln, handler, logger, DefaultLimits)
}

// ServeLimited serves handler on ln until ctx ends, then stops accepting connections, waits up
// to ShutdownTimeout for in-flight requests and finally cancels the requests still running
// (websocket subscriptions). It closes ln. It returns nil after a clean shutdown. Connections
// get lim's header and idle timeouts (bodies are bounded by the handler New builds).
func ServeLimited(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger, lim Limits) error {
	lim = lim.withDefaults()
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		IdleTimeout:       lim.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("http server listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return fmt.Errorf("serve http on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("http server shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	cancelBase()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", serr)
	}
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("shut down http server: %w", err)
	}
	logger.Info("http server stopped")
	return nil
}
