package server

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Limits bound what a client can make the server hold before it has proven anything: a slow
// request line and headers, a trickling body, and many bodies read at once. Zero fields get
// DefaultLimits' values.
type Limits struct {
	ReadHeaderTimeout time.Duration // request line and headers
	// BodyTimeout plus one second per MinBodyRate bytes read is how long a body may take from
	// the moment its handler starts (a minimum average rate after a grace period).
	BodyTimeout time.Duration
	MinBodyRate int           // bytes per second
	IdleTimeout time.Duration // a kept-alive connection without a request
	// MaxConcurrentBodies caps the requests whose bodies are being read at once; a request over
	// the cap waits up to bodyQueueWait, then gets 503.
	MaxConcurrentBodies int
}

// DefaultLimits are the limits of a zero Limits.
var DefaultLimits = Limits{
	ReadHeaderTimeout:   10 * time.Second,
	BodyTimeout:         20 * time.Second,
	MinBodyRate:         64 << 10,
	IdleTimeout:         2 * time.Minute,
	MaxConcurrentBodies: 256,
}

// bodyQueueWait is how long a request waits for a body slot before it gets 503.
const bodyQueueWait = time.Second

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = d.BodyTimeout
	}
	if l.MinBodyRate <= 0 {
		l.MinBodyRate = d.MinBodyRate
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	if l.MaxConcurrentBodies <= 0 {
		l.MaxConcurrentBodies = d.MaxConcurrentBodies
	}
	return l
}

// bodyLimits admits at most MaxConcurrentBodies requests with a body at a time, and makes each
// body arrive at MinBodyRate on average after BodyTimeout: the connection's read deadline moves
// with every read to start + BodyTimeout + read/MinBodyRate, so a trickle hits it and the
// connection is closed (also when the handler leaves the body unread: net/http then discards it
// under the same deadline). Once the body is complete the deadline is cleared: net/http's
// background read would otherwise cancel the request's context when it passes while the handler
// still runs. The slot is freed when the body has been read or the handler returns.
//
// http.Server's own ReadTimeout is not used for the same reason: it would cancel every handler
// that runs longer than it.
func bodyLimits(l Limits) gin.HandlerFunc {
	slots := make(chan struct{}, l.MaxConcurrentBodies)
	return func(c *gin.Context) {
		r := c.Request
		if r.Body == nil || r.Body == http.NoBody {
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			t := time.NewTimer(bodyQueueWait)
			select {
			case slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				c.Set(OutcomeKey, "tooManyBodies")
				c.Header("Retry-After", "1")
				c.Header("Connection", "close")
				c.AbortWithStatus(http.StatusServiceUnavailable)
				return
			case <-r.Context().Done():
				t.Stop()
				c.Abort()
				return
			}
		}
		b := &limitedBody{body: r.Body, rc: http.NewResponseController(c.Writer), start: time.Now(), lim: l}
		b.release = sync.OnceFunc(func() { <-slots })
		defer b.release()
		b.extend()
		r.Body = b
		c.Next()
	}
}

// limitedBody moves the connection's read deadline as the body arrives.
type limitedBody struct {
	body    io.ReadCloser
	rc      *http.ResponseController
	start   time.Time
	lim     Limits
	read    int64
	release func()
}

func (b *limitedBody) extend() {
	allowed := b.lim.BodyTimeout + time.Duration(float64(b.read)/float64(b.lim.MinBodyRate)*float64(time.Second))
	_ = b.rc.SetReadDeadline(b.start.Add(allowed)) // unsupported writers keep the server's ReadTimeout
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.read += int64(n)
	if err == io.EOF {
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	if err != nil {
		b.release()
		return n, err
	}
	b.extend()
	return n, nil
}

func (b *limitedBody) Close() error {
	b.release()
	return b.body.Close()
}
