package scalelite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Backend is what the domain needs of a BBB server. Implementations sign the calls with the
// server's secret and use reduced timeouts for servers marked offline.
//
// Errors: a FAILED answer gives EINVALID (ENOTFOUND for BBB's notFound) with BBB's message, its
// chain holding the protocol's error with BBB's messageKey; a transport failure (refused,
// timeout, HTTP error, an answer that is not XML) gives EUNAVAILABLE wrapping
// ErrServerUnreachable. Errors never carry the query sent (it holds passwords and the checksum).
type Backend interface {
	// Call sends action with p to srv (a POST of body as application/xml when body is not nil)
	// and returns the answer document as received.
	Call(ctx context.Context, srv *Server, action string, p Params, body []byte) ([]byte, error)
	// MeetingRunning asks isMeetingRunning.
	MeetingRunning(ctx context.Context, srv *Server, meetingID string) (bool, error)
	// EndMeeting sends end with the moderator password (a bare key when it is "").
	EndMeeting(ctx context.Context, srv *Server, meetingID, moderatorPW string) error
	// ListMeetings asks getMeetings and returns the meetings listed, in the answer's order.
	ListMeetings(ctx context.Context, srv *Server) ([]ListedMeeting, error)
	// JoinURL returns the signed join URL on srv with p.
	JoinURL(srv *Server, p Params) string
}

// ListedMeeting is one meeting of a server's getMeetings answer.
type ListedMeeting struct {
	MeetingID string
	TenantID  string // its meta_tenant-id, "" when none
	Raw       []byte // the <meeting> element as received
}

// LRSPayloads encrypts a tenant's learning-record-store credentials for one server (Scalelite's
// meta_secret-lrs-payload); "" when the tenant has no LRS or the payload cannot be made (the
// implementation logs why).
type LRSPayloads interface {
	LRSPayload(ctx context.Context, t *Tenant, serverSecret string) string
}

// ErrServerUnreachable is in the chain of every Backend transport failure.
var ErrServerUnreachable = errors.New("server unreachable")

// ErrUnknownMeeting: no running meeting has this meetingID for this tenant (as in Scalelite,
// another tenant's meeting is not found either).
var ErrUnknownMeeting = errors.New("no such running meeting")

// ErrMeetingServerGone: the meeting's server was removed, so the call cannot reach the meeting.
var ErrMeetingServerGone = errors.New("the meeting's server was removed")

// ErrServerUnavailable: the meeting's server is offline or disabled and the meeting could not be
// re-created elsewhere.
var ErrServerUnavailable = errors.New("the server for this meeting is disabled or offline")

// MeetingServiceStore is the part of the Store the meeting service uses.
type MeetingServiceStore interface {
	ServerStore
	MeetingStore
	DialInStore
	TenantSettings(ctx context.Context, tenantID string) ([]*TenantSetting, error)
	PutCallbackData(ctx context.Context, c *CallbackData) error
	CallbackData(ctx context.Context, meetingID string) (*CallbackData, error)
}

// MeetingPolicy is the operator's configuration of the meeting calls.
type MeetingPolicy struct {
	// Create and Join are the parameter policies (DEFAULT_/OVERRIDE_*_PARAMS, *_EXCLUDE_PARAMS).
	Create, Join ParamPolicy
	// MaxMeetingDuration (minutes, 0 = off) caps create's duration.
	MaxMeetingDuration int
	// VoiceBridgeLen (VOICE_BRIDGE_LEN) and UseExternalVoiceBridge.
	VoiceBridgeLen         int
	UseExternalVoiceBridge bool
	// LoadMinUserCount (LOAD_MIN_USER_COUNT) is a new meeting's minimum reservation.
	LoadMinUserCount int
	// JoinCacheTTL is how long join keeps meeting and server rows in memory (default 1 s;
	// negative disables the cache). See join_cache.go.
	JoinCacheTTL time.Duration
	// StoreTimeout bounds each store read of a join, after which the copy last read (if any) is
	// used: joins keep working while the database hangs (default 2 s).
	StoreTimeout time.Duration
	// LoadFlushInterval is how often join load bumps are written (default 1 s).
	LoadFlushInterval time.Duration
	// RecoverTimeout bounds the recovery a join starts (a join has no overall deadline: its
	// store reads are bounded by StoreTimeout); default 20 s, as API_REQUEST_TIMEOUT.
	RecoverTimeout time.Duration
}

func (p MeetingPolicy) withDefaults() MeetingPolicy {
	if p.VoiceBridgeLen <= 0 {
		p.VoiceBridgeLen = DefaultVoiceBridgeLen
	}
	if p.JoinCacheTTL == 0 {
		p.JoinCacheTTL = time.Second
	}
	if p.StoreTimeout <= 0 {
		p.StoreTimeout = 2 * time.Second
	}
	if p.LoadFlushInterval <= 0 {
		p.LoadFlushInterval = time.Second
	}
	if p.RecoverTimeout <= 0 {
		p.RecoverTimeout = 20 * time.Second
	}
	return p
}

// MeetingServiceDeps are the service's collaborators. Store, Backend and Logger are required.
type MeetingServiceDeps struct {
	Store   MeetingServiceStore
	Backend Backend
	Health  *PassiveHealth   // nil: no passive health
	LRS     LRSPayloads      // nil: no LRS payloads
	Events  Publisher        // nil: no events
	Now     func() time.Time // nil: time.Now
	Logger  *slog.Logger
}

// MeetingService is every meeting operation, whichever surface asks: the BBB API, GraphQL, the
// admin API and the CLI call the same methods. It finds or places meetings (one transaction,
// PlaceRequest), undoes a placement whose backend create failed, recovers meetings from servers
// that left service, routes joins, ends meetings and publishes an event for each change.
type MeetingService struct {
	policy  MeetingPolicy
	store   MeetingServiceStore
	backend Backend
	health  *PassiveHealth
	lrs     LRSPayloads
	events  Publisher
	now     func() time.Time
	logger  *slog.Logger
	cache   *joinCache
	bumps   loadBumps

	mu       sync.Mutex
	inflight map[string]*recoverCall
}

// NewMeetingService returns a service.
func NewMeetingService(policy MeetingPolicy, d MeetingServiceDeps) (*MeetingService, error) {
	if d.Store == nil || d.Backend == nil || d.Logger == nil {
		return nil, errors.New("meeting service: Store, Backend and Logger are required")
	}
	policy = policy.withDefaults()
	now := d.Now
	if now == nil {
		now = time.Now
	}
	return &MeetingService{
		policy: policy, store: d.Store, backend: d.Backend, health: d.Health, lrs: d.LRS, events: d.Events,
		now: now, logger: d.Logger.With("component", "meetings"), cache: newJoinCache(policy.JoinCacheTTL),
		bumps: loadBumps{deltas: map[string]float64{}}, inflight: map[string]*recoverCall{},
	}, nil
}

// Policy returns the effective policy (defaults applied).
func (s *MeetingService) Policy() MeetingPolicy { return s.policy }

// tenantID is t's id, "" without multitenancy.
func tenantID(t *Tenant) string {
	if t == nil {
		return ""
	}
	return t.ID
}

// meeting returns the running meeting of this tenant; another tenant's meeting (or a tenant-less
// one seen from a tenant) is not found, as in Scalelite.
func (s *MeetingService) meeting(ctx context.Context, tenantID, meetingID string) (*Meeting, error) {
	m, err := s.store.Meeting(ctx, meetingID)
	if IsNotFound(err) || err == nil && m.TenantID != tenantID {
		return nil, unknownMeeting(meetingID)
	}
	if err != nil {
		return nil, fmt.Errorf("meeting %s: %w", meetingID, err)
	}
	return m, nil
}

func unknownMeeting(meetingID string) error {
	return &Error{Code: ENOTFOUND, Message: "meeting " + meetingID + " is not running", Err: ErrUnknownMeeting}
}

// server returns a meeting's server, nil when it was removed.
func (s *MeetingService) server(ctx context.Context, id string) (*Server, error) {
	srv, err := s.store.Server(ctx, id)
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", id, err)
	}
	return srv, nil
}

// meetingOnServer looks up the tenant's running meeting and its server; a meeting whose server
// was removed cannot be reached (ErrMeetingServerGone).
func (s *MeetingService) meetingOnServer(ctx context.Context, tenantID, meetingID string) (*Meeting, *Server, error) {
	m, err := s.meeting(ctx, tenantID, meetingID)
	if err != nil {
		return nil, nil, err
	}
	srv, err := s.server(ctx, m.ServerID)
	if err != nil {
		return nil, nil, err
	}
	if srv == nil {
		return nil, nil, fmt.Errorf("meeting %s on server %s: %w", meetingID, m.ServerID, ErrMeetingServerGone)
	}
	return m, srv, nil
}

// tenantParams loads the tenant's default and override settings (none without a tenant).
func (s *MeetingService) tenantParams(ctx context.Context, t *Tenant) (TenantParams, error) {
	if t == nil {
		return TenantParams{}, nil
	}
	list, err := s.store.TenantSettings(ctx, t.ID)
	if err != nil {
		return TenantParams{}, fmt.Errorf("tenant settings of %s: %w", t.Name, err)
	}
	return TenantParamsFrom(list), nil
}

// call sends a call to srv and tells passive health how it went.
func (s *MeetingService) call(ctx context.Context, srv *Server, action string, p Params, body []byte) ([]byte, error) {
	raw, err := s.backend.Call(ctx, srv, action, p, body)
	s.health.Observe(ctx, srv.ID, err)
	return raw, err
}

// undo reverts a placement even when the request's context has ended.
func (s *MeetingService) undo(ctx context.Context, res PlaceResult) {
	if !res.Placed() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.store.UndoPlacement(ctx, res); err != nil {
		s.logger.ErrorContext(ctx, "undo placement", "meeting_id", res.Meeting.MeetingID, "error", err)
	}
}

// publishMeeting announces a change of m (after it happened).
func (s *MeetingService) publishMeeting(ctx context.Context, typ string, m *Meeting, serverID, detail string) {
	if s.events == nil {
		return
	}
	e := Event{Topic: TopicMeetingEvents, Type: typ, Time: s.now(), MeetingID: m.MeetingID, ServerID: serverID,
		TenantID: m.TenantID, Detail: detail}
	if err := s.events.Publish(ctx, e); err != nil {
		s.logger.WarnContext(ctx, "publish event", "topic", e.Topic, "type", typ, "error", err)
	}
}
