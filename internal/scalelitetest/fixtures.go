package scalelitetest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
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
		if err := s.RecordPoll(ctx, id, scalelite.PollResult{Time: srv.CreatedAt, Online: true}); err != nil {
			t.Fatalf("mark server %s online: %v", id, err)
		}
		out = append(out, srv)
	}
	return out
}

// LeastLoaded selects the candidate with the lowest load, ties broken by id.
func LeastLoaded(candidates []*scalelite.Server) (*scalelite.Server, string, error) {
	var best *scalelite.Server
	for _, c := range candidates {
		if best == nil || c.Load < best.Load || c.Load == best.Load && cmp.Less(c.ID, best.ID) {
			best = c
		}
	}
	if best == nil {
		return nil, "", scalelite.Errorf(scalelite.EUNAVAILABLE, "Could not find any available servers.")
	}
	return best, fmt.Sprintf(`{"chosen":%q,"load":%g,"candidates":%d}`, best.ID, best.Load, len(candidates)), nil
}

// VoiceBridges returns 10 deterministic 9-digit candidates derived from meetingID.
func VoiceBridges(meetingID string) func() []string {
	return func() []string {
		out := make([]string, 10)
		for i := range out {
			h := sha256.Sum256(fmt.Appendf(nil, "%s/%d", meetingID, i))
			out[i] = fmt.Sprintf("%09d", 100000000+binary.BigEndian.Uint64(h[:8])%900000000)
		}
		return out
	}
}

// KeepIfJoinable keeps a running meeting whose server still exists and is joinable.
func KeepIfJoinable(_ *scalelite.Meeting, srv *scalelite.Server) bool {
	return srv != nil && srv.Joinable()
}

// PlaceRequest returns a request for a new meeting with the least-loaded selector, reservation 1.
func PlaceRequest(meetingID, tenantID string) scalelite.PlaceRequest {
	return scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{
			MeetingID: meetingID, TenantID: tenantID, Name: "Meeting " + meetingID,
			ModeratorPW: "mp", AttendeePW: "ap", CreateQuery: "meetingID=" + meetingID,
		},
		KeepExisting: KeepIfJoinable,
		Select:       LeastLoaded,
		VoiceBridges: VoiceBridges(meetingID),
		Reservation:  1,
	}
}

// FinishedQuery is the create query a test's PlaceRequest.Finish stores for m on srv: it names
// the meeting, its voice bridge and its server, so a test can tell it came from the right call.
func FinishedQuery(m *scalelite.Meeting, srv *scalelite.Server) string {
	return "meetingID=" + m.MeetingID + "&voiceBridge=" + m.VoiceBridge + "&server=" + srv.ID
}
