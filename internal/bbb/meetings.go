package bbb

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
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
func (c *Client) GetMeetings(ctx context.Context, ep Endpoint, t *Timeouts) (*MeetingsList, error) {
	resp, err := c.Do(ctx, ep, "getMeetings", nil, nil, t)
	if err != nil {
		return nil, err
	}
	list, err := ParseMeetings(resp)
	if err != nil {
		return nil, &TransportError{Op: "getMeetings", Err: err, URL: ActionURL(ep, "getMeetings")}
	}
	return list, nil
}

// ParseMeetings reads the <meetings> element of a getMeetings answer.
func ParseMeetings(resp *Response) (*MeetingsList, error) {
	list := &MeetingsList{}
	el, ok := resp.Element("meetings")
	if !ok {
		return list, nil
	}
	inner := el.Inner()
	d := xml.NewDecoder(bytes.NewReader(inner))
	for {
		offset := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			break // io.EOF; ParseResponse already checked well-formedness
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if err := d.Skip(); err != nil {
			return nil, fmt.Errorf("parse meetings: %w", err)
		}
		if start.Name.Local != "meeting" {
			continue
		}
		m, err := ParseMeeting(inner[offset:d.InputOffset()])
		if err != nil {
			return nil, err
		}
		list.Meetings = append(list.Meetings, m)
	}
	return list, nil
}

type meetingXML struct {
	MeetingID             string `xml:"meetingID"`
	InternalMeetingID     string `xml:"internalMeetingID"`
	MeetingName           string `xml:"meetingName"`
	CreateTime            string `xml:"createTime"`
	ParticipantCount      string `xml:"participantCount"`
	ModeratorCount        string `xml:"moderatorCount"`
	ListenerCount         string `xml:"listenerCount"`
	VoiceParticipantCount string `xml:"voiceParticipantCount"`
	VideoCount            string `xml:"videoCount"`
	MaxUsers              string `xml:"maxUsers"`
	Running               string `xml:"running"`
	IsBreakout            string `xml:"isBreakout"`
	Metadata              struct {
		Items []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"metadata"`
}

// ParseMeeting parses one meeting element (<meeting> of getMeetings, or a whole getMeetingInfo
// <response>); Raw is set to raw. Unknown elements are ignored; malformed numbers count as 0.
func ParseMeeting(raw []byte) (MeetingInfo, error) {
	var x meetingXML
	if err := xml.Unmarshal(raw, &x); err != nil {
		return MeetingInfo{}, fmt.Errorf("parse meeting: %w", err)
	}
	m := MeetingInfo{
		MeetingID:             strings.TrimSpace(x.MeetingID),
		InternalMeetingID:     strings.TrimSpace(x.InternalMeetingID),
		MeetingName:           x.MeetingName,
		CreateTime:            parseInt64(x.CreateTime),
		ParticipantCount:      int(parseInt64(x.ParticipantCount)),
		ModeratorCount:        int(parseInt64(x.ModeratorCount)),
		ListenerCount:         int(parseInt64(x.ListenerCount)),
		VoiceParticipantCount: int(parseInt64(x.VoiceParticipantCount)),
		VideoCount:            int(parseInt64(x.VideoCount)),
		MaxUsers:              int(parseInt64(x.MaxUsers)),
		Running:               parseBool(x.Running),
		IsBreakout:            parseBool(x.IsBreakout),
		Raw:                   raw,
	}
	if len(x.Metadata.Items) > 0 {
		m.Metadata = make(map[string]string, len(x.Metadata.Items))
		for _, it := range x.Metadata.Items {
			m.Metadata[it.XMLName.Local] = it.Value
		}
	}
	return m, nil
}

func parseInt64(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func parseBool(s string) bool { return strings.EqualFold(strings.TrimSpace(s), "true") }
