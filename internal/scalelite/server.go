package scalelite

import (
	"context"
	"time"
)

// ServerState is the administrative state of a BBB server.
type ServerState string

const (
	// ServerEnabled servers take new meetings while online.
	ServerEnabled ServerState = "enabled"
	// ServerCordoned servers keep their running meetings but take no new ones; the poller
	// disables them once their load reaches zero.
	ServerCordoned ServerState = "cordoned"
	// ServerDisabled servers take nothing; new servers start disabled, as in Scalelite.
	ServerDisabled ServerState = "disabled"
)

// Valid reports whether s is one of the three states.
func (s ServerState) Valid() bool {
	return s == ServerEnabled || s == ServerCordoned || s == ServerDisabled
}

// Server is one BBB server of the pool.
type Server struct {
	ID             string
	URL            string // the API URL, ending in /api (e.g. https://bbb1/bigbluebutton/api)
	Secret         string
	Tag            string // "" when untagged
	State          ServerState
	Online         bool    // owned by the poller
	Load           float64 // last computed load plus reservations and join bumps since
	LoadMultiplier float64 // > 0; a larger multiplier marks a weaker server

	HealthyCounter   int // consecutive successful polls while offline
	UnhealthyCounter int // consecutive failed polls while online

	Meetings       int // meetings on the server at the last poll, breakouts included
	Users          int // participants at the last poll
	LargestMeeting int
	Videos         int
	BBBVersion     string

	LastPolledAt  time.Time // zero until the first poll
	LastPollError string    // "" after a successful poll
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// LoadAvailable reports whether the server's load means anything: Scalelite prints
// "unavailable" for offline and disabled servers.
func (s *Server) LoadAvailable() bool { return s.Online && s.State != ServerDisabled }

// TakesNewMeetings reports whether placement may choose the server.
func (s *Server) TakesNewMeetings() bool { return s.Online && s.State == ServerEnabled }

// Joinable reports whether users may be sent to the server (cordoned servers stay joinable).
func (s *Server) Joinable() bool { return s.Online && s.State != ServerDisabled }

// ServerFilter selects servers; zero values mean "any".
type ServerFilter struct {
	IDs    []string
	States []ServerState
	Online *bool
	Tag    *string
}

// ServerUpdate changes the listed fields of a server; nil fields stay as they are.
type ServerUpdate struct {
	URL            *string
	Secret         *string
	Tag            *string // "" removes the tag
	State          *ServerState
	LoadMultiplier *float64
}

// PollResult is what one poll of one server found. The store applies it in one statement.
type PollResult struct {
	Time             time.Time
	Online           bool
	Load             float64
	HealthyCounter   int
	UnhealthyCounter int
	Meetings         int
	Users            int
	LargestMeeting   int
	Videos           int
	BBBVersion       string       // "" leaves the stored version unchanged
	Error            string       // "" for a successful poll
	State            *ServerState // set when the poll changes the state (cordoned → disabled)
}

// ServerStore persists servers. Methods return ENOTFOUND for an unknown id and ECONFLICT for a
// duplicate id or URL; other errors are internal.
type ServerStore interface {
	// CreateServer inserts s; the store fills CreatedAt/UpdatedAt. s.ID must be set.
	CreateServer(ctx context.Context, s *Server) error
	// Server returns one server.
	Server(ctx context.Context, id string) (*Server, error)
	// Servers returns the servers matching f, ordered by id.
	Servers(ctx context.Context, f ServerFilter) ([]*Server, error)
	// UpdateServer applies u and returns the server as stored afterwards.
	UpdateServer(ctx context.Context, id string, u ServerUpdate) (*Server, error)
	// DeleteServer removes the server; its meetings stay until ended or re-homed.
	DeleteServer(ctx context.Context, id string) error
	// RecordPoll stores one poll's outcome and returns the server as stored.
	RecordPoll(ctx context.Context, id string, r PollResult) (*Server, error)
	// AddLoad adds each delta to its server's load (join bumps flushed in one call); unknown
	// ids are ignored.
	AddLoad(ctx context.Context, deltas map[string]float64) error
}
