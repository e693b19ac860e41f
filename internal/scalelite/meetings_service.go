package scalelite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Backend is what the domain services need from a BBB server. Implementations sign the calls
// with the server's secret and use reduced timeouts for servers marked offline.
type Backend interface {
	// EndMeeting asks srv to end the meeting. ENOTFOUND when BBB answers notFound; another
	// FAILED answer gives EINVALID with BBB's message; a transport failure gives EUNAVAILABLE.
	EndMeeting(ctx context.Context, srv *Server, meetingID, moderatorPW string) error
	// CreateMeeting sends create with query (www-form, unsigned) and, when body is not nil, the
	// XML body as a POST. Errors as EndMeeting.
	CreateMeeting(ctx context.Context, srv *Server, query string, body []byte) error
	// MeetingRunning asks isMeetingRunning. Errors as EndMeeting.
	MeetingRunning(ctx context.Context, srv *Server, meetingID string) (bool, error)
}

// MeetingServiceStore is the part of the Store the meeting service uses.
type MeetingServiceStore interface {
	ServerStore
	MeetingStore
}

// MeetingService ends and recovers meetings; the BBB API, the CLI and GraphQL share it.
type MeetingService struct {
	store   MeetingServiceStore
	backend Backend
	events  Publisher // may be nil
	now     func() time.Time
	logger  *slog.Logger

	mu       sync.Mutex
	inflight map[string]*recoverCall
}

type recoverCall struct {
	done chan struct{}
	m    *Meeting
	srv  *Server
	err  error
}

// NewMeetingService returns a service. events may be nil.
func NewMeetingService(store MeetingServiceStore, backend Backend, events Publisher, now func() time.Time, logger *slog.Logger) *MeetingService {
	return &MeetingService{store: store, backend: backend, events: events, now: now, logger: logger,
		inflight: map[string]*recoverCall{}}
}

// EndMeeting ends a running meeting: our record first (so it ends even when its server is
// unreachable, as in Scalelite), then on its server. It returns the ended meeting; ENOTFOUND when
// no such meeting runs. A backend that no longer knows the meeting is not an error; other
// backend failures are returned with the meeting.
func (s *MeetingService) EndMeeting(ctx context.Context, meetingID string) (*Meeting, error) {
	ended, err := s.store.EndMeetings(ctx, []string{meetingID}, s.now())
	if err != nil {
		return nil, fmt.Errorf("end meeting %s: %w", meetingID, err)
	}
	if len(ended) == 0 {
		return nil, Errorf(ENOTFOUND, "meeting %s is not running", meetingID)
	}
	m := ended[0]
	s.publish(ctx, Event{Topic: TopicMeetingEvents, Type: "ended", MeetingID: m.MeetingID, ServerID: m.ServerID, TenantID: m.TenantID})
	srv, err := s.store.Server(ctx, m.ServerID)
	if IsNotFound(err) {
		return m, nil
	}
	if err != nil {
		return m, fmt.Errorf("end meeting %s: %w", meetingID, err)
	}
	if err := s.backend.EndMeeting(ctx, srv, m.MeetingID, m.ModeratorPW); err != nil && !IsNotFound(err) {
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

// ServerKeepsMeetings reports whether a running meeting can stay on srv: the server exists, is
// online and not disabled. Meetings on any other server are recovered elsewhere.
func ServerKeepsMeetings(srv *Server) bool { return srv != nil && srv.Joinable() }

// RecoverRequest describes how to re-home a meeting whose server is gone, offline or disabled.
type RecoverRequest struct {
	Select      Selector
	Reservation float64 // before the multiplier
}

// Recover makes sure the running meeting m is on a usable server. When its server still keeps
// meetings it returns it unchanged; otherwise it places it on another server in one transaction
// (same meetingID, passwords and voice bridge) and re-creates it there from the stored create
// parameters and body, with meta_server-tag set to the new server's tag (stored with the
// placement, so the row holds exactly what was sent), undoing the placement if the backend
// create fails. Concurrent calls for the same meeting in this process share one recovery. It
// returns the meeting and its server.
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
		KeepExisting: func(_ *Meeting, srv *Server) bool { return ServerKeepsMeetings(srv) },
		Select:       req.Select.Select,
		VoiceBridges: func() []string { return []string{m.VoiceBridge} },
		Reservation:  req.Reservation,
		// The stored parameters, re-tagged for the new server, are written with the placement
		// and are exactly what is sent below.
		Finish: func(placed *Meeting, srv *Server) (string, []byte) {
			return RetagCreateQuery(placed.CreateQuery, srv.Tag), placed.CreateBody
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("recover meeting %s: %w", m.MeetingID, err)
	}
	srv := res.Server
	if srv == nil || srv.ID != res.Meeting.ServerID {
		if srv, err = s.store.Server(ctx, res.Meeting.ServerID); err != nil {
			if res.Placed() {
				s.undo(ctx, res)
			}
			return nil, nil, fmt.Errorf("recover meeting %s: %w", m.MeetingID, err)
		}
	}
	if !res.Placed() {
		return res.Meeting, srv, nil
	}
	if err := s.backend.CreateMeeting(ctx, srv, res.Meeting.CreateQuery, res.Meeting.CreateBody); err != nil {
		s.undo(ctx, res)
		return nil, nil, fmt.Errorf("recover meeting %s on %s: %w", m.MeetingID, srv.ID, err)
	}
	from := ""
	if res.Previous != nil {
		from = res.Previous.ServerID
	}
	s.logger.InfoContext(ctx, "meeting recovered", "meeting_id", m.MeetingID, "server_id", srv.ID, "previous_server_id", from)
	s.publish(ctx, Event{Topic: TopicMeetingEvents, Type: "recovered", MeetingID: m.MeetingID, ServerID: srv.ID,
		TenantID: m.TenantID, Detail: "from " + from})
	return res.Meeting, srv, nil
}

func (s *MeetingService) undo(ctx context.Context, res PlaceResult) {
	// The request context may be the one that expired; the undo must still happen.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.store.UndoPlacement(ctx, res); err != nil {
		s.logger.ErrorContext(ctx, "undo placement", "meeting_id", res.Meeting.MeetingID, "error", err)
	}
}

func (s *MeetingService) publish(ctx context.Context, e Event) {
	if s.events == nil {
		return
	}
	e.Time = s.now()
	if err := s.events.Publish(ctx, e); err != nil {
		s.logger.WarnContext(ctx, "publish event", "topic", e.Topic, "error", err)
	}
}

// RetagCreateQuery sets meta_server-tag in a stored create query to a new server's tag (removing
// it for an untagged server), leaving every other pair byte for byte as it was.
func RetagCreateQuery(query, tag string) string {
	pairs := strings.Split(query, "&")
	out := make([]string, 0, len(pairs)+1)
	for _, p := range pairs {
		k, _, _ := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); err == nil && name == ParamServerTag {
			continue
		}
		if p != "" {
			out = append(out, p)
		}
	}
	if tag != "" {
		out = append(out, url.QueryEscape(ParamServerTag)+"="+url.QueryEscape(tag))
	}
	return strings.Join(out, "&")
}

// ParseCallQuery reads a www-form query (a stored CreateQuery) into ordered parameters; pairs
// with malformed escapes are skipped.
func ParseCallQuery(query string) CallParams {
	var p CallParams
	for pair := range strings.SplitSeq(query, "&") {
		if pair == "" {
			continue
		}
		k, v, hasEq := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		p = append(p, CallParam{Key: key, Value: val, Bare: !hasEq})
	}
	return p
}
