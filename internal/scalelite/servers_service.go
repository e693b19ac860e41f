package scalelite

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
)

// MeetingEnder ends a meeting on its BBB server (BBB's end call with the moderator password).
// The facade's Backend satisfies it. Errors are transport or BBB errors; ENOTFOUND when BBB no
// longer knows the meeting (Panic does not count that as a failure).
type MeetingEnder interface {
	EndMeeting(ctx context.Context, srv *Server, meetingID, moderatorPW string) error
}

// ServerServiceStore is what ServerService needs of the system of record.
type ServerServiceStore interface {
	ServerStore
	MeetingStore
}

// ServerService is the server lifecycle shared by the CLI, GraphQL and the admin REST API:
// add, update, enable, cordon, disable, panic, remove.
type ServerService struct {
	Store ServerServiceStore
	Ender MeetingEnder // nil: panics and forced disables skip the BBB end calls
	Pub   Publisher    // nil: no events
	// IDIsHostname makes new server ids the lower-cased URL host (SERVER_ID_IS_HOSTNAME).
	IDIsHostname bool
	Now          func() time.Time
}

// NewServerService returns a service over store; ender and pub may be nil.
func NewServerService(store ServerServiceStore, ender MeetingEnder, pub Publisher, idIsHostname bool) *ServerService {
	return &ServerService{Store: store, Ender: ender, Pub: pub, IDIsHostname: idIsHostname, Now: time.Now}
}

// NewServer describes a server to add.
type NewServer struct {
	URL            string
	Secret         string
	LoadMultiplier float64 // 0, negative or not a number: 1, with a warning (as Scalelite)
	Tag            string
	ID             string // "": a random UUID, or the host with IDIsHostname
	State          ServerState
}

// ValidateServerURL checks that u is an http(s) URL with a host.
func ValidateServerURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.Hostname() == "" {
		return Errorf(EINVALID, "Server URL must be http:// or https:// with a host: %q", u)
	}
	return nil
}

// ValidLoadMultiplier reports whether m may be stored as a load multiplier.
func ValidLoadMultiplier(m float64) bool { return m > 0 && !math.IsInf(m, 0) && !math.IsNaN(m) }

// Add creates a server, disabled and offline unless n.State says otherwise (Scalelite's add and
// addAll start servers disabled; servers:sync enables the ones it creates). It returns warnings
// for values it corrected.
func (s *ServerService) Add(ctx context.Context, n NewServer) (*Server, []string, error) {
	n.URL = strings.TrimSpace(n.URL)
	if n.URL == "" || n.Secret == "" {
		return nil, nil, Errorf(EINVALID, "Server needs a URL and a secret")
	}
	if err := ValidateServerURL(n.URL); err != nil {
		return nil, nil, err
	}
	var warnings []string
	if !ValidLoadMultiplier(n.LoadMultiplier) {
		if n.LoadMultiplier != 0 {
			warnings = append(warnings, fmt.Sprintf("WARNING! Load-multiplier %v is not a positive number; using 1.0 instead", n.LoadMultiplier))
		} else {
			warnings = append(warnings, "WARNING! Load-multiplier was not set or zero; using 1.0 instead")
		}
		n.LoadMultiplier = 1
	}
	if n.State == "" {
		n.State = ServerDisabled
	}
	if !n.State.Valid() {
		return nil, nil, Errorf(EINVALID, "Invalid state parameter: %s", n.State)
	}
	id := n.ID
	if id == "" {
		id = lifecycleUUID()
		if s.IDIsHostname {
			p, _ := url.Parse(n.URL)
			id = strings.ToLower(p.Hostname())
		}
	}
	srv := &Server{ID: id, URL: n.URL, Secret: n.Secret, Tag: n.Tag, State: n.State, LoadMultiplier: n.LoadMultiplier}
	if err := s.Store.CreateServer(ctx, srv); err != nil {
		return nil, warnings, fmt.Errorf("add server %s: %w", id, err)
	}
	s.publish(ctx, ServerAdded, srv, "")
	return srv, warnings, nil
}

// ServerChanges lists the fields Update changes; nil fields stay.
type ServerChanges struct {
	URL            *string
	Secret         *string
	LoadMultiplier *float64 // must be positive (updateServer rejects 0)
	Tag            *string  // "" removes the tag
}

// Update changes a server's URL, secret, load multiplier or tag.
func (s *ServerService) Update(ctx context.Context, id string, c ServerChanges) (*Server, error) {
	if c.URL != nil {
		if err := ValidateServerURL(*c.URL); err != nil {
			return nil, err
		}
	}
	if c.Secret != nil && *c.Secret == "" {
		return nil, Errorf(EINVALID, "Server secret must not be empty")
	}
	if c.LoadMultiplier != nil && !ValidLoadMultiplier(*c.LoadMultiplier) {
		return nil, Errorf(EINVALID, "Load-multiplier must be a non-zero number")
	}
	srv, err := s.Store.UpdateServer(ctx, id, ServerUpdate{URL: c.URL, Secret: c.Secret, LoadMultiplier: c.LoadMultiplier, Tag: c.Tag})
	if err != nil {
		return nil, fmt.Errorf("update server %s: %w", id, err)
	}
	s.publish(ctx, ServerUpdated, srv, "")
	return srv, nil
}

// SetLoadMultiplier sets a positive load multiplier.
func (s *ServerService) SetLoadMultiplier(ctx context.Context, id string, m float64) (*Server, error) {
	return s.Update(ctx, id, ServerChanges{LoadMultiplier: &m})
}

// Enable lets the server take new meetings (while online).
func (s *ServerService) Enable(ctx context.Context, id string) (*Server, error) {
	return s.setState(ctx, id, ServerEnabled)
}

// Cordon keeps the server's meetings but sends it no new ones; the poller disables it once its
// load reaches zero.
func (s *ServerService) Cordon(ctx context.Context, id string) (*Server, error) {
	return s.setState(ctx, id, ServerCordoned)
}

// Disable takes the server out of service. A server with running meetings (in our records, or
// listed by its last poll) is refused with ECONFLICT unless force is set (Scalelite asks for
// confirmation); forced, it is panicked: disabled, then its meetings are ended on BBB while
// their rows stay running, so the next create or join of each re-creates it on another server
// (Scalelite forgets them). An already disabled server stays disabled without a question: its
// remaining rows are recoverable meetings, not meetings in progress there.
func (s *ServerService) Disable(ctx context.Context, id string, force bool) (*Server, PanicResult, error) {
	srv, err := s.Store.Server(ctx, id)
	if err != nil {
		return nil, PanicResult{}, fmt.Errorf("disable server %s: %w", id, err)
	}
	if srv.State == ServerDisabled {
		srv, err = s.setState(ctx, id, ServerDisabled)
		return srv, PanicResult{}, err
	}
	n, err := s.Store.CountMeetings(ctx, MeetingFilter{ServerIDs: []string{srv.ID}})
	if err != nil {
		return nil, PanicResult{}, fmt.Errorf("disable server %s: count meetings: %w", id, err)
	}
	// Scalelite asks when the load is above zero; our stored load may still hold reservations
	// of ended meetings, so we ask when meetings run in our records or at the last poll.
	if n > 0 || (srv.Online && srv.Meetings > 0) {
		if !force {
			return nil, PanicResult{}, Errorf(ECONFLICT, "Server id=%s has %d meeting(s) in progress: confirm to end them and disable it", id, max(n, srv.Meetings))
		}
		res, err := s.Panic(ctx, id, false, false)
		if err != nil {
			return nil, res, err
		}
		srv, err = s.Store.Server(ctx, id)
		return srv, res, err
	}
	srv, err = s.setState(ctx, id, ServerDisabled)
	return srv, PanicResult{}, err
}

// PanicResult tells what Panic did.
type PanicResult struct {
	// Ended are the meetings cleared from the server: ended on BBB (unless skipEnd). Their rows
	// stay running in our records: they are recoverable (see Panic).
	Ended []*Meeting
	// EndErrors are the BBB end calls that failed (they do not stop the panic). A server that
	// no longer knows a meeting (ENOTFOUND) is not a failure: the meeting is over either way.
	EndErrors []error
}

// Panic clears the server: it disables it (unless keepState), then ends each of its meetings on
// BBB (unless skipEnd). Unlike Scalelite, the meetings are not forgotten: their rows stay running,
// pointing at the server, so on a disabled (or offline, or removed) server the next create or join
// of each re-creates it on a healthy server from its stored create parameters (same meetingID,
// passwords, voice bridge, slides); the poller ends those not recovered within the meeting TTL.
// With keepState the server stays joinable, so its rows stay with it: the next create re-creates
// the meeting there, and the poller's reconciliation ends the rest as meetings gone from a healthy
// server. Only `meetings end` (MeetingService.EndMeetings) ends meetings in our records.
//
// The server is disabled before the end calls so that no create or join is sent to it while its
// meetings are being ended. One failing end call does not abort the others (Scalelite aborts);
// the failures are returned in the result. An end call answered "notFound" (the meeting had
// already ended on BBB) is not a failure.
func (s *ServerService) Panic(ctx context.Context, id string, keepState, skipEnd bool) (PanicResult, error) {
	srv, err := s.Store.Server(ctx, id)
	if err != nil {
		return PanicResult{}, fmt.Errorf("panic server %s: %w", id, err)
	}
	meetings, err := s.Store.Meetings(ctx, MeetingFilter{ServerIDs: []string{srv.ID}})
	if err != nil {
		return PanicResult{}, fmt.Errorf("panic server %s: list meetings: %w", id, err)
	}
	if !keepState && srv.State != ServerDisabled {
		if srv, err = s.setState(ctx, id, ServerDisabled); err != nil {
			return PanicResult{}, fmt.Errorf("panic server %s: %w", id, err)
		}
	}
	res := PanicResult{Ended: meetings}
	for _, m := range meetings {
		if !skipEnd && s.Ender != nil {
			if err := s.Ender.EndMeeting(ctx, srv, m.MeetingID, m.ModeratorPW); err != nil && !IsNotFound(err) {
				res.EndErrors = append(res.EndErrors, fmt.Errorf("end meeting %s on %s: %w", m.MeetingID, srv.ID, err))
			}
		}
		s.publishMeeting(ctx, m, MeetingCleared, "server panicked: recoverable on its next create or join")
	}
	s.publish(ctx, ServerPanicked, srv, fmt.Sprintf("%d meeting(s) cleared", len(meetings)))
	return res, nil
}

// Remove deletes the server. Its running meetings stay in our records, recoverable: the next
// create or join of each re-creates it on another server, and the poller ends those not
// recovered within the meeting TTL. Remove sends no end call: panic first to end them on BBB.
func (s *ServerService) Remove(ctx context.Context, id string) error {
	srv, err := s.Store.Server(ctx, id)
	if err != nil {
		return fmt.Errorf("remove server %s: %w", id, err)
	}
	if err := s.Store.DeleteServer(ctx, id); err != nil {
		return fmt.Errorf("remove server %s: %w", id, err)
	}
	s.publish(ctx, ServerRemoved, srv, "")
	return nil
}

func (s *ServerService) setState(ctx context.Context, id string, st ServerState) (*Server, error) {
	srv, err := s.Store.UpdateServer(ctx, id, ServerUpdate{State: &st})
	if err != nil {
		return nil, fmt.Errorf("set server %s %s: %w", id, st, err)
	}
	s.publish(ctx, ServerStateChanged, srv, string(st))
	return srv, nil
}

func (s *ServerService) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *ServerService) publish(ctx context.Context, typ string, srv *Server, detail string) {
	if s.Pub == nil || srv == nil {
		return
	}
	t := s.now()
	_ = s.Pub.Publish(ctx, Event{Topic: TopicServerEvents, Type: typ, Time: t, ServerID: srv.ID, Server: srv.Snapshot(), Detail: detail})
	_ = s.Pub.Publish(ctx, Event{Topic: TopicServerLoad, Type: typ, Time: t, ServerID: srv.ID, Server: srv.Snapshot()})
}

func (s *ServerService) publishMeeting(ctx context.Context, m *Meeting, typ, detail string) {
	if s.Pub == nil {
		return
	}
	_ = s.Pub.Publish(ctx, Event{Topic: TopicMeetingEvents, Type: typ, Time: s.now(), ServerID: m.ServerID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: detail})
}

// lifecycleUUID returns a random (version 4) UUID.
func lifecycleUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
