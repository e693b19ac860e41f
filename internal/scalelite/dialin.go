package scalelite

import "context"

// ParamDialNumber is the create parameter holding the phone number shown to participants for
// dialling in (BBB's dialNumber).
const ParamDialNumber = "dialNumber"

// DialInStore finds the meeting a telephone caller asks for by its voice bridge (the PIN the
// FreeSWITCH dial plan collects).
type DialInStore interface {
	// MeetingByVoiceBridge returns the running meeting with this voice bridge, any tenant;
	// ENOTFOUND when none runs.
	MeetingByVoiceBridge(ctx context.Context, voiceBridge string) (*Meeting, error)
}

// DialNumber is the dial-in phone number the meeting was created with: the dialNumber
// parameter of the create as stored (after the operator's and tenant's defaults and overrides),
// "" when none.
func (m *Meeting) DialNumber() string {
	v, _ := ParseCallQuery(m.CreateQuery).Get(ParamDialNumber)
	return v
}

// RecoverRequestFor is how a meeting is re-homed when someone arrives (a join or a dial-in)
// while its server is out of service: its stored server tag, and the reservation of a new
// meeting.
func RecoverRequestFor(m *Meeting, loadMinUserCount int) RecoverRequest {
	tag, _ := ParseCallQuery(m.CreateQuery).Get(ParamServerTag)
	return RecoverRequest{
		Select:      LeastLoaded{Tag: ParseServerTag(tag)},
		Reservation: MeetingReservation("", loadMinUserCount),
	}
}
