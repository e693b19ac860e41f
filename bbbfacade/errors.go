package bbbfacade

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Scalelite's messageKeys and messages.
const (
	keyChecksumError          = "checksumError"
	msgChecksumError          = "You did not pass the checksum security check"
	keyNotFound               = "notFound"
	msgMeetingNotFound        = "We could not find a meeting with that meeting ID - perhaps the meeting is not yet running?"
	keyMissingMeetingID       = "missingParamMeetingID"
	msgMissingMeetingID       = "You must specify a meeting ID for the meeting."
	keyUnsupportedRequest     = "unsupportedRequest"
	msgUnsupportedRequest     = "This request is not supported."
	keyUnsupportedContentType = "unsupportedContentType"
	msgUnsupportedContentType = "POST request Content-Type is missing or unsupported"
	keyInternalError          = "internalError"
	keyServerUnavailable      = "serverUnavailable"
	msgServerUnavailable      = "The server for this meeting is disabled/offline."
	keyServerTagUnavailable   = "serverTagUnavailable"
	keyValidationError        = "validationError"

	msgAccessMeeting  = "Unable to access meeting on server."
	msgCreateMeeting  = "Unable to create meeting on server."
	msgAccessServer   = "Unable to access server."
	msgInsertDocument = "Unable to insert document on server."
	msgInternal       = "Internal error."
	msgTimedOut       = "The request took too long."
)

// apiError is an answer the facade decides itself: a BBB FAILED document with this key and
// message. Err, when set, is the cause (logged, never shown).
type apiError struct {
	Key, Message string
	Err          error
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Key + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Key + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

var (
	errChecksum               = &apiError{Key: keyChecksumError, Message: msgChecksumError}
	errMissingMeetingID       = &apiError{Key: keyMissingMeetingID, Message: msgMissingMeetingID}
	errMeetingNotFound        = &apiError{Key: keyNotFound, Message: msgMeetingNotFound}
	errUnsupportedContentType = &apiError{Key: keyUnsupportedContentType, Message: msgUnsupportedContentType}
	errBodyTooLarge           = &apiError{Key: keyInternalError, Message: "Request body too large."}
)

// errorDocument maps any error to the BBB answer's messageKey and message; internal reports
// whether it is unexpected (logged at error level). callMessage is the call's message for a
// server that cannot be reached ("Unable to access meeting on server." and the like).
//
// A BBB server's own FAILED answer is relayed (its key and message); a server that cannot be
// reached, or a meeting whose server was removed, is internalError with callMessage; a meeting
// whose server left service and could not be re-created elsewhere is serverUnavailable.
func errorDocument(err error, callMessage string) (key, message string, internal bool) {
	var ae *apiError
	var backend *bbb.APIError
	switch {
	case errors.As(err, &ae):
		return ae.Key, ae.Message, false
	case errors.As(err, &backend):
		return backend.Key, backend.Message, false
	case errors.Is(err, scalelite.ErrServerUnavailable):
		return keyServerUnavailable, msgServerUnavailable, false
	case errors.Is(err, scalelite.ErrServerUnreachable), errors.Is(err, scalelite.ErrMeetingServerGone):
		return keyInternalError, callMessage, false
	case errors.Is(err, scalelite.ErrTagUnavailable):
		return keyServerTagUnavailable, scalelite.ErrorMessage(err), false
	case errors.Is(err, scalelite.ErrNoAvailableServers):
		return keyInternalError, scalelite.ErrorMessage(err), false
	case errors.Is(err, context.DeadlineExceeded):
		return keyInternalError, msgTimedOut, false
	case errors.Is(err, context.Canceled):
		return keyInternalError, msgInternal, false
	}
	switch scalelite.ErrorCode(err) {
	case scalelite.ENOTFOUND:
		return keyNotFound, msgMeetingNotFound, false
	case scalelite.ECONFLICT, scalelite.EINVALID, scalelite.EUNAVAILABLE:
		return keyInternalError, scalelite.ErrorMessage(err), false
	}
	return keyInternalError, msgInternal, true
}

// fail answers err as a BBB FAILED document (HTTP 200); see failCall.
func (h *Handler) fail(c *gin.Context, err error) { h.failCall(c, err, msgInternal) }

// failCall answers err as a BBB FAILED document (HTTP 200) and logs it: internal errors at error
// level, failures to reach a server at warning level. callMessage is as errorDocument's.
func (h *Handler) failCall(c *gin.Context, err error, callMessage string) {
	key, message, internal := errorDocument(err, callMessage)
	switch {
	case internal:
		h.logger.ErrorContext(c.Request.Context(), "bbb api", "action", c.Param("action"), "error", err)
	case key == keyInternalError || key == keyServerUnavailable:
		h.logger.WarnContext(c.Request.Context(), "bbb api", "action", c.Param("action"), "key", key, "error", err)
	}
	writeError(c, key, message)
}

// outcomeKey, routeKey and tenantKey are the server's gin keys for the request metrics'
// outcome, route and tenant labels (server.OutcomeKey, server.RouteKey and server.TenantKey;
// server imports this package, not the reverse).
const (
	outcomeKey = "outcome"
	routeKey   = "route"
	tenantKey  = "tenant"
)

func writeError(c *gin.Context, key, message string) {
	c.Set(outcomeKey, key)
	c.Data(http.StatusOK, bbb.ContentTypeXML, bbb.ErrorDocument(key, message))
}

// writeXML answers a document built by the facade.
func writeXML(c *gin.Context, doc []byte) {
	c.Data(http.StatusOK, bbb.ContentTypeXML, doc)
}

// relay answers a BBB server's document as received, with an XML declaration as Scalelite's
// re-serialisation has.
func relay(c *gin.Context, raw []byte) {
	const decl = "<?xml"
	if len(raw) >= len(decl) && string(raw[:len(decl)]) == decl {
		writeXML(c, raw)
		return
	}
	out := make([]byte, 0, len(raw)+23)
	out = append(out, "<?xml version=\"1.0\"?>\n"...)
	out = append(out, raw...)
	writeXML(c, out)
}
