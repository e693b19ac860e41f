package bbbfacade

import (
	"github.com/gin-gonic/gin"
)

// end ends the meeting in our records, then on its server with the client's password (a bare key
// when absent), and relays the server's answer (MeetingService.End).
func (h *Handler) end(c *gin.Context, req *apiRequest) {
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	var password *string
	if pw, ok := req.Params.Get("password"); ok {
		password = &pw
	}
	answer, err := h.meetings.End(c.Request.Context(), req.Tenant, meetingID, password)
	if err != nil {
		h.failCall(c, err, msgAccessMeeting)
		return
	}
	relay(c, answer)
}
