package bbbfacade

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// isMeetingRunning relays the meeting's server's answer; a meeting we do not know (or another
// tenant's) is simply not running, with no backend call.
func (h *Handler) isMeetingRunning(c *gin.Context, req *apiRequest) {
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	answer, err := h.meetings.IsMeetingRunning(c.Request.Context(), req.Tenant, meetingID)
	switch {
	case errors.Is(err, scalelite.ErrUnknownMeeting):
		writeXML(c, bbb.NewDocument("SUCCESS").Element("running", "false").Bytes())
	case err != nil:
		h.failCall(c, err, msgAccessMeeting)
	default:
		relay(c, answer)
	}
}
