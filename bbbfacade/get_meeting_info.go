package bbbfacade

import (
	"github.com/gin-gonic/gin"
)

// getMeetingInfo relays the meeting's server's answer for the meeting (only meetingID is sent).
func (h *Handler) getMeetingInfo(c *gin.Context, req *apiRequest) {
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	answer, err := h.meetings.MeetingInfo(c.Request.Context(), req.Tenant, meetingID)
	if err != nil {
		h.failCall(c, err, msgAccessMeeting)
		return
	}
	relay(c, answer)
}
