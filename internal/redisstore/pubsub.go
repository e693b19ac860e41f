package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// PubSub carries events between instances over the Redis channel "<namespace>:events".
// Publish sends an event to Redis; one subscription per process, on a dedicated connection,
// feeds every event (this process's own included) into a local events.Broker, whose
// subscribers never block delivery. The subscription reconnects by itself; events published
// while it is down are lost (Redis pub/sub is at-most-once), so subscribers should treat events
// as hints and re-read state when they reconnect.
type PubSub struct {
	c       *Client
	channel string
	broker  *events.Broker
	logger  *slog.Logger

	cancel context.CancelFunc
	done   chan struct{}
	connID atomic.Int64 // CLIENT ID of the subscription connection, for tests
}

// resubscribe delays after a lost subscription, doubling up to the maximum.
const (
	resubscribeMin = 100 * time.Millisecond
	resubscribeMax = 5 * time.Second
)

// NewPubSub starts the process's subscription and returns once Redis has confirmed it, so an
// event published after NewPubSub returns reaches this process's subscribers. ctx bounds only
// this wait; the subscription lasts until Close. logger may be nil.
func NewPubSub(ctx context.Context, c *Client, logger *slog.Logger) (*PubSub, error) {
	if logger == nil {
		logger = c.logger
	}
	runCtx, cancel := context.WithCancel(context.Background())
	p := &PubSub{c: c, channel: c.key("events"), broker: events.NewBroker(events.DefaultBuffer),
		logger: logger, cancel: cancel, done: make(chan struct{})}
	ready := make(chan struct{})
	go p.run(runCtx, ready)
	select {
	case <-ready:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("subscribe to redis channel %s: %w", p.channel, rueidis.ErrClosing)
	case <-ctx.Done():
		p.Close()
		return nil, fmt.Errorf("subscribe to redis channel %s: %w", p.channel, ctx.Err())
	}
}

func (p *PubSub) run(ctx context.Context, ready chan struct{}) {
	defer close(p.done)
	var once sync.Once
	delay := resubscribeMin
	for {
		var confirmed atomic.Bool
		hooked := rueidis.WithOnSubscriptionHook(ctx, func(s rueidis.PubSubSubscription) {
			if s.Kind == "subscribe" {
				confirmed.Store(true)
				once.Do(func() { close(ready) })
			}
		})
		err := p.c.rc.Dedicated(func(dc rueidis.DedicatedClient) error {
			if id, err := dc.Do(ctx, dc.B().ClientId().Build()).AsInt64(); err == nil {
				p.connID.Store(id)
			}
			return dc.Receive(hooked, dc.B().Subscribe().Channel(p.channel).Build(), p.deliver)
		})
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, rueidis.ErrClosing) {
			p.logger.Info("redis client closed, event subscription ends", "channel", p.channel)
			p.broker.Close()
			return
		}
		if confirmed.Load() {
			delay = resubscribeMin
		}
		p.logger.Warn("redis event subscription lost, resubscribing", "channel", p.channel, "in", delay, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, resubscribeMax)
	}
}

// deliver runs on the subscription's goroutine: decode and hand off without blocking.
func (p *PubSub) deliver(msg rueidis.PubSubMessage) {
	var e scalelite.Event
	if err := json.Unmarshal([]byte(msg.Message), &e); err != nil {
		p.logger.Warn("ignoring undecodable event", "channel", msg.Channel, "err", err)
		return
	}
	_ = p.broker.Publish(context.Background(), e) // fails only after Close
}

// Publish sends e to every instance. It fails only when Redis does.
func (p *PubSub) Publish(ctx context.Context, e scalelite.Event) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("publish %s event: %w", e.Topic, err)
	}
	rc := p.c.rc
	if err := rc.Do(ctx, rc.B().Publish().Channel(p.channel).Message(string(payload)).Build()).Error(); err != nil {
		return &scalelite.Error{Code: scalelite.EUNAVAILABLE, Message: "publish " + e.Topic + " event to redis", Err: err}
	}
	return nil
}

// Subscribe delivers the events of the given topics (all when none) from every instance until
// ctx ends or the subscriber falls events.DefaultBuffer events behind.
func (p *PubSub) Subscribe(ctx context.Context, topics ...string) (<-chan scalelite.Event, error) {
	return p.broker.Subscribe(ctx, topics...)
}

// Dropped returns how many local subscribers were dropped for falling behind.
func (p *PubSub) Dropped() int64 { return p.broker.Dropped() }

// Close ends the subscription and closes every subscriber's channel. It does not close the
// Client; closing the Client first ends the subscription the same way.
func (p *PubSub) Close() {
	p.cancel()
	<-p.done
	p.broker.Close()
}
