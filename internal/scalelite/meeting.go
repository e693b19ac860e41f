package scalelite

import (
	"context"
	"time"
)

// Meeting is a meeting the balancer placed. Meeting IDs are unique among running meetings across
// all tenants (as in Scalelite); ended meetings are kept for history with EndedAt set.
type Meeting struct {
	ID          int64 // row id
	MeetingID   string
	TenantID    string // "" without multitenancy
	ServerID    string
	Name        string
	ModeratorPW string
	AttendeePW  string
	VoiceBridge string

	// CreateQuery holds the create parameters exactly as last sent to the backend, www-form
	// encoded without checksum, so the meeting can be re-created elsewhere (recovery).
	CreateQuery string
	// CreateBody is the XML body of a create POST (pre-uploaded slides), nil when none.
	CreateBody []byte

	// Placement explains the choice of server (candidates and their loads) as JSON.
	Placement string
	// Reservation is the load reserved on the server at placement (already multiplied).
	Reservation float64

	MissedPolls int // consecutive successful polls of its server that did not list it
	CreatedAt   time.Time
	UpdatedAt   time.Time
	EndedAt     *time.Time

	// Participants is the users its server listed at the last poll (0 until then).
	Participants int
}

// Running reports whether the meeting has not ended in our records.
func (m *Meeting) Running() bool { return m.EndedAt == nil }

// MeetingFilter selects meetings; zero values mean "any". Results are ordered by id.
type MeetingFilter struct {
	MeetingIDs   []string
	ServerIDs    []string
	TenantID     *string
	IncludeEnded bool  // default: running meetings only
	AfterID      int64 // keyset pagination: rows with ID > AfterID
	Limit        int   // 0 = no limit

	// ActiveSince, when set, keeps the meetings running or ended at or after it (ended ones
	// are included whatever IncludeEnded says).
	ActiveSince *time.Time
}

// PlaceResult tells what PlaceMeeting did.
type PlaceResult struct {
	Meeting *Meeting
	// Created is true when a new meeting row was inserted.
	Created bool
	// Moved is true when an existing meeting was re-homed; Previous is its row before.
	Moved    bool
	Previous *Meeting
	// Server is the meeting's server as the placement read it (the chosen one for a new or
	// re-homed meeting), nil when a kept meeting's server no longer exists or the store does
	// not say.
	Server *Server
	// AskCordoned is set when a running meeting stayed on its cordoned server only because the
	// request did not know whether it still runs there (StayAsk): the caller asks the server and
	// places again with the answer.
	AskCordoned bool
}

// Placed reports whether this call chose a server (new or re-homed meeting), so the backend
// create must succeed or be undone with UndoPlacement.
func (r PlaceResult) Placed() bool { return r.Created || r.Moved }

// MeetingStore persists meetings. Methods return ENOTFOUND for an unknown running meeting.
type MeetingStore interface {
	// Meeting returns the running meeting with this MeetingID (any tenant; callers compare).
	Meeting(ctx context.Context, meetingID string) (*Meeting, error)
	// Meetings returns the meetings matching f.
	Meetings(ctx context.Context, f MeetingFilter) ([]*Meeting, error)
	// CountMeetings counts the meetings matching f (AfterID and Limit ignored).
	CountMeetings(ctx context.Context, f MeetingFilter) (int, error)
	// PlaceMeeting finds the running meeting or places it, reserving load atomically, deciding
	// only through req's methods (Decide, Select, VoiceBridges.Candidates, CreateParams). A
	// running meeting of another tenant gives ECONFLICT. Errors from Select are returned
	// unchanged.
	PlaceMeeting(ctx context.Context, req PlaceRequest) (PlaceResult, error)
	// UndoPlacement reverts a placement whose backend create failed: a created row is deleted
	// (freeing its voice bridge), a moved one goes back to its previous server with its previous
	// create parameters, and the reservation is released.
	UndoPlacement(ctx context.Context, r PlaceResult) error
	// UpdateCreateParams stores what was last sent to the backend for this meeting, when that
	// could not be known inside the placement (an LRS payload encrypted for its server).
	UpdateCreateParams(ctx context.Context, id int64, query string, body []byte) error
	// EndMeetings marks the running meetings with these MeetingIDs ended and returns them.
	EndMeetings(ctx context.Context, meetingIDs []string, at time.Time) ([]*Meeting, error)
	// EndServerMeetings marks every running meeting on the server ended and returns them.
	EndServerMeetings(ctx context.Context, serverID string, at time.Time) ([]*Meeting, error)
	// SetParticipants records the users a poll of the server listed for its running meetings,
	// by MeetingID; meetings not in the map, ended or on other servers are left alone. It does
	// not change UpdatedAt.
	SetParticipants(ctx context.Context, serverID string, participants map[string]int) error
	// Reconcile applies one successful poll of a server: meetings listed in seen get
	// MissedPolls=0; running ones not listed get MissedPolls+1 and are ended when they reach
	// missLimit and were created before graceBefore. It returns the meetings it ended.
	Reconcile(ctx context.Context, serverID string, seen []string, missLimit int, graceBefore, at time.Time) ([]*Meeting, error)
}
