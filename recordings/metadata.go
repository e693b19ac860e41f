package recordings

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// maxMetadataBytes bounds the size of one metadata.xml.
const maxMetadataBytes = 16 << 20

// metadataXML is the part of a BBB metadata.xml the importer reads.
type metadataXML struct {
	XMLName      xml.Name `xml:"recording"`
	ID           string   `xml:"id"`
	State        *string  `xml:"state"`
	Published    *string  `xml:"published"`
	StartTime    *string  `xml:"start_time"`
	EndTime      *string  `xml:"end_time"`
	Participants *string  `xml:"participants"`
	Meeting      *struct {
		ExternalID string `xml:"externalId,attr"`
		Name       string `xml:"name,attr"`
	} `xml:"meeting"`
	Meta struct {
		Items []metaItem `xml:",any"`
	} `xml:"meta"`
	Playback *struct {
		Format         string     `xml:"format"`
		Link           string     `xml:"link"`
		ProcessingTime *string    `xml:"processing_time"`
		Duration       *string    `xml:"duration"`
		Images         []imageXML `xml:"extensions>preview>images>image"`
	} `xml:"playback"`
}

type metaItem struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

type imageXML struct {
	Width  string `xml:"width,attr"`
	Height string `xml:"height,attr"`
	Alt    string `xml:"alt,attr"`
	URL    string `xml:",chardata"`
}

// skippedMeta are the meta children that become columns, not metadata (as Scalelite).
var skippedMeta = map[string]bool{"isBreakout": true, "meetingId": true, "meetingName": true}

var (
	recordIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)
	formatPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)
)

// ValidRecordID reports whether id can name a recording on disk (no separators, no dot
// names); every record id BBB produces passes.
func ValidRecordID(id string) bool { return recordIDPattern.MatchString(id) }

// validFormat reports whether name can be a playback format directory.
func validFormat(name string) bool { return formatPattern.MatchString(name) }

// ParseMetadata reads one format's metadata.xml (section 9.3 of the behaviour notes) and
// returns the recording it describes with exactly one playback format. Errors are EINVALID.
func ParseMetadata(r io.Reader) (*scalelite.Recording, error) {
	var m metadataXML
	dec := xml.NewDecoder(io.LimitReader(r, maxMetadataBytes))
	if err := dec.Decode(&m); err != nil {
		return nil, invalidf("parse metadata.xml: %v", err)
	}
	rec := &scalelite.Recording{RecordID: strings.TrimSpace(m.ID), Metadata: map[string]string{}}
	if !ValidRecordID(rec.RecordID) {
		return nil, invalidf("metadata.xml: invalid recording id %q", rec.RecordID)
	}
	for _, it := range m.Meta.Items {
		key := it.XMLName.Local
		switch {
		case key == "meetingId":
			rec.MeetingID = it.Value
		case key == "meetingName":
			rec.Name = it.Value
		case skippedMeta[key]:
		default:
			rec.Metadata[key] = it.Value
		}
	}
	if rec.MeetingID == "" && m.Meeting != nil {
		rec.MeetingID = m.Meeting.ExternalID
		if rec.Name == "" {
			rec.Name = m.Meeting.Name
		}
	}
	if rec.MeetingID == "" {
		return nil, invalidf("metadata.xml of %s: no meetingId", rec.RecordID)
	}
	if m.Published != nil {
		rec.Published = strings.EqualFold(strings.TrimSpace(*m.Published), "true")
	}
	if m.State != nil {
		state := strings.TrimSpace(*m.State)
		if state == "available" {
			state = scalelite.RecordingPublished
		}
		switch state {
		case "", scalelite.RecordingProcessing, scalelite.RecordingProcessed, scalelite.RecordingPublished,
			scalelite.RecordingUnpublished, scalelite.RecordingDeleted:
			rec.State = state
		default:
			return nil, invalidf("metadata.xml of %s: unknown state %q", rec.RecordID, state)
		}
	}
	var err error
	if rec.Participants, err = optionalInt(m.Participants, "participants"); err != nil {
		return nil, err
	}
	if rec.StartTime, err = optionalMillis(m.StartTime, "start_time"); err != nil {
		return nil, err
	}
	if rec.EndTime, err = optionalMillis(m.EndTime, "end_time"); err != nil {
		return nil, err
	}
	if m.Playback == nil || strings.TrimSpace(m.Playback.Format) == "" {
		return nil, invalidf("metadata.xml of %s: no playback format", rec.RecordID)
	}
	pf, err := parsePlayback(m)
	if err != nil {
		return nil, err
	}
	rec.Formats = []scalelite.PlaybackFormat{pf}
	return rec, nil
}

func parsePlayback(m metadataXML) (scalelite.PlaybackFormat, error) {
	p := m.Playback
	pf := scalelite.PlaybackFormat{Format: strings.TrimSpace(p.Format)}
	if !validFormat(pf.Format) {
		return pf, invalidf("metadata.xml of %s: invalid format %q", m.ID, pf.Format)
	}
	link, err := pathAndQuery(p.Link)
	if err != nil {
		return pf, invalidf("metadata.xml of %s: playback link: %v", m.ID, err)
	}
	pf.URL = link
	duration, err := optionalInt(p.Duration, "duration")
	if err != nil {
		return pf, err
	}
	if duration != nil {
		pf.Length = int(math.Round(float64(*duration) / 60000))
	}
	if pf.ProcessingTime, err = optionalInt(p.ProcessingTime, "processing_time"); err != nil {
		return pf, err
	}
	for i, img := range p.Images {
		u, err := url.Parse(strings.TrimSpace(img.URL))
		if err != nil {
			return pf, invalidf("metadata.xml of %s: thumbnail url: %v", m.ID, err)
		}
		w, _ := strconv.Atoi(strings.TrimSpace(img.Width))
		h, _ := strconv.Atoi(strings.TrimSpace(img.Height))
		pf.Thumbnails = append(pf.Thumbnails, scalelite.Thumbnail{
			Width: w, Height: h, Alt: img.Alt, URL: u.EscapedPath(), Sequence: i,
		})
	}
	return pf, nil
}

// pathAndQuery keeps the path and query of a playback link, dropping scheme and host.
func pathAndQuery(link string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", err
	}
	s := u.EscapedPath()
	if s == "" {
		s = "/"
	}
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s, nil
}

func optionalInt(s *string, field string) (*int, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(*s), 10, 64)
	if err != nil {
		return nil, invalidf("metadata.xml: %s %q is not a number", field, *s)
	}
	v := int(n)
	return &v, nil
}

func optionalMillis(s *string, field string) (*time.Time, error) {
	n, err := optionalInt(s, field)
	if err != nil || n == nil {
		return nil, err
	}
	t := time.UnixMilli(int64(*n)).UTC()
	return &t, nil
}

func invalidf(format string, args ...any) error {
	return &scalelite.Error{Code: scalelite.EINVALID, Message: fmt.Sprintf(format, args...)}
}
