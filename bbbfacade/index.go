package bbbfacade

import (
	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// index answers the API root: version 2.0, apiVersion 2.0 (as BBB 3.0), and build when
// BUILD_NUMBER is set. No checksum.
func (h *Handler) index(c *gin.Context, _ *apiRequest) {
	doc := bbb.NewDocument("SUCCESS").Element("version", "2.0").Element("apiVersion", "2.0")
	if h.cfg.BuildNumber != "" {
		doc.Element("build", h.cfg.BuildNumber)
	}
	writeXML(c, doc.Bytes())
}
