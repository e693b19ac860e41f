// Package fsapi is Scalelite's FreeSWITCH dial-plan endpoint (POST /fsapi): FreeSWITCH's
// mod_xml_curl asks it how to route a call to the conference number, and it answers with a
// dial plan that asks the caller for the meeting's PIN (its voice bridge) and bridges the call
// to the conference on the meeting's BBB server. See docs/dial-in.md.
package fsapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Path is where the endpoint is mounted (POST only).
const Path = "/fsapi"

// authUser is the Basic-auth user FreeSWITCH sends.
const authUser = "fsapi"

// maxBodyBytes bounds a request: mod_xml_curl posts the channel's variables, a few KiB.
const maxBodyBytes = 256 << 10

// maxPinDigits bounds a PIN we look up (voice bridges have at most 18 digits, breakout rooms one
// more).
const maxPinDigits = 20

// maxWrongPins is how many wrong PINs one call may enter before it is hung up.
const maxWrongPins = 3

// Config configures the endpoint.
type Config struct {
	// Password is FSAPI_PASSWORD (by default the first LOADBALANCER_SECRET). With NoAuth
	// (FSAPI_PASSWORD set but empty) every request is answered; without either every request is
	// refused.
	Password string
	NoAuth   bool
	// Realm is the Basic-auth realm (URL_HOST; Rails' "Application" when empty).
	Realm string
	// MaxDuration is FSAPI_MAX_DURATION in minutes (0: calls are not limited).
	MaxDuration int
	// MinDigits and MaxDigits bound the PIN the prompt collects (VOICE_BRIDGE_MIN/_MAX).
	MinDigits, MaxDigits int
}

// Meetings finds the meeting a PIN reaches (*scalelite.MeetingService).
type Meetings interface {
	DialIn(ctx context.Context, pin string) (*scalelite.Meeting, *scalelite.Server, error)
}

// Handler answers mod_xml_curl's dial-plan requests.
type Handler struct {
	cfg      Config
	meetings Meetings
	logger   *slog.Logger
	password [sha256.Size]byte
	user     [sha256.Size]byte
}

// New returns the handler. logger may be nil.
func New(cfg Config, meetings Meetings, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Realm == "" {
		cfg.Realm = "Application"
	}
	return &Handler{cfg: cfg, meetings: meetings, logger: logger.With("component", "fsapi"),
		password: sha256.Sum256([]byte(cfg.Password)), user: sha256.Sum256([]byte(authUser))}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+strings.ReplaceAll(h.cfg.Realm, `"`, "")+`"`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte("HTTP Basic: Access denied.\n"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		h.logger.WarnContext(r.Context(), "unreadable dial-plan request", "error", err)
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	doc, err := h.dialplan(r.Context(), r.Form) // the body's fields, then the URL's (as Rails' params)
	if err != nil {
		h.logger.ErrorContext(r.Context(), "dial plan", "error", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(render(doc))
}

// authorized checks Basic auth as user fsapi with the password. Both are compared in constant
// time over their hashes (no length leak).
func (h *Handler) authorized(r *http.Request) bool {
	if h.cfg.NoAuth {
		return true
	}
	user, pass, ok := r.BasicAuth()
	if !ok || h.cfg.Password == "" {
		return false
	}
	u, p := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(pass))
	return subtle.ConstantTimeCompare(u[:], h.user[:])&subtle.ConstantTimeCompare(p[:], h.password[:]) == 1
}

func (h *Handler) prompt() pinPrompt {
	return pinPrompt{MinDigits: h.cfg.MinDigits, MaxDigits: h.cfg.MaxDigits, HangupAfter: h.cfg.MaxDuration * 60}
}

// dialplan decides the answer to one request (the form fields mod_xml_curl posts).
func (h *Handler) dialplan(ctx context.Context, f url.Values) (*document, error) {
	if f.Get("section") != "dialplan" {
		h.logger.WarnContext(ctx, "request for a section other than dialplan", "section", f.Get("section"))
		return rejectDocument(), nil
	}
	did := f.Get("Caller-Destination-Number")
	if strings.TrimSpace(did) == "" {
		h.logger.WarnContext(ctx, "dial-plan request without Caller-Destination-Number")
		return rejectDocument(), nil
	}
	pin := strings.TrimSpace(f.Get("variable_pin"))
	if pin == "" {
		h.logger.InfoContext(ctx, "prompting for a PIN")
		return promptDocument(did, h.prompt()), nil
	}
	m, srv, err := h.target(ctx, pin)
	if err != nil {
		return nil, err
	}
	if m == nil {
		attempts := wrongPins(f.Get("variable_"+attemptsVariable)) + 1
		if attempts >= maxWrongPins {
			h.logger.InfoContext(ctx, "wrong PIN: hanging up", "attempts", attempts)
			return hangupDocument(did), nil
		}
		h.logger.InfoContext(ctx, "wrong PIN: prompting again", "attempts", attempts)
		return repromptDocument(did, h.prompt(), attempts), nil
	}
	caller := callerName(f.Get("Caller-Caller-ID-Name"), f.Get("Caller-Privacy-Hide-Name"), f.Get("Caller-Privacy-Hide-Number"))
	h.logger.InfoContext(ctx, "bridging call", "meeting_id", m.MeetingID, "server_id", srv.ID)
	return bridgeDocument(did, m.MeetingID, caller, pin, sipHost(srv.URL), h.prompt()), nil
}

// target finds the running meeting a PIN reaches and the server to bridge to
// (MeetingService.DialIn); a PIN that reaches nothing, or a server without a usable host name,
// is no match.
func (h *Handler) target(ctx context.Context, pin string) (*scalelite.Meeting, *scalelite.Server, error) {
	if !isDigits(pin) || len(pin) > maxPinDigits {
		return nil, nil, nil
	}
	m, srv, err := h.meetings.DialIn(ctx, pin)
	if errors.Is(err, scalelite.ErrUnknownMeeting) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if sipHost(srv.URL) == "" {
		h.logger.ErrorContext(ctx, "dial-in: the meeting's server has no usable host name", "server_id", srv.ID)
		return nil, nil, nil
	}
	return m, srv, nil
}

// sipHost is the host of a server's API URL as a SIP URI takes it (an IPv6 address in
// brackets), "" when it is not a plain host name or address: the bridge string must hold
// nothing FreeSWITCH could read as syntax.
func sipHost(apiURL string) string {
	u, err := url.Parse(apiURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() == nil {
			return "[" + ip.String() + "]"
		}
		return ip.String()
	}
	if host == "" || len(host) > 253 {
		return ""
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return ""
		}
	}
	return host
}

// wrongPins reads the call's count of wrong PINs (0 when absent or not a small number).
func wrongPins(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxWrongPins)
}
