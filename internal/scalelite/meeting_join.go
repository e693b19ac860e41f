package scalelite

import (
	"context"
	"fmt"
	"time"
)

// Join returns the URL to redirect a user to: the join URL of the meeting's server, signed with
// that server's secret, carrying the client's parameters and the join parameter policy. Nothing
// is written to the database: the load bump is accumulated and flushed by Run. A meeting whose
// server is gone, offline or disabled is re-created on a healthy server from its stored create
// parameters (same meetingID, passwords, voice bridge) before the redirect; only when that is
// impossible is the answer ErrServerUnavailable. params are the client's parameters as
// authorised; the meeting is the tenant's meetingID among them.
func (s *MeetingService) Join(ctx context.Context, tenant *Tenant, params Params) (string, error) {
	meetingID := params.Value(ParamMeetingID)
	m, srv, err := s.joinTarget(ctx, tenantID(tenant), meetingID)
	if err != nil {
		return "", err
	}
	if !ServerKeepsMeetings(srv) {
		if m, srv, err = s.recoverForArrival(ctx, m); err != nil {
			return "", err
		}
	}
	tp, err := s.joinTenantParams(ctx, tenant)
	if err != nil {
		return "", err
	}
	s.bumps.bump(srv)
	p := s.policy.Join.Merge(s.policy.Join.PassThrough(params), tp)
	return s.backend.JoinURL(srv, p), nil
}

// recoverForArrival re-creates a meeting whose server left service when someone arrives (a join,
// a telephone caller): on a server with its stored tag, reserving a new meeting's load.
func (s *MeetingService) recoverForArrival(ctx context.Context, m *Meeting) (*Meeting, *Server, error) {
	s.cache.meetings.forget(m.MeetingID)
	if m.CreateQuery == "" {
		return nil, nil, fmt.Errorf("meeting %s has no stored create parameters: %w", m.MeetingID, ErrServerUnavailable)
	}
	// A join has no overall deadline (its reads are bounded each): the recovery gets its own.
	ctx, cancel := context.WithTimeout(ctx, s.policy.RecoverTimeout)
	defer cancel()
	stored, _ := ParseQuery(m.CreateQuery)
	m, srv, err := s.Recover(ctx, m, RecoverRequest{
		Tags:        ParseServerTag(stored.Value(ParamServerTag)),
		Reservation: MeetingReservation("", s.policy.LoadMinUserCount),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrServerUnavailable, err)
	}
	now := s.now()
	s.cache.meetings.put(m.MeetingID, m, now)
	s.cache.servers.put(srv.ID, srv, now)
	return m, srv, nil
}

// joinTarget returns the tenant's running meeting and its server (nil when removed), from the
// join cache when fresh. When the store cannot answer within StoreTimeout (or fails), the last
// copy this instance read is used, however old.
func (s *MeetingService) joinTarget(ctx context.Context, tenantID, meetingID string) (*Meeting, *Server, error) {
	now := s.now()
	m, read, fresh, ok := s.cache.meetings.get(meetingID, now)
	if !fresh {
		got, err := readBounded(ctx, s.policy.StoreTimeout, func(ctx context.Context) (*Meeting, error) { return s.store.Meeting(ctx, meetingID) })
		switch {
		case err == nil:
			m = got
			s.cache.meetings.put(m.MeetingID, m, now)
		case IsNotFound(err):
			s.cache.meetings.forget(meetingID)
			return nil, nil, unknownMeeting(meetingID)
		case !ok:
			return nil, nil, fmt.Errorf("meeting %s: %w", meetingID, err)
		default:
			s.logger.WarnContext(ctx, "store unavailable: join uses the meeting as last read", "meeting_id", meetingID,
				"age", now.Sub(read).Round(time.Millisecond), "error", err)
		}
	}
	if m.TenantID != tenantID {
		return nil, nil, unknownMeeting(meetingID)
	}
	srv, read, fresh, ok := s.cache.servers.get(m.ServerID, now)
	if !fresh {
		got, err := readBounded(ctx, s.policy.StoreTimeout, func(ctx context.Context) (*Server, error) { return s.store.Server(ctx, m.ServerID) })
		switch {
		case err == nil:
			srv = got
			s.cache.servers.put(srv.ID, srv, now)
		case IsNotFound(err):
			srv = nil
		case !ok:
			return nil, nil, fmt.Errorf("server %s: %w", m.ServerID, err)
		default:
			s.logger.WarnContext(ctx, "store unavailable: join uses the server as last read", "server_id", m.ServerID,
				"age", now.Sub(read).Round(time.Millisecond), "error", err)
		}
	}
	return m, srv, nil
}

// joinTenantParams returns the tenant's settings for a join, from the join cache when fresh, else
// read within StoreTimeout, else (the store cannot answer) the last copy read.
func (s *MeetingService) joinTenantParams(ctx context.Context, t *Tenant) (TenantParams, error) {
	if t == nil {
		return TenantParams{}, nil
	}
	now := s.now()
	tp, read, fresh, ok := s.cache.tenants.get(t.ID, now)
	if fresh {
		return tp, nil
	}
	got, err := readBounded(ctx, s.policy.StoreTimeout, func(ctx context.Context) (TenantParams, error) { return s.tenantParams(ctx, t) })
	switch {
	case err == nil:
		s.cache.tenants.put(t.ID, got, now)
		return got, nil
	case !ok:
		return TenantParams{}, err
	}
	s.logger.WarnContext(ctx, "store unavailable: join uses the tenant's settings as last read", "tenant", t.Name,
		"age", now.Sub(read).Round(time.Millisecond), "error", err)
	return tp, nil
}

// readBounded runs a store read bounded by timeout.
func readBounded[T any](ctx context.Context, timeout time.Duration, read func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return read(ctx)
}
