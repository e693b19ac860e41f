package bbbfacade

import (
	"github.com/gin-gonic/gin"
)

// insertDocument forwards the XML body to the meeting's server with only meetingID.
func (h *Handler) insertDocument(c *gin.Context, req *apiRequest) {
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	answer, err := h.meetings.InsertDocument(c.Request.Context(), req.Tenant, meetingID, req.XMLBody)
	if err != nil {
		h.failCall(c, err, msgInsertDocument)
		return
	}
	relay(c, answer)
}
