package config

import (
	"strconv"
	"strings"
	"time"
)

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

// ExtractLimits bound the extraction of one recording archive (and the size of an upload).
type ExtractLimits struct {
	// MaxBytes is the largest total extracted size (RECORDING_MAX_EXTRACTED_SIZE).
	MaxBytes int64
	// MaxExpansion is how many times its own size an archive may extract to
	// (RECORDING_MAX_EXPANSION); 0 turns the ratio off. Never below 64 MiB.
	MaxExpansion float64
}

func (r *reader) extractLimits() ExtractLimits {
	return ExtractLimits{
		MaxBytes:     r.size("RECORDING_MAX_EXTRACTED_SIZE", 32<<30),
		MaxExpansion: r.number("RECORDING_MAX_EXPANSION", 20, false),
	}
}

// size reads a positive byte count: a number with an optional K, M, G or T suffix (powers of
// 1024, an optional trailing B or iB), e.g. 32G, 512MiB or 1048576.
func (r *reader) size(name string, def int64) int64 {
	v := strings.ToUpper(r.trimmed(name))
	if v == "" {
		return def
	}
	num := strings.TrimSuffix(strings.TrimSuffix(v, "B"), "I")
	shift := 0
	if n := len(num); n > 0 {
		if i := strings.IndexByte("KMGT", num[n-1]); i >= 0 {
			shift, num = 10*(i+1), num[:n-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		r.fail(name, "%q is not a size such as 32G, 512M or 1048576", r.trimmed(name))
		return def
	}
	return n << shift
}
