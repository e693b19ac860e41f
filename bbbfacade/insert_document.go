package bbbfacade

import (
	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// insertDocument forwards the XML body as a POST to the meeting's server with only meetingID.
func (h *Handler) insertDocument(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	m, srv, err := h.meetingOnServer(ctx, req, msgInsertDocument)
	if err != nil {
		h.fail(c, err)
		return
	}
	body := req.XMLBody
	if body == nil {
		body = []byte{}
	}
	resp, err := h.client.Do(ctx, bbb.EndpointOf(srv), "insertDocument", bbb.Params{{Key: "meetingID", Value: m.MeetingID}}, body, h.backend.TimeoutsFor(srv))
	if err != nil {
		h.fail(c, backendError(err, msgInsertDocument))
		return
	}
	relay(c, resp.Raw)
}
