package bbbfacade

import (
	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// getMeetingInfo relays the meeting's server's answer for the meeting (only meetingID is sent).
func (h *Handler) getMeetingInfo(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	m, srv, err := h.meetingOnServer(ctx, req, msgAccessMeeting)
	if err != nil {
		h.fail(c, err)
		return
	}
	resp, err := h.client.Do(ctx, bbb.EndpointOf(srv), "getMeetingInfo", bbb.Params{{Key: "meetingID", Value: m.MeetingID}}, nil, h.backend.TimeoutsFor(srv))
	if err != nil {
		h.fail(c, backendError(err, msgAccessMeeting))
		return
	}
	relay(c, resp.Raw)
}
