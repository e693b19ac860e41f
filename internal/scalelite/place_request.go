package scalelite

import (
	"net/url"
	"slices"
	"strings"
)

// PlaceRequest is one find-or-place as data. MeetingStore.PlaceMeeting decides and writes in one
// transaction from it, through its methods only (Decide, Select, VoiceBridges.Candidates and
// CreateParams), which are pure: quick, no I/O, no store calls, the same answer every time (a
// failed batch is retried).
type PlaceRequest struct {
	// Meeting is the template of a new meeting: MeetingID, TenantID, Name and passwords.
	// ServerID, VoiceBridge, Placement, Reservation and the create parameters are filled in by
	// the placement.
	Meeting Meeting
	// Tags is the parsed meta_server-tag: which servers the meeting may go to (LeastLoaded).
	Tags ServerTagRequest
	// Avoid lists servers not to choose, e.g. one whose create just failed.
	Avoid []string
	// Suspects lists servers chosen only when no other server fits (passive health).
	Suspects []string
	// VoiceBridges says which numbers a new meeting may take.
	VoiceBridges VoiceBridgeRequest
	// Reservation is the load (before the server's multiplier) reserved on the chosen server.
	Reservation float64
	// Stay says when a running meeting with this MeetingID stays on its server.
	Stay StayRule
	// Create builds the create parameters stored with a new or re-homed meeting; nil keeps a
	// re-homed meeting's stored parameters, re-tagged for its new server (recovery).
	Create *CreateSpec
}

// VoiceBridgeRequest says which voice bridge numbers a new meeting may take.
type VoiceBridgeRequest struct {
	// Keep is the one number allowed ("" to generate): a recovered meeting keeps its own.
	Keep string
	// Length is the length of generated numbers (VOICE_BRIDGE_LEN); External, when all digits,
	// is tried first (the client's voiceBridge with USE_EXTERNAL_VOICE_BRIDGE).
	Length   int
	External string
}

// Candidates returns the numbers to try in order; the store takes the first one no running
// meeting uses.
func (v VoiceBridgeRequest) Candidates(meetingID string) []string {
	if v.Keep != "" {
		return []string{v.Keep}
	}
	return VoiceBridgeCandidates(meetingID, v.Length, v.External)
}

// StayDecision is what happens to a running meeting found by a placement.
type StayDecision int

const (
	// Stay: the meeting stays where it is.
	Stay StayDecision = iota
	// StayAsk: the meeting stays on its cordoned server for now; whether it still runs there
	// must be asked (PlaceResult.AskCordoned), then placed again with the answer.
	StayAsk
	// Move: the meeting is placed on another server (re-homed).
	Move
)

// StayRule says when a running meeting stays on its server. Every rule moves meetings away from
// servers that are gone, offline or disabled (ServerKeepsMeetings).
type StayRule struct {
	// CheckCordoned (create's rule) keeps a meeting on a cordoned server only while it still
	// runs there; without it, cordoned servers keep their meetings (join and recovery).
	CheckCordoned bool
	// Cordoned is the answer of the cordoned server asked (nil until asked).
	Cordoned *CordonAnswer
}

// CordonAnswer is whether a meeting still runs on a cordoned server.
type CordonAnswer struct {
	ServerID string
	Running  bool
}

// Decide says whether existing, running on srv (nil when its server no longer exists), stays.
func (r *PlaceRequest) Decide(existing *Meeting, srv *Server) StayDecision {
	if !ServerKeepsMeetings(srv) {
		return Move
	}
	if !r.Stay.CheckCordoned || srv.State != ServerCordoned {
		return Stay
	}
	if a := r.Stay.Cordoned; a != nil && a.ServerID == srv.ID {
		if a.Running {
			return Stay
		}
		return Move
	}
	return StayAsk
}

// Select picks the server for a new or re-homed meeting among candidates (enabled and online
// servers ordered by id), leaving out Avoid, and Suspects too unless nothing else fits, and
// explains the choice as JSON.
func (r *PlaceRequest) Select(candidates []*Server) (*Server, string, error) {
	sel := LeastLoaded{Tag: r.Tags}
	candidates = without(candidates, r.Avoid)
	if len(r.Suspects) > 0 {
		if srv, exp, err := sel.Select(without(candidates, r.Suspects)); err == nil {
			return srv, exp, nil
		}
	}
	return sel.Select(candidates)
}

// without returns the servers whose ids are not in ids.
func without(servers []*Server, ids []string) []*Server {
	if len(ids) == 0 {
		return servers
	}
	skip := make(map[string]bool, len(ids))
	for _, id := range ids {
		skip[id] = true
	}
	return slices.DeleteFunc(slices.Clone(servers), func(s *Server) bool { return skip[s.ID] })
}

// CreateParams returns the create parameters (www-form query and XML body) to store with m, a
// new or re-homed meeting placed on srv: built from Create, or m's stored ones re-tagged for srv.
func (r *PlaceRequest) CreateParams(m *Meeting, srv *Server) (query string, body []byte) {
	if r.Create == nil {
		query, body = RetagCreateQuery(m.CreateQuery, srv.Tag), m.CreateBody
	} else {
		query, body = r.Create.Plan(m, srv, true).Params.Encode(), r.Create.Body
	}
	if len(body) == 0 {
		body = nil
	}
	return query, body
}

// ServerKeepsMeetings reports whether a running meeting can stay on srv: the server exists, is
// online and not disabled. Meetings on any other server are recovered elsewhere.
func ServerKeepsMeetings(srv *Server) bool { return srv != nil && srv.Joinable() }

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
		out = append(out, FormEscape(ParamServerTag)+"="+FormEscape(tag))
	}
	return strings.Join(out, "&")
}
