// Package graph is the GraphQL control plane: the schema in schema/*.graphqls, thin resolvers over
// the domain services (the same ones the CLI and the admin REST API call), per-operation
// dataloaders, the error presenter, API-key authentication and the HTTP/websocket handler
// (NewHandler). Code in generated/ and model/models_gen.go is written by gqlgen; never edit it.
package graph

//go:generate go tool gqlgen generate

import (
	"context"
	"log/slog"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/serversync"
)

// Store is what queries read directly; every change goes through a service.
type Store interface {
	Server(ctx context.Context, id string) (*scalelite.Server, error)
	Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error)
	Meeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error)
	Meetings(ctx context.Context, f scalelite.MeetingFilter) ([]*scalelite.Meeting, error)
	CountMeetings(ctx context.Context, f scalelite.MeetingFilter) (int, error)
	Tenant(ctx context.Context, id string) (*scalelite.Tenant, error)
	Tenants(ctx context.Context) ([]*scalelite.Tenant, error)
	TenantSettings(ctx context.Context, tenantID string) ([]*scalelite.TenantSetting, error)
	Recording(ctx context.Context, recordID string) (*scalelite.Recording, error)
	Recordings(ctx context.Context, f scalelite.RecordingFilter) ([]*scalelite.Recording, int, error)
	scalelite.AuditStore
}

// ServerService is the server lifecycle (scalelite.ServerService).
type ServerService interface {
	Add(ctx context.Context, n scalelite.NewServer) (*scalelite.Server, []string, error)
	Update(ctx context.Context, id string, c scalelite.ServerChanges) (*scalelite.Server, error)
	SetLoadMultiplier(ctx context.Context, id string, m float64) (*scalelite.Server, error)
	Enable(ctx context.Context, id string) (*scalelite.Server, error)
	Cordon(ctx context.Context, id string) (*scalelite.Server, error)
	Disable(ctx context.Context, id string, force bool) (*scalelite.Server, scalelite.PanicResult, error)
	Panic(ctx context.Context, id string, keepState, skipEnd bool) (scalelite.PanicResult, error)
	Remove(ctx context.Context, id string) error
}

// ServerSyncer applies servers:sync documents (serversync.Syncer).
type ServerSyncer interface {
	Sync(ctx context.Context, data []byte, mode serversync.Mode, dryRun bool) (serversync.Plan, error)
}

// Poller runs one synchronous poll round (poller.Poller).
type Poller interface {
	PollOnce(ctx context.Context) error
}

// TenantService manages tenants and settings (scalelite.TenantService).
type TenantService interface {
	Add(ctx context.Context, name, secrets string) (*scalelite.Tenant, error)
	// Change applies name, secrets and LRS/Keycloak changes in one update.
	Change(ctx context.Context, id string, c scalelite.TenantChanges) (*scalelite.Tenant, error)
	Remove(ctx context.Context, id string) error
	Resolve(ctx context.Context, ref string) (*scalelite.Tenant, error)
	AddSetting(ctx context.Context, tenantRef, param, value string, override bool) (*scalelite.TenantSetting, error)
	RemoveSetting(ctx context.Context, id string) error
}

// MeetingService ends meetings (scalelite.MeetingService).
type MeetingService interface {
	EndMeeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error)
}

// RecordingService changes recordings, index and files together (recordings.Service). A
// tenantID other than "" confines a call to that tenant's recordings.
type RecordingService interface {
	Publish(ctx context.Context, tenantID string, recordIDs []string, publish bool) error
	// Update reports false, changing nothing, unless every id matches.
	Update(ctx context.Context, tenantID string, recordIDs []string, meta map[string]string, protect *bool) (bool, error)
	Delete(ctx context.Context, tenantID string, recordIDs []string) error
}

// APIKeyService issues and checks API keys (scalelite.APIKeyService).
type APIKeyService interface {
	Create(ctx context.Context, name string, scope scalelite.Scope) (*scalelite.NewAPIKey, error)
	List(ctx context.Context) ([]*scalelite.APIKey, error)
	Revoke(ctx context.Context, id string) (*scalelite.APIKey, error)
	Authenticate(ctx context.Context, key string) (*scalelite.Principal, error)
}

// Deps are the stores and services the resolvers call. All are required except Poller and ServerSyncer
// (their mutations answer UNAVAILABLE when nil) and Logger.
type Deps struct {
	Store            Store
	ServerService    ServerService
	ServerSyncer     ServerSyncer
	Poller           Poller
	TenantService    TenantService
	MeetingService   MeetingService
	RecordingService RecordingService
	APIKeyService    APIKeyService
	// Events feeds the subscriptions (Redis pub/sub across instances, or the in-process broker).
	Events scalelite.Subscriber
	// DialIn is what the dialIn query reports.
	DialIn model.DialInSettings
	Logger *slog.Logger
	// Capacity measures servers in clusterStatus; zero means scalelite.DefaultCapacityPolicy.
	Capacity scalelite.CapacityPolicy
	// LoadHistory answers loadHistory (UNAVAILABLE when nil).
	LoadHistory LoadHistory
}

// Resolver is the root resolver. Resolvers translate between GraphQL and the domain; the rules
// live in the services and in scalelite.Principal.
type Resolver struct {
	Deps
}

// New returns the root resolver over d.
func New(d Deps) *Resolver {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Capacity.ServerLoad <= 0 {
		d.Capacity = scalelite.DefaultCapacityPolicy()
	}
	return &Resolver{Deps: d}
}
