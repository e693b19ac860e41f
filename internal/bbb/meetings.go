package bbb

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MeetingsList is a parsed getMeetings answer.
type MeetingsList struct {
	Meetings []MeetingInfo
}

// MeetingInfo is one <meeting> of getMeetings (or a getMeetingInfo answer).
type MeetingInfo struct {
	MeetingID, InternalMeetingID, MeetingName                                                    string
	CreateTime                                                                                   int64 // ms
	ParticipantCount, ModeratorCount, ListenerCount, VoiceParticipantCount, VideoCount, MaxUsers int
	Running, IsBreakout                                                                          bool
	Metadata                                                                                     map[string]string
	Raw                                                                                          []byte // the <meeting>...</meeting> element verbatim, for merging getMeetings answers
}

// GetMeetings calls getMeetings and parses every <meeting>. An empty server (noMeetings) gives an
// empty list. Errors are those of Do, plus a *TransportError when a meeting element is malformed.
//
// The answer is read in one pass by a scanner for the XML subset BBB writes, which checks the
// attendee lists without decoding them; anything outside that subset is read by ParseResponse and
// ParseMeetings, with the same result.
func (c *Client) GetMeetings(ctx context.Context, ep Endpoint, t *Timeouts) (*MeetingsList, error) {
	const action = "getMeetings"
	raw, status, err := c.exchange(ctx, ep, action, nil, nil, t)
	if err != nil {
		return nil, err
	}
	ans, ok := scanMeetingsAnswer(raw)
	if !ok {
		var errNotXML, errMeetings error
		ans, errNotXML, errMeetings = parseMeetingsAnswerFull(raw)
		switch {
		case errNotXML != nil:
			return nil, badAnswer(ep, action, errNotXML, status)
		case errMeetings != nil:
			return nil, badAnswer(ep, action, errMeetings, 0)
		}
	}
	if err := returnCodeError(ans.returnCode, ans.messageKey, ans.message); err != nil {
		return nil, err
	}
	return &MeetingsList{Meetings: ans.meetings}, nil
}

// ParseMeetings reads the <meeting> elements of a getMeetings answer's <meetings> element.
func ParseMeetings(resp *Response) (*MeetingsList, error) {
	el, ok := resp.Element("meetings")
	if !ok {
		return &MeetingsList{}, nil
	}
	ms, err := scanMeetings(el.Raw, 2, "meeting")
	if err != nil {
		return nil, err
	}
	return &MeetingsList{Meetings: ms}, nil
}

// ParseMeeting parses one meeting element (<meeting> of getMeetings, or a whole getMeetingInfo
// <response>); Raw is set to raw. Unknown elements are ignored; malformed numbers count as 0.
func ParseMeeting(raw []byte) (MeetingInfo, error) {
	ms, err := scanMeetings(raw, 1, "")
	if err != nil {
		return MeetingInfo{}, err
	}
	if len(ms) != 1 {
		return MeetingInfo{}, fmt.Errorf("parse meeting: %d elements", len(ms))
	}
	return ms[0], nil
}

// scanMeetings reads the elements at depth level (named name, or any name for "") as meetings in
// one pass: their children are the fields, <metadata>'s children the metadata.
func scanMeetings(data []byte, level int, name string) ([]MeetingInfo, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var (
		out            []MeetingInfo
		cur            *MeetingInfo
		start          int64
		depth          int
		field, metaKey string
		text           []byte
		stack          []string
	)
	for {
		offset := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("parse meeting: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			stack = append(stack, t.Name.Local)
			switch {
			case depth == level && (name == "" || t.Name.Local == name):
				cur, start = &MeetingInfo{}, offset
			case cur != nil && depth == level+1:
				field, text = t.Name.Local, text[:0]
			case cur != nil && depth == level+2 && field == "metadata":
				metaKey, text = t.Name.Local, text[:0]
			}
		case xml.CharData:
			if cur != nil && (depth == level+1 || depth == level+2 && field == "metadata") {
				text = append(text, t...)
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name.Local {
				return nil, fmt.Errorf("parse meeting: unexpected </%s>", t.Name.Local)
			}
			stack = stack[:len(stack)-1]
			switch {
			case cur != nil && depth == level:
				cur.Raw = data[start:d.InputOffset()]
				out = append(out, *cur)
				cur = nil
			case cur != nil && depth == level+1:
				cur.setField(field, string(text))
			case cur != nil && depth == level+2 && field == "metadata":
				if cur.Metadata == nil {
					cur.Metadata = map[string]string{}
				}
				cur.Metadata[metaKey] = string(text)
			}
			depth--
		}
	}
	return out, nil
}

func (m *MeetingInfo) setField(name, text string) {
	switch name {
	case "meetingID":
		m.MeetingID = strings.TrimSpace(text)
	case "internalMeetingID":
		m.InternalMeetingID = strings.TrimSpace(text)
	case "meetingName":
		m.MeetingName = text
	case "createTime":
		m.CreateTime = parseInt64(text)
	case "participantCount":
		m.ParticipantCount = int(parseInt64(text))
	case "moderatorCount":
		m.ModeratorCount = int(parseInt64(text))
	case "listenerCount":
		m.ListenerCount = int(parseInt64(text))
	case "voiceParticipantCount":
		m.VoiceParticipantCount = int(parseInt64(text))
	case "videoCount":
		m.VideoCount = int(parseInt64(text))
	case "maxUsers":
		m.MaxUsers = int(parseInt64(text))
	case "running":
		m.Running = parseBool(text)
	case "isBreakout":
		m.IsBreakout = parseBool(text)
	}
}

func parseInt64(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func parseBool(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }
