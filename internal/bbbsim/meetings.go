package bbbsim

import (
	"maps"
	"slices"
	"strconv"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// SimMeeting is a meeting on a simulated server, as create made it plus what happened since.
type SimMeeting struct {
	MeetingID, InternalMeetingID, ParentMeetingID, Name string
	AttendeePW, ModeratorPW, VoiceBridge, DialNumber    string
	CreateTime                                          int64  // ms
	CreateDate                                          string // Java Date.toString format
	StartTime                                           int64  // ms of the first join, 0 before
	Duration, MaxUsers                                  int
	IsBreakout, Record, Running, HasUserJoined          bool
	// Metadata holds the meta_* create parameters, keys lower-cased without the prefix.
	Metadata map[string]string
	// Params are the create parameters as received (query and form body, checksum removed).
	Params scalelite.Params
	// CreateBody is the XML body of the first create (nil for none); Documents the bodies of
	// insertDocument calls.
	CreateBody []byte
	Documents  [][]byte
	// CreateCalls counts create calls for this meeting (1 + duplicates).
	CreateCalls int
	Attendees   []SimAttendee

	seq int64
}

// SimAttendee is a user in a simulated meeting.
type SimAttendee struct {
	UserID       string // external userID from join, else the internal ID
	InternalID   string // w_...
	FullName     string
	Role         string // MODERATOR or VIEWER
	IsPresenter  bool
	ListenOnly   bool
	Voice, Video bool
	ClientType   string
	CustomData   scalelite.Params // userdata-* join parameters, prefix removed
	SessionToken string
}

// Counts derived from the attendee list, as BBB reports them.
func (m *SimMeeting) ParticipantCount() int { return len(m.Attendees) }

// ModeratorCount is the number of attendees with role MODERATOR.
func (m *SimMeeting) ModeratorCount() int {
	return m.count(func(a SimAttendee) bool { return a.Role == "MODERATOR" })
}

// VoiceParticipantCount is the number of attendees in the voice conference.
func (m *SimMeeting) VoiceParticipantCount() int {
	return m.count(func(a SimAttendee) bool { return a.Voice })
}

// VideoCount is the number of attendees sharing a camera.
func (m *SimMeeting) VideoCount() int { return m.count(func(a SimAttendee) bool { return a.Video }) }

// ListenerCount is the number of listen-only attendees.
func (m *SimMeeting) ListenerCount() int {
	return m.count(func(a SimAttendee) bool { return a.ListenOnly })
}

func (m *SimMeeting) count(f func(SimAttendee) bool) int {
	n := 0
	for _, a := range m.Attendees {
		if f(a) {
			n++
		}
	}
	return n
}

func (m *SimMeeting) clone() SimMeeting {
	c := *m
	c.Metadata = maps.Clone(m.Metadata)
	c.Params = m.Params.Clone()
	c.CreateBody = slices.Clone(m.CreateBody)
	c.Documents = slices.Clone(m.Documents)
	c.Attendees = slices.Clone(m.Attendees)
	for i := range c.Attendees {
		c.Attendees[i].CustomData = c.Attendees[i].CustomData.Clone()
	}
	return c
}

// Meeting returns a copy of the running meeting with this external ID.
func (s *Server) Meeting(meetingID string) (SimMeeting, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.meetings[meetingID]
	if !ok {
		return SimMeeting{}, false
	}
	return m.clone(), true
}

// Meetings returns copies of every meeting in creation order.
func (s *Server) Meetings() []SimMeeting {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]SimMeeting, 0, len(s.meetings))
	for _, m := range s.sortedMeetingsLocked() {
		out = append(out, m.clone())
	}
	return out
}

func (s *Server) sortedMeetingsLocked() []*SimMeeting {
	ms := slices.Collect(maps.Values(s.meetings))
	slices.SortFunc(ms, func(a, b *SimMeeting) int { return int(a.seq - b.seq) })
	return ms
}

// SetUsers replaces the attendees of a meeting with synthetic ones: participants users, the first
// moderators of them MODERATOR (the first one presenter), the first voice of them in the voice
// conference and the first video of them sharing a camera. With participants > 0 the meeting
// counts as running. An unknown meeting is ignored.
func (s *Server) SetUsers(meetingID string, participants, moderators, voice, video int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.meetings[meetingID]
	if !ok {
		return
	}
	for _, a := range m.Attendees {
		delete(s.sessions, a.SessionToken)
	}
	m.Attendees = make([]SimAttendee, 0, max(participants, 0))
	for i := range max(participants, 0) {
		id := "w_sim" + strconv.Itoa(i+1)
		a := SimAttendee{UserID: id, InternalID: id, FullName: "Simulated user " + strconv.Itoa(i+1),
			Role: "VIEWER", Voice: i < voice, Video: i < video, ClientType: "HTML5"}
		if i < moderators {
			a.Role = "MODERATOR"
			a.IsPresenter = i == 0
		}
		m.Attendees = append(m.Attendees, a)
	}
	if participants > 0 {
		s.startLocked(m)
	}
}

func (s *Server) startLocked(m *SimMeeting) {
	m.HasUserJoined = true
	m.Running = true
	if m.StartTime == 0 {
		m.StartTime = s.opts.Now().UnixMilli()
	}
}

// EndAll ends every meeting, as if end had been called for each.
func (s *Server) EndAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id := range s.meetings {
		s.endLocked(id)
	}
}

func (s *Server) endLocked(meetingID string) {
	m, ok := s.meetings[meetingID]
	if !ok {
		return
	}
	for _, a := range m.Attendees {
		delete(s.sessions, a.SessionToken)
	}
	delete(s.meetings, meetingID)
	s.ended[meetingID] = true
}
