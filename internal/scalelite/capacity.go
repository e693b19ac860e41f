package scalelite

import (
	"fmt"
	"math"
)

// CapacityPolicy says how much a server can carry, for the status table and the console. A
// server's load is its users (at least MeetingUsers for a young meeting) times its load
// multiplier, so every server carries the same ServerLoad load units when full: a server with
// multiplier m is full at ServerLoad/m users. Room is counted in new meetings of MeetingUsers
// users, the load a new meeting reserves (LOAD_MIN_USER_COUNT), each costing MeetingUsers*m.
type CapacityPolicy struct {
	ServerLoad   float64 // SERVER_LOAD_CAPACITY: load units of a full server
	MeetingUsers int     // LOAD_MIN_USER_COUNT: users of the meetings room is counted in
}

// DefaultServerLoadCapacity is SERVER_LOAD_CAPACITY's default: a server with load multiplier 1
// is full at 200 users, about what BigBlueButton's documentation gives for its recommended
// production server (16 cores, 16 GB).
const DefaultServerLoadCapacity = 200

// DefaultCapacityPolicy returns the defaults: 200 load units per server, 15-user meetings.
func DefaultCapacityPolicy() CapacityPolicy {
	return CapacityPolicy{ServerLoad: DefaultServerLoadCapacity, MeetingUsers: 15}
}

// ServerCapacity is one server measured against its capacity.
type ServerCapacity struct {
	// Capacity is the load of the server when full (ServerLoad).
	Capacity float64
	// Utilization is load/capacity, nil when the load is unavailable (offline or disabled).
	Utilization *float64
	// Headroom is capacity minus load (at least 0) for a server that takes new meetings, else 0.
	Headroom float64
	// Room is how many more meetings of MeetingUsers users fit in the headroom.
	Room int
}

// Server measures s: only a server that takes new meetings (enabled and online) has headroom.
func (p CapacityPolicy) Server(s *Server) ServerCapacity {
	c := ServerCapacity{Capacity: p.ServerLoad}
	if s.LoadAvailable() && p.ServerLoad > 0 {
		u := s.Load / p.ServerLoad
		c.Utilization = &u
	}
	if !s.TakesNewMeetings() {
		return c
	}
	c.Headroom = max(p.ServerLoad-s.Load, 0)
	if cost := p.meetingCost(s.LoadMultiplier); cost > 0 {
		c.Room = int(math.Floor(c.Headroom/cost + 1e-9))
	}
	return c
}

// meetingCost is the load a new meeting adds to a server with this multiplier.
func (p CapacityPolicy) meetingCost(multiplier float64) float64 {
	if multiplier <= 0 {
		multiplier = 1
	}
	return float64(max(p.MeetingUsers, 1)) * multiplier
}

// ClusterCapacity sums the servers that take new meetings.
type ClusterCapacity struct {
	// Capacity and Load are summed over the servers that take new meetings.
	Capacity, Load float64
	Headroom       float64
	Room           int
	InService      int // servers that take new meetings
}

// Cluster sums Server over servers.
func (p CapacityPolicy) Cluster(servers []*Server) ClusterCapacity {
	var c ClusterCapacity
	for _, s := range servers {
		if !s.TakesNewMeetings() {
			continue
		}
		sc := p.Server(s)
		c.InService++
		c.Capacity += sc.Capacity
		c.Load += s.Load
		c.Headroom += sc.Headroom
		c.Room += sc.Room
	}
	return c
}

// Describe says in words how capacity is computed, for operators.
func (p CapacityPolicy) Describe() string {
	return fmt.Sprintf("Each server is full at a load of %g (SERVER_LOAD_CAPACITY). Load is the users of its meetings "+
		"times its load multiplier, a meeting younger than LOAD_JOIN_BUFFER_TIME counting at least %d users, plus the "+
		"reservations of meetings just placed; so a server with multiplier 2 is full at %g users. Headroom is capacity "+
		"minus load on servers that take new meetings (enabled and online); room counts how many more %d-user meetings fit.",
		p.ServerLoad, p.MeetingUsers, p.ServerLoad/2, p.MeetingUsers)
}
