package bbbfacade

import (
	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// create finds or places the meeting and creates it on its server (MeetingService.Create), and
// relays the server's answer.
func (h *Handler) create(c *gin.Context, req *apiRequest) {
	if _, err := req.MeetingID(); err != nil {
		h.fail(c, err)
		return
	}
	res, err := h.meetings.Create(c.Request.Context(), scalelite.CreateRequest{
		Tenant: req.Tenant, Params: req.Params, Body: req.XMLBody, AnalyticsCallbackURL: h.analyticsURL(req),
	})
	if err != nil {
		h.failCall(c, err, msgCreateMeeting)
		return
	}
	relay(c, res.Answer)
}
