package scalelite

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Placement errors. Select wraps them in an *Error so edges can tell them apart with errors.Is.
var (
	// ErrNoAvailableServers: no enabled and online server can take the meeting.
	ErrNoAvailableServers = errors.New("no available servers")
	// ErrTagUnavailable: a required server tag matches no available server.
	ErrTagUnavailable = errors.New("required server tag unavailable")
)

// NoServerTag is the pseudo-tag that matches untagged servers in a tag list.
const NoServerTag = "none"

// ServerTagRequest is a parsed meta_server-tag value.
type ServerTagRequest struct {
	Tags     []string // in the order given; empty for no tags
	Required bool     // the value ended in "!" and named at least one tag
	Raw      string   // the tag list without the "!", as quoted in the error message
}

// ParseServerTag parses meta_server-tag as Scalelite does: a trailing "!" makes the tags
// required (a lone "!" means no tags), and tags are separated by ";".
func ParseServerTag(v string) ServerTagRequest {
	v = strings.TrimSpace(v)
	var req ServerTagRequest
	if rest, ok := strings.CutSuffix(v, "!"); ok {
		v = rest
		req.Required = strings.TrimSpace(rest) != ""
	}
	req.Raw = v
	for t := range strings.SplitSeq(v, ";") {
		if t = strings.TrimSpace(t); t != "" {
			req.Tags = append(req.Tags, t)
		}
	}
	if len(req.Tags) == 0 {
		req.Required = false
	}
	return req
}

// Selector picks a server for a new meeting among candidates (enabled and online servers,
// ordered by id) and explains its choice as JSON.
type Selector interface {
	Select(candidates []*Server) (*Server, string, error)
}

// LeastLoaded is Scalelite's selection: the least-loaded server whose tag is one of the
// requested tags ("none" matching untagged servers); without tags or without a match, the
// least-loaded untagged server unless the tags are required. Ties go to the lowest id, so a
// burst of placements with reservations fills equal servers round-robin.
type LeastLoaded struct {
	Tag ServerTagRequest
}

// PlacementCandidate is one server in a placement explanation.
type PlacementCandidate struct {
	ID   string  `json:"id"`
	Tag  string  `json:"tag,omitempty"`
	Load float64 `json:"load"`
}

// PlacementExplanation is what Placement (the stored JSON) says about a choice.
type PlacementExplanation struct {
	Tags       []string             `json:"tags,omitempty"`
	Required   bool                 `json:"required,omitempty"`
	Rule       string               `json:"rule"` // "tag", "untagged" or "untagged-fallback"
	Candidates []PlacementCandidate `json:"candidates"`
	Chosen     string               `json:"chosen"`
}

// Select implements Selector.
func (l LeastLoaded) Select(candidates []*Server) (*Server, string, error) {
	if len(candidates) == 0 {
		return nil, "", &Error{Code: EUNAVAILABLE, Message: "Could not find any available servers.", Err: ErrNoAvailableServers}
	}
	rule := "untagged"
	var pool []*Server
	if len(l.Tag.Tags) > 0 {
		rule = "tag"
		for _, s := range candidates {
			if tagMatches(s.Tag, l.Tag.Tags) {
				pool = append(pool, s)
			}
		}
		if len(pool) == 0 {
			if l.Tag.Required {
				return nil, "", &Error{Code: EUNAVAILABLE, Err: ErrTagUnavailable,
					Message: fmt.Sprintf("There is no available server with the required tag=%s.", l.Tag.Raw)}
			}
			rule = "untagged-fallback"
		}
	}
	if len(pool) == 0 {
		for _, s := range candidates {
			if s.Tag == "" {
				pool = append(pool, s)
			}
		}
	}
	if len(pool) == 0 {
		return nil, "", &Error{Code: EUNAVAILABLE, Message: "Could not find any available servers.", Err: ErrNoAvailableServers}
	}
	sort.SliceStable(pool, func(i, j int) bool {
		if pool[i].Load != pool[j].Load {
			return pool[i].Load < pool[j].Load
		}
		return pool[i].ID < pool[j].ID
	})
	chosen := pool[0]
	exp := PlacementExplanation{Tags: l.Tag.Tags, Required: l.Tag.Required, Rule: rule, Chosen: chosen.ID}
	for _, s := range pool {
		exp.Candidates = append(exp.Candidates, PlacementCandidate{ID: s.ID, Tag: s.Tag, Load: s.Load})
	}
	b, err := json.Marshal(exp)
	if err != nil {
		return nil, "", fmt.Errorf("explain placement: %w", err)
	}
	return chosen, string(b), nil
}

func tagMatches(serverTag string, tags []string) bool {
	for _, t := range tags {
		if t == serverTag || (t == NoServerTag && serverTag == "") {
			return true
		}
	}
	return false
}

// MeetingReservation is the load (before the server's multiplier) a new meeting reserves on its
// server until the poller reports real users: the front-end's size hint
// (meta_bbb-meeting-size-hint) when larger than LOAD_MIN_USER_COUNT, else LOAD_MIN_USER_COUNT,
// which is what the poller itself counts for a meeting younger than LOAD_JOIN_BUFFER_TIME.
// Scalelite adds 1 per create instead, so simultaneous creates all see the same loads.
func MeetingReservation(sizeHint string, minUserCount int) float64 {
	r := float64(max(minUserCount, 1))
	if n, ok := parsePositiveInt(sizeHint); ok && float64(n) > r {
		r = float64(n)
	}
	return r
}

func parsePositiveInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0
}
