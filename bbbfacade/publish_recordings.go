package bbbfacade

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// publishRecordings publishes or unpublishes recordings of this tenant (exact ids, state
// published or unpublished), moving their files between the published and unpublished trees.
func (h *Handler) publishRecordings(c *gin.Context, req *apiRequest) {
	ids, err := req.recordIDs()
	if err != nil {
		h.fail(c, err)
		return
	}
	value := req.Get("publish")
	if value == "" {
		writeError(c, keyMissingPublish, msgMissingPublish)
		return
	}
	publish := strings.EqualFold(value, "true")
	if err := h.recs.Publish(c.Request.Context(), req.TenantID(), ids, publish); err != nil {
		h.fail(c, recordingError(err, msgUnableToPublish))
		return
	}
	simpleAnswer(c, "published", publish)
}
