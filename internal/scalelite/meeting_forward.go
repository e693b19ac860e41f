package scalelite

import (
	"context"
	"fmt"
	"sync"
)

// IsMeetingRunning asks the tenant's meeting's server and returns its answer. A meeting we do not
// know (or another tenant's) gives ENOTFOUND without a backend call.
func (s *MeetingService) IsMeetingRunning(ctx context.Context, tenant *Tenant, meetingID string) ([]byte, error) {
	return s.forward(ctx, tenant, meetingID, "isMeetingRunning", nil)
}

// MeetingInfo relays getMeetingInfo for the tenant's meeting (only meetingID is sent).
func (s *MeetingService) MeetingInfo(ctx context.Context, tenant *Tenant, meetingID string) ([]byte, error) {
	return s.forward(ctx, tenant, meetingID, "getMeetingInfo", nil)
}

// InsertDocument sends the XML body as a POST to the tenant's meeting's server with only
// meetingID, and returns its answer.
func (s *MeetingService) InsertDocument(ctx context.Context, tenant *Tenant, meetingID string, body []byte) ([]byte, error) {
	if body == nil {
		body = []byte{}
	}
	return s.forward(ctx, tenant, meetingID, "insertDocument", body)
}

// forward sends action with only meetingID (and body) to the meeting's server.
func (s *MeetingService) forward(ctx context.Context, tenant *Tenant, meetingID, action string, body []byte) ([]byte, error) {
	m, srv, err := s.meetingOnServer(ctx, tenantID(tenant), meetingID)
	if err != nil {
		return nil, err
	}
	answer, err := s.call(ctx, srv, action, Params{{Key: ParamMeetingID, Value: m.MeetingID}}, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s on %s: %w", action, meetingID, srv.ID, err)
	}
	return answer, nil
}

// ListMeetings asks every online server that is not disabled for its meetings at once, each with
// its own timeout, and returns the tenant's meetings (metadata tenant-id; without a tenant, the
// meetings carrying none) in server order. A server that fails is skipped and logged, and a
// server passive health holds suspect is not asked, so one dead server never stalls or fails
// the answer.
func (s *MeetingService) ListMeetings(ctx context.Context, tenant *Tenant) ([]ListedMeeting, error) {
	online := true
	servers, err := s.store.Servers(ctx, ServerFilter{Online: &online, States: []ServerState{ServerEnabled, ServerCordoned}})
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	lists := make([][]ListedMeeting, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		if s.health.Suspect(srv.ID) {
			s.logger.WarnContext(ctx, "getMeetings: suspect server skipped", "server_id", srv.ID)
			continue
		}
		wg.Go(func() {
			list, err := s.backend.ListMeetings(ctx, srv)
			s.health.Observe(ctx, srv.ID, err)
			if err != nil {
				s.logger.WarnContext(ctx, "getMeetings: server skipped", "server_id", srv.ID, "error", err)
				return
			}
			lists[i] = list
		})
	}
	wg.Wait()
	tid := tenantID(tenant)
	var out []ListedMeeting
	for _, list := range lists {
		for _, m := range list {
			if m.TenantID == tid {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
