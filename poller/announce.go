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
	p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Type: scalelite.ServerPolled, Time: now, ServerID: after.ID, Server: snap, Detail: after.LastPollError})
	switch {
	case !before.Online && after.Online:
		p.log.Info("server online", "server_id", after.ID, "load", after.Load)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerOnline, Time: now, ServerID: after.ID, Server: snap})
	case before.Online && !after.Online:
		detail := "its running meetings will be re-created elsewhere on their next create or join"
		if n, err := p.store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{after.ID}}); err == nil {
			detail = fmt.Sprintf("%d running meeting(s) will be re-created elsewhere on their next create or join", n)
		}
		p.log.Warn("server offline", "server_id", after.ID, "err", after.LastPollError, "detail", detail)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerOffline, Time: now, ServerID: after.ID, Server: snap, Detail: detail})
	}
	if before.State != after.State {
		p.log.Info("server drained: cordoned server disabled", "server_id", after.ID)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicServerEvents, Type: scalelite.ServerStateChanged, Time: now, ServerID: after.ID, Server: snap, Detail: "drained: cordoned server with load 0 disabled"})
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
