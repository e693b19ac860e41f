package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/scalelite-go/scalelite/internal/clienthost"
)

const requestIDHeader = "X-Request-Id"

// requestID keeps a sane incoming X-Request-Id (from a proxy) or makes one, and echoes it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !validRequestID(id) {
			var b [12]byte
			var x [24]byte
			_, _ = rand.Read(b[:])
			hex.Encode(x[:], b[:])
			id = string(x[:])
		}
		c.Set(RequestIDKey, id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		r := id[i]
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':'
		if !ok {
			return false
		}
	}
	return true
}

// probePaths are logged at debug level: orchestrators call them every few seconds.
var probePaths = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/health_check": true, "/": true}

// accessLog logs one line per request. The query string is never logged: BBB queries carry
// passwords and checksums.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		switch {
		case status >= 500:
			level = slog.LevelError
		case probePaths[c.FullPath()]:
			level = slog.LevelDebug
		}
		ctx := c.Request.Context()
		if !logger.Enabled(ctx, level) {
			return
		}
		logger.LogAttrs(ctx, level, "request",
			slog.String("request_id", c.GetString(RequestIDKey)),
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.String("route", routeLabel(c)),
			slog.Int("status", status),
			slog.Int("bytes", c.Writer.Size()),
			slog.Duration("duration", time.Since(start)),
			slog.String("client_ip", c.ClientIP()),
		)
	}
}

// recovery turns a handler panic into a logged 500, or a quiet abort when the client went away.
func recovery(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
				panic(rec)
			}
			if err, ok := rec.(error); ok && brokenPipe(err) {
				logger.Debug("client went away", "request_id", c.GetString(RequestIDKey), "err", err)
				c.Abort()
				return
			}
			logger.Error("panic in handler", "request_id", c.GetString(RequestIDKey),
				"path", c.Request.URL.Path, "panic", rec, "stack", string(debug.Stack()))
			if c.Writer.Written() {
				c.Abort()
				return
			}
			c.AbortWithStatus(http.StatusInternalServerError)
		}()
		c.Next()
	}
}

func brokenPipe(err error) bool {
	var opErr *net.OpError
	var sysErr *os.SyscallError
	return errors.As(err, &opErr) && errors.As(err, &sysErr) &&
		(errors.Is(sysErr.Err, syscall.EPIPE) || errors.Is(sysErr.Err, syscall.ECONNRESET))
}

// exemptFromHostCheck are answered on any host, as Scalelite exempts /health_check: probes call
// them by IP.
var exemptFromHostCheck = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true, "/health_check": true}

// clientHost resolves the host the client asked for once and carries it in the request context
// (clienthost.From), for the host allow-list, the BBB API's tenants and playback.
func clientHost(hosts *clienthost.Resolver) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := c.Request
		c.Request = r.WithContext(clienthost.With(r.Context(), hosts.Resolve(r)))
		c.Next()
	}
}

// allowHosts answers 403 to hosts other than cfg.URLHost (and its subdomains when allowed), like
// Rails' host authorization in Scalelite's production mode. Without URLHost every host is allowed.
func allowHosts(cfg Config) gin.HandlerFunc {
	want := strings.ToLower(strings.TrimSuffix(cfg.URLHost, "."))
	return func(c *gin.Context) {
		if want == "" || exemptFromHostCheck[c.Request.URL.Path] {
			c.Next()
			return
		}
		host := clienthost.Host(c.Request)
		if host == want || cfg.AllowSubdomains && strings.HasSuffix(host, "."+want) {
			c.Next()
			return
		}
		c.AbortWithStatus(http.StatusForbidden)
	}
}
