package bbbfacade

import (
	"fmt"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// end ends the meeting in our records first (unconditionally, as Scalelite), then on its server
// with meetingID and the client's password (a bare key when absent), and relays the answer.
func (h *Handler) end(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	m, err := h.meeting(ctx, req, meetingID)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.cache.forgetMeeting(m.MeetingID)
	if _, err := h.store.EndMeetings(ctx, []string{m.MeetingID}, h.now()); err != nil {
		h.fail(c, fmt.Errorf("end meeting %s: %w", meetingID, err))
		return
	}
	srv, err := h.server(ctx, m.ServerID)
	if err != nil || srv == nil {
		h.fail(c, &apiError{Key: keyInternalError, Message: msgAccessMeeting, Err: fmt.Errorf("server %s of meeting %s: %v", m.ServerID, meetingID, err)})
		return
	}
	pw, hasPW := req.Params.Get("password")
	p := bbb.Params{{Key: "meetingID", Value: m.MeetingID}, {Key: "password", Value: pw, Bare: !hasPW}}
	resp, err := h.client.Do(ctx, bbb.EndpointOf(srv), "end", p, nil, h.backend.TimeoutsFor(srv))
	if err != nil {
		h.fail(c, backendError(err, msgAccessMeeting))
		return
	}
	relay(c, resp.Raw)
}
