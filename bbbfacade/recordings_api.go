package bbbfacade

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RecordingsConfig configures the recording calls.
type RecordingsConfig struct {
	// Disabled (RECORDING_DISABLED) answers the recording calls with Scalelite's stubs, without
	// checksum: getRecordings finds nothing, the others notFound.
	Disabled bool
	// APIFiltered (GET_RECORDINGS_API_FILTERED) makes getRecordings require meetingID or recordID.
	APIFiltered bool
	// Protected (PROTECTED_RECORDINGS_ENABLED) adds <protected> and hands out one-time links for
	// protected recordings.
	Protected bool
}

// RecordingAPI is what the recording calls need; recordings.Service implements it. Errors carry
// scalelite codes: ENOTFOUND when nothing matches, EINVALID for bad input, EINTERNAL with a
// Scalelite message ("Unable to publish/unpublish recording.") for failed file operations.
type RecordingAPI interface {
	List(ctx context.Context, f scalelite.RecordingFilter) ([]*scalelite.Recording, int, error)
	Publish(ctx context.Context, tenantID string, recordIDs []string, publish bool) error
	Update(ctx context.Context, tenantID string, recordIDs []string, meta map[string]string, protect *bool) (bool, error)
	Delete(ctx context.Context, tenantID string, recordIDs []string) error
	TextTracks(ctx context.Context, tenantID, recordID string) ([]scalelite.TextTrack, error)
	PutTextTrack(ctx context.Context, tenantID, recordID, kind, lang, label string, content []byte) error
	MintToken(ctx context.Context, recordID, format string) (string, error)
}

const (
	keyNoRecordings        = "noRecordings"
	msgNoRecordings        = "There are not recordings for the meetings"
	msgRecordingsNotFound  = "We could not find recordings"
	keyMissingRecordID     = "missingParamRecordID"
	msgMissingRecordID     = "You must specify a recordID."
	keyMissingPublish      = "missingParamPublish"
	msgMissingPublish      = "You must specify a publish value true or false."
	keyMissingParameters   = "missingParameters"
	msgMissingParameters   = "param meetingID or recordID must be included."
	msgUnableToPublish     = "Unable to publish/unpublish recording."
	msgUnableToDelete      = "Unable to delete recording."
	msgUnableToUpdate      = "Unable to update recording."
	msgUnableToListRecords = "Unable to list recordings."
	contentTypeJSON        = "application/json; charset=utf-8"
)

var (
	errRecordingsNotFound = &apiError{Key: keyNotFound, Message: msgRecordingsNotFound}
	errMissingRecordID    = &apiError{Key: keyMissingRecordID, Message: msgMissingRecordID}
)

// addRecordingRoutes adds the recording calls to the action table.
func (h *Handler) addRecordingRoutes(m map[string]action) {
	if h.cfg.Recordings.Disabled {
		m["getRecordings"] = action{body: bodyForm, serve: h.getRecordingsDisabled}
		for _, name := range []string{"publishRecordings", "deleteRecordings"} {
			m[name] = action{getOnly: true, body: bodyUnchecked, serve: h.recordingsDisabled}
		}
		m["updateRecordings"] = action{body: bodyForm, serve: h.recordingsDisabled}
		return
	}
	if h.recs == nil {
		return
	}
	m["getRecordings"] = action{body: bodyForm, checksum: true, serve: h.getRecordings}
	m["publishRecordings"] = action{getOnly: true, body: bodyUnchecked, checksum: true, serve: h.publishRecordings}
	m["updateRecordings"] = action{body: bodyForm, checksum: true, serve: h.updateRecordings}
	m["deleteRecordings"] = action{getOnly: true, body: bodyUnchecked, checksum: true, serve: h.deleteRecordings}
	m["getRecordingTextTracks"] = action{body: bodyForm, checksum: true, serve: h.getRecordingTextTracks}
	m["putRecordingTextTrack"] = action{postOnly: true, body: bodyForm, checksum: true, maxBody: 16 << 20, serve: h.putRecordingTextTrack}
}

// recordingsDisabled is the RECORDING_DISABLED stub of publish, update and delete.
func (h *Handler) recordingsDisabled(c *gin.Context, _ *apiRequest) {
	writeError(c, keyNotFound, msgRecordingsNotFound)
}

// recordIDs returns the comma list of recordID, or missingParamRecordID.
func (r *apiRequest) recordIDs() ([]string, error) {
	ids := splitList(r.Get("recordID"))
	if len(ids) == 0 {
		return nil, errMissingRecordID
	}
	return ids, nil
}

// splitList splits a comma list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// recordingError turns a recording service error into the BBB answer: ENOTFOUND is Scalelite's
// "We could not find recordings", anything else internalError with the call's message.
func recordingError(err error, message string) error {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return err
	case scalelite.IsNotFound(err):
		return &apiError{Key: keyNotFound, Message: msgRecordingsNotFound, Err: err}
	}
	return &apiError{Key: keyInternalError, Message: message, Err: err}
}

// builderXML writes documents the way Scalelite's Rails Builder views do: no XML declaration,
// two-space indentation, one element per line.
type builderXML struct {
	b     strings.Builder
	depth int
}

func (x *builderXML) indent() {
	for range x.depth {
		x.b.WriteString("  ")
	}
}

func (x *builderXML) open(name string) {
	x.indent()
	x.b.WriteString("<" + name + ">\n")
	x.depth++
}

func (x *builderXML) close(name string) {
	x.depth--
	x.indent()
	x.b.WriteString("</" + name + ">\n")
}

func (x *builderXML) elem(name, text string) {
	x.indent()
	if text == "" {
		x.b.WriteString("<" + name + "/>\n")
		return
	}
	x.b.WriteString("<" + name + ">")
	x.b.WriteString(escapeXML(text, false))
	x.b.WriteString("</" + name + ">\n")
}

// cdataElem writes <name><![CDATA[text]]></name> (Scalelite's empty metadata values).
func (x *builderXML) cdataElem(name, text string) {
	x.indent()
	x.b.WriteString("<" + name + "><![CDATA[" + strings.ReplaceAll(text, "]]>", "]]]]><![CDATA[>") + "]]></" + name + ">\n")
}

func (x *builderXML) bytes() []byte { return []byte(x.b.String()) }

// escapeXML escapes text (and attribute values when attr) for XML.
func escapeXML(s string, attr bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			b.WriteRune('\uFFFD')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var xmlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9._-]*$`)

// simpleAnswer writes a Builder-style SUCCESS answer with one boolean element.
func simpleAnswer(c *gin.Context, name string, value bool) {
	var x builderXML
	x.open("response")
	x.elem("returncode", "SUCCESS")
	x.elem(name, boolText(value))
	x.close("response")
	writeXML(c, x.bytes())
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
