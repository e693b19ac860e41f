package bbbfacade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// apiRequest is one authenticated API call.
type apiRequest struct {
	Action string
	// Params are the authenticated parameters in request order: the URL query when it carries
	// the checksum (body parameters are then ignored: they are not covered), else the query
	// followed by the form body (all covered by the checksum).
	Params bbb.Params
	// XMLBody is a create or insertDocument XML body, nil when none.
	XMLBody []byte
	// Body is the raw POST body (putRecordingTextTrack reads its multipart file from it).
	Body   []byte
	Host   string
	Tenant *scalelite.Tenant // nil without multitenancy
}

// TenantID is the tenant's id, "" without multitenancy.
func (r *apiRequest) TenantID() string {
	if r.Tenant == nil {
		return ""
	}
	return r.Tenant.ID
}

// Get returns a parameter's first value.
func (r *apiRequest) Get(key string) string {
	v, _ := r.Params.Get(key)
	return v
}

// MeetingID returns the meetingID parameter, or missingParamMeetingID when it is absent or
// empty (Rails' params.require).
func (r *apiRequest) MeetingID() (string, error) {
	if id := r.Get("meetingID"); id != "" {
		return id, nil
	}
	return "", errMissingMeetingID
}

func isXMLType(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || mt == "application/x-xml"
}

// parseRequest reads the body, applies the content-type rule, verifies the checksum and resolves
// the tenant, in Scalelite's order.
func (h *Handler) parseRequest(c *gin.Context, name string, a action) (*apiRequest, error) {
	r := c.Request
	req := &apiRequest{Action: name, Host: h.requestHost(r)}
	var body []byte
	if r.Method == http.MethodPost && r.Body != nil {
		b, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, h.cfg.MaxBodyBytes))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return nil, &apiError{Key: keyInternalError, Message: "Request body too large."}
			}
			return nil, fmt.Errorf("read request body: %w", err)
		}
		body = b
		req.Body = b
	}
	var mt string
	var mtParams map[string]string
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, mtParams, _ = mime.ParseMediaType(ct)
	}
	isForm := mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
	if len(body) > 0 {
		ok := true
		switch a.body {
		case bodyForm:
			ok = isForm
		case bodyFormOrXML:
			ok = isForm || isXMLType(mt)
		case bodyXML:
			ok = isXMLType(mt)
		}
		if !ok {
			return nil, errUnsupportedContentType
		}
	}

	query, err := bbb.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{Key: keyChecksumError, Message: msgChecksumError, Err: err}
	}
	var form bbb.Params
	if len(body) > 0 && isForm && a.body != bodyUnchecked {
		if form, err = parseForm(mt, mtParams, body); err != nil {
			return nil, &apiError{Key: keyChecksumError, Message: msgChecksumError, Err: err}
		}
	} else if len(body) > 0 && isXMLType(mt) {
		req.XMLBody = body
	}

	if !a.checksum {
		req.Params = append(query, form...)
		if a.tenant && h.cfg.Multitenancy {
			if req.Tenant, err = h.tenant(r.Context(), req.Host); err != nil {
				return nil, err
			}
		}
		return req, nil
	}
	secrets := h.secretList()
	if h.cfg.Multitenancy {
		t, err := h.tenant(r.Context(), req.Host)
		if err != nil {
			return nil, err
		}
		req.Tenant, secrets = t, t.Secrets
	}
	_, _, inQuery := strings.Cut("&"+r.URL.RawQuery, "&checksum=")
	in := bbb.VerifyInput{Action: name, RawQuery: r.URL.RawQuery, Secrets: secrets, Allowed: h.cfg.Algorithms}
	if !inQuery && form != nil {
		in.Form = form.Values()
		if mt == "application/x-www-form-urlencoded" {
			in.Body = string(body)
		}
	}
	if !bbb.Verify(in) {
		return nil, errChecksum
	}
	req.Params = query
	if !inQuery {
		req.Params = append(query, form...)
	}
	return req, nil
}

// parseForm returns a form body's fields in order (files of a multipart body are skipped).
func parseForm(mt string, mtParams map[string]string, body []byte) (bbb.Params, error) {
	if mt == "application/x-www-form-urlencoded" {
		return bbb.ParseQuery(string(bytes.TrimSpace(body)))
	}
	mr := multipart.NewReader(bytes.NewReader(body), mtParams["boundary"])
	var p bbb.Params
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
		if part.FormName() == "" || part.FileName() != "" {
			continue
		}
		v, err := io.ReadAll(part)
		if err != nil {
			return nil, fmt.Errorf("multipart body: %w", err)
		}
		p = append(p, bbb.Param{Key: part.FormName(), Value: string(v)})
	}
}

// requestHost is the host the client asked for, without port: the last X-Forwarded-Host value
// when the peer is a trusted proxy (as the server's host check does), else the Host header.
func (h *Handler) requestHost(r *http.Request) string {
	host := r.Host
	if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" && h.peerTrusted(r) {
		parts := strings.Split(fwd, ",")
		host = strings.TrimSpace(parts[len(parts)-1])
	}
	if hst, _, err := net.SplitHostPort(host); err == nil {
		host = hst
	}
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
}

func (h *Handler) peerTrusted(r *http.Request) bool {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	ip := net.ParseIP(peer)
	if ip == nil {
		return false
	}
	for _, n := range h.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// tenant resolves the tenant from the first label of the host; an unknown tenant is a checksum
// error, as in Scalelite.
func (h *Handler) tenant(ctx context.Context, host string) (*scalelite.Tenant, error) {
	name, _, _ := strings.Cut(host, ".")
	if name == "" {
		return nil, errChecksum
	}
	t, err := h.store.TenantByName(ctx, name)
	if scalelite.IsNotFound(err) {
		return nil, &apiError{Key: keyChecksumError, Message: msgChecksumError, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", name, err)
	}
	return t, nil
}

// tenantParams loads the tenant's default and override settings (none without a tenant).
func (h *Handler) tenantParams(ctx context.Context, t *scalelite.Tenant) (scalelite.TenantParams, error) {
	if t == nil {
		return scalelite.TenantParams{}, nil
	}
	s, err := h.store.TenantSettings(ctx, t.ID)
	if err != nil {
		return scalelite.TenantParams{}, fmt.Errorf("tenant settings of %s: %w", t.Name, err)
	}
	return scalelite.TenantParamsFrom(s), nil
}

// toCall and toBBB convert between the protocol's and the domain's parameter lists.
func toCall(p bbb.Params) scalelite.CallParams {
	out := make(scalelite.CallParams, len(p))
	for i, kv := range p {
		out[i] = scalelite.CallParam{Key: kv.Key, Value: kv.Value, Bare: kv.Bare}
	}
	return out
}

func toBBB(p scalelite.CallParams) bbb.Params {
	out := make(bbb.Params, len(p))
	for i, kv := range p {
		out[i] = bbb.Param{Key: kv.Key, Value: kv.Value, Bare: kv.Bare}
	}
	return out
}

// analyticsURL is the balancer's own analytics callback URL for this request's tenant.
func (h *Handler) analyticsURL(req *apiRequest) string {
	host := h.cfg.URLHost
	if host == "" {
		host = req.Host
	} else if req.Tenant != nil {
		host = req.Tenant.Name + "." + host
	}
	return (&url.URL{Scheme: "https", Host: host, Path: APIPath + "/analytics_callback"}).String()
}
