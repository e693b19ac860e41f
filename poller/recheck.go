package poller

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// recheckTimeouts bound each poll of a re-check: a server that passive health reports suspect
// is asked with the timeouts Scalelite uses for offline servers, so a dead one fails fast.
func (p *Poller) recheckTimeouts() bbb.Timeouts { return bbb.OfflineTimeouts(p.cfg.Timeouts) }

// Recheck polls a server reported suspect at once, up to SERVER_UNHEALTHY_THRESHOLD times a
// second apart while it keeps failing, so a dead server goes offline (and its meetings are
// recovered on their next join or create) within seconds rather than polls. A server that
// answers ends the re-check (and its suspicion, through the published poll). Each poll is a
// normal one: it runs every check and is recorded, under the round lock.
func (p *Poller) Recheck(ctx context.Context, serverID string) error {
	for range p.cfg.UnhealthyThreshold {
		out, err := p.recheckOnce(ctx, serverID)
		if err != nil || out.ok || out.polled == nil || !out.polled.Online {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
	return nil
}

func (p *Poller) recheckOnce(ctx context.Context, serverID string) (serverOutcome, error) {
	p.round.Lock()
	defer p.round.Unlock()
	srv, err := p.store.Server(ctx, serverID)
	if scalelite.IsNotFound(err) {
		return serverOutcome{ok: true}, nil
	}
	if err != nil {
		return serverOutcome{}, fmt.Errorf("re-check %s: %w", serverID, err)
	}
	if !srv.Online {
		return serverOutcome{ok: true}, nil // already offline: nothing to hurry
	}
	out := p.pollServer(ctx, srv, p.recheckTimeouts(), make(chan struct{}, 1))
	return out, out.err
}

// suspects delivers the ids of servers passive health reports suspect (nil without a
// Subscriber). The subscription ends with ctx; suspicions that arrive faster than they are
// re-checked are dropped (the server is re-checked once anyway).
func (p *Poller) suspects(ctx context.Context) <-chan string {
	if p.sub == nil {
		return nil
	}
	events, err := p.sub.Subscribe(ctx, scalelite.TopicServerEvents)
	if err != nil {
		p.log.Warn("subscribe to suspect servers", "err", err)
		return nil
	}
	out := make(chan string, 16)
	go func() {
		for e := range events {
			if e.Type != scalelite.ServerSuspect {
				continue
			}
			select {
			case out <- e.ServerID:
			default:
			}
		}
	}()
	return out
}
