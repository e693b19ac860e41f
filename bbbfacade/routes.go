package bbbfacade

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// APIPath is where the BBB API is served.
const APIPath = "/bigbluebutton/api"

// bodyRule says which POST bodies an action accepts (checked only for non-empty POST bodies).
type bodyRule int

const (
	bodyForm      bodyRule = iota // url-encoded or multipart form
	bodyFormOrXML                 // create: form, multipart or XML
	bodyXML                       // insertDocument: XML only
	bodyUnchecked                 // join: no check
)

// accepts reports whether a non-empty POST body of media type mt is allowed.
func (b bodyRule) accepts(mt string, isForm bool) bool {
	switch b {
	case bodyForm:
		return isForm
	case bodyFormOrXML:
		return isForm || isXMLType(mt)
	case bodyXML:
		return isXMLType(mt)
	}
	return true
}

// action is one API call.
type action struct {
	getOnly, postOnly bool
	body              bodyRule
	maxBody           int64 // the largest body once authenticated; 0: formBodyLimit (XML: MaxBodyBytes)
	// ownDeadline: the service bounds each step itself (join: its reads are bounded, and the
	// fast path does no I/O), so the call gets no overall deadline (and the hot path no timer).
	ownDeadline bool
	checksum    bool // verify the checksum (and resolve the tenant)
	tenant      bool // resolve the tenant without a checksum (analytics_callback)
	serve       func(c *gin.Context, req *apiRequest)
	route       string // the route label, set by routes
}

func (h *Handler) routes() map[string]action {
	getMeetings := action{body: bodyForm, checksum: true, serve: h.getMeetings}
	if h.cfg.GetMeetingsDisabled {
		getMeetings = action{body: bodyForm, serve: h.getMeetingsDisabled}
	}
	actions := map[string]action{
		"":                   {body: bodyForm, serve: h.index},
		"create":             {body: bodyFormOrXML, checksum: true, serve: h.create},
		"join":               {getOnly: true, body: bodyUnchecked, checksum: true, ownDeadline: true, serve: h.join},
		"end":                {body: bodyForm, checksum: true, serve: h.end},
		"isMeetingRunning":   {body: bodyForm, checksum: true, serve: h.isMeetingRunning},
		"getMeetingInfo":     {body: bodyForm, checksum: true, serve: h.getMeetingInfo},
		"getMeetings":        getMeetings,
		"insertDocument":     {postOnly: true, body: bodyXML, checksum: true, serve: h.insertDocument},
		"analytics_callback": {postOnly: true, body: bodyUnchecked, tenant: true, maxBody: 4 << 20, serve: h.analyticsCallback},
	}
	h.addRecordingRoutes(actions)
	for name, a := range actions {
		a.route = APIPath
		if name != "" {
			a.route = APIPath + "/" + name
		}
		actions[name] = a
	}
	return actions
}

// Register mounts the API at /bigbluebutton/api on r (full paths, every method): the known calls
// and, for any other path or a wrong method below it, unsupportedRequest.
func (h *Handler) Register(r gin.IRouter) {
	r.Any(APIPath, h.dispatch)
	r.Any(APIPath+"/*action", h.dispatch)
}

func (h *Handler) dispatch(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("action"), "/")
	a, ok := h.actions[name]
	m := c.Request.Method
	isGet := m == http.MethodGet || m == http.MethodHead
	if !ok || (!isGet && m != http.MethodPost) || (a.getOnly && !isGet) || (a.postOnly && m != http.MethodPost) {
		UnsupportedRequest(c)
		return
	}
	c.Set(routeKey, a.route)
	if !a.ownDeadline {
		// The call's deadline: its context reaches every store read and backend call.
		ctx, cancel := context.WithTimeout(c.Request.Context(), h.cfg.RequestTimeout)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
	}
	req, err := h.parseRequest(c, name, a)
	if err != nil {
		h.fail(c, err)
		return
	}
	if req.Tenant != nil {
		c.Set(tenantKey, req.Tenant.Name)
	}
	a.serve(c, req)
}

// UnsupportedRequest answers Scalelite's unsupportedRequest document (HTTP 200). The server uses
// it for every path no route matches.
func UnsupportedRequest(c *gin.Context) {
	writeError(c, keyUnsupportedRequest, msgUnsupportedRequest)
}
