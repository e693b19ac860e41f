package scalelite

import (
	"context"
	"fmt"
)

// RecoverRequest describes how to re-home a meeting whose server is gone, offline or disabled.
type RecoverRequest struct {
	Tags        ServerTagRequest // the servers it may go to (its stored meta_server-tag)
	Reservation float64          // before the multiplier
}

type recoverCall struct {
	done chan struct{}
	m    *Meeting
	srv  *Server
	err  error
}

// Recover makes sure the running meeting m is on a usable server. When its server still keeps
// meetings it returns it unchanged; otherwise it places it on another server in one transaction
// (same meetingID, passwords and voice bridge) and re-creates it there from the stored create
// parameters and body, with meta_server-tag set to the new server's tag (stored with the
// placement, so the row holds exactly what was sent), undoing the placement if the backend
// create fails. Concurrent calls for the same meeting share one recovery: every surface of a
// process uses one MeetingService. It returns the meeting and its server.
func (s *MeetingService) Recover(ctx context.Context, m *Meeting, req RecoverRequest) (*Meeting, *Server, error) {
	s.mu.Lock()
	if c, ok := s.inflight[m.MeetingID]; ok {
		s.mu.Unlock()
		select {
		case <-c.done:
			return c.m, c.srv, c.err
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	c := &recoverCall{done: make(chan struct{})}
	s.inflight[m.MeetingID] = c
	s.mu.Unlock()

	c.m, c.srv, c.err = s.recover(ctx, m, req)
	s.mu.Lock()
	delete(s.inflight, m.MeetingID)
	s.mu.Unlock()
	close(c.done)
	return c.m, c.srv, c.err
}

func (s *MeetingService) recover(ctx context.Context, m *Meeting, req RecoverRequest) (*Meeting, *Server, error) {
	template := *m
	template.ID, template.ServerID, template.Placement, template.Reservation = 0, "", "", 0
	res, err := s.store.PlaceMeeting(ctx, PlaceRequest{
		Meeting:      template,
		Tags:         req.Tags,
		Suspects:     s.health.Suspects(),
		VoiceBridges: VoiceBridgeRequest{Keep: m.VoiceBridge},
		Reservation:  req.Reservation,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("recover meeting %s: %w", m.MeetingID, err)
	}
	srv := res.Server
	if srv == nil || srv.ID != res.Meeting.ServerID {
		if srv, err = s.server(ctx, res.Meeting.ServerID); err == nil && srv == nil {
			err = ErrMeetingServerGone
		}
		if err != nil {
			s.undo(ctx, res)
			return nil, nil, fmt.Errorf("recover meeting %s: %w", m.MeetingID, err)
		}
	}
	if !res.Placed() {
		return res.Meeting, srv, nil
	}
	stored, err := ParseQuery(res.Meeting.CreateQuery)
	if err != nil {
		s.undo(ctx, res)
		return nil, nil, Errorf(EINVALID, "recover meeting %s: stored create parameters: %v", m.MeetingID, err)
	}
	if _, err := s.call(ctx, srv, "create", stored, res.Meeting.CreateBody); err != nil {
		s.undo(ctx, res)
		return nil, nil, fmt.Errorf("recover meeting %s on %s: %w", m.MeetingID, srv.ID, err)
	}
	from := ""
	if res.Previous != nil {
		from = res.Previous.ServerID
	}
	s.cache.meetings.forget(m.MeetingID)
	s.logger.InfoContext(ctx, "meeting recovered", "meeting_id", m.MeetingID, "server_id", srv.ID, "previous_server_id", from)
	s.publishMeeting(ctx, MeetingRecovered, res.Meeting, srv.ID, "from "+from)
	return res.Meeting, srv, nil
}
