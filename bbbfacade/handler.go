// Package bbbfacade serves the BigBlueButton API (/bigbluebutton/api/*) of the balancer: it parses
// and authenticates each call as BBB and Scalelite do, calls one service method and answers with
// BBB's XML. One file per API call; errors become BBB XML in errors.go.
package bbbfacade

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/scalelite-go/scalelite/internal/analytics"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Config is the facade's part of the configuration; cmd maps internal/config onto it.
type Config struct {
	// Secrets are LOADBALANCER_SECRET then LOADBALANCER_SECRETS (used without multitenancy).
	Secrets []string
	// Algorithms are the accepted checksum algorithms (LOADBALANCER_CHECKSUM_ALGORITHM); nil
	// accepts all four.
	Algorithms []bbb.Algorithm
	// Multitenancy (MULTITENANCY_ENABLED): the tenant is the first label of the request host.
	Multitenancy bool
	// URLHost (URL_HOST) builds the analytics callback URL; "" uses the request host.
	URLHost string
	// GetMeetingsDisabled (GET_MEETINGS_API_DISABLED) answers getMeetings with no meetings.
	GetMeetingsDisabled bool
	// BuildNumber (BUILD_NUMBER) is added to the index answer when set.
	BuildNumber string
	// MaxBodyBytes bounds a create or insertDocument body (slides; default 32 MiB). Other calls
	// take at most 64 KiB of form body, and nothing larger than 1 MiB is read before the request
	// is authenticated.
	MaxBodyBytes int64
	// RequestTimeout is each call's deadline (API_REQUEST_TIMEOUT, default 20 s): a call that
	// passes it (a hung database, a slow server) answers internalError instead of waiting.
	RequestTimeout time.Duration
	// Recordings configures the recording calls (recordings_api.go).
	Recordings RecordingsConfig
}

// Store is what the facade reads itself: the tenant of a request's host.
type Store interface {
	TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error)
}

// AnalyticsForwarder posts learning-dashboard data on to front-ends (*analytics.Forwarder).
type AnalyticsForwarder interface {
	Forward(ctx context.Context, d analytics.Delivery) error
}

// Deps are the facade's collaborators. Store, Meetings and Logger are required.
type Deps struct {
	Store    Store
	Meetings *scalelite.MeetingService
	Logger   *slog.Logger
	Now      func() time.Time // nil: time.Now
	// Recordings serves the recording calls; nil leaves them unsupported (unless disabled).
	Recordings RecordingAPI
	// Analytics forwards analytics_callback posts; nil drops them (still answering 204).
	Analytics AnalyticsForwarder
}

// Handler serves the BBB API.
type Handler struct {
	cfg       Config
	secrets   atomic.Pointer[[]string] // cfg.Secrets, replaced by SetSecrets
	store     Store
	meetings  *scalelite.MeetingService
	logger    *slog.Logger
	now       func() time.Time
	actions   map[string]action
	recs      RecordingAPI
	analytics AnalyticsForwarder
}

// New returns a Handler.
func New(cfg Config, deps Deps) (*Handler, error) {
	if deps.Store == nil || deps.Meetings == nil || deps.Logger == nil {
		return nil, errors.New("bbbfacade: Store, Meetings and Logger are required")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 32 << 20
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 20 * time.Second
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	h := &Handler{
		cfg: cfg, store: deps.Store, meetings: deps.Meetings, logger: deps.Logger.With("component", "bbbapi"), now: now,
		recs: deps.Recordings, analytics: deps.Analytics,
	}
	h.secrets.Store(&cfg.Secrets)
	h.actions = h.routes()
	return h, nil
}

// SetSecrets replaces the balancer's own secrets (Config.Secrets) while serving: a
// configuration reload (SIGHUP).
func (h *Handler) SetSecrets(secrets []string) { h.secrets.Store(&secrets) }

func (h *Handler) secretList() []string { return *h.secrets.Load() }
