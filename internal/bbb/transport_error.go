package bbb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Error classes of a TransportError: what went wrong, in a word fit for logs and metrics.
const (
	ClassTimeout    = "timeout"     // a connect or response timeout, or the caller's deadline
	ClassRefused    = "refused"     // the connection was refused
	ClassReset      = "reset"       // the connection broke before the answer was complete
	ClassDNS        = "dns"         // the server name did not resolve
	ClassTLS        = "tls"         // the TLS handshake or the certificate failed
	ClassHTTPStatus = "http-status" // an HTTP status >= 400
	ClassBadAnswer  = "bad-answer"  // an answer that is not a BBB XML document
	ClassCanceled   = "canceled"    // the caller gave up
	ClassOther      = "other"
)

// TransportError is a failure to get an XML answer: network errors, timeouts, HTTP errors, answers
// that are not XML. Its text names the call, the server and the error class, never the query:
// outbound queries carry passwords and checksums (a getMeetings checksum is a constant that lists
// the server's meetings to whoever replays it), so Err never holds the *url.Error net/http wraps
// around transport failures.
type TransportError struct {
	Op      string // the action, "" for the API root
	Timeout bool   // a connect or response timeout (or the caller's deadline) expired
	Class   string // one of the Class constants
	Err     error
	// URL is the action URL without the query (and without userinfo); StatusCode is the HTTP
	// status (0 if none).
	URL        string
	StatusCode int
}

func (e *TransportError) Error() string {
	op := e.Op
	if op == "" {
		op = "index"
	}
	return fmt.Sprintf("bbb %s %s: %s: %v", op, e.URL, e.Class, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

type responseTimeoutError struct{ d time.Duration }

func (e responseTimeoutError) Error() string { return fmt.Sprintf("no response within %s", e.d) }

// newTransportError builds the TransportError of a call of action on ep.
func newTransportError(ep Endpoint, action string, err error, timeout bool, status int) *TransportError {
	err = withoutURL(err)
	return &TransportError{Op: action, Timeout: timeout, Class: classify(err, timeout, status), Err: err,
		URL: redactedActionURL(ep, action), StatusCode: status}
}

// badAnswer is the TransportError of an answer that could not be read as BBB XML.
func badAnswer(ep Endpoint, action string, err error, status int) *TransportError {
	te := newTransportError(ep, action, err, false, status)
	te.Class = ClassBadAnswer
	return te
}

// withoutURL removes the *url.Error layers of err: their text is the whole request URL.
func withoutURL(err error) error {
	for {
		ue, ok := err.(*url.Error) //nolint:errorlint // only the outer layers net/http adds
		if !ok {
			return err
		}
		err = ue.Err
	}
}

func classify(err error, timeout bool, status int) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	switch {
	case timeout:
		return ClassTimeout
	case status >= 400:
		return ClassHTTPStatus
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &unknownAuth),
		errors.As(err, &hostErr), errors.As(err, &invalidCert):
		return ClassTLS
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return ClassReset
	}
	return ClassOther
}

// redactedActionURL is ActionURL without password, query or fragment, for messages.
func redactedActionURL(ep Endpoint, action string) string {
	return scalelite.RedactURL(ActionURL(ep, action))
}
