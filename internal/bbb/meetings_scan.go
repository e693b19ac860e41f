package bbb

// Hand-written on purpose: BenchmarkParseMeetings (meetings_scan_test.go, "full" encoding/xml
// against "scan" this reader; figures in docs/benchmarks.md) reads a busy server's 131 KB
// getMeetings answer in 0.27-0.45 ms with 154 allocations instead of 9.9-17.7 ms with 43,363,
// which keeps healthy servers within their poll timeout on a busy machine. Anything outside
// BBB's XML subset falls back to encoding/xml; a differential test and a fuzz target hold the two
// equal.

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// meetingsAnswer is what GetMeetings needs of a getMeetings answer.
type meetingsAnswer struct {
	returnCode, messageKey, message string
	meetings                        []MeetingInfo
}

// parseMeetingsAnswerFull is the reference reading of a getMeetings answer: ParseResponse, then
// ParseMeetings over its <meetings> element. errNotXML is ParseResponse's error, errMeetings
// ParseMeetings'.
func parseMeetingsAnswerFull(raw []byte) (ans meetingsAnswer, errNotXML, errMeetings error) {
	resp, err := ParseResponse(raw)
	if err != nil {
		return ans, err, nil
	}
	ans.returnCode, ans.messageKey, ans.message = resp.ReturnCode, resp.MessageKey, resp.Message
	if resp.ReturnCode != "SUCCESS" {
		return ans, nil, nil
	}
	list, err := ParseMeetings(resp)
	if err != nil {
		return ans, nil, err
	}
	ans.meetings = list.Meetings
	return ans, nil, nil
}

// scanMeetingsAnswer reads a getMeetings answer in one pass over its bytes, with the result of
// parseMeetingsAnswerFull: the returncode, messageKey and message children of the root, and the
// <meeting> children of its first <meetings> child (meetings only with SUCCESS). It checks
// well-formedness as the full parser does but handles only the subset of XML that BBB writes:
// ASCII element names without prefixes, no attributes, the five predefined entities and
// character references, an optional <?xml version="1.0" encoding="UTF-8"?> declaration. On
// anything else (comments, CDATA, attributes, malformed input...) it returns ok false and the
// caller uses the full parser, which gives the same result or the precise error. Subtrees it
// does not need (attendees) are checked but not decoded, and nothing is allocated for them.
func scanMeetingsAnswer(raw []byte) (ans meetingsAnswer, ok bool) {
	s := answerScanner{raw: raw}
	if !s.run() {
		return meetingsAnswer{}, false
	}
	s.ans.meetings = s.meetings
	if s.ans.returnCode != "SUCCESS" {
		s.ans.meetings = nil
	}
	return s.ans, true
}

// Kinds of direct children of the root whose text the answer needs.
const (
	childOther = iota
	childReturnCode
	childMessageKey
	childMessage
)

type answerScanner struct {
	raw   []byte
	pos   int
	names []span // open elements
	text  []byte // decoded text being collected

	ans      meetingsAnswer
	meetings []MeetingInfo

	rootSeen, declSeen bool
	child              int  // kind of the open child of the root
	childHasChild      bool // the open child of the root has child elements
	meetingsSeen       bool // the first <meetings> child was met
	inMeetings         bool // inside the first <meetings>
	cur                *MeetingInfo
	curStart           int
	field              span // the open child of the current meeting
	fieldKnown         bool // its text is used (meetingFieldKnown)
	inMetadata         bool // it is <metadata>
	metaKey            span // the open child of its <metadata>
}

// span is a name in raw as offsets: the stack of open elements holds no pointers.
type span struct{ start, end int }

func (s *answerScanner) nameAt(sp span) []byte { return s.raw[sp.start:sp.end] }

// collecting reports whether text at the current depth is needed.
func (s *answerScanner) collecting() bool {
	switch len(s.names) {
	case 2:
		return s.child != childOther
	case 4:
		return s.cur != nil && s.fieldKnown
	case 5:
		return s.cur != nil && s.inMetadata
	}
	return false
}

func (s *answerScanner) run() bool {
	raw := s.raw
	for s.pos < len(raw) {
		if raw[s.pos] != '<' {
			if len(s.names) == 0 {
				if !s.space() {
					return false
				}
				continue
			}
			if !s.charData(s.collecting()) {
				return false
			}
			continue
		}
		if s.pos+1 >= len(raw) {
			return false
		}
		switch raw[s.pos+1] {
		case '/':
			if !s.endTag() {
				return false
			}
		case '?':
			if !s.declaration() {
				return false
			}
		case '!':
			return false // comment, CDATA section or directive: the full parser decides
		default:
			if !s.startTag() {
				return false
			}
		}
	}
	return s.rootSeen && len(s.names) == 0
}

// space skips white space outside the root element; anything else there is left to the full
// parser.
func (s *answerScanner) space() bool {
	for s.pos < len(s.raw) {
		switch s.raw[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		case '<':
			return true
		default:
			return false
		}
	}
	return true
}

// declaration reads <?xml version="1.0" encoding="UTF-8" standalone="yes"?> (encoding and
// standalone optional, either quote) before the root; any other processing instruction is left
// to the full parser.
func (s *answerScanner) declaration() bool {
	if s.rootSeen || s.declSeen {
		return false
	}
	rest := s.raw[s.pos:]
	if !bytes.HasPrefix(rest, []byte("<?xml")) || len(rest) < 6 || !isXMLSpace(rest[5]) {
		return false
	}
	end := bytes.Index(rest, []byte("?>"))
	if end < 0 {
		return false
	}
	content := string(rest[5:end])
	for _, key := range []string{"version", "encoding", "standalone"} {
		trimmed := strings.TrimLeft(content, " \t\r\n")
		if trimmed == "" {
			break
		}
		if len(trimmed) == len(content) {
			return false // attributes are separated by white space
		}
		v, after, ok := declAttribute(trimmed, key)
		if !ok {
			if key == "version" {
				return false // required first
			}
			continue
		}
		switch key {
		case "version":
			ok = v == "1.0"
		case "encoding":
			ok = strings.EqualFold(v, "utf-8")
		default:
			ok = v == "yes" || v == "no"
		}
		if !ok {
			return false
		}
		content = after
	}
	if strings.TrimLeft(content, " \t\r\n") != "" {
		return false
	}
	s.declSeen = true
	s.pos += end + 2
	return true
}

// declAttribute reads key="value" (or 'value') at the start of s.
func declAttribute(s, key string) (value, rest string, ok bool) {
	s, ok = strings.CutPrefix(s, key+"=")
	if !ok || s == "" || (s[0] != '"' && s[0] != '\'') {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", "", false
	}
	return s[1 : 1+end], s[end+2:], true
}

// name reads an element name at s.pos: ASCII letters, digits, '_', '.', '-', not starting with a
// digit, '.' or '-'. Prefixed (':') and non-ASCII names are left to the full parser.
func (s *answerScanner) name() (span, bool) {
	raw, start := s.raw, s.pos
	i := start
	for i < len(raw) && nameByte[raw[i]] {
		i++
	}
	if i == start || !nameStartByte[raw[start]] {
		return span{}, false
	}
	if i < len(raw) && (raw[i] == ':' || raw[i] >= utf8.RuneSelf) {
		return span{}, false
	}
	s.pos = i
	return span{start, i}, true
}

func (s *answerScanner) skipSpace() {
	for s.pos < len(s.raw) && isXMLSpace(s.raw[s.pos]) {
		s.pos++
	}
}

func (s *answerScanner) startTag() bool {
	tagStart := s.pos
	s.pos++ // '<'
	name, ok := s.name()
	if !ok {
		return false
	}
	s.skipSpace()
	empty := false
	switch {
	case s.pos < len(s.raw) && s.raw[s.pos] == '>':
		s.pos++
	case s.pos+1 < len(s.raw) && s.raw[s.pos] == '/' && s.raw[s.pos+1] == '>':
		s.pos += 2
		empty = true
	default:
		return false // attributes or malformed
	}
	if !s.open(name, tagStart) {
		return false
	}
	if empty {
		s.close()
	}
	return true
}

// endTag reads the end tag of the innermost open element: its name, then white space or '>'
// (any other end tag is left to the full parser).
func (s *answerScanner) endTag() bool {
	if len(s.names) == 0 {
		return false
	}
	open := s.nameAt(s.names[len(s.names)-1])
	s.pos += 2 // "</"
	if !bytes.HasPrefix(s.raw[s.pos:], open) {
		return false
	}
	s.pos += len(open)
	s.skipSpace()
	if s.pos >= len(s.raw) || s.raw[s.pos] != '>' {
		return false
	}
	s.pos++
	s.close()
	return true
}

// open handles a start tag at tagStart; depth counts the new element.
func (s *answerScanner) open(sp span, tagStart int) bool {
	s.names = append(s.names, sp)
	name := s.nameAt(sp)
	switch len(s.names) {
	case 1:
		if s.rootSeen {
			return false // a second root element
		}
		s.rootSeen = true
	case 2:
		s.text = s.text[:0]
		s.childHasChild = false
		switch string(name) {
		case "returncode":
			s.child = childReturnCode
		case "messageKey":
			s.child = childMessageKey
		case "message":
			s.child = childMessage
		default:
			s.child = childOther
		}
		if string(name) == "meetings" && !s.meetingsSeen {
			s.meetingsSeen, s.inMeetings = true, true
		}
	case 3:
		s.childHasChild = true
		if s.inMeetings && string(name) == "meeting" {
			s.meetings = append(s.meetings, MeetingInfo{})
			s.cur, s.curStart = &s.meetings[len(s.meetings)-1], tagStart
		}
	case 4:
		if s.cur != nil {
			s.field, s.text = sp, s.text[:0]
			s.fieldKnown, s.inMetadata = meetingFieldKnown(name), string(name) == "metadata"
		}
	case 5:
		if s.cur != nil && s.inMetadata {
			s.metaKey, s.text = sp, s.text[:0]
		}
	}
	return true
}

// close handles the end of the innermost open element; s.pos is just past its end tag.
func (s *answerScanner) close() {
	switch len(s.names) {
	case 2:
		text := ""
		if !s.childHasChild {
			text = string(bytes.TrimSpace(s.text))
		}
		switch s.child {
		case childReturnCode:
			s.ans.returnCode = text
		case childMessageKey:
			s.ans.messageKey = text
		case childMessage:
			s.ans.message = text
		}
		s.child = childOther
		s.inMeetings = false
	case 3:
		if s.cur != nil {
			s.cur.Raw = s.raw[s.curStart:s.pos]
			s.cur = nil
		}
	case 4:
		if s.cur != nil {
			if s.fieldKnown {
				s.cur.setFieldBytes(s.nameAt(s.field), s.text)
			}
		}
	case 5:
		if s.cur != nil && s.inMetadata {
			if s.cur.Metadata == nil {
				s.cur.Metadata = map[string]string{}
			}
			s.cur.Metadata[string(s.nameAt(s.metaKey))] = string(s.text)
		}
	}
	s.names = s.names[:len(s.names)-1]
}

// charData reads character data up to the next '<' (or the end), checking it as encoding/xml
// does; with collect it appends the decoded text (entities replaced, "\r\n" and "\r" as "\n")
// to s.text.
func (s *answerScanner) charData(collect bool) bool {
	raw := s.raw
	i, seg := s.pos, s.pos
	flush := func(to int) {
		if collect {
			s.text = append(s.text, raw[seg:to]...)
		}
	}
	for i < len(raw) {
		c := raw[i]
		if textByte[c] {
			i++
			continue
		}
		switch {
		case c == '<':
			flush(i)
			s.pos = i
			return true
		case c == '>':
			if i >= 2 && raw[i-1] == ']' && raw[i-2] == ']' {
				return false // "]]>" outside CDATA: an error for the full parser
			}
			i++
		case c == '&':
			flush(i)
			r, n := charRef(raw[i:])
			if n == 0 {
				return false
			}
			if collect {
				s.text = utf8.AppendRune(s.text, r)
			}
			i += n
			seg = i
		case c == '\r':
			flush(i)
			if collect {
				s.text = append(s.text, '\n')
			}
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
			seg = i
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(raw[i:])
			if (r == utf8.RuneError && size == 1) || !inCharRange(r) {
				return false
			}
			i += size
		default:
			return false // a control character
		}
	}
	flush(i)
	s.pos = i
	return true
}

// charRef reads an entity or character reference at the start of b ("&...;") and returns the
// character and the reference's length, or n == 0 for anything encoding/xml would not accept (or
// that is better left to it).
func charRef(b []byte) (r rune, n int) {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 2 {
		return 0, 0
	}
	ref := b[1:end]
	switch string(ref) {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "apos":
		return '\'', end + 1
	case "quot":
		return '"', end + 1
	}
	if ref[0] != '#' || len(ref) < 2 {
		return 0, 0
	}
	digits, base := ref[1:], rune(10)
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 8 {
		return 0, 0
	}
	for _, d := range digits {
		var v rune
		switch {
		case '0' <= d && d <= '9':
			v = rune(d - '0')
		case base == 16 && 'a' <= d && d <= 'f':
			v = rune(d-'a') + 10
		case base == 16 && 'A' <= d && d <= 'F':
			v = rune(d-'A') + 10
		default:
			return 0, 0
		}
		r = r*base + v
	}
	if !inCharRange(r) {
		return 0, 0
	}
	return r, end + 1
}

// inCharRange is the XML Char production (as encoding/xml checks it).
func inCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

var textByte, nameByte, nameStartByte [256]bool // textByte: character data that needs no check beyond the byte

func init() {
	for c := 0x20; c < 0x80; c++ {
		textByte[c] = c != '<' && c != '>' && c != '&'
	}
	textByte['\t'], textByte['\n'] = true, true
	for c := range 256 {
		b := byte(c)
		letter := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_'
		nameStartByte[c] = letter
		nameByte[c] = letter || '0' <= b && b <= '9' || b == '.' || b == '-'
	}
}

// meetingFieldKnown reports whether setField uses the text of a meeting child named name
// (metadata's own text is not used: its children are the metadata).
func meetingFieldKnown(name []byte) bool {
	switch string(name) {
	case "meetingID", "internalMeetingID", "meetingName", "createTime", "participantCount",
		"moderatorCount", "listenerCount", "voiceParticipantCount", "videoCount", "maxUsers",
		"running", "isBreakout":
		return true
	}
	return false
}

// setFieldBytes is setField without converting numbers and booleans to strings.
func (m *MeetingInfo) setFieldBytes(name, text []byte) {
	switch string(name) {
	case "meetingID":
		m.MeetingID = string(bytes.TrimSpace(text))
	case "internalMeetingID":
		m.InternalMeetingID = string(bytes.TrimSpace(text))
	case "meetingName":
		m.MeetingName = string(text)
	case "createTime":
		m.CreateTime = parseInt64Bytes(text)
	case "participantCount":
		m.ParticipantCount = int(parseInt64Bytes(text))
	case "moderatorCount":
		m.ModeratorCount = int(parseInt64Bytes(text))
	case "listenerCount":
		m.ListenerCount = int(parseInt64Bytes(text))
	case "voiceParticipantCount":
		m.VoiceParticipantCount = int(parseInt64Bytes(text))
	case "videoCount":
		m.VideoCount = int(parseInt64Bytes(text))
	case "maxUsers":
		m.MaxUsers = int(parseInt64Bytes(text))
	case "running":
		m.Running = parseBoolBytes(text)
	case "isBreakout":
		m.IsBreakout = parseBoolBytes(text)
	}
}

// parseInt64Bytes is parseInt64 with a path for plain digits that allocates nothing.
func parseInt64Bytes(b []byte) int64 {
	if len(b) == 0 || len(b) > 18 {
		return parseInt64(string(b))
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return parseInt64(string(b))
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

func parseBoolBytes(b []byte) bool {
	switch string(b) {
	case "true":
		return true
	case "false":
		return false
	}
	return parseBool(string(b))
}
