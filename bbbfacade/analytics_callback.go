package bbbfacade

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/analytics"
)

// analyticsCallback receives BBB's learning-dashboard data (create rewrote
// meta_analytics-callback-url to this endpoint), as JSON or as a form (analyticsParams), and
// hands it to the forwarder, which verifies BBB's token and posts it on to the front-end's URL
// stored at create, signed with this request's tenant's secrets (or ours). Every outcome answers
// 204, as in Scalelite.
func (h *Handler) analyticsCallback(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	err := h.forwardAnalytics(c, req)
	if err != nil {
		h.logger.WarnContext(ctx, "analytics callback", "error", err)
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) forwardAnalytics(c *gin.Context, req *apiRequest) error {
	if h.analytics == nil {
		return nil
	}
	params, err := analyticsParams(c.Request.Header.Get("Content-Type"), req.Body)
	if err != nil {
		return err
	}
	for _, p := range req.Params {
		params[p.Key] = p.Value
	}
	token, _ := strings.CutPrefix(c.Request.Header.Get("Authorization"), "Bearer ")
	d := analytics.Delivery{Token: token, Params: params, Customer: "scalelite", Secrets: h.secretList()}
	if req.Tenant != nil {
		d.Customer, d.Secrets = req.Tenant.Name, req.Tenant.Secrets
	}
	return h.analytics.Forward(c.Request.Context(), d)
}
