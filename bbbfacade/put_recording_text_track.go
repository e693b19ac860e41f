package bbbfacade

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

var langTag = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$`)

// putRecordingTextTrack stores an uploaded caption file (multipart field "file": SRT, SSA/ASS or
// WebVTT) for a recording, converted to WebVTT and added to the presentation player's captions,
// answering BBB's JSON. Unlike BBB it is processed at once, not queued.
func (h *Handler) putRecordingTextTrack(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	id := strings.TrimSpace(req.Get("recordID"))
	if id == "" {
		writeJSONFailure(c, "paramError", "Missing param recordID.")
		return
	}
	kind := strings.TrimSpace(req.Get("kind"))
	if kind == "" {
		writeJSONFailure(c, "paramError", "Missing param kind.")
		return
	}
	if kind != "subtitles" && kind != "captions" {
		writeJSONFailure(c, "invalidKind", "Invalid kind parameter, expected='subtitles|captions' actual="+kind)
		return
	}
	lang := strings.TrimSpace(req.Get("lang"))
	if lang == "" {
		writeJSONFailure(c, "paramError", "Missing param lang.")
		return
	}
	if !langTag.MatchString(lang) {
		writeJSONFailure(c, "invalidLang", "Malformed lang param, received="+lang)
		return
	}
	label := strings.TrimSpace(req.Get("label"))
	content := uploadedFile(c.GetHeader("Content-Type"), req.Body)
	if len(content) == 0 {
		writeJSONFailure(c, "empty_uploaded_text_track", "Empty uploaded text track.")
		return
	}
	err := h.recs.PutTextTrack(ctx, req.TenantID(), id, kind, lang, label, content)
	switch {
	case scalelite.IsNotFound(err):
		writeJSONFailure(c, keyNoRecordings, "No recording was found for "+id)
		return
	case err != nil:
		if scalelite.ErrorCode(err) == scalelite.EINTERNAL {
			h.logger.ErrorContext(ctx, "bbb api", "action", "putRecordingTextTrack", "error", err)
		}
		writeJSONFailure(c, "upload_text_track_failed", "Text track upload failed.")
		return
	}
	writeJSON(c, map[string]jsonAnswer{"response": {ReturnCode: "SUCCESS", RecordID: id,
		MessageKey: "upload_text_track_success", Message: "Text track uploaded successfully"}})
}

// uploadedFile returns the content of the multipart part named "file", nil when none.
func uploadedFile(contentType string, body []byte) []byte {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || len(body) == 0 {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil
		}
		if part.FormName() == "file" {
			b, err := io.ReadAll(part)
			if err != nil {
				return nil
			}
			return b
		}
	}
}
