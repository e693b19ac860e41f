package poller

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// announce publishes the poll of one server: its load on every poll, and its transitions
// (online, offline, state changed) as server events.
func (p *Poller) announce(ctx context.Context, before, after *scalelite.Server, now time.Time) {
	snap := after.Snapshot()
	p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Type: "polled", Time: now, ServerID: after.ID, Server: snap, Detail: after.LastPollError})
	switch {
	case !before.Online && after.Online:
		p.log.Info("server online", "server_id", after.ID, "load", after.Load)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: "online", Time: now, ServerID: after.ID, Server: snap})
	case before.Online && !after.Online:
		detail := "its running meetings will be re-created elsewhere on their next create or join"
		if n, err := p.store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{after.ID}}); err == nil {
			detail = fmt.Sprintf("%d running meeting(s) will be re-created elsewhere on their next create or join", n)
		}
		p.log.Warn("server offline", "server_id", after.ID, "err", after.LastPollError, "detail", detail)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: "offline", Time: now, ServerID: after.ID, Server: snap, Detail: detail})
	}
	if before.State != after.State {
		p.log.Info("server drained: cordoned server disabled", "server_id", after.ID)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: "state-changed", Time: now, ServerID: after.ID, Server: snap, Detail: "drained: cordoned server with load 0 disabled"})
	}
}

func (p *Poller) publish(ctx context.Context, e scalelite.Event) {
	if p.pub == nil {
		return
	}
	if err := p.pub.Publish(ctx, e); err != nil {
		p.log.Warn("publish event", "topic", e.Topic, "type", e.Type, "err", err)
	}
}

// endOrphans ends, in our records, the running meetings whose server no longer exists.
func (p *Poller) endOrphans(ctx context.Context, servers []*scalelite.Server) (int, error) {
	ids := make([]string, len(servers))
	for i, s := range servers {
		ids[i] = s.ID
	}
	all, err := p.store.CountMeetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return 0, fmt.Errorf("count meetings: %w", err)
	}
	onKnown := 0
	if len(ids) > 0 {
		if onKnown, err = p.store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: ids}); err != nil {
			return 0, fmt.Errorf("count meetings: %w", err)
		}
	}
	if all == onKnown {
		return 0, nil
	}
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	meetings, err := p.store.Meetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return 0, fmt.Errorf("list meetings: %w", err)
	}
	candidates := map[string][]string{} // server id -> meeting ids
	for _, m := range meetings {
		if !known[m.ServerID] {
			candidates[m.ServerID] = append(candidates[m.ServerID], m.MeetingID)
		}
	}
	if len(candidates) == 0 {
		return 0, nil
	}
	// A server added (and given meetings) during the round is not an orphan: check again.
	var gone []string
	for id := range candidates {
		gone = append(gone, id)
	}
	exist, err := p.store.Servers(ctx, scalelite.ServerFilter{IDs: gone})
	if err != nil {
		return 0, fmt.Errorf("list servers: %w", err)
	}
	for _, s := range exist {
		delete(candidates, s.ID)
	}
	var orphanIDs []string
	for _, mids := range candidates {
		orphanIDs = append(orphanIDs, mids...)
	}
	if len(orphanIDs) == 0 {
		return 0, nil
	}
	now := p.now()
	ended, err := p.store.EndMeetings(ctx, orphanIDs, now)
	if err != nil {
		return 0, fmt.Errorf("end meetings of removed servers: %w", err)
	}
	for _, m := range ended {
		p.log.Info("meeting ended: its server was removed", "meeting_id", m.MeetingID, "server_id", m.ServerID)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: "ended", Time: now,
			ServerID: m.ServerID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: "server removed"})
	}
	return len(ended), nil
}
