package scalelite

import (
	"context"
	"errors"
	"fmt"
)

// End is the BBB API's end: the tenant's meeting is ended in our records first (unconditionally,
// as Scalelite), then on its server with the client's password (a bare key when the client sent
// none), whose answer is returned.
func (s *MeetingService) End(ctx context.Context, tenant *Tenant, meetingID string, password *string) ([]byte, error) {
	m, err := s.meeting(ctx, tenantID(tenant), meetingID)
	if err != nil {
		return nil, err
	}
	m, srv, err := s.endRecord(ctx, m.MeetingID)
	if err != nil {
		return nil, err
	}
	if srv == nil {
		return nil, fmt.Errorf("end meeting %s: %w", meetingID, ErrMeetingServerGone)
	}
	p := Params{{Key: ParamMeetingID, Value: m.MeetingID}, {Key: "password", Bare: password == nil}}
	if password != nil {
		p[1].Value = *password
	}
	answer, err := s.call(ctx, srv, "end", p, nil)
	if err != nil {
		return nil, fmt.Errorf("end meeting %s on %s: %w", meetingID, srv.ID, err)
	}
	return answer, nil
}

// EndMeeting ends a running meeting (the CLI, GraphQL and the admin API): our record first (so it
// ends even when its server is unreachable, as in Scalelite), then on its server with the stored
// moderator password. It returns the ended meeting; ENOTFOUND when no such meeting runs. A
// backend that no longer knows the meeting is not an error; other backend failures are returned
// with the meeting.
func (s *MeetingService) EndMeeting(ctx context.Context, meetingID string) (*Meeting, error) {
	m, srv, err := s.endRecord(ctx, meetingID)
	if err != nil || srv == nil {
		return m, err
	}
	err = s.backend.EndMeeting(ctx, srv, m.MeetingID, m.ModeratorPW)
	s.health.Observe(ctx, srv.ID, err)
	if err != nil && !IsNotFound(err) {
		return m, fmt.Errorf("end meeting %s on %s: %w", meetingID, srv.ID, err)
	}
	return m, nil
}

// EndMeetings ends each running meeting of ids as EndMeeting does, continuing past failures
// (the CLI's meetings end). Unknown ids are skipped. It returns the ended meetings and the
// failures joined.
func (s *MeetingService) EndMeetings(ctx context.Context, ids []string) ([]*Meeting, error) {
	var ended []*Meeting
	var errs []error
	for _, id := range ids {
		m, err := s.EndMeeting(ctx, id)
		if m != nil {
			ended = append(ended, m)
		}
		if err != nil && !IsNotFound(err) {
			errs = append(errs, err)
		}
	}
	return ended, errors.Join(errs...)
}

// endRecord marks the running meeting ended in our records, announces it and returns it with its
// server (nil when the server was removed).
func (s *MeetingService) endRecord(ctx context.Context, meetingID string) (*Meeting, *Server, error) {
	s.cache.meetings.forget(meetingID)
	ended, err := s.store.EndMeetings(ctx, []string{meetingID}, s.now())
	if err != nil {
		return nil, nil, fmt.Errorf("end meeting %s: %w", meetingID, err)
	}
	if len(ended) == 0 {
		return nil, nil, unknownMeeting(meetingID)
	}
	m := ended[0]
	s.publishMeeting(ctx, MeetingEnded, m, m.ServerID, "")
	srv, err := s.server(ctx, m.ServerID)
	if err != nil {
		return m, nil, fmt.Errorf("end meeting %s: %w", meetingID, err)
	}
	return m, srv, nil
}
