package bbb

import (
	"bytes"
	"context"
	"crypto/sha512"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Endpoint is one BBB server as the balancer addresses it.
type Endpoint struct {
	URL    string // API URL, e.g. https://bbb1/bigbluebutton/api ('/' is added if missing)
	Secret string
}

// Timeouts bound one outbound call: Connect for the TCP (and TLS) connection, Response from the
// moment a connection is in hand until the whole answer is read. Zero means no limit.
type Timeouts struct {
	Connect, Response time.Duration
}

// DefaultTimeouts are Scalelite's CONNECT_TIMEOUT and RESPONSE_TIMEOUT defaults.
var DefaultTimeouts = Timeouts{Connect: 5 * time.Second, Response: 10 * time.Second}

// maxResponseBytes caps an answer read into memory (getMeetings of a big server is a few MB).
const maxResponseBytes = 256 << 20

// Client calls BBB servers. It owns an http.Transport that keeps connections alive per server and
// never follows redirects. It is safe for concurrent use.
type Client struct {
	alg      Algorithm
	timeouts Timeouts
	http     *http.Client
}

type connectTimeoutKey struct{}

// NewClient returns a client that signs with alg and uses t unless a call overrides it.
func NewClient(alg Algorithm, t Timeouts) *Client {
	c := &Client{alg: alg, timeouts: t}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           c.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4096,
		MaxIdleConnsPerHost:   512,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   t.Connect,
		ExpectContinueTimeout: time.Second,
	}
	c.http = &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c
}

// Algorithm returns the algorithm the client signs with.
func (c *Client) Algorithm() Algorithm { return c.alg }

// CloseIdleConnections closes kept-alive connections (useful when a server is removed).
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: c.timeouts.Connect, KeepAlive: 30 * time.Second}
	if t, ok := ctx.Value(connectTimeoutKey{}).(time.Duration); ok {
		d.Timeout = t
	}
	return d.DialContext(ctx, network, addr)
}

// ActionURL returns the URL of an action on the endpoint, without a query.
func ActionURL(ep Endpoint, action string) string {
	u := ep.URL
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u + action
}

// SignedURL returns the action URL with p encoded in order and the checksum appended last
// (URL?query&checksum=..., or URL?checksum=... for no parameters), e.g. for join redirects.
func (c *Client) SignedURL(ep Endpoint, action string, p scalelite.Params) string {
	// One buffer for the whole URL: the query is hashed where it was written (a Builder never
	// changes bytes it has written).
	var b strings.Builder
	b.Grow(len(ep.URL) + 1 + len(action) + 1 + p.EncodedLenHint() + len("&checksum=") + 2*sha512.Size)
	b.WriteString(ep.URL)
	if !strings.HasSuffix(ep.URL, "/") {
		b.WriteByte('/')
	}
	b.WriteString(action)
	b.WriteByte('?')
	start := b.Len()
	p.AppendEncoded(&b)
	q := b.String()[start:]
	if q != "" {
		b.WriteByte('&')
	}
	b.WriteString("checksum=")
	var sum [2 * sha512.Size]byte
	b.Write(appendChecksum(sum[:0], c.alg, action, q, ep.Secret))
	return b.String()
}

// Response is a parsed BBB answer. Raw holds the document as received.
type Response struct {
	Raw        []byte
	ReturnCode string
	MessageKey string
	Message    string
	// Elements are the direct children of the root element, in document order.
	Elements []Element
}

// Element is one direct child of a response's root element.
type Element struct {
	Name string // local name
	Raw  []byte // the element verbatim, from '<' to its end tag (a slice of Response.Raw)
	Text string // its character data when it has no child elements, else ""
}

// Inner returns the content between the element's start and end tags, verbatim.
func (e Element) Inner() []byte {
	start := bytes.IndexByte(e.Raw, '>')
	if start < 0 || (start > 0 && e.Raw[start-1] == '/') {
		return nil
	}
	end := bytes.LastIndex(e.Raw, []byte("</"))
	if end <= start {
		return nil
	}
	return e.Raw[start+1 : end]
}

// Element returns the first direct child of the root named name.
func (r *Response) Element(name string) (Element, bool) {
	for _, e := range r.Elements {
		if e.Name == name {
			return e, true
		}
	}
	return Element{}, false
}

// Text returns the text of the first direct child named name, "" if absent.
func (r *Response) Text(name string) string {
	e, _ := r.Element(name)
	return e.Text
}

// APIError is a BBB FAILED answer (or, with Key internalError, an answer without returncode).
type APIError struct {
	Key, Message string
	cause        error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("bbb %s: %s", e.Key, e.Message)
}

// Unwrap returns ErrNoReturnCode for answers that had no returncode.
func (e *APIError) Unwrap() error { return e.cause }

// ErrNoReturnCode is wrapped by the APIError returned for an XML answer without a returncode.
var ErrNoReturnCode = errors.New("Response did not include returncode")

// TransportError is a failure to get an XML answer: network errors, timeouts, HTTP errors, answers
// that are not XML.
type TransportError struct {
	Op      string // the action, "" for the API root
	Timeout bool   // a connect or response timeout (or the caller's deadline) expired
	Err     error
	// URL is the action URL without the query; StatusCode is the HTTP status (0 if none).
	URL        string
	StatusCode int
}

func (e *TransportError) Error() string {
	op := e.Op
	if op == "" {
		op = "index"
	}
	return fmt.Sprintf("bbb %s %s: %v", op, e.URL, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

type responseTimeoutError struct{ d time.Duration }

func (e responseTimeoutError) Error() string { return fmt.Sprintf("no response within %s", e.d) }

// Do calls action on the endpoint: a GET with p signed, or a POST with Content-Type
// application/xml and body when body is not nil. t overrides the client's timeouts when not nil.
//
// It returns the parsed answer for SUCCESS. A FAILED (or any non-SUCCESS) returncode gives the
// Response and an *APIError with BBB's messageKey and message; an XML answer without returncode
// gives the Response and an *APIError{Key: "internalError", Message: "Response did not include
// returncode"} wrapping ErrNoReturnCode. Network failures, timeouts, HTTP statuses >= 400 and
// answers that are not XML give a *TransportError. Cancelling ctx aborts the call.
func (c *Client) Do(ctx context.Context, ep Endpoint, action string, p scalelite.Params, body []byte, t *Timeouts) (*Response, error) {
	raw, status, err := c.exchange(ctx, ep, action, p, body, t)
	if err != nil {
		return nil, err
	}
	resp, err := ParseResponse(raw)
	if err != nil {
		return nil, &TransportError{Op: action, Err: err, URL: ActionURL(ep, action), StatusCode: status}
	}
	if err := returnCodeError(resp.ReturnCode, resp.MessageKey, resp.Message); err != nil {
		return resp, err
	}
	return resp, nil
}

// returnCodeError is Do's error for an answer's returncode: nil for SUCCESS, an *APIError
// otherwise (wrapping ErrNoReturnCode when there is none).
func returnCodeError(returnCode, messageKey, message string) error {
	switch returnCode {
	case "SUCCESS":
		return nil
	case "":
		return &APIError{Key: "internalError", Message: ErrNoReturnCode.Error(), cause: ErrNoReturnCode}
	}
	return &APIError{Key: messageKey, Message: message}
}

// exchange sends the request of Do and reads the answer's body. Failures to get a body (network,
// timeouts, HTTP statuses >= 400) are *TransportError; status is the HTTP status.
func (c *Client) exchange(ctx context.Context, ep Endpoint, action string, p scalelite.Params, body []byte, t *Timeouts) (raw []byte, status int, _ error) {
	to := c.timeouts
	if t != nil {
		to = *t
	}
	target := ActionURL(ep, action)
	terr := func(err error, timeout bool) *TransportError {
		return &TransportError{Op: action, Timeout: timeout, Err: err, URL: target}
	}

	ctx = context.WithValue(ctx, connectTimeoutKey{}, to.Connect)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var timerMu sync.Mutex
	var timer *time.Timer
	if to.Response > 0 {
		trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) {
			timerMu.Lock()
			defer timerMu.Unlock()
			if timer == nil {
				timer = time.AfterFunc(to.Response, func() { cancel(responseTimeoutError{to.Response}) })
			}
		}}
		ctx = httptrace.WithClientTrace(ctx, trace)
	}

	method := http.MethodGet
	var rd io.Reader
	if body != nil {
		method, rd = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.SignedURL(ep, action, p), rd)
	if err != nil {
		return nil, 0, terr(err, false)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/xml")
	}
	req.Header.Set("Accept", "application/xml, text/xml")

	raw, status, err = c.roundTrip(req)
	timerMu.Lock()
	if timer != nil {
		timer.Stop()
	}
	timerMu.Unlock()
	if err != nil {
		var rte responseTimeoutError
		if errors.As(context.Cause(ctx), &rte) {
			return nil, status, terr(rte, true)
		}
		var ne net.Error
		timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
		if ctxErr := ctx.Err(); ctxErr != nil && !timeout {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, status, terr(err, timeout)
	}
	if status >= 400 {
		e := terr(fmt.Errorf("HTTP status %d %s", status, http.StatusText(status)), false)
		e.StatusCode = status
		return nil, status, e
	}
	return raw, status, nil
}

func (c *Client) roundTrip(req *http.Request) ([]byte, int, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, err := readBody(resp.Body, resp.ContentLength)
	if err != nil {
		return nil, resp.StatusCode, err
	}
	return raw, resp.StatusCode, nil
}

// readBody reads an answer of at most maxResponseBytes. A known length sizes the buffer once
// (answers of big servers are hundreds of KB: growing would copy them several times).
func readBody(r io.Reader, length int64) ([]byte, error) {
	var buf bytes.Buffer
	if length > 0 && length <= maxResponseBytes {
		buf.Grow(int(length) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, maxResponseBytes+1)); err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if buf.Len() > maxResponseBytes {
		return nil, fmt.Errorf("answer larger than %d bytes", maxResponseBytes)
	}
	return buf.Bytes(), nil
}

// Version calls the API root and returns its bbbVersion ("" when the server does not tell).
func (c *Client) Version(ctx context.Context, ep Endpoint, t *Timeouts) (string, error) {
	resp, err := c.Do(ctx, ep, "", nil, nil, t)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(resp.Text("bbbVersion")), nil
}
