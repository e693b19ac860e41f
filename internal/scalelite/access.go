package scalelite

import (
	"context"
	"strings"
	"time"
)

// Scope of an API key: "admin", "readonly" or "tenant:<name>".
type Scope string

const (
	ScopeAdmin    Scope = "admin"
	ScopeReadOnly Scope = "readonly"
)

// TenantScope returns the scope of keys limited to one tenant.
func TenantScope(name string) Scope { return Scope("tenant:" + name) }

// Tenant returns the tenant name of a tenant scope and whether it is one.
func (s Scope) Tenant() (string, bool) {
	name, ok := strings.CutPrefix(string(s), "tenant:")
	return name, ok && name != ""
}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool {
	_, tenant := s.Tenant()
	return s == ScopeAdmin || s == ScopeReadOnly || tenant
}

// APIKey authenticates control-plane clients. Only a hash of the key is stored.
type APIKey struct {
	ID         string
	Name       string
	Hash       string // hex SHA-256 of the key
	Scope      Scope
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// APIKeyStore persists API keys. ENOTFOUND for unknown ids or hashes.
type APIKeyStore interface {
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns a key that is not revoked.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	APIKeys(ctx context.Context) ([]*APIKey, error)
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey records that the key was used at at (its LastUsedAt); a time not after the
	// stored one leaves it unchanged. ENOTFOUND for an unknown id.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// AuditEntry records one mutation made through GraphQL, the CLI or the admin REST API.
type AuditEntry struct {
	ID        int64
	Time      time.Time
	Actor     string // key name, "cli", "admin-api"
	Action    string // e.g. addServer
	Arguments string // JSON with secrets masked
	Result    string // "ok" or the error message
}

// AuditStore persists audit entries, newest first.
type AuditStore interface {
	AddAuditEntry(ctx context.Context, e *AuditEntry) error
	// AuditEntries returns up to limit entries with ID < beforeID (0: from the newest) and the total.
	AuditEntries(ctx context.Context, beforeID int64, limit int) ([]*AuditEntry, int, error)
}
