package scalelite

import (
	"context"
	"fmt"
)

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
	p, _ := ParseQuery(m.CreateQuery)
	return p.Value(ParamDialNumber)
}

// DialIn finds the running meeting a telephone caller's PIN reaches, and the server to bridge
// the call to: the meeting whose voice bridge is the PIN, else (a breakout room's number is its
// parent's plus one digit) the one whose voice bridge is the PIN without its last digit. A
// meeting whose server is out of service is re-created elsewhere first, as for a join. A PIN
// that reaches no running meeting (or one that cannot be re-created) gives ErrUnknownMeeting.
func (s *MeetingService) DialIn(ctx context.Context, pin string) (*Meeting, *Server, error) {
	m, err := s.store.MeetingByVoiceBridge(ctx, pin)
	if IsNotFound(err) && len(pin) > 5 {
		m, err = s.store.MeetingByVoiceBridge(ctx, pin[:len(pin)-1])
	}
	if IsNotFound(err) {
		return nil, nil, unknownMeeting("with voice bridge " + pin)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("meeting of a PIN: %w", err)
	}
	srv, err := s.server(ctx, m.ServerID)
	if err != nil {
		return nil, nil, err
	}
	if ServerKeepsMeetings(srv) {
		return m, srv, nil
	}
	moved, to, err := s.recoverForArrival(ctx, m)
	if err != nil {
		s.logger.WarnContext(ctx, "dial-in: the meeting's server is out of service and the meeting could not be moved",
			"meeting_id", m.MeetingID, "server_id", m.ServerID, "error", err)
		return nil, nil, unknownMeeting(m.MeetingID)
	}
	return moved, to, nil
}
