package fsapi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unavailable is the caller name shown when the caller's is hidden or blank.
const unavailable = "Unavailable"

// maxCallerNameRunes bounds the name shown in the meeting (SIP display names are short; a
// longer one is cut).
const maxCallerNameRunes = 80

// callerName is the name the caller gets in the meeting, as Scalelite shows it: a name that is
// all digits is a phone number and is masked (all but its last four characters kept, then X up
// to its length: 5554321 becomes 555XXXX) unless the number is hidden; any other name is shown
// unless the name is hidden; a blank result is "Unavailable". The privacy flags are FreeSWITCH's
// Caller-Privacy-Hide-Name and -Number ("true" hides; compared without case). Unlike Scalelite,
// control characters become spaces and the name is cut to 80 characters.
func callerName(name, hideName, hideNumber string) string {
	var shown string
	switch {
	case isDigits(name):
		if !strings.EqualFold(hideNumber, "true") {
			keep := max(len(name)-4, 0)
			shown = name[:keep] + strings.Repeat("X", len(name)-keep)
		}
	case !strings.EqualFold(hideName, "true"):
		shown = name
	}
	if shown = cleanName(shown); strings.TrimSpace(shown) == "" {
		return unavailable
	}
	return shown
}

// cleanName is printable cut to maxCallerNameRunes characters.
func cleanName(s string) string {
	if utf8.RuneCountInString(s) > maxCallerNameRunes {
		s = string([]rune(s)[:maxCallerNameRunes])
	}
	return printable(s)
}

// printable replaces with spaces what a FreeSWITCH variable should not hold and XML cannot
// carry: control characters, invalid UTF-8 and the non-characters U+FFFE and U+FFFF.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			return ' '
		}
		return r
	}, s)
}

// isDigits reports whether s is one or more ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
