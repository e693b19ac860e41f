package adminapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// tenantJSON is a tenant as getTenants lists it; secrets are Scalelite's ':'-separated string.
type tenantJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Secrets string `json:"secrets"`
}

// tenantRawJSON is the whole tenant, as getTenantInfo and the tenant changes answer it: the
// list fields plus whichever LRS and Keycloak settings are set.
type tenantRawJSON struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Secrets        string `json:"secrets"`
	LRSEndpoint    string `json:"lrs_endpoint,omitempty"`
	LRSUsername    string `json:"lrs_username,omitempty"`
	LRSPassword    string `json:"lrs_password,omitempty"`
	KCTokenURL     string `json:"kc_token_url,omitempty"`
	KCClientID     string `json:"kc_client_id,omitempty"`
	KCClientSecret string `json:"kc_client_secret,omitempty"`
	KCUsername     string `json:"kc_username,omitempty"`
	KCPassword     string `json:"kc_password,omitempty"`
}

func renderTenantRaw(t *scalelite.Tenant) tenantRawJSON {
	return tenantRawJSON{ID: t.ID, Name: t.Name, Secrets: strings.Join(t.Secrets, ":"),
		LRSEndpoint: t.LRSEndpoint, LRSUsername: t.LRSUsername, LRSPassword: t.LRSPassword,
		KCTokenURL: t.KCTokenURL, KCClientID: t.KCClientID, KCClientSecret: t.KCClientSecret,
		KCUsername: t.KCUsername, KCPassword: t.KCPassword}
}

func notFoundTenant(id string) response {
	return response{http.StatusNotFound, errorBody("Couldn't find Tenant with id=" + id)}
}

// tenant looks a tenant up by id, answering 404 when it is unknown.
func (h *Handler) tenant(ctx context.Context, action, id string) (*scalelite.Tenant, *response) {
	t, err := h.deps.Store.Tenant(ctx, id)
	switch {
	case scalelite.IsNotFound(err) || (err == nil && id == ""):
		res := notFoundTenant(id)
		return nil, &res
	case err != nil:
		res := h.internal(ctx, action, err)
		return nil, &res
	}
	return t, nil
}

func (h *Handler) getTenants(ctx context.Context, _ params) response {
	tenants, err := h.deps.Store.Tenants(ctx)
	if err != nil {
		return h.internal(ctx, "getTenants", err)
	}
	if len(tenants) == 0 {
		return response{http.StatusOK, messageBody("No tenants exist")}
	}
	out := make([]tenantJSON, len(tenants))
	for i, t := range tenants {
		out[i] = tenantJSON{ID: t.ID, Name: t.Name, Secrets: strings.Join(t.Secrets, ":")}
	}
	return response{http.StatusOK, out}
}

func (h *Handler) getTenantInfo(ctx context.Context, p params) response {
	t, res := h.tenant(ctx, "getTenantInfo", p.str("id"))
	if res != nil {
		return *res
	}
	return response{http.StatusOK, renderTenantRaw(t)}
}

func (h *Handler) addTenant(ctx context.Context, p params) response {
	t := p.nested("tenant")
	name, secrets := t.str("name"), t.secrets("secrets")
	if name == "" || secrets == "" {
		err := scalelite.Errorf(scalelite.EINVALID, "Error: both name and secrets are required to create a Tenant")
		h.audit(ctx, "addTenant", p, err)
		return response{http.StatusBadRequest, messageBody(err.Message)}
	}
	tenant, err := h.deps.Tenants.Add(ctx, name, secrets)
	h.audit(ctx, "addTenant", p, err)
	if err != nil {
		return h.tenantFailure(ctx, "addTenant", "", err)
	}
	return response{http.StatusCreated, map[string]any{"tenant": renderTenantRaw(tenant)}}
}

func (h *Handler) updateTenant(ctx context.Context, p params) response {
	id := p.str("id")
	if _, res := h.tenant(ctx, "updateTenant", id); res != nil {
		h.audit(ctx, "updateTenant", p, scalelite.Errorf(scalelite.ENOTFOUND, "Couldn't find Tenant with id=%s", id))
		return *res
	}
	t := p.nested("tenant")
	var name, secrets *string
	if t.has("name") {
		v := t.str("name")
		name = &v
	}
	if t.has("secrets") {
		v := t.secrets("secrets")
		secrets = &v
	}
	tenant, err := h.deps.Tenants.Update(ctx, id, name, secrets)
	h.audit(ctx, "updateTenant", p, err)
	if err != nil {
		return h.tenantFailure(ctx, "updateTenant", id, err)
	}
	return response{http.StatusOK, map[string]any{"tenant": renderTenantRaw(tenant)}}
}

func (h *Handler) deleteTenant(ctx context.Context, p params) response {
	id := p.str("id")
	if _, res := h.tenant(ctx, "deleteTenant", id); res != nil {
		h.audit(ctx, "deleteTenant", p, scalelite.Errorf(scalelite.ENOTFOUND, "Couldn't find Tenant with id=%s", id))
		return *res
	}
	err := h.deps.Tenants.Remove(ctx, id)
	h.audit(ctx, "deleteTenant", p, err)
	if err != nil {
		return h.tenantFailure(ctx, "deleteTenant", id, err)
	}
	return response{http.StatusOK, successBody("Tenant id=" + id + " was destroyed")}
}

// tenantFailure answers a tenant service error as Scalelite does: 404 for an unknown tenant, 422
// with the reason for anything the tenant could not be saved for (invalid or duplicate name).
func (h *Handler) tenantFailure(ctx context.Context, action, id string, err error) response {
	switch scalelite.ErrorCode(err) {
	case scalelite.ENOTFOUND:
		return notFoundTenant(id)
	case scalelite.EINVALID, scalelite.ECONFLICT:
		return response{http.StatusUnprocessableEntity, errorBody(scalelite.ErrorMessage(err))}
	}
	return h.internal(ctx, action, err)
}
