package bbbfacade

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/clienthost"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// jsonTrack is one track of getRecordingTextTracks, as BBB writes it.
type jsonTrack struct {
	Href   string `json:"href"`
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Lang   string `json:"lang"`
	Source string `json:"source"`
}

// getRecordingTextTracks lists a recording's caption tracks as BBB's JSON; hrefs point at the
// balancer (the presentation player reads the same files).
func (h *Handler) getRecordingTextTracks(c *gin.Context, req *apiRequest) {
	id := strings.TrimSpace(req.Get("recordID"))
	if id == "" {
		writeJSONFailure(c, keyMissingRecordID, msgMissingRecordID)
		return
	}
	tracks, err := h.recs.TextTracks(c.Request.Context(), req.TenantID(), id)
	switch {
	case scalelite.IsNotFound(err):
		writeJSONFailure(c, keyNoRecordings, "No recording found for "+id)
		return
	case err != nil:
		h.logger.ErrorContext(c.Request.Context(), "bbb api", "action", "getRecordingTextTracks", "error", err)
		writeJSONFailure(c, keyInternalError, msgInternal)
		return
	case len(tracks) == 0:
		writeJSONFailure(c, "noCaptionsFound", "No captions found for "+id)
		return
	}
	base := clienthost.From(c.Request.Context()).BaseURL()
	out := make([]jsonTrack, len(tracks))
	for i, t := range tracks {
		out[i] = jsonTrack{Href: base + t.Href, Kind: t.Kind, Label: t.Label, Lang: t.Lang, Source: t.Source}
	}
	writeJSON(c, map[string]jsonAnswer{"response": {ReturnCode: "SUCCESS", Tracks: out}})
}

func writeJSON(c *gin.Context, v any) {
	b, _ := json.Marshal(v)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, contentTypeJSON, b)
}

// jsonAnswer is BBB's JSON envelope, fields in BBB's order.
type jsonAnswer struct {
	ReturnCode string      `json:"returncode"`
	RecordID   string      `json:"recordId,omitempty"`
	Tracks     []jsonTrack `json:"tracks,omitempty"`
	MessageKey string      `json:"messageKey,omitempty"`
	Message    string      `json:"message,omitempty"`
}

func writeJSONFailure(c *gin.Context, key, message string) {
	c.Set(outcomeKey, key)
	writeJSON(c, map[string]jsonAnswer{"response": {ReturnCode: "FAILED", MessageKey: key, Message: message}})
}
