package events

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// DefaultBuffer is the number of events a subscriber may fall behind before it is dropped.
const DefaultBuffer = 256

// Broker delivers published events to the subscribers of this process. Publish never blocks:
// a subscriber whose buffer is full is dropped (its channel is closed) and counted, so one slow
// reader cannot stall the publisher or the other subscribers. Events of one publisher reach
// each subscriber in publish order.
//
// Subscribers share each event's Server snapshot pointer and must not modify it.
type Broker struct {
	buffer  int
	dropped atomic.Int64

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed bool
}

type subscription struct {
	ch     chan scalelite.Event
	topics []string // nil: every topic
	stop   func() bool
}

// NewBroker returns a broker whose subscribers each buffer up to buffer events
// (DefaultBuffer when buffer <= 0).
func NewBroker(buffer int) *Broker {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	return &Broker{buffer: buffer, subs: make(map[*subscription]struct{})}
}

// Publish hands e to every subscriber of e.Topic without waiting. It returns an EUNAVAILABLE
// error after Close.
func (b *Broker) Publish(ctx context.Context, e scalelite.Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return scalelite.Errorf(scalelite.EUNAVAILABLE, "publish %s: event broker closed", e.Topic)
	}
	for s := range b.subs {
		if s.topics != nil && !slices.Contains(s.topics, e.Topic) {
			continue
		}
		select {
		case s.ch <- e:
		default:
			b.removeLocked(s)
			b.dropped.Add(1)
		}
	}
	return nil
}

// Subscribe returns a channel of the events of the given topics (every topic when none is
// given). The channel is closed when ctx ends, when the subscriber falls more than the buffer
// behind, or when the broker is closed.
func (b *Broker) Subscribe(ctx context.Context, topics ...string) (<-chan scalelite.Event, error) {
	s := &subscription{ch: make(chan scalelite.Event, b.buffer)}
	if len(topics) > 0 {
		s.topics = slices.Clone(topics)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, scalelite.Errorf(scalelite.EUNAVAILABLE, "subscribe: event broker closed")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.removeLocked(s)
	})
	return s.ch, nil
}

// removeLocked forgets s and closes its channel; it is a no-op for a removed subscriber.
func (b *Broker) removeLocked(s *subscription) {
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	s.stop()
	close(s.ch)
}

// Dropped returns how many subscribers were dropped for falling behind.
func (b *Broker) Dropped() int64 { return b.dropped.Load() }

// Subscribers returns the number of open subscriptions.
func (b *Broker) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Close closes every subscriber's channel; later Publish and Subscribe calls fail.
func (b *Broker) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		b.removeLocked(s)
	}
	b.closed = true
}
