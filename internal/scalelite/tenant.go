package scalelite

import (
	"context"
	"time"
)

// Tenant is a customer of a multitenant balancer, addressed by the first label of the request
// host. Each has its own secrets; servers are shared by all tenants.
type Tenant struct {
	ID      string // UUID
	Name    string // unique, the host label
	Secrets []string

	LRSEndpoint    string
	LRSUsername    string
	LRSPassword    string
	KCTokenURL     string
	KCClientID     string
	KCClientSecret string
	KCUsername     string
	KCPassword     string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// TenantUpdate changes the listed fields; nil fields stay as they are.
type TenantUpdate struct {
	Name    *string
	Secrets []string // nil: unchanged

	// LRS (xAPI) and Keycloak settings; "" clears one.
	LRSEndpoint    *string
	LRSUsername    *string
	LRSPassword    *string
	KCTokenURL     *string
	KCClientID     *string
	KCClientSecret *string
	KCUsername     *string
	KCPassword     *string
}

// TenantSetting is a create or join parameter a tenant sets by default or enforces (override).
type TenantSetting struct {
	ID       string // UUID
	TenantID string
	Param    string
	Value    string
	Override bool
}

// TenantStore persists tenants and their settings. ENOTFOUND for unknown ids or names,
// ECONFLICT for a duplicate name or (tenant, param) setting.
type TenantStore interface {
	CreateTenant(ctx context.Context, t *Tenant) error
	Tenant(ctx context.Context, id string) (*Tenant, error)
	TenantByName(ctx context.Context, name string) (*Tenant, error)
	// Tenants returns every tenant ordered by name.
	Tenants(ctx context.Context) ([]*Tenant, error)
	UpdateTenant(ctx context.Context, id string, u TenantUpdate) (*Tenant, error)
	// DeleteTenant removes the tenant and its settings.
	DeleteTenant(ctx context.Context, id string) error

	CreateTenantSetting(ctx context.Context, s *TenantSetting) error
	// TenantSettings returns the settings of one tenant, or of all tenants for "", ordered by
	// tenant then param.
	TenantSettings(ctx context.Context, tenantID string) ([]*TenantSetting, error)
	DeleteTenantSetting(ctx context.Context, id string) error
}
