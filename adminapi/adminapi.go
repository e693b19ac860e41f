// Package adminapi serves Scalelite's JSON administration API, /scalelite/api/<action>, so that
// operator scripts written for Scalelite keep working: getServers, getServerInfo, addServer,
// updateServer, deleteServer, panicServer, getTenants, getTenantInfo, addTenant, updateTenant and
// deleteTenant, with Scalelite's status codes and JSON shapes.
//
// Requests are authenticated as Scalelite does: a BBB-style checksum over the action name and the
// URL query string with the load balancer's secrets (never a tenant's); the JSON body is not
// covered. Checksum, content-type and routing failures answer BBB XML error documents with HTTP
// 200, everything else JSON. Every change goes through the shared domain services (the same ones
// as the CLI and GraphQL) and writes an audit entry with the actor "admin-api".
//
// It is a plain net/http handler; mount it on "/scalelite/api/*" for GET and POST.
package adminapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync/atomic"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Actor is the audit actor of every change made through this API.
const Actor = "admin-api"

// Config is the admin API's section of the configuration.
type Config struct {
	// Secrets are the load balancer's secrets (LOADBALANCER_SECRET then LOADBALANCER_SECRETS).
	Secrets []string
	// Algorithms are the accepted checksum algorithms (LOADBALANCER_CHECKSUM_ALGORITHM); nil
	// accepts all.
	Algorithms []bbb.Algorithm
	// MultitenancyEnabled turns the tenant endpoints on (412 otherwise).
	MultitenancyEnabled bool
}

// ServerService is the server lifecycle (scalelite.ServerService).
type ServerService interface {
	Add(ctx context.Context, n scalelite.NewServer) (*scalelite.Server, []string, error)
	Update(ctx context.Context, id string, c scalelite.ServerChanges) (*scalelite.Server, error)
	Enable(ctx context.Context, id string) (*scalelite.Server, error)
	Cordon(ctx context.Context, id string) (*scalelite.Server, error)
	Disable(ctx context.Context, id string, force bool) (*scalelite.Server, scalelite.PanicResult, error)
	Panic(ctx context.Context, id string, keepState, skipEnd bool) (scalelite.PanicResult, error)
	Remove(ctx context.Context, id string) error
}

// TenantService manages tenants (scalelite.TenantService).
type TenantService interface {
	Add(ctx context.Context, name, secrets string) (*scalelite.Tenant, error)
	Update(ctx context.Context, id string, name, secrets *string) (*scalelite.Tenant, error)
	Remove(ctx context.Context, id string) error
}

// Store is what the read endpoints and the audit log need.
type Store interface {
	Server(ctx context.Context, id string) (*scalelite.Server, error)
	Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error)
	Tenant(ctx context.Context, id string) (*scalelite.Tenant, error)
	Tenants(ctx context.Context) ([]*scalelite.Tenant, error)
	scalelite.AuditStore
}

// Deps are the handler's collaborators; all are required except Logger.
type Deps struct {
	Servers ServerService
	Tenants TenantService
	Store   Store
	Logger  *slog.Logger
}

// Handler serves /scalelite/api/<action>.
type Handler struct {
	cfg     Config
	secrets atomic.Pointer[[]string] // cfg.Secrets, replaced by SetSecrets
	deps    Deps
	logger  *slog.Logger
	routes  map[route]endpoint
}

type route struct{ method, action string }

// endpoint answers one action; p holds the merged query and JSON body parameters.
type endpoint func(ctx context.Context, p params) response

// New returns the admin API handler.
func New(cfg Config, deps Deps) *Handler {
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &Handler{cfg: cfg, deps: deps, logger: logger.With("component", "adminapi")}
	h.secrets.Store(&cfg.Secrets)
	h.routes = map[route]endpoint{
		{http.MethodGet, "getServers"}:    h.getServers,
		{http.MethodGet, "getServerInfo"}: h.getServerInfo,
		{http.MethodPost, "addServer"}:    h.addServer,
		{http.MethodPost, "updateServer"}: h.updateServer,
		{http.MethodPost, "deleteServer"}: h.deleteServer,
		{http.MethodPost, "panicServer"}:  h.panicServer,
		{http.MethodGet, "getTenants"}:    h.tenantsOnly(h.getTenants),
		{http.MethodGet, "getTenantInfo"}: h.tenantsOnly(h.getTenantInfo),
		{http.MethodPost, "addTenant"}:    h.tenantsOnly(h.addTenant),
		{http.MethodPost, "updateTenant"}: h.tenantsOnly(h.updateTenant),
		{http.MethodPost, "deleteTenant"}: h.tenantsOnly(h.deleteTenant),
	}
	return h
}

// SetSecrets replaces the balancer's secrets (Config.Secrets) while serving: a configuration
// reload (SIGHUP).
func (h *Handler) SetSecrets(secrets []string) { h.secrets.Store(&secrets) }

// maxBody caps a request body.
const maxBody = 1 << 20

// BBB error keys of the XML answers.
const (
	keyChecksum           = "checksumError"
	keyUnsupportedRequest = "unsupportedRequest"
	keyUnsupportedContent = "unsupportedContentType"
)

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	action := path.Base(r.URL.Path)
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	ep, ok := h.routes[route{method, action}]
	if !ok {
		// Scalelite's catch-all route: unknown actions and wrong methods.
		writeXMLError(w, keyUnsupportedRequest, "This request is not supported.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeJSON(w, http.StatusBadRequest, errorBody("Request body too large or unreadable"))
		return
	}
	if r.Method == http.MethodPost && len(body) > 0 && !isJSON(r.Header.Get("Content-Type")) {
		writeXMLError(w, keyUnsupportedContent, "POST request Content-Type is missing or unsupported")
		return
	}
	if !bbb.Verify(bbb.VerifyInput{Action: action, RawQuery: r.URL.RawQuery, Secrets: *h.secrets.Load(), Allowed: h.cfg.Algorithms}) {
		writeXMLError(w, keyChecksum, "You did not pass the checksum security check")
		return
	}
	p, err := parseParams(r.URL.Query(), body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody("Invalid JSON body: "+err.Error()))
		return
	}
	res := ep(r.Context(), p)
	writeJSON(w, res.status, res.body)
}

// tenantsOnly answers 412 unless multitenancy is enabled.
func (h *Handler) tenantsOnly(ep endpoint) endpoint {
	return func(ctx context.Context, p params) response {
		if !h.cfg.MultitenancyEnabled {
			return response{http.StatusPreconditionFailed, messageBody("Multitenancy is disabled")}
		}
		return ep(ctx, p)
	}
}

// audit records one change made through the API; a failed write is logged only.
func (h *Handler) audit(ctx context.Context, action string, args any, err error) {
	if werr := scalelite.Audit(context.WithoutCancel(ctx), h.deps.Store, Actor, action, args, err); werr != nil {
		h.logger.ErrorContext(ctx, "write audit entry", "action", action, "err", werr)
	}
}

// internal logs an unexpected error and answers 500, as Rails does for exceptions.
func (h *Handler) internal(ctx context.Context, action string, err error) response {
	h.logger.ErrorContext(ctx, "admin api", "action", action, "err", err)
	return response{http.StatusInternalServerError, errorBody("Internal error.")}
}

func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

type response struct {
	status int
	body   any
}

func errorBody(msg string) map[string]string   { return map[string]string{"error": msg} }
func messageBody(msg string) map[string]string { return map[string]string{"message": msg} }
func successBody(msg string) map[string]string { return map[string]string{"success": msg} }

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeXMLError(w http.ResponseWriter, key, msg string) {
	w.Header().Set("Content-Type", bbb.ContentTypeXML)
	w.WriteHeader(http.StatusOK)
	_ = bbb.WriteError(w, key, msg)
}
