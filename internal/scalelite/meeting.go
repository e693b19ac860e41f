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

// PlaceRequest is one create's find-or-place, run by MeetingStore.PlaceMeeting in a single
// transaction that serialises with every other placement.
type PlaceRequest struct {
	// Meeting is the template for a new meeting: MeetingID, TenantID, passwords, CreateQuery,
	// CreateBody, Name. ServerID, VoiceBridge, Placement and Reservation are filled by the store.
	Meeting Meeting
	// KeepExisting decides, for a running meeting with the same MeetingID, whether it stays
	// where it is (true) or must be re-homed (false: its server is gone, offline, disabled, or
	// cordoned and not running). srv is nil when the meeting's server no longer exists.
	KeepExisting func(existing *Meeting, srv *Server) bool
	// Select picks a server among the candidates (enabled and online, ordered by id) and returns
	// the placement explanation; it returns ENOTFOUND/EUNAVAILABLE style errors when none fits.
	Select func(candidates []*Server) (*Server, string, error)
	// VoiceBridges yields candidate voice bridge numbers in order; the store takes the first
	// one not in use by another running meeting. Ignored when an existing meeting is re-homed
	// (it keeps its number).
	VoiceBridges func() []string
	// Reservation is the load (before the server's multiplier) reserved on the chosen server.
	Reservation float64
	// Finish, when set, is called once the server and voice bridge of a new or re-homed meeting
	// are chosen, inside the placement transaction and before anything is written: m is the
	// meeting as it will be stored (ID 0 for a new one; a re-homed one carries its stored
	// CreateQuery and CreateBody) and srv its new server. What it returns is stored as the
	// meeting's CreateQuery and CreateBody in the same transaction, so a caller writes the
	// create parameters it will send with the row itself (no second write). It may be called
	// more than once for one PlaceMeeting (a failed batch is retried), the last call being the
	// one that committed; it must be quick, do no I/O and must not call the store. Without
	// Finish a new meeting stores Meeting's CreateQuery and CreateBody and a re-homed one keeps
	// its own.
	Finish func(m *Meeting, srv *Server) (createQuery string, createBody []byte)
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
	// PlaceMeeting finds the running meeting or places it, reserving load atomically. A running
	// meeting of another tenant gives ECONFLICT. Errors from Select are returned unchanged.
	PlaceMeeting(ctx context.Context, req PlaceRequest) (PlaceResult, error)
	// UndoPlacement reverts a placement whose backend create failed: a created row is deleted
	// (freeing its voice bridge), a moved one goes back to its previous server with its previous
	// create parameters, and the reservation is released.
	UndoPlacement(ctx context.Context, r PlaceResult) error
	// UpdateCreateParams stores what was last sent to the backend for this meeting, when that
	// could not be known inside the placement (PlaceRequest.Finish).
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
