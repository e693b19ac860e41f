package bbbfacade

import (
	"context"
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// join redirects (302) to the meeting's server's join URL, re-signed with that server's secret,
// carrying the client's parameters and the join parameter policy. Nothing is written to the
// database: the load bump is accumulated and flushed by Run. A meeting whose server is gone,
// offline or disabled is re-created on a healthy server from its stored create parameters (same
// meetingID, passwords, voice bridge) before the redirect; only when that is impossible does the
// client get serverUnavailable.
func (h *Handler) join(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	m, srv, err := h.joinTarget(ctx, req, meetingID)
	if err != nil {
		h.fail(c, err)
		return
	}
	if !scalelite.ServerKeepsMeetings(srv) {
		h.cache.forgetMeeting(meetingID)
		if m.CreateQuery == "" {
			h.fail(c, &apiError{Key: keyServerUnavailable, Message: msgServerUnavailable,
				Err: fmt.Errorf("meeting %s has no stored create parameters", meetingID)})
			return
		}
		tag, _ := scalelite.ParseCallQuery(m.CreateQuery).Get(scalelite.ParamServerTag)
		m, srv, err = h.meetings.Recover(ctx, m, scalelite.RecoverRequest{
			Select:      scalelite.LeastLoaded{Tag: scalelite.ParseServerTag(tag)},
			Reservation: scalelite.MeetingReservation("", h.cfg.LoadMinUserCount),
		})
		if err != nil {
			h.fail(c, &apiError{Key: keyServerUnavailable, Message: msgServerUnavailable, Err: err})
			return
		}
		h.cache.putMeeting(m)
		h.cache.putServer(srv)
	}
	tp, err := h.tenantParams(ctx, req.Tenant)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.bumps.bump(srv)
	params := h.cfg.Join.Merge(h.cfg.Join.PassThrough(toCall(req.Params)), tp)
	redirectFound(c, h.client.SignedURL(bbb.EndpointOf(srv), "join", toBBB(params)))
}

// joinTarget returns the meeting (tenant-scoped) and its server (nil when removed), from the
// join cache when fresh.
func (h *Handler) joinTarget(ctx context.Context, req *apiRequest, meetingID string) (*scalelite.Meeting, *scalelite.Server, error) {
	m, ok := h.cache.meeting(meetingID)
	if !ok {
		var err error
		if m, err = h.meeting(ctx, req, meetingID); err != nil {
			return nil, nil, err
		}
		h.cache.putMeeting(m)
	} else if m.TenantID != req.TenantID() {
		return nil, nil, errMeetingNotFound
	}
	srv, ok := h.cache.server(m.ServerID)
	if !ok {
		var err error
		if srv, err = h.server(ctx, m.ServerID); err != nil {
			return nil, nil, err
		}
		if srv != nil {
			h.cache.putServer(srv)
		}
	}
	return m, srv, nil
}
