package bbb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Backend adapts a Client to scalelite.Backend: calls are signed with each server's secret, and
// servers marked offline get OfflineTimeouts so a dead server answers "unavailable" quickly.
type Backend struct {
	Client   *Client
	Timeouts Timeouts // the client's defaults (CONNECT_TIMEOUT, RESPONSE_TIMEOUT)
}

// NewBackend returns a Backend over c, whose default timeouts are t.
func NewBackend(c *Client, t Timeouts) *Backend { return &Backend{Client: c, Timeouts: t} }

var _ scalelite.Backend = (*Backend)(nil)

// OfflineTimeouts are Scalelite's reduced timeouts for a server marked offline: connect 0.2 s and
// response 0.5 s, each clamped to [Response/10, Response] (1 s each with the defaults).
func OfflineTimeouts(t Timeouts) Timeouts {
	clamp := func(d time.Duration) time.Duration {
		lo, hi := t.Response/10, t.Response
		if hi <= 0 {
			return d
		}
		return min(max(d, lo), hi)
	}
	return Timeouts{Connect: clamp(200 * time.Millisecond), Response: clamp(500 * time.Millisecond)}
}

// TimeoutsFor returns the timeouts for one call to srv: nil (the client's defaults) when it is
// online, OfflineTimeouts otherwise.
func (b *Backend) TimeoutsFor(srv *scalelite.Server) *Timeouts {
	if srv.Online {
		return nil
	}
	t := OfflineTimeouts(b.Timeouts)
	return &t
}

// EndpointOf returns the server's endpoint.
func EndpointOf(srv *scalelite.Server) Endpoint { return Endpoint{URL: srv.URL, Secret: srv.Secret} }

// Call implements scalelite.Backend.
func (b *Backend) Call(ctx context.Context, srv *scalelite.Server, action string, p scalelite.Params, body []byte) ([]byte, error) {
	resp, err := b.Client.Do(ctx, EndpointOf(srv), action, p, body, b.TimeoutsFor(srv))
	if err != nil {
		return nil, DomainError(err)
	}
	return resp.Raw, nil
}

// EndMeeting implements scalelite.Backend. Without a password the key is sent bare, as Scalelite
// does.
func (b *Backend) EndMeeting(ctx context.Context, srv *scalelite.Server, meetingID, moderatorPW string) error {
	p := scalelite.Params{{Key: "meetingID", Value: meetingID}, {Key: "password", Value: moderatorPW, Bare: moderatorPW == ""}}
	_, err := b.Client.Do(ctx, EndpointOf(srv), "end", p, nil, b.TimeoutsFor(srv))
	return DomainError(err)
}

// MeetingRunning implements scalelite.Backend.
func (b *Backend) MeetingRunning(ctx context.Context, srv *scalelite.Server, meetingID string) (bool, error) {
	resp, err := b.Client.Do(ctx, EndpointOf(srv), "isMeetingRunning", scalelite.Params{{Key: "meetingID", Value: meetingID}}, nil, b.TimeoutsFor(srv))
	if err != nil {
		return false, DomainError(err)
	}
	return resp.Text("running") == "true", nil
}

// ListMeetings implements scalelite.Backend (getMeetings with the server's timeouts).
func (b *Backend) ListMeetings(ctx context.Context, srv *scalelite.Server) ([]scalelite.ListedMeeting, error) {
	list, err := b.Client.GetMeetings(ctx, EndpointOf(srv), b.TimeoutsFor(srv))
	if err != nil {
		return nil, DomainError(err)
	}
	out := make([]scalelite.ListedMeeting, len(list.Meetings))
	for i, m := range list.Meetings {
		out[i] = scalelite.ListedMeeting{MeetingID: m.MeetingID, TenantID: m.Metadata["tenant-id"], Raw: m.Raw}
	}
	return out, nil
}

// JoinURL implements scalelite.Backend.
func (b *Backend) JoinURL(srv *scalelite.Server, p scalelite.Params) string {
	return b.Client.SignedURL(EndpointOf(srv), "join", p)
}

// DomainError translates a Client error into the domain's kinds: BBB's notFound gives ENOTFOUND,
// other FAILED answers EINVALID with BBB's message, transport failures EUNAVAILABLE wrapping
// scalelite.ErrServerUnreachable. The original error stays in the chain.
func DomainError(err error) error {
	if err == nil {
		return nil
	}
	var api *APIError
	if errors.As(err, &api) {
		code := scalelite.EINVALID
		if api.Key == "notFound" {
			code = scalelite.ENOTFOUND
		}
		return &scalelite.Error{Code: code, Message: api.Message, Err: err}
	}
	var te *TransportError
	if errors.As(err, &te) {
		return &scalelite.Error{Code: scalelite.EUNAVAILABLE, Message: fmt.Sprintf("server unreachable (%s)", te.Op),
			Err: fmt.Errorf("%w: %w", scalelite.ErrServerUnreachable, err)}
	}
	return err
}
