package recordings

import (
	"bytes"
	"regexp"
	"strings"
)

var (
	srtTiming = regexp.MustCompile(`(\d{1,2}:\d{2}:\d{2})[,.](\d{3})\s*-->\s*(\d{1,2}:\d{2}:\d{2})[,.](\d{3})`)
	assTime   = regexp.MustCompile(`^(\d+):(\d{2}):(\d{2})[.:](\d{2})$`)
	assTags   = regexp.MustCompile(`\{[^}]*\}`)
)

// toWebVTT converts an uploaded SRT, SSA/ASS or WebVTT text track to WebVTT, the format the
// presentation player loads. It returns EINVALID when no cue is found.
func toWebVTT(in []byte) ([]byte, error) {
	s := strings.TrimPrefix(string(in), "\ufeff")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	switch {
	case strings.HasPrefix(s, "WEBVTT"):
		if !strings.Contains(s, "-->") {
			return nil, invalidf("text track has no cues")
		}
		return []byte(s), nil
	case strings.Contains(s, "[Events]"):
		return assToVTT(s)
	}
	return srtToVTT(s)
}

func srtToVTT(s string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("WEBVTT\n\n")
	cues := 0
	for _, line := range strings.Split(s, "\n") {
		if m := srtTiming.FindStringSubmatch(line); m != nil {
			cues++
			b.WriteString(pad2(m[1]) + "." + m[2] + " --> " + pad2(m[3]) + "." + m[4] + "\n")
			continue
		}
		b.WriteString(line + "\n")
	}
	if cues == 0 {
		return nil, invalidf("text track is not SRT, SSA/ASS or WebVTT")
	}
	return b.Bytes(), nil
}

func assToVTT(s string) ([]byte, error) {
	var (
		b                        bytes.Buffer
		inEvents                 bool
		startIdx, endIdx, txtIdx = 1, 2, 9
		fields                   = 10
		cues                     int
	)
	b.WriteString("WEBVTT\n\n")
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inEvents = strings.EqualFold(line, "[Events]")
			continue
		}
		if !inEvents {
			continue
		}
		key, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Format":
			names := strings.Split(rest, ",")
			fields = len(names)
			for i, n := range names {
				switch strings.ToLower(strings.TrimSpace(n)) {
				case "start":
					startIdx = i
				case "end":
					endIdx = i
				case "text":
					txtIdx = i
				}
			}
		case "Dialogue":
			parts := strings.SplitN(rest, ",", fields)
			if len(parts) <= max(startIdx, endIdx, txtIdx) {
				continue
			}
			start, ok1 := assTimestamp(strings.TrimSpace(parts[startIdx]))
			end, ok2 := assTimestamp(strings.TrimSpace(parts[endIdx]))
			if !ok1 || !ok2 {
				continue
			}
			text := assTags.ReplaceAllString(parts[txtIdx], "")
			text = strings.NewReplacer(`\N`, "\n", `\n`, "\n", `\h`, " ").Replace(text)
			cues++
			b.WriteString(start + " --> " + end + "\n" + strings.TrimSpace(text) + "\n\n")
		}
	}
	if cues == 0 {
		return nil, invalidf("SSA/ASS text track has no dialogue")
	}
	return b.Bytes(), nil
}

func assTimestamp(s string) (string, bool) {
	m := assTime.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return pad2(m[1]) + ":" + m[2] + ":" + m[3] + "." + m[4] + "0", true
}

// pad2 left-pads the hours of a timestamp to two digits.
func pad2(s string) string {
	if i := strings.IndexByte(s, ':'); i == 1 || (i < 0 && len(s) == 1) {
		return "0" + s
	}
	return s
}
