package bbbfacade

import (
	"github.com/gin-gonic/gin"
)

// join redirects (302) to the meeting's server (MeetingService.Join: a meeting whose server left
// service is re-created elsewhere first; serverUnavailable when that is impossible).
func (h *Handler) join(c *gin.Context, req *apiRequest) {
	if _, err := req.MeetingID(); err != nil {
		h.fail(c, err)
		return
	}
	location, err := h.meetings.Join(c.Request.Context(), req.Tenant, req.Params)
	if err != nil {
		h.failCall(c, err, msgAccessMeeting)
		return
	}
	redirectFound(c, location)
}
