package bbb

// MeetingsAnswer is a getMeetings answer as GetMeetings reads it (for tests).
type MeetingsAnswer struct {
	ReturnCode, MessageKey, Message string
	Meetings                        []MeetingInfo
}

func exportAnswer(a meetingsAnswer) MeetingsAnswer {
	return MeetingsAnswer{ReturnCode: a.returnCode, MessageKey: a.messageKey, Message: a.message, Meetings: a.meetings}
}

// ScanMeetingsAnswer is GetMeetings' one-pass scanner; ok false means it left the answer to the
// full parser.
func ScanMeetingsAnswer(raw []byte) (MeetingsAnswer, bool) {
	a, ok := scanMeetingsAnswer(raw)
	return exportAnswer(a), ok
}

// FullMeetingsAnswer is the reference reading: ParseResponse then ParseMeetings.
func FullMeetingsAnswer(raw []byte) (MeetingsAnswer, error) {
	a, errNotXML, errMeetings := parseMeetingsAnswerFull(raw)
	if errNotXML != nil {
		return MeetingsAnswer{}, errNotXML
	}
	if errMeetings != nil {
		return MeetingsAnswer{}, errMeetings
	}
	return exportAnswer(a), nil
}
