// Package bbbfacade serves the BigBlueButton API (/bigbluebutton/api/*) of the balancer: it parses
// and authenticates each call as BBB and Scalelite do, places and routes meetings through the
// domain, and answers with BBB's XML. One file per API call; errors become BBB XML in errors.go.
package bbbfacade

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Config is the facade's part of the configuration; cmd maps internal/config onto it.
type Config struct {
	// Secrets are LOADBALANCER_SECRET then LOADBALANCER_SECRETS (used without multitenancy).
	Secrets []string
	// Algorithms are the accepted checksum algorithms (LOADBALANCER_CHECKSUM_ALGORITHM); nil
	// accepts all four. Outbound calls are signed with the strongest (SHA-256 when nil).
	Algorithms []bbb.Algorithm
	// Multitenancy (MULTITENANCY_ENABLED): the tenant is the first label of the request host.
	Multitenancy bool
	// TrustedProxies are the IPs/CIDRs whose X-Forwarded-Host is believed (same list as the
	// server's trusted proxies).
	TrustedProxies []string
	// URLHost (URL_HOST) builds the analytics callback URL; "" uses the request host.
	URLHost string
	// GetMeetingsDisabled (GET_MEETINGS_API_DISABLED) answers getMeetings with no meetings.
	GetMeetingsDisabled bool
	// BuildNumber (BUILD_NUMBER) is added to the index answer when set.
	BuildNumber string
	// MaxMeetingDuration (minutes, 0 = off) caps create's duration.
	MaxMeetingDuration int
	// VoiceBridgeLen (VOICE_BRIDGE_LEN, default 9) and UseExternalVoiceBridge.
	VoiceBridgeLen         int
	UseExternalVoiceBridge bool
	// Create and Join are the parameter policies (DEFAULT_/OVERRIDE_*_PARAMS, *_EXCLUDE_PARAMS).
	Create scalelite.ParamPolicy
	Join   scalelite.ParamPolicy
	// LoadMinUserCount (LOAD_MIN_USER_COUNT, default 15) is a new meeting's minimum reservation.
	LoadMinUserCount int
	// Timeouts are CONNECT_TIMEOUT and RESPONSE_TIMEOUT (5 s and 10 s by default).
	Timeouts bbb.Timeouts
	// LoadFlushInterval is how often join load bumps are written (default 1 s).
	LoadFlushInterval time.Duration
	// MaxBodyBytes bounds a POST body (default 32 MiB).
	MaxBodyBytes int64
	// JoinCacheTTL is how long join keeps meeting and server rows in memory (default 1 s;
	// negative disables the cache). See join_cache.go.
	JoinCacheTTL time.Duration
	// Recordings configures the recording calls (recordings_api.go).
	Recordings RecordingsConfig
}

// Store is what the facade needs of the system of record.
type Store interface {
	scalelite.ServerStore
	scalelite.MeetingStore
	TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error)
	TenantSettings(ctx context.Context, tenantID string) ([]*scalelite.TenantSetting, error)
	PutCallbackData(ctx context.Context, c *scalelite.CallbackData) error
	CallbackData(ctx context.Context, meetingID string) (*scalelite.CallbackData, error)
}

// Deps are the facade's collaborators. Store and Logger are required.
type Deps struct {
	Store  Store
	Logger *slog.Logger
	Events scalelite.Publisher // may be nil
	Now    func() time.Time    // nil: time.Now
	// Recordings serves the recording calls; nil leaves them unsupported (unless disabled).
	Recordings RecordingAPI
}

// Handler serves the BBB API.
type Handler struct {
	cfg      Config
	secrets  atomic.Pointer[[]string] // cfg.Secrets, replaced by SetSecrets
	store    Store
	client   *bbb.Client
	backend  *bbb.Backend
	meetings *scalelite.MeetingService
	logger   *slog.Logger
	now      func() time.Time
	trusted  []*net.IPNet
	bumps    loadBumps
	cache    *joinCache
	actions  map[string]action
	recs     RecordingAPI
}

// New returns a Handler. It makes its own BBB client signing with the strongest allowed
// algorithm.
func New(cfg Config, deps Deps) (*Handler, error) {
	if deps.Store == nil || deps.Logger == nil {
		return nil, errors.New("bbbfacade: Store and Logger are required")
	}
	if cfg.Timeouts == (bbb.Timeouts{}) {
		cfg.Timeouts = bbb.DefaultTimeouts
	}
	if cfg.VoiceBridgeLen <= 0 {
		cfg.VoiceBridgeLen = scalelite.DefaultVoiceBridgeLen
	}
	if cfg.LoadFlushInterval <= 0 {
		cfg.LoadFlushInterval = time.Second
	}
	if cfg.JoinCacheTTL == 0 {
		cfg.JoinCacheTTL = time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 32 << 20
	}
	trusted, err := parseTrusted(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	now := deps.Now
	if now == nil {
		now = time.Now
	}
	client := bbb.NewClient(bbb.Strongest(cfg.Algorithms), cfg.Timeouts)
	backend := bbb.NewBackend(client, cfg.Timeouts)
	logger := deps.Logger.With("component", "bbbapi")
	h := &Handler{
		cfg: cfg, store: deps.Store, client: client, backend: backend, logger: logger, now: now, trusted: trusted,
		meetings: scalelite.NewMeetingService(deps.Store, backend, deps.Events, now, logger),
		bumps:    loadBumps{deltas: map[string]float64{}},
		cache:    newJoinCache(cfg.JoinCacheTTL),
		recs:     deps.Recordings,
	}
	h.secrets.Store(&cfg.Secrets)
	h.actions = h.routes()
	return h, nil
}

// SetSecrets replaces the balancer's own secrets (Config.Secrets) while serving: a
// configuration reload (SIGHUP).
func (h *Handler) SetSecrets(secrets []string) { h.secrets.Store(&secrets) }

func (h *Handler) secretList() []string { return *h.secrets.Load() }

// Backend returns the scalelite.Backend the handler uses (for services wired in cmd).
func (h *Handler) Backend() *bbb.Backend { return h.backend }

// Meetings returns the meeting service the handler uses.
func (h *Handler) Meetings() *scalelite.MeetingService { return h.meetings }

// Close releases idle backend connections.
func (h *Handler) Close() { h.client.CloseIdleConnections() }

func parseTrusted(list []string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, p := range list {
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, errors.New("bbbfacade: trusted proxy " + p + " is not an IP or CIDR")
			}
			bits := 128
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, errors.New("bbbfacade: trusted proxy " + p + " is not an IP or CIDR")
		}
		nets = append(nets, n)
	}
	return nets, nil
}
