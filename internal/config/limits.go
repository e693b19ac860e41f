package config

import "time"

// HTTPLimits bound what an unauthenticated client can make the api role hold: slow or stalled
// connections and request bodies (see docs/security.md).
type HTTPLimits struct {
	// ReadHeaderTimeout bounds the request line and headers (HTTP_READ_HEADER_TIMEOUT).
	ReadHeaderTimeout time.Duration
	// BodyTimeout is the time a request body may take (HTTP_READ_TIMEOUT) before MinBodyRate
	// comes in: a body must have arrived by BodyTimeout + size/MinBodyRate after the handler
	// starts reading it, so a trickling body is cut off while a large upload on a slow link is not.
	BodyTimeout time.Duration
	// MinBodyRate in bytes per second (HTTP_MIN_BODY_RATE).
	MinBodyRate int
	// IdleTimeout closes kept-alive connections without a request (HTTP_IDLE_TIMEOUT).
	IdleTimeout time.Duration
	// MaxConcurrentBodies caps the requests whose bodies are read at once
	// (HTTP_MAX_CONCURRENT_BODIES); later ones wait up to a second, then get 503.
	MaxConcurrentBodies int
}

func (r *reader) httpLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout:   r.positiveSeconds("HTTP_READ_HEADER_TIMEOUT", 10),
		BodyTimeout:         r.positiveSeconds("HTTP_READ_TIMEOUT", 20),
		MinBodyRate:         r.integer("HTTP_MIN_BODY_RATE", 64<<10, 1),
		IdleTimeout:         r.positiveSeconds("HTTP_IDLE_TIMEOUT", 120),
		MaxConcurrentBodies: r.integer("HTTP_MAX_CONCURRENT_BODIES", 256, 1),
	}
}
