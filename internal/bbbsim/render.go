package bbbsim

import (
	"slices"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// doc writes a compact bbb-web style document: no XML declaration, no whitespace.
type doc struct{ strings.Builder }

func newDoc(returnCode string) *doc { return newDocSize(returnCode, 512) }

func newDocSize(returnCode string, size int) *doc {
	d := &doc{}
	d.Grow(size)
	d.WriteString("<response>")
	d.el("returncode", returnCode)
	return d
}

func (d *doc) el(name, text string) {
	d.open(name)
	bbb.EscapeText(&d.Builder, text)
	d.close(name)
}

func (d *doc) bool(name string, v bool) { d.el(name, strconv.FormatBool(v)) }
func (d *doc) int(name string, v int64) { d.el(name, strconv.FormatInt(v, 10)) }

func (d *doc) open(name string)  { d.WriteByte('<'); d.WriteString(name); d.WriteByte('>') }
func (d *doc) close(name string) { d.WriteString("</"); d.WriteString(name); d.WriteByte('>') }
func (d *doc) empty(name string) { d.WriteByte('<'); d.WriteString(name); d.WriteString("/>") }

func (d *doc) finish() string {
	d.WriteString("</response>")
	return d.String()
}

func errorDoc(key, message string) string {
	d := newDoc("FAILED")
	d.el("messageKey", key)
	d.el("message", message)
	return d.finish()
}

// meeting writes the children of a getMeetings <meeting> / getMeetingInfo <response>.
func (d *doc) meeting(m *SimMeeting) {
	d.el("meetingName", m.Name)
	d.el("meetingID", m.MeetingID)
	d.el("internalMeetingID", m.InternalMeetingID)
	d.int("createTime", m.CreateTime)
	d.el("createDate", m.CreateDate)
	d.el("voiceBridge", m.VoiceBridge)
	d.el("dialNumber", m.DialNumber)
	d.el("attendeePW", m.AttendeePW)
	d.el("moderatorPW", m.ModeratorPW)
	d.bool("running", m.Running)
	d.int("duration", int64(m.Duration))
	d.bool("hasUserJoined", m.HasUserJoined)
	d.bool("recording", false)
	d.bool("hasBeenForciblyEnded", false)
	d.int("startTime", m.StartTime)
	d.int("endTime", 0)
	d.int("participantCount", int64(m.ParticipantCount()))
	d.int("listenerCount", int64(m.ListenerCount()))
	d.int("voiceParticipantCount", int64(m.VoiceParticipantCount()))
	d.int("videoCount", int64(m.VideoCount()))
	d.int("maxUsers", int64(m.MaxUsers))
	d.int("moderatorCount", int64(m.ModeratorCount()))
	d.open("attendees")
	for i := range m.Attendees {
		d.attendee(&m.Attendees[i])
	}
	d.close("attendees")
	d.open("metadata")
	keys := make([]string, 0, len(m.Metadata))
	for k := range m.Metadata {
		if validName(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.el(k, m.Metadata[k])
	}
	d.close("metadata")
	d.bool("isBreakout", m.IsBreakout)
	if m.IsBreakout {
		d.el("parentMeetingID", m.ParentMeetingID)
		seq, _ := m.Params.Get("sequence")
		d.el("sequence", seq)
		free, _ := m.Params.Get("freeJoin")
		d.el("freeJoin", strconv.FormatBool(free == "true"))
	}
}

func (d *doc) attendee(a *SimAttendee) {
	d.open("attendee")
	d.el("userID", a.UserID)
	d.el("fullName", a.FullName)
	d.el("role", a.Role)
	d.bool("isPresenter", a.IsPresenter)
	d.bool("isListeningOnly", a.ListenOnly)
	d.bool("hasJoinedVoice", a.Voice)
	d.bool("hasVideo", a.Video)
	d.el("clientType", a.ClientType)
	if len(a.CustomData) == 0 {
		d.empty("customdata")
	} else {
		d.open("customdata")
		for _, p := range a.CustomData {
			if validName(p.Key) {
				d.el(p.Key, p.Value)
			}
		}
		d.close("customdata")
	}
	d.close("attendee")
}

// validName reports whether s can be an XML element name (ASCII subset, conservative).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
