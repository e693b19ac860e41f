package bbbfacade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/clienthost"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// apiRequest is one authenticated API call, parsed once: what is authorised is what the call
// uses, stores and sends to a backend.
type apiRequest struct {
	Action string
	// Params are the authenticated parameters in request order: the URL query when it carries
	// the checksum (body parameters are then ignored: they are not covered), else the query
	// followed by the form body (all covered by the checksum). No key appears twice.
	Params scalelite.Params
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

// Get returns a parameter's value.
func (r *apiRequest) Get(key string) string { return r.Params.Value(key) }

// MeetingID returns the meetingID parameter, or missingParamMeetingID when it is absent or
// empty (Rails' params.require).
func (r *apiRequest) MeetingID() (string, error) {
	if id := r.Get(scalelite.ParamMeetingID); id != "" {
		return id, nil
	}
	return "", errMissingMeetingID
}

func isXMLType(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || mt == "application/x-xml"
}

// unauthenticatedBodyLimit bounds what is read of a body before the request is authenticated:
// a form body that carries the checksum. Larger bodies (slides, text tracks) are read only once
// the checksum of the URL query has been verified.
const unauthenticatedBodyLimit = 1 << 20

// parseRequest applies the content-type rule, verifies the checksum, resolves the tenant, reads
// the body and validates the parameters, in Scalelite's order. A checksum in the URL query is
// verified before any body is read, so an unauthenticated caller can make the balancer read at
// most unauthenticatedBodyLimit bytes.
func (h *Handler) parseRequest(c *gin.Context, name string, a action) (*apiRequest, error) {
	r := c.Request
	ctx := r.Context()
	req := &apiRequest{Action: name, Host: clienthost.From(ctx).Host}
	var mt string
	var mtParams map[string]string
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, mtParams, _ = mime.ParseMediaType(ct)
	}
	isForm := mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
	hasBody := r.Method == http.MethodPost && r.Body != nil && r.ContentLength != 0
	if hasBody && !a.body.accepts(mt, isForm) {
		return nil, errUnsupportedContentType
	}
	query, err := scalelite.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &apiError{Key: keyChecksumError, Message: msgChecksumError, Err: err}
	}
	secrets := h.secretList()
	if (a.checksum || a.tenant) && h.cfg.Multitenancy {
		if req.Tenant, err = h.tenant(ctx, req.Host); err != nil {
			return nil, err
		}
		secrets = req.Tenant.Secrets
	}
	_, _, inQuery := strings.Cut("&"+r.URL.RawQuery, "&checksum=")
	verify := bbb.VerifyInput{Action: name, RawQuery: r.URL.RawQuery, Secrets: secrets, Allowed: h.cfg.Algorithms}
	authenticated := !a.checksum
	if a.checksum && inQuery {
		if !bbb.Verify(verify) {
			return nil, errChecksum
		}
		authenticated = true
	}

	var body []byte
	if hasBody {
		limit := h.bodyLimit(a)
		if !authenticated {
			limit = min(limit, unauthenticatedBodyLimit)
		}
		if body, err = readBody(c, limit); err != nil {
			return nil, err
		}
		req.Body = body
	}
	var form scalelite.Params
	if len(body) > 0 && isForm && a.body != bodyUnchecked {
		if form, err = parseForm(mt, mtParams, body); err != nil {
			return nil, &apiError{Key: keyChecksumError, Message: msgChecksumError, Err: err}
		}
	} else if len(body) > 0 && isXMLType(mt) {
		req.XMLBody = body
	}
	req.Params = query
	if !inQuery {
		req.Params = append(query, form...)
	}
	if a.checksum && !inQuery {
		if form != nil {
			verify.Form = form.Values()
			if mt == "application/x-www-form-urlencoded" {
				verify.Body = string(body)
			}
		}
		if !bbb.Verify(verify) {
			return nil, errChecksum
		}
	}
	if err := validateParams(req.Params); err != nil {
		return nil, err
	}
	return req, nil
}

// bodyLimit is the largest body the action accepts once authenticated.
func (h *Handler) bodyLimit(a action) int64 {
	switch a.body {
	case bodyFormOrXML, bodyXML: // create and insertDocument: slides
		return h.cfg.MaxBodyBytes
	}
	if a.maxBody > 0 {
		return a.maxBody
	}
	return formBodyLimit
}

// formBodyLimit bounds the form body of the calls that take only parameters.
const formBodyLimit = 64 << 10

// readBody reads the POST body, refusing one larger than limit without reading it when its
// length is declared.
func readBody(c *gin.Context, limit int64) ([]byte, error) {
	r := c.Request
	if r.ContentLength > limit {
		return nil, errBodyTooLarge
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, errBodyTooLarge
		}
		return nil, &apiError{Key: keyInternalError, Message: "Could not read the request body.", Err: fmt.Errorf("read request body: %w", err)}
	}
	return b, nil
}

// parseForm returns a form body's fields in order (files of a multipart body are skipped).
func parseForm(mt string, mtParams map[string]string, body []byte) (scalelite.Params, error) {
	if mt == "application/x-www-form-urlencoded" {
		return scalelite.ParseQuery(string(bytes.TrimSpace(body)))
	}
	mr := multipart.NewReader(bytes.NewReader(body), mtParams["boundary"])
	var p scalelite.Params
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
		p = append(p, scalelite.Param{Key: part.FormName(), Value: string(v)})
	}
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
