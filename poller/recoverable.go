package poller

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// A meeting is recoverable while its server is out of service: offline, disabled (a panic
// disables it) or removed. Its row stays running so that the next create or join re-creates it
// on a healthy server. The poller bounds how long such rows live: one not recovered within
// MeetingTTL is ended. The clock starts at the later of the meeting's last placement or update
// (UpdatedAt) and the moment its server left service, so a meeting that ran for days on a
// healthy server still gets the whole TTL after its server fails. That moment is what this poller
// saw (outOfService, kept in memory: a restarted or standby poller starts counting again, which
// only ever makes rows live longer), or, for a disabled server, its last change (UpdatedAt) when
// earlier, which survives restarts.

// expireRecoverable tracks which servers are out of service (servers as recorded by this round)
// and ends the recoverable meetings whose TTL has passed. It returns how many it ended.
func (p *Poller) expireRecoverable(ctx context.Context, servers []*scalelite.Server) (int, error) {
	now := p.now()
	current := make(map[string]*scalelite.Server, len(servers))
	for _, srv := range servers {
		current[srv.ID] = srv
		if scalelite.ServerKeepsMeetings(srv) {
			delete(p.outOfService, srv.ID)
		} else if _, ok := p.outOfService[srv.ID]; !ok {
			p.outOfService[srv.ID] = now
		}
	}
	if err := p.trackRemoved(ctx, current, now); err != nil {
		return 0, err
	}

	var due []string
	for id, since := range p.outOfService {
		if now.Sub(leftService(since, current[id])) >= p.cfg.MeetingTTL {
			due = append(due, id)
		}
	}
	if len(due) == 0 {
		return 0, nil
	}
	slices.Sort(due)
	meetings, err := p.store.Meetings(ctx, scalelite.MeetingFilter{ServerIDs: due})
	if err != nil {
		return 0, fmt.Errorf("list recoverable meetings: %w", err)
	}
	byServer := map[string][]*scalelite.Meeting{}
	for _, m := range meetings {
		byServer[m.ServerID] = append(byServer[m.ServerID], m)
	}
	ended := 0
	for _, id := range due {
		n, err := p.expire(ctx, id, current[id], byServer[id], now)
		ended += n
		if err != nil {
			return ended, err
		}
	}
	return ended, nil
}

// leftService is when the server's meetings became recoverable, as far as we can tell: first
// seen by this poller, or the last change of a disabled server when earlier.
func leftService(firstSeen time.Time, srv *scalelite.Server) time.Time {
	if srv != nil && srv.State == scalelite.ServerDisabled && !srv.UpdatedAt.IsZero() && srv.UpdatedAt.Before(firstSeen) {
		return srv.UpdatedAt
	}
	return firstSeen
}

// expire ends, on one out-of-service server (srv nil when removed), the meetings whose TTL has
// passed. It ends them with Reconcile, the unexpired ones passed as seen and a miss limit of 1:
// one transaction scoped to the server, so a meeting recovered meanwhile (its row moved to
// another server) is never ended.
func (p *Poller) expire(ctx context.Context, serverID string, srv *scalelite.Server, meetings []*scalelite.Meeting, now time.Time) (int, error) {
	since := leftService(p.outOfService[serverID], srv)
	var expired, keep []string
	for _, m := range meetings {
		if now.Sub(latest(m.UpdatedAt, since)) >= p.cfg.MeetingTTL {
			expired = append(expired, m.MeetingID)
		} else {
			keep = append(keep, m.MeetingID)
		}
	}
	if srv == nil && len(keep) == 0 {
		delete(p.outOfService, serverID) // removed, and nothing left to wait for
	}
	if len(expired) == 0 {
		return 0, nil
	}
	ended, err := p.store.Reconcile(ctx, serverID, keep, 1, now, now)
	if err != nil {
		return 0, fmt.Errorf("end recoverable meetings of %s: %w", serverID, err)
	}
	why := "server " + serverState(srv)
	for _, m := range ended {
		p.log.Info("meeting ended: not recovered within the meeting TTL", "meeting_id", m.MeetingID, "server_id", serverID,
			"server", serverState(srv), "ttl", p.cfg.MeetingTTL)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: scalelite.MeetingEnded, Time: now,
			ServerID: serverID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: "not recovered within the meeting TTL (" + why + ")"})
	}
	return len(ended), nil
}

// trackRemoved finds the servers that were removed while meetings still point at them and
// starts their clocks. It lists the meetings only when the running meetings are not all on
// current servers or on removed servers already tracked.
func (p *Poller) trackRemoved(ctx context.Context, current map[string]*scalelite.Server, now time.Time) error {
	covered := slices.Collect(maps.Keys(current))
	for id := range p.outOfService {
		if current[id] == nil {
			covered = append(covered, id)
		}
	}
	all, err := p.store.CountMeetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return fmt.Errorf("count meetings: %w", err)
	}
	onCovered := 0
	if len(covered) > 0 {
		if onCovered, err = p.store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: covered}); err != nil {
			return fmt.Errorf("count meetings: %w", err)
		}
	}
	if all == onCovered {
		return nil
	}
	meetings, err := p.store.Meetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return fmt.Errorf("list meetings: %w", err)
	}
	var gone []string
	for _, m := range meetings {
		if _, tracked := p.outOfService[m.ServerID]; current[m.ServerID] == nil && !tracked && !slices.Contains(gone, m.ServerID) {
			gone = append(gone, m.ServerID)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	// A server added (and given meetings) during the round is not removed: check again.
	exist, err := p.store.Servers(ctx, scalelite.ServerFilter{IDs: gone})
	if err != nil {
		return fmt.Errorf("list servers: %w", err)
	}
	for _, id := range gone {
		if !slices.ContainsFunc(exist, func(s *scalelite.Server) bool { return s.ID == id }) {
			p.log.Info("meetings of a removed server are recoverable", "server_id", id, "ttl", p.cfg.MeetingTTL)
			p.outOfService[id] = now
		}
	}
	return nil
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// serverState names why a server's meetings are recoverable.
func serverState(srv *scalelite.Server) string {
	switch {
	case srv == nil:
		return "removed"
	case srv.State == scalelite.ServerDisabled:
		return "disabled"
	default:
		return "offline"
	}
}
