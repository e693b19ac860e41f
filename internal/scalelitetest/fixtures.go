package scalelitetest

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// NewServer returns a server fixture: enabled and online with load 0 and multiplier 1.
func NewServer(id string) *scalelite.Server {
	return &scalelite.Server{
		ID: id, URL: "https://" + id + ".example.org/bigbluebutton/api", Secret: "secret-" + id,
		State: scalelite.ServerEnabled, Online: true, LoadMultiplier: 1,
	}
}

// CreateServers stores NewServer fixtures for the ids and makes them enabled and online.
func CreateServers(t testing.TB, s scalelite.ServerStore, ids ...string) []*scalelite.Server {
	t.Helper()
	ctx := context.Background()
	out := make([]*scalelite.Server, 0, len(ids))
	for _, id := range ids {
		srv := NewServer(id)
		if err := s.CreateServer(ctx, srv); err != nil {
			t.Fatalf("create server %s: %v", id, err)
		}
		if _, err := s.RecordPoll(ctx, id, scalelite.PollResult{Time: srv.CreatedAt, Online: true}); err != nil {
			t.Fatalf("mark server %s online: %v", id, err)
		}
		out = append(out, srv)
	}
	return out
}

// VoiceBridge is the first voice bridge a meeting placed with PlaceRequest takes when it is free.
func VoiceBridge(meetingID string) string {
	return scalelite.VoiceBridgeCandidates(meetingID, scalelite.DefaultVoiceBridgeLen, "")[0]
}

// PlaceRequest returns a request for a new meeting on the least-loaded untagged server,
// reservation 1, with a stored create query "meetingID=<id>" (no CreateSpec).
func PlaceRequest(meetingID, tenantID string) scalelite.PlaceRequest {
	return scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{
			MeetingID: meetingID, TenantID: tenantID, Name: "Meeting " + meetingID,
			ModeratorPW: "mp", AttendeePW: "ap", CreateQuery: "meetingID=" + meetingID,
		},
		VoiceBridges: scalelite.VoiceBridgeRequest{Length: scalelite.DefaultVoiceBridgeLen},
		Reservation:  1,
	}
}

// WithCreateSpec makes req build its create parameters from a client create of its meeting with
// body (a CreateSpec), as the BBB API's create does.
func WithCreateSpec(req scalelite.PlaceRequest, body []byte) scalelite.PlaceRequest {
	req.Create = &scalelite.CreateSpec{Client: scalelite.Params{{Key: "meetingID", Value: req.Meeting.MeetingID}}, Body: body}
	return req
}

// CreatedQuery is the create query WithCreateSpec's request stores for m placed on srv: it
// carries the meeting's moderator password, voice bridge and its server's tag, so a test can
// tell it was built for the right meeting and server.
func CreatedQuery(m *scalelite.Meeting, srv *scalelite.Server) string {
	q := "meetingID=" + scalelite.FormEscape(m.MeetingID) + "&moderatorPW=" + scalelite.FormEscape(m.ModeratorPW) + "&voiceBridge=" + m.VoiceBridge
	if srv.Tag != "" {
		q += "&meta_server-tag=" + scalelite.FormEscape(srv.Tag)
	}
	return q
}

// PlacementStore is what PlaceOn needs.
type PlacementStore interface {
	scalelite.ServerStore
	scalelite.MeetingStore
}

// PlaceOn places req on serverID, which must take new meetings (enabled and online): the
// request avoids every other server, and asks for the server's tag when it has one.
func PlaceOn(ctx context.Context, s PlacementStore, req scalelite.PlaceRequest, serverID string) (scalelite.PlaceResult, error) {
	all, err := s.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return scalelite.PlaceResult{}, err
	}
	for _, srv := range all {
		if srv.ID != serverID {
			req.Avoid = append(req.Avoid, srv.ID)
		} else if srv.Tag != "" {
			req.Tags = scalelite.ServerTagRequest{Tags: []string{srv.Tag}, Required: true, Raw: srv.Tag}
		}
	}
	if req.VoiceBridges == (scalelite.VoiceBridgeRequest{}) {
		req.VoiceBridges.Length = scalelite.DefaultVoiceBridgeLen
	}
	return s.PlaceMeeting(ctx, req)
}
