package adminapi

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// serverJSON is Scalelite's server object (secrets included: the admin API is for operators).
type serverJSON struct {
	ID             string `json:"id"`
	URL            string `json:"url"`
	Secret         string `json:"secret"`
	Tag            string `json:"tag"`
	BBBVersion     string `json:"bbb_version"`
	State          string `json:"state"`
	Load           any    `json:"load"`            // a number printed as Ruby prints a Float (15.0), or "unavailable"
	LoadMultiplier string `json:"load_multiplier"` // a decimal string such as "2.5"
	Online         string `json:"online"`          // "online" or "offline"
}

func renderServer(s *scalelite.Server) serverJSON {
	out := serverJSON{ID: s.ID, URL: s.URL, Secret: s.Secret, Tag: s.Tag, BBBVersion: s.BBBVersion,
		State: string(s.State), Load: "unavailable", LoadMultiplier: decimal(s.LoadMultiplier), Online: "offline"}
	if s.LoadAvailable() && !math.IsInf(s.Load, 0) && !math.IsNaN(s.Load) {
		out.Load = json.Number(decimal(s.Load))
	}
	if s.Online {
		out.Online = "online"
	}
	return out
}

// decimal prints a number as Ruby prints a Float or a BigDecimal: "1.0", "2.5".
func decimal(f float64) string {
	if f == math.Trunc(f) && !math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func notFoundServer(id string) response {
	return response{http.StatusNotFound, errorBody("Couldn't find server with id=" + id)}
}

// server looks a server up, answering 404 when it is unknown.
func (h *Handler) server(ctx context.Context, action, id string) (*scalelite.Server, *response) {
	srv, err := h.deps.Store.Server(ctx, id)
	switch {
	case scalelite.IsNotFound(err):
		res := notFoundServer(id)
		return nil, &res
	case err != nil:
		res := h.internal(ctx, action, err)
		return nil, &res
	}
	return srv, nil
}

func (h *Handler) getServers(ctx context.Context, _ params) response {
	servers, err := h.deps.Store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return h.internal(ctx, "getServers", err)
	}
	if len(servers) == 0 {
		return response{http.StatusNotFound, errorBody("No servers are configured")}
	}
	out := make([]serverJSON, len(servers))
	for i, s := range servers {
		out[i] = renderServer(s)
	}
	return response{http.StatusOK, out}
}

func (h *Handler) getServerInfo(ctx context.Context, p params) response {
	srv, res := h.server(ctx, "getServerInfo", p.str("id"))
	if res != nil {
		return *res
	}
	return response{http.StatusOK, renderServer(srv)}
}

func (h *Handler) addServer(ctx context.Context, p params) response {
	s := p.nested("server")
	n := scalelite.NewServer{URL: s.str("url"), Secret: s.str("secret"), Tag: s.str("tag")}
	if n.URL == "" || n.Secret == "" {
		err := scalelite.Errorf(scalelite.EINVALID, "Server needs a URL and a secret")
		h.audit(ctx, "addServer", p, err)
		return response{http.StatusBadRequest, errorBody(scalelite.ErrorMessage(err))}
	}
	n.LoadMultiplier, _ = s.float("load_multiplier") // 0 or unparsable: the service uses 1.0
	srv, _, err := h.deps.Servers.Add(ctx, n)
	h.audit(ctx, "addServer", p, err)
	if err != nil {
		return h.failure(ctx, "addServer", err, http.StatusBadRequest)
	}
	return response{http.StatusCreated, renderServer(srv)}
}

func (h *Handler) updateServer(ctx context.Context, p params) response {
	id := p.str("id")
	res, err := h.applyServerUpdate(ctx, id, p)
	h.audit(ctx, "updateServer", p, err)
	return res
}

func (h *Handler) applyServerUpdate(ctx context.Context, id string, p params) (response, error) {
	if _, res := h.server(ctx, "updateServer", id); res != nil {
		return *res, scalelite.Errorf(scalelite.ENOTFOUND, "Couldn't find server with id=%s", id)
	}
	s := p.nested("server")
	var setState func(context.Context, string) (*scalelite.Server, error)
	if s.has("state") {
		switch st := s.str("state"); st {
		case "enable":
			setState = h.deps.Servers.Enable
		case "cordon":
			setState = h.deps.Servers.Cordon
		case "disable":
			setState = func(ctx context.Context, id string) (*scalelite.Server, error) {
				srv, _, err := h.deps.Servers.Disable(ctx, id, false)
				return srv, err
			}
		default:
			err := scalelite.Errorf(scalelite.EINVALID, "Invalid state parameter: %s", st)
			return response{http.StatusBadRequest, errorBody(err.Message)}, err
		}
	}
	var changes scalelite.ServerChanges
	if s.has("load_multiplier") {
		m, ok := s.float("load_multiplier")
		if !ok || m == 0 {
			err := scalelite.Errorf(scalelite.EINVALID, "Load-multiplier must be a non-zero number")
			return response{http.StatusBadRequest, errorBody(err.Message)}, err
		}
		changes.LoadMultiplier = &m
	}
	if s.has("secret") {
		v := s.str("secret")
		changes.Secret = &v
	}
	if s.has("tag") {
		v := s.str("tag")
		changes.Tag = &v
	}
	if s.has("url") {
		v := s.str("url")
		changes.URL = &v
	}
	var srv *scalelite.Server
	var err error
	if changes != (scalelite.ServerChanges{}) {
		if srv, err = h.deps.Servers.Update(ctx, id, changes); err != nil {
			return h.failure(ctx, "updateServer", err, http.StatusBadRequest), err
		}
	}
	if setState != nil {
		if srv, err = setState(ctx, id); err != nil {
			return h.failure(ctx, "updateServer", err, http.StatusBadRequest), err
		}
	}
	if srv == nil {
		if srv, err = h.deps.Store.Server(ctx, id); err != nil {
			return h.failure(ctx, "updateServer", err, http.StatusBadRequest), err
		}
	}
	return response{http.StatusOK, renderServer(srv)}, nil
}

func (h *Handler) deleteServer(ctx context.Context, p params) response {
	id := p.str("id")
	if _, res := h.server(ctx, "deleteServer", id); res != nil {
		h.audit(ctx, "deleteServer", p, scalelite.Errorf(scalelite.ENOTFOUND, "Couldn't find server with id=%s", id))
		return *res
	}
	err := h.deps.Servers.Remove(ctx, id)
	h.audit(ctx, "deleteServer", p, err)
	if scalelite.IsNotFound(err) {
		return notFoundServer(id)
	}
	if err != nil {
		h.logger.ErrorContext(ctx, "delete server", "server_id", id, "err", err)
		return response{http.StatusBadRequest, errorBody("Couldn't destroy server id=" + id + ": " + scalelite.ErrorMessage(err))}
	}
	return response{http.StatusOK, successBody("Server id=" + id + " was destroyed")}
}

func (h *Handler) panicServer(ctx context.Context, p params) response {
	id := p.str("id")
	if _, res := h.server(ctx, "panicServer", id); res != nil {
		h.audit(ctx, "panicServer", p, scalelite.Errorf(scalelite.ENOTFOUND, "Couldn't find server with id=%s", id))
		return *res
	}
	// keep_state is read at the top level only (the documented server.keep_state is ignored by
	// Scalelite too), and any value but false or null counts.
	res, err := h.deps.Servers.Panic(ctx, id, p.truthy("keep_state"), false)
	if err == nil && len(res.EndErrors) > 0 {
		err = scalelite.Errorf(scalelite.EUNAVAILABLE, "%d end call(s) failed", len(res.EndErrors))
		for _, e := range res.EndErrors {
			h.logger.WarnContext(ctx, "panic server: end meeting", "server_id", id, "err", e)
		}
	}
	h.audit(ctx, "panicServer", p, err)
	if scalelite.IsNotFound(err) {
		return notFoundServer(id)
	}
	if err != nil {
		h.logger.ErrorContext(ctx, "panic server", "server_id", id, "err", err)
		return response{http.StatusBadRequest, errorBody("Couldn't disable server id=" + id)}
	}
	// Scalelite's text, kept for scripts that match it; our meetings are ended on BBB but their
	// rows stay running, recoverable (docs/graphql.md, "Scalelite's admin REST API").
	return response{http.StatusOK, successBody("Server id=" + id + " has been disabled and the meetings have been destroyed")}
}

// failure answers a service error: 404 for unknown objects, 409 for conflicts (e.g. disabling a
// server that still has meetings), invalid for bad input, 500 for internal errors.
func (h *Handler) failure(ctx context.Context, action string, err error, invalid int) response {
	switch scalelite.ErrorCode(err) {
	case scalelite.ENOTFOUND:
		return response{http.StatusNotFound, errorBody(scalelite.ErrorMessage(err))}
	case scalelite.EINVALID:
		return response{invalid, errorBody(scalelite.ErrorMessage(err))}
	case scalelite.ECONFLICT:
		return response{http.StatusConflict, errorBody(scalelite.ErrorMessage(err))}
	case scalelite.EUNAVAILABLE:
		return response{http.StatusServiceUnavailable, errorBody(scalelite.ErrorMessage(err))}
	}
	return h.internal(ctx, action, err)
}
