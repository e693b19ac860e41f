package scalelite

import (
	"context"
	"net/url"
	"strings"
)

// TenantChanges lists what TenantService.Change changes; nil fields stay as they are.
type TenantChanges struct {
	Name    *string
	Secrets *string // ':'-separated
	LRS     LRSChanges
}

// LRSChanges lists a tenant's LRS (xAPI) and Keycloak settings to change; nil fields stay, ""
// clears one. A tenant with an LRS endpoint gets an LRS payload at create: basic credentials
// when Username is set, else a token fetched from Keycloak (Scalelite's rule).
type LRSChanges struct {
	Endpoint *string
	Username *string
	Password *string

	KCTokenURL     *string
	KCClientID     *string
	KCClientSecret *string
	KCUsername     *string
	KCPassword     *string
}

// apply checks the URLs and copies the changes into u.
func (c LRSChanges) apply(u *TenantUpdate) error {
	for _, f := range []struct {
		what string
		url  *string
	}{{"LRS endpoint", c.Endpoint}, {"Keycloak token URL", c.KCTokenURL}} {
		if f.url != nil && *f.url != "" {
			if err := validateHTTPURL(f.what, *f.url); err != nil {
				return err
			}
		}
	}
	u.LRSEndpoint, u.LRSUsername, u.LRSPassword = c.Endpoint, c.Username, c.Password
	u.KCTokenURL, u.KCClientID, u.KCClientSecret, u.KCUsername, u.KCPassword = c.KCTokenURL, c.KCClientID, c.KCClientSecret, c.KCUsername, c.KCPassword
	return nil
}

func validateHTTPURL(what, u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Hostname() == "" {
		return Errorf(EINVALID, "%s must be an http:// or https:// URL with a host: %q", what, u)
	}
	return nil
}

// LRSBasic is an LRS reached with basic authentication (Scalelite's tenants:update_lrs_basic).
type LRSBasic struct {
	Endpoint, Username, Password string
}

// LRSKeycloak is an LRS reached with a token from Keycloak's password grant (Scalelite's
// tenants:update_lrs_kc).
type LRSKeycloak struct {
	Endpoint, TokenURL, ClientID, ClientSecret, Username, Password string
}

// SetLRSBasic points the tenant at an LRS with basic authentication. Every value is required.
// Unlike Scalelite, it clears the Keycloak settings, so the tenant is in exactly one mode.
func (s *TenantService) SetLRSBasic(ctx context.Context, id string, b LRSBasic) (*Tenant, error) {
	if anyBlank(b.Endpoint, b.Username, b.Password) {
		return nil, Errorf(EINVALID, "Error: id, LRS endpoint, LRS username and LRS password are required to update a Tenant")
	}
	empty := ""
	return s.Change(ctx, id, TenantChanges{LRS: LRSChanges{
		Endpoint: &b.Endpoint, Username: &b.Username, Password: &b.Password,
		KCTokenURL: &empty, KCClientID: &empty, KCClientSecret: &empty, KCUsername: &empty, KCPassword: &empty,
	}})
}

// SetLRSKeycloak points the tenant at an LRS whose token comes from Keycloak. Every value is
// required. Unlike Scalelite, it clears the basic username and password: while those are set,
// create sends them instead of a Keycloak token.
func (s *TenantService) SetLRSKeycloak(ctx context.Context, id string, k LRSKeycloak) (*Tenant, error) {
	if anyBlank(k.Endpoint, k.TokenURL, k.ClientID, k.ClientSecret, k.Username, k.Password) {
		return nil, Errorf(EINVALID, "Error: id, LRS endpoint, Keycloak token URL, client id, client secret, username and password are required to update a Tenant")
	}
	empty := ""
	return s.Change(ctx, id, TenantChanges{LRS: LRSChanges{
		Endpoint: &k.Endpoint, Username: &empty, Password: &empty,
		KCTokenURL: &k.TokenURL, KCClientID: &k.ClientID, KCClientSecret: &k.ClientSecret, KCUsername: &k.Username, KCPassword: &k.Password,
	}})
}

func anyBlank(values ...string) bool {
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			return true
		}
	}
	return false
}
