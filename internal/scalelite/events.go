package scalelite

import (
	"context"
	"log/slog"
	"time"
)

// Event topics.
const (
	TopicServerLoad    = "server-load"    // every poll and every load or state change
	TopicServerEvents  = "server-events"  // state changes, panics, health transitions
	TopicMeetingEvents = "meeting-events" // created, placed, recovered, ended
	TopicRecordings    = "recordings"     // imported, published, deleted
)

// Event is something that happened, delivered to subscribers on every instance.
type Event struct {
	Topic string    `json:"topic"`
	Type  string    `json:"type"` // e.g. polled, state-changed, online, offline, panicked, created, ended
	Time  time.Time `json:"time"`

	ServerID  string `json:"serverId,omitempty"`
	MeetingID string `json:"meetingId,omitempty"`
	TenantID  string `json:"tenantId,omitempty"`
	RecordID  string `json:"recordId,omitempty"`

	// Server is a snapshot for server topics (secret omitted).
	Server *ServerSnapshot `json:"server,omitempty"`
	Detail string          `json:"detail,omitempty"`
}

// ServerSnapshot is the public state of a server carried by events.
type ServerSnapshot struct {
	ID       string      `json:"id"`
	URL      string      `json:"url"`
	State    ServerState `json:"state"`
	Online   bool        `json:"online"`
	Load     float64     `json:"load"`
	Meetings int         `json:"meetings"`
	Users    int         `json:"users"`
	Videos   int         `json:"videos"`
}

// Snapshot returns the public state of s.
func (s *Server) Snapshot() *ServerSnapshot {
	return &ServerSnapshot{ID: s.ID, URL: s.URL, State: s.State, Online: s.Online, Load: s.Load,
		Meetings: s.Meetings, Users: s.Users, Videos: s.Videos}
}

// Publisher sends events to every subscriber on every instance. Publish never blocks on a slow
// subscriber; errors are returned only for a broken transport.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// Subscriber delivers events of the given topics until ctx ends or the subscriber falls too far
// behind; then the channel is closed.
type Subscriber interface {
	Subscribe(ctx context.Context, topics ...string) (<-chan Event, error)
}

// Locker grants cluster-wide singleton leases (one active poller, one active importer).
type Locker interface {
	// Acquire blocks until the named lock is held or ctx ends. The returned context is cancelled
	// when the lock is lost; release gives it up.
	Acquire(ctx context.Context, name string) (held context.Context, release func(), err error)
}

// TokenStore holds one-time tokens (protected recording links).
type TokenStore interface {
	// PutToken stores value under token for ttl.
	PutToken(ctx context.Context, token, value string, ttl time.Duration) error
	// TakeToken returns and deletes the value atomically; ENOTFOUND when absent or expired.
	TakeToken(ctx context.Context, token string) (string, error)
}

// Meeting event types (TopicMeetingEvents).
const (
	MeetingCreated   = "created"   // a new meeting row, placed and created on its server
	MeetingPlaced    = "placed"    // a meeting was placed on a server (new, or moved by a create)
	MeetingRecovered = "recovered" // re-created on another server after its server left service
	MeetingCleared   = "cleared"   // ended on BBB by a panic, recoverable on its next create or join
	MeetingEnded     = "ended"     // ended in our records (any surface, or the poller)
)

// MeetingEventTypes lists every meeting event type.
var MeetingEventTypes = []string{MeetingCreated, MeetingPlaced, MeetingRecovered, MeetingCleared, MeetingEnded}

// Server event types (TopicServerEvents and TopicServerLoad).
const (
	ServerPolled       = "polled"        // a poll (TopicServerLoad only)
	ServerOnline       = "online"        // the poller saw it come back
	ServerOffline      = "offline"       // the poller declared it offline
	ServerSuspect      = "suspect"       // a call on the request path could not reach it (passive health)
	ServerStateChanged = "state-changed" // enabled, cordoned or disabled (by an operator or a drain)
	ServerPanicked     = "panicked"
	ServerAdded        = "added"
	ServerUpdated      = "updated"
	ServerRemoved      = "removed"
)

// ServerEventTypes lists every server event type.
var ServerEventTypes = []string{ServerPolled, ServerOnline, ServerOffline, ServerSuspect, ServerStateChanged,
	ServerPanicked, ServerAdded, ServerUpdated, ServerRemoved}

// consume hands every event of the topics to handle until ctx ends, subscribing again when the
// broker drops the subscription (a subscriber that fell behind). what names the consumer in logs.
func consume(ctx context.Context, sub Subscriber, logger *slog.Logger, what string, handle func(Event), topics ...string) {
	for ctx.Err() == nil {
		events, err := sub.Subscribe(ctx, topics...)
		if err != nil {
			logger.WarnContext(ctx, "subscribe to events", "for", what, "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		for e := range events {
			handle(e)
		}
	}
}
