package bbbfacade

import (
	"bytes"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// noMeetingsDocument is the answer when no server lists a meeting.
func noMeetingsDocument() []byte {
	return bbb.NewDocument("SUCCESS").Element("messageKey", "noMeetings").
		Element("message", "no meetings were found on this server").Element("meetings", "").Bytes()
}

// getMeetingsDisabled answers GET_MEETINGS_API_DISABLED: always no meetings, no checksum.
func (h *Handler) getMeetingsDisabled(c *gin.Context, _ *apiRequest) {
	writeXML(c, noMeetingsDocument())
}

// getMeetings merges the <meeting> elements of this tenant's meetings on every online server
// that is not disabled (MeetingService.ListMeetings: asked at once, a failing or suspect server
// skipped).
func (h *Handler) getMeetings(c *gin.Context, req *apiRequest) {
	list, err := h.meetings.ListMeetings(c.Request.Context(), req.Tenant)
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(list) == 0 {
		writeXML(c, noMeetingsDocument())
		return
	}
	var merged bytes.Buffer
	for _, m := range list {
		merged.Write(m.Raw)
	}
	writeXML(c, bbb.NewDocument("SUCCESS").RawElement("meetings", merged.Bytes()).Bytes())
}
