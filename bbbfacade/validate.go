package bbbfacade

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The edge's rules for parameters, checked once the request is authenticated and before anything
// is looked up, stored or sent:
//
//   - No parameter may appear twice (in the query, or across query and form body). BBB itself
//     validates the first value of a repeated parameter; a balancer that authorises one value
//     and forwards another lets a tenant reach another tenant's meeting, so a repeat is refused
//     (validationError) rather than resolved: one value is authorised, stored and sent.
//   - Every key and value is UTF-8 without NUL (the database cannot store NUL; BBB's strings
//     allow no control characters).
//   - Identifiers (meetingID, recordID) have no control characters, and a meetingID is at most
//     BBB's 256 characters, so an id can always be stored and indexed.
const maxMeetingIDLength = 256

// maxRecordIDLength bounds each id of a recordID list (BBB's are 54 characters).
const maxRecordIDLength = 256

func validateParams(p scalelite.Params) error {
	for _, q := range p {
		if !utf8.ValidString(q.Key) || !utf8.ValidString(q.Value) {
			return validationError("Parameters must be UTF-8 text.")
		}
		if strings.IndexByte(q.Key, 0) >= 0 || strings.IndexByte(q.Value, 0) >= 0 {
			return validationError("Parameters must not contain NUL characters.")
		}
	}
	if k := p.Repeated(); k != "" {
		return validationError(fmt.Sprintf("Parameter %s was given more than once.", k))
	}
	if id, ok := p.Get(scalelite.ParamMeetingID); ok {
		if utf8.RuneCountInString(id) > maxMeetingIDLength {
			return validationError(fmt.Sprintf("Meeting ID must be at most %d characters.", maxMeetingIDLength))
		}
		if hasControl(id) {
			return validationError("Meeting ID must not contain control characters.")
		}
	}
	if ids, ok := p.Get("recordID"); ok {
		for id := range strings.SplitSeq(ids, ",") {
			if utf8.RuneCountInString(id) > maxRecordIDLength || hasControl(id) {
				return validationError("Each record ID must be at most 256 characters without control characters.")
			}
		}
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

func validationError(message string) *apiError {
	return &apiError{Key: keyValidationError, Message: message}
}
