package bbbfacade

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// isMeetingRunning relays the meeting's server's answer; a meeting we do not know (or another
// tenant's) is simply not running, with no backend call.
func (h *Handler) isMeetingRunning(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	m, srv, err := h.meetingOnServer(ctx, req, msgAccessMeeting)
	if errors.Is(err, errMeetingNotFound) {
		writeXML(c, bbb.NewDocument("SUCCESS").Element("running", "false").Bytes())
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	resp, err := h.client.Do(ctx, bbb.EndpointOf(srv), "isMeetingRunning", bbb.Params{{Key: "meetingID", Value: m.MeetingID}}, nil, h.backend.TimeoutsFor(srv))
	if err != nil {
		h.fail(c, backendError(err, msgAccessMeeting))
		return
	}
	relay(c, resp.Raw)
}
