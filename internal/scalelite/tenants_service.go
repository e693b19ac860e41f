package scalelite

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TenantService manages tenants and their settings (Scalelite's tenants and tenantSettings rake
// tasks and the admin API). Unlike Scalelite it refuses duplicate names and checks settings.
type TenantService struct {
	Store TenantStore
}

// NewTenantService returns a service over store.
func NewTenantService(store TenantStore) *TenantService { return &TenantService{Store: store} }

var tenantNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// ValidateTenantName checks that name can be the first label of a request's host, which is how
// a request finds its tenant (without regard to case). Everything Scalelite's users name tenants
// with passes (letters in either case, digits, hyphens, e.g. SHA1-tenant), and underscores,
// which DNS allows in labels; a name no host can start with (a dot, a space, a character
// outside ASCII, more than 63 characters) is refused.
func ValidateTenantName(name string) error {
	if !tenantNameRE.MatchString(name) {
		return Errorf(EINVALID, "Tenant name %q can never match a request's host name: a tenant is found by the first label "+
			"of the host, so its name must be 1 to 63 letters, digits, hyphens or underscores (no dots or spaces; "+
			"an international name in its xn-- form)", name)
	}
	return nil
}

// ParseSecrets splits a ':'-separated secret list, dropping empty entries.
func ParseSecrets(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ":") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Add creates a tenant; secrets is the ':'-separated list.
func (s *TenantService) Add(ctx context.Context, name, secrets string) (*Tenant, error) {
	if name == "" || secrets == "" {
		return nil, Errorf(EINVALID, "Error: both name and secrets are required to create a Tenant")
	}
	if err := ValidateTenantName(name); err != nil {
		return nil, err
	}
	list := ParseSecrets(secrets)
	if len(list) == 0 {
		return nil, Errorf(EINVALID, "Tenant needs at least one secret")
	}
	t := &Tenant{ID: lifecycleUUID(), Name: name, Secrets: list}
	if err := s.Store.CreateTenant(ctx, t); err != nil {
		return nil, fmt.Errorf("add tenant %s: %w", name, err)
	}
	return t, nil
}

// Update renames a tenant or replaces its secrets; nil leaves a field unchanged.
func (s *TenantService) Update(ctx context.Context, id string, name, secrets *string) (*Tenant, error) {
	return s.Change(ctx, id, TenantChanges{Name: name, Secrets: secrets})
}

// Change applies c to the tenant in one update; nil fields stay as they are. Names, secrets and
// LRS URLs are checked first (EINVALID).
func (s *TenantService) Change(ctx context.Context, id string, c TenantChanges) (*Tenant, error) {
	u := TenantUpdate{Name: c.Name}
	if c.Name != nil {
		if err := ValidateTenantName(*c.Name); err != nil {
			return nil, err
		}
	}
	if c.Secrets != nil {
		if u.Secrets = ParseSecrets(*c.Secrets); len(u.Secrets) == 0 {
			return nil, Errorf(EINVALID, "Tenant needs at least one secret")
		}
	}
	if err := c.LRS.apply(&u); err != nil {
		return nil, err
	}
	t, err := s.Store.UpdateTenant(ctx, id, u)
	if err != nil {
		return nil, fmt.Errorf("update tenant %s: %w", id, err)
	}
	return t, nil
}

// Remove deletes a tenant and its settings.
func (s *TenantService) Remove(ctx context.Context, id string) error {
	if err := s.Store.DeleteTenant(ctx, id); err != nil {
		return fmt.Errorf("remove tenant %s: %w", id, err)
	}
	return nil
}

// Resolve finds a tenant by id, else by name.
func (s *TenantService) Resolve(ctx context.Context, ref string) (*Tenant, error) {
	t, err := s.Store.Tenant(ctx, ref)
	if err == nil {
		return t, nil
	}
	if !IsNotFound(err) {
		return nil, fmt.Errorf("tenant %s: %w", ref, err)
	}
	t, err = s.Store.TenantByName(ctx, ref)
	if IsNotFound(err) {
		return nil, Errorf(ENOTFOUND, "Couldn't find Tenant with id=%s", ref)
	}
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", ref, err)
	}
	return t, nil
}

var settingParamRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// ParseOverride reads a setting's override flag as Scalelite does ("true" is an override,
// "false" a default); other values are invalid.
func ParseOverride(v string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, Errorf(EINVALID, "Override must be true or false, not %q", v)
	}
	return b, nil
}

// AddSetting adds a create/join parameter default (override false) or override to the tenant
// given by id or name.
func (s *TenantService) AddSetting(ctx context.Context, tenantRef, param, value string, override bool) (*TenantSetting, error) {
	t, err := s.Resolve(ctx, tenantRef)
	if err != nil {
		return nil, err
	}
	if !settingParamRE.MatchString(param) || param == "checksum" {
		return nil, Errorf(EINVALID, "Invalid parameter name %q", param)
	}
	ts := &TenantSetting{ID: lifecycleUUID(), TenantID: t.ID, Param: param, Value: value, Override: override}
	if err := s.Store.CreateTenantSetting(ctx, ts); err != nil {
		return nil, fmt.Errorf("add setting %s to tenant %s: %w", param, t.Name, err)
	}
	return ts, nil
}

// RemoveSetting deletes one setting.
func (s *TenantService) RemoveSetting(ctx context.Context, id string) error {
	if err := s.Store.DeleteTenantSetting(ctx, id); err != nil {
		return fmt.Errorf("remove tenant setting %s: %w", id, err)
	}
	return nil
}
