package bbbfacade

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/clienthost"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// maxRecordingsLimit is the largest page BBB 2.6+ serves.
const maxRecordingsLimit = 100

// getRecordings answers from the recording index (section 5.10) with these differences from
// Scalelite: several meta_ filters are AND-ed (Scalelite ORs them; the values of one key are
// OR-ed in both), the tenant filter works together with meta filters (Scalelite's join bug
// returns nothing), and offset/limit page the answer with BBB 2.6's <pagination> block.
func (h *Handler) getRecordings(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	recordIDs, meetingIDs := splitList(req.Get("recordID")), splitList(req.Get("meetingID"))
	if h.cfg.Recordings.APIFiltered && len(recordIDs) == 0 && len(meetingIDs) == 0 {
		writeError(c, keyMissingParameters, msgMissingParameters)
		return
	}
	f := scalelite.RecordingFilter{RecordIDPrefixes: recordIDs, MeetingIDs: meetingIDs, TenantID: req.TenantID(),
		States: scalelite.ListedRecordingStates()}
	if state, ok := req.Params.Get("state"); ok {
		states := splitList(state)
		switch {
		case slices.Contains(states, "any"):
			f.States = scalelite.AllRecordingStates()
		case len(states) > 0:
			f.States = states
		}
	}
	for _, p := range req.Params {
		key, ok := strings.CutPrefix(p.Key, "meta_")
		if !ok || key == "" {
			continue
		}
		if f.Meta == nil {
			f.Meta = map[string][]string{}
		}
		f.Meta[key] = append(f.Meta[key], strings.Split(p.Value, ",")...)
	}
	paged := false
	if v, ok := req.Params.Get("offset"); ok {
		paged = true
		f.Offset, _ = strconv.Atoi(strings.TrimSpace(v))
		f.Offset = max(f.Offset, 0)
		f.Limit = maxRecordingsLimit
	}
	if v, ok := req.Params.Get("limit"); ok {
		paged = true
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n > maxRecordingsLimit {
			n = maxRecordingsLimit
		}
		f.Limit = max(n, 1)
	}
	recs, total, err := h.recs.List(ctx, f)
	if err != nil {
		h.fail(c, recordingError(err, msgUnableToListRecords))
		return
	}
	base := clienthost.From(c.Request.Context()).BaseURL()
	var x builderXML
	x.open("response")
	x.elem("returncode", "SUCCESS")
	if len(recs) == 0 {
		x.elem("recordings", "")
		x.elem("messageKey", keyNoRecordings)
		x.elem("message", msgNoRecordings)
	} else {
		x.open("recordings")
		for _, rec := range recs {
			if err := h.writeRecording(c, &x, rec, base); err != nil {
				h.fail(c, recordingError(err, msgUnableToListRecords))
				return
			}
		}
		x.close("recordings")
	}
	if paged {
		x.open("pagination")
		x.open("pageable")
		x.elem("offset", strconv.Itoa(f.Offset))
		x.elem("limit", strconv.Itoa(f.Limit))
		x.elem("paged", "true")
		x.elem("unpaged", "false")
		x.close("pageable")
		x.elem("totalElements", strconv.Itoa(total))
		x.elem("empty", boolText(len(recs) == 0))
		x.close("pagination")
	}
	x.close("response")
	writeXML(c, x.bytes())
}

// writeRecording writes one <recording> in Scalelite's element order.
func (h *Handler) writeRecording(c *gin.Context, x *builderXML, rec *scalelite.Recording, base string) error {
	protected := h.cfg.Recordings.Protected && rec.Protected
	x.open("recording")
	x.elem("recordID", rec.RecordID)
	x.elem("meetingID", rec.MeetingID)
	x.elem("internalMeetingID", rec.RecordID)
	x.elem("name", rec.Name)
	x.elem("published", boolText(rec.Published))
	if h.cfg.Recordings.Protected {
		x.elem("protected", boolText(rec.Protected))
	}
	if rec.State != "" {
		x.elem("state", rec.State)
	}
	x.elem("startTime", millis(rec.StartTime))
	x.elem("endTime", millis(rec.EndTime))
	if rec.Participants != nil {
		x.elem("participants", strconv.Itoa(*rec.Participants))
	}
	keys := make([]string, 0, len(rec.Metadata))
	for k := range rec.Metadata {
		if xmlName.MatchString(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	x.open("metadata")
	for _, k := range keys {
		if v := rec.Metadata[k]; v == "" {
			x.cdataElem(k, "")
		} else {
			x.elem(k, v)
		}
	}
	x.close("metadata")
	x.open("playback")
	for _, pf := range rec.Formats {
		x.open("format")
		x.elem("type", pf.Format)
		if protected {
			token, err := h.recs.MintToken(c.Request.Context(), rec.RecordID, pf.Format)
			if err != nil {
				return err
			}
			x.elem("url", base+"/recording/"+rec.RecordID+"/"+pf.Format+"?token="+token)
		} else {
			x.elem("url", base+pf.URL)
		}
		x.elem("length", strconv.Itoa(pf.Length))
		if pf.ProcessingTime != nil {
			x.elem("processingTime", strconv.Itoa(*pf.ProcessingTime))
		}
		if !protected && len(pf.Thumbnails) > 0 {
			x.open("preview")
			x.open("images")
			for _, th := range pf.Thumbnails {
				x.indent()
				x.b.WriteString(`<image alt="` + escapeXML(th.Alt, true) + `" width="` + strconv.Itoa(th.Width) +
					`" height="` + strconv.Itoa(th.Height) + `">` + escapeXML(base+th.URL, false) + "</image>\n")
			}
			x.close("images")
			x.close("preview")
		}
		x.close("format")
	}
	x.close("playback")
	x.close("recording")
	return nil
}

// millis is a time in epoch milliseconds, 0 when unknown.
func millis(t *time.Time) string {
	if t == nil {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// getRecordingsDisabled is the RECORDING_DISABLED stub: no checksum, no recordings.
func (h *Handler) getRecordingsDisabled(c *gin.Context, _ *apiRequest) {
	var x builderXML
	x.open("response")
	x.elem("returncode", "SUCCESS")
	x.elem("recordings", "")
	x.elem("messageKey", keyNoRecordings)
	x.elem("message", msgNoRecordings)
	x.close("response")
	writeXML(c, x.bytes())
}
