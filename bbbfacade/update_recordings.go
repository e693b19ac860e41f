package bbbfacade

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// updateRecordings changes metadata (meta_<key>=value upserts, an empty value deletes the key)
// and, with protect, the protected flag of every listed recording (Scalelite applies protect to
// the first one only). When the ids do not all name recordings of this tenant, nothing changes
// and updated is false, as in Scalelite.
func (h *Handler) updateRecordings(c *gin.Context, req *apiRequest) {
	ids, err := req.recordIDs()
	if err != nil {
		h.fail(c, err)
		return
	}
	meta := map[string]string{}
	var protect *bool
	for _, p := range req.Params {
		if key, ok := strings.CutPrefix(p.Key, "meta_"); ok && key != "" {
			meta[key] = p.Value
		}
		if p.Key == "protect" {
			v := strings.EqualFold(p.Value, "true")
			protect = &v
		}
	}
	updated, err := h.recs.Update(c.Request.Context(), req.TenantID(), ids, meta, protect)
	if err != nil {
		h.fail(c, recordingError(err, msgUnableToUpdate))
		return
	}
	simpleAnswer(c, "updated", updated)
}
