package bbbfacade

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
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

// getMeetings merges the <meeting> elements of every online server that is not disabled. Unlike
// Scalelite it asks them all at once, each with its own timeout, and skips (and logs) a server
// that fails instead of failing the whole answer. Meetings of other tenants are dropped: with a
// tenant only its meetings (metadata tenant-id) are kept, without one every meeting carrying a
// tenant-id is dropped.
func (h *Handler) getMeetings(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	online := true
	servers, err := h.store.Servers(ctx, scalelite.ServerFilter{Online: &online,
		States: []scalelite.ServerState{scalelite.ServerEnabled, scalelite.ServerCordoned}})
	if err != nil {
		h.fail(c, fmt.Errorf("list servers: %w", err))
		return
	}
	lists := make([][]bbb.MeetingInfo, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Go(func() {
			list, err := h.client.GetMeetings(ctx, bbb.EndpointOf(srv), nil)
			if err != nil {
				h.logger.WarnContext(ctx, "getMeetings: server skipped", "server_id", srv.ID, "error", err)
				return
			}
			lists[i] = list.Meetings
		})
	}
	wg.Wait()
	var merged bytes.Buffer
	for _, list := range lists {
		for _, m := range list {
			if m.Metadata["tenant-id"] != req.TenantID() {
				continue
			}
			merged.Write(m.Raw)
		}
	}
	if merged.Len() == 0 {
		writeXML(c, noMeetingsDocument())
		return
	}
	writeXML(c, bbb.NewDocument("SUCCESS").RawElement("meetings", merged.Bytes()).Bytes())
}
