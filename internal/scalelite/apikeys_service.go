package scalelite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"
)

// APIKeyPrefix starts every key we issue, so leaked keys are easy to recognise in logs and scans.
const APIKeyPrefix = "slk_"

// ActorAdminAPIKey is the audit actor of requests authenticated with ADMIN_API_KEY.
const ActorAdminAPIKey = "ADMIN_API_KEY"

// Principal is an authenticated control-plane client: who it is (for the audit log) and what it
// may do (its scope).
type Principal struct {
	KeyID string // "" for ADMIN_API_KEY
	Name  string // the audit actor
	Scope Scope
	// TenantID is the tenant of a tenant scope, resolved when the key is used.
	TenantID string
}

// Admin reports whether p may do everything, secrets included.
func (p *Principal) Admin() bool { return p != nil && p.Scope == ScopeAdmin }

// Tenant returns the tenant id of a tenant-scoped principal.
func (p *Principal) Tenant() (string, bool) {
	if p == nil {
		return "", false
	}
	if _, ok := p.Scope.Tenant(); !ok {
		return "", false
	}
	return p.TenantID, true
}

// RequireAdmin allows admin keys only (servers, tenants, API keys, secrets).
func (p *Principal) RequireAdmin(what string) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, "An API key is required")
	case p.Admin():
		return nil
	}
	return Errorf(EFORBIDDEN, "%s requires an admin key (this key's scope is %s)", what, p.Scope)
}

// RequireRead allows admin and read-only keys (cluster-wide data such as the audit log).
func (p *Principal) RequireRead(what string) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, "An API key is required")
	case p.Scope == ScopeAdmin || p.Scope == ScopeReadOnly:
		return nil
	}
	return Errorf(EFORBIDDEN, "%s is not available to tenant keys", what)
}

// RequireWrite allows keys that may change meetings and recordings: admin keys, and tenant keys
// within their tenant (checked per object with CanSeeTenant).
func (p *Principal) RequireWrite(what string) error {
	switch {
	case p == nil:
		return Errorf(EUNAUTHORIZED, "An API key is required")
	case p.Scope == ScopeReadOnly:
		return Errorf(EFORBIDDEN, "%s: read-only keys cannot change anything", what)
	}
	return nil
}

// CanSeeTenant reports whether p may see objects (meetings, recordings) of the given tenant id
// ("" for objects of no tenant).
func (p *Principal) CanSeeTenant(tenantID string) bool {
	if p == nil {
		return false
	}
	if t, ok := p.Tenant(); ok {
		return t != "" && t == tenantID
	}
	return true
}

// RecordingTenantID returns the tenant id a recording belongs to (its tenant-id metadatum, as
// Scalelite scopes recordings).
func RecordingTenantID(r *Recording) string { return r.Metadata[RecordingTenantKey] }

// RecordingTenantKey is the metadatum naming the tenant (id) of a recording.
const RecordingTenantKey = "tenant-id"

// APIKeyService issues, lists, revokes and checks control-plane API keys. Only a SHA-256 hash of
// each key is stored; the key itself is shown once, at creation. Authenticate records each
// stored key's last use (see TouchEvery).
type APIKeyService struct {
	Keys    APIKeyStore
	Tenants TenantStore // resolves tenant:NAME scopes; nil rejects tenant scopes
	// AdminKey is ADMIN_API_KEY: when non-empty it is accepted as an admin key. Change it while
	// serving with SetAdminKey only.
	AdminKey string
	adminKey atomic.Pointer[string] // set by SetAdminKey, then wins over AdminKey
	Now      func() time.Time
	// TouchEvery is how often, at most, a key's last use is written (0: DefaultTouchEvery).
	TouchEvery time.Duration
	// Logger receives failed last-use writes; nil discards them.
	Logger *slog.Logger

	uses keyUses
}

// NewAPIKeyService returns a service over keys; tenants resolves tenant scopes.
func NewAPIKeyService(keys APIKeyStore, tenants TenantStore, adminKey string) *APIKeyService {
	return &APIKeyService{Keys: keys, Tenants: tenants, AdminKey: adminKey, Now: time.Now}
}

// SetAdminKey replaces ADMIN_API_KEY while serving (a configuration reload); "" accepts none.
func (s *APIKeyService) SetAdminKey(key string) { s.adminKey.Store(&key) }

// HashAPIKey returns the stored form of a key: hex SHA-256.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// NewAPIKey is a created key: the key itself (shown once) and its stored record.
type NewAPIKey struct {
	Key    string
	Record *APIKey
}

// Create issues a key with the given scope. An empty name becomes the scope plus a short id. A
// tenant scope must name an existing tenant (EINVALID otherwise).
func (s *APIKeyService) Create(ctx context.Context, name string, scope Scope) (*NewAPIKey, error) {
	scope = Scope(strings.TrimSpace(string(scope)))
	if !scope.Valid() {
		return nil, Errorf(EINVALID, "Invalid scope %q: use admin, readonly or tenant:NAME", scope)
	}
	if tenant, ok := scope.Tenant(); ok {
		if err := s.checkTenant(ctx, tenant); err != nil {
			return nil, err
		}
	}
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	key := APIKeyPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
	id := lifecycleUUID()
	name = strings.TrimSpace(name)
	if name == "" {
		name = string(scope) + "-" + id[:8]
	}
	rec := &APIKey{ID: id, Name: name, Hash: HashAPIKey(key), Scope: scope, CreatedAt: s.now()}
	if err := s.Keys.CreateAPIKey(ctx, rec); err != nil {
		return nil, fmt.Errorf("create api key %q: %w", name, err)
	}
	return &NewAPIKey{Key: key, Record: rec}, nil
}

func (s *APIKeyService) checkTenant(ctx context.Context, name string) error {
	if s.Tenants == nil {
		return Errorf(EINVALID, "Tenant scopes need multitenancy")
	}
	if _, err := s.Tenants.TenantByName(ctx, name); err != nil {
		if IsNotFound(err) {
			return Errorf(EINVALID, "Unknown tenant %q", name)
		}
		return fmt.Errorf("api key scope: tenant %s: %w", name, err)
	}
	return nil
}

// List returns every key, revoked ones included.
func (s *APIKeyService) List(ctx context.Context) ([]*APIKey, error) {
	keys, err := s.Keys.APIKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return keys, nil
}

// Key returns one key by id (revoked ones included); ENOTFOUND when unknown.
func (s *APIKeyService) Key(ctx context.Context, id string) (*APIKey, error) {
	keys, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if k.ID == id {
			return k, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "No API key with id %s", id)
}

// Revoke revokes a key and returns it; ENOTFOUND when unknown. Revoking twice keeps the first
// revocation time.
func (s *APIKeyService) Revoke(ctx context.Context, id string) (*APIKey, error) {
	k, err := s.Key(ctx, id)
	if err != nil {
		return nil, err
	}
	if k.RevokedAt != nil {
		return k, nil
	}
	if err := s.Keys.RevokeAPIKey(ctx, id, s.now()); err != nil {
		return nil, fmt.Errorf("revoke api key %s: %w", id, err)
	}
	return s.Key(ctx, id)
}

// Authenticate returns the principal of a key: ADMIN_API_KEY, or a stored key that is not
// revoked. Unknown and revoked keys, and tenant keys whose tenant is gone, give EUNAUTHORIZED.
// A stored key's use is recorded in the background (noteUse): it never delays or fails the call.
func (s *APIKeyService) Authenticate(ctx context.Context, key string) (*Principal, error) {
	if key == "" {
		return nil, Errorf(EUNAUTHORIZED, "An API key is required")
	}
	hash := HashAPIKey(key)
	admin := s.AdminKey
	if p := s.adminKey.Load(); p != nil {
		admin = *p
	}
	if admin != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(HashAPIKey(admin))) == 1 {
		return &Principal{Name: ActorAdminAPIKey, Scope: ScopeAdmin}, nil
	}
	k, err := s.Keys.APIKeyByHash(ctx, hash)
	if err != nil {
		if IsNotFound(err) {
			return nil, Errorf(EUNAUTHORIZED, "Invalid or revoked API key")
		}
		return nil, fmt.Errorf("authenticate api key: %w", err)
	}
	// The lookup matched on the hash already; compare again in constant time so that a store
	// with a case-insensitive or prefix index cannot let a near miss through.
	if subtle.ConstantTimeCompare([]byte(k.Hash), []byte(hash)) != 1 || k.RevokedAt != nil {
		return nil, Errorf(EUNAUTHORIZED, "Invalid or revoked API key")
	}
	p := &Principal{KeyID: k.ID, Name: k.Name, Scope: k.Scope}
	if name, ok := k.Scope.Tenant(); ok {
		if s.Tenants == nil {
			return nil, Errorf(EUNAUTHORIZED, "Tenant keys need multitenancy")
		}
		t, err := s.Tenants.TenantByName(ctx, name)
		if err != nil {
			if IsNotFound(err) {
				return nil, Errorf(EUNAUTHORIZED, "The tenant of this API key no longer exists")
			}
			return nil, fmt.Errorf("authenticate api key: tenant %s: %w", name, err)
		}
		p.TenantID = t.ID
	}
	s.noteUse(ctx, k)
	return p, nil
}

func (s *APIKeyService) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}
