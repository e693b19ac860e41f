package bbbfacade

import "github.com/gin-gonic/gin"

// deleteRecordings deletes recordings of this tenant (exact ids, any state): their published and
// unpublished files and uploaded text tracks are removed and the index row is marked deleted.
func (h *Handler) deleteRecordings(c *gin.Context, req *apiRequest) {
	ids, err := req.recordIDs()
	if err != nil {
		h.fail(c, err)
		return
	}
	if err := h.recs.Delete(c.Request.Context(), req.TenantID(), ids); err != nil {
		h.fail(c, recordingError(err, msgUnableToDelete))
		return
	}
	simpleAnswer(c, "deleted", true)
}
