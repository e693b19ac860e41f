package scalelite

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// PassiveHealth is outlier detection from what the request path sees (as Envoy's outlier
// detection): a call that cannot reach a server (refused connection, timeout, an answer that is
// not BBB's) makes it suspect at once, instead of after SERVER_UNHEALTHY_THRESHOLD polls. While
// suspect, a server takes no new meetings (placement avoids it, and a create whose server
// failed is placed once more elsewhere) and getMeetings does not wait for it. A server stays
// suspect for the window (30 s by default) or until a call to it succeeds or a poll finds it
// healthy. Each new suspicion is published (ServerSuspect): every instance's PassiveHealth takes
// it over (Run), and the poller re-checks the server at once, so a dead server goes offline, and
// its meetings are recovered elsewhere, within seconds. Methods are safe on a nil *PassiveHealth
// (no passive health).
type PassiveHealth struct {
	window time.Duration
	now    func() time.Time
	events Publisher // nil: suspicions stay in this process
	logger *slog.Logger

	mu      sync.RWMutex
	suspect map[string]time.Time // server id -> suspect until
}

// NewPassiveHealth returns a tracker; window <= 0 means 30 s. events may be nil.
func NewPassiveHealth(window time.Duration, events Publisher, now func() time.Time, logger *slog.Logger) *PassiveHealth {
	if window <= 0 {
		window = 30 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &PassiveHealth{window: window, now: now, events: events, logger: logger.With("component", "passive-health"),
		suspect: map[string]time.Time{}}
}

// Observe records the outcome of a call to a server: a transport failure makes it suspect, any
// answer clears it. A call cut short by its own caller (ctx ended) says nothing about the server.
func (h *PassiveHealth) Observe(ctx context.Context, serverID string, err error) {
	switch {
	case h == nil:
	case err == nil || !errors.Is(err, ErrServerUnreachable):
		h.Clear(serverID)
	case ctx.Err() == nil:
		if h.mark(serverID) {
			h.logger.WarnContext(ctx, "server suspect: a call could not reach it", "server_id", serverID, "for", h.window, "error", err)
			h.publish(ctx, serverID)
		}
	}
}

// mark makes the server suspect for the window; it reports whether it was not suspect before.
func (h *PassiveHealth) mark(serverID string) bool {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	until, was := h.suspect[serverID]
	h.suspect[serverID] = now.Add(h.window)
	return !was || !now.Before(until)
}

// Clear ends the suspicion of a server.
func (h *PassiveHealth) Clear(serverID string) {
	if h == nil {
		return
	}
	h.mu.RLock()
	_, ok := h.suspect[serverID]
	h.mu.RUnlock()
	if !ok {
		return
	}
	h.mu.Lock()
	delete(h.suspect, serverID)
	h.mu.Unlock()
}

// Suspect reports whether the server is suspect now.
func (h *PassiveHealth) Suspect(serverID string) bool {
	if h == nil {
		return false
	}
	h.mu.RLock()
	until, ok := h.suspect[serverID]
	h.mu.RUnlock()
	return ok && h.now().Before(until)
}

// Suspects returns the ids of the servers suspect now, sorted (nil when none).
func (h *PassiveHealth) Suspects() []string {
	if h == nil {
		return nil
	}
	now := h.now()
	h.mu.RLock()
	defer h.mu.RUnlock()
	var out []string
	for id, until := range h.suspect {
		if now.Before(until) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (h *PassiveHealth) publish(ctx context.Context, serverID string) {
	if h.events == nil {
		return
	}
	e := Event{Topic: TopicServerEvents, Type: ServerSuspect, Time: h.now(), ServerID: serverID,
		Detail: "a call on the request path could not reach it"}
	if err := h.events.Publish(ctx, e); err != nil {
		h.logger.WarnContext(ctx, "publish event", "topic", e.Topic, "type", e.Type, "error", err)
	}
}

// Run keeps this tracker in step with the others until ctx ends: a suspicion published by any
// instance makes the server suspect here too, and a server the poller finds online again (a
// successful poll) is cleared. A subscription the broker drops is made again.
func (h *PassiveHealth) Run(ctx context.Context, sub Subscriber) error {
	consume(ctx, sub, h.logger, "passive health", func(e Event) {
		switch {
		case e.Type == ServerSuspect:
			h.mark(e.ServerID)
		case e.Type == ServerPolled && e.Server != nil && e.Server.Online && e.Detail == "":
			h.Clear(e.ServerID)
		}
	}, TopicServerEvents, TopicServerLoad)
	return nil
}
