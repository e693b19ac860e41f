package poller

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// serverPoll is one server's poll as the checks see it: what the server answered, and the
// result they build, which is recorded in one statement.
type serverPoll struct {
	srv     *scalelite.Server // as read at the start of the round
	answer  *bbb.MeetingsList // the getMeetings answer; nil when the poll failed
	err     error             // why the poll failed
	version string            // the BBB version read from the API root this round, "" if not read
	started time.Time         // when the getMeetings call was sent
	now     time.Time         // when the answer is processed
	result  scalelite.PollResult

	// missLimit is how many consecutive polls may miss a meeting before reconciliation ends it
	// (drain lowers it to 1 for a server leaving service).
	missLimit int
	ended     int // meetings ended by the checks
	known     []*scalelite.Meeting
	loaded    bool
}

// ok reports whether the server answered.
func (sp *serverPoll) ok() bool { return sp.err == nil }

// meetings returns our running meetings on the server, read once per poll.
func (sp *serverPoll) meetings(ctx context.Context, store Store) ([]*scalelite.Meeting, error) {
	if !sp.loaded {
		known, err := store.Meetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{sp.srv.ID}})
		if err != nil {
			return nil, fmt.Errorf("poll %s: list meetings: %w", sp.srv.ID, err)
		}
		sp.known, sp.loaded = known, true
	}
	return sp.known, nil
}

// serverOutcome is what one server's poll did, for the round summary.
type serverOutcome struct {
	ok     bool
	ended  int
	err    error             // store failures only
	polled *scalelite.Server // the server as recorded by this poll; nil when nothing was recorded
}

// callTimeout bounds one outbound call as a whole: the client enforces Connect and Response
// separately; this is the backstop so no poll outlives them.
func (p *Poller) callTimeout(t bbb.Timeouts) time.Duration {
	return t.Connect + t.Response + time.Second
}

// pollServer polls one server with timeouts t, runs the checks over the answer and records the
// result. The store work waits for a slot of processing (POLLER_THREADS).
func (p *Poller) pollServer(ctx context.Context, srv *scalelite.Server, t bbb.Timeouts, processing chan struct{}) serverOutcome {
	sp := &serverPoll{srv: srv, started: p.now(), missLimit: p.cfg.MissLimit}
	ep := bbb.Endpoint{URL: srv.URL, Secret: srv.Secret}
	callCtx, cancel := context.WithTimeout(ctx, p.callTimeout(t))
	sp.answer, sp.err = p.bbb.GetMeetings(callCtx, ep, &t)
	cancel()
	if sp.ok() && (!srv.Online || p.versionDue(srv.ID, sp.started)) {
		sp.version = p.readVersion(ctx, srv, ep, t, sp.started)
	}
	select {
	case processing <- struct{}{}:
		defer func() { <-processing }()
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return serverOutcome{ok: true} // shutting down: record nothing
	}
	sp.now = p.now()
	sp.result.Time = sp.now
	out := serverOutcome{ok: sp.ok()}
	if !sp.ok() {
		sp.result.Error = sp.err.Error()
		p.metrics.failure(srv.ID)
	}
	for _, c := range p.checks {
		if err := c.apply(ctx, p, sp); err != nil {
			out.ended, out.err = sp.ended, err
			return out
		}
	}
	out.ended = sp.ended
	if !sp.ok() {
		p.log.Warn("poll failed", "server_id", srv.ID, "online", sp.result.Online, "unhealthy", sp.result.UnhealthyCounter, "err", sp.err)
	}
	polled, err := p.store.RecordPoll(ctx, srv.ID, sp.result)
	if err != nil {
		if !scalelite.IsNotFound(err) { // not removed during the round
			out.err = fmt.Errorf("record poll of %s: %w", srv.ID, err)
		}
		return out
	}
	p.metrics.server(polled)
	p.announce(ctx, srv, polled, sp.now)
	out.polled = polled
	return out
}

// versionDue reports whether the server's BBB version should be read this round.
func (p *Poller) versionDue(id string, now time.Time) bool {
	p.vmu.Lock()
	last, ok := p.versionCheck[id]
	p.vmu.Unlock()
	return !ok || now.Sub(last) >= p.cfg.VersionInterval
}

// readVersion reads the BBB version from the API root; failures leave the stored one.
func (p *Poller) readVersion(ctx context.Context, srv *scalelite.Server, ep bbb.Endpoint, t bbb.Timeouts, now time.Time) string {
	callCtx, cancel := context.WithTimeout(ctx, p.callTimeout(t))
	defer cancel()
	v, err := p.bbb.Version(callCtx, ep, &t)
	if err != nil {
		p.log.Info("read BBB version", "server_id", srv.ID, "err", err)
		return ""
	}
	p.vmu.Lock()
	p.versionCheck[srv.ID] = now
	p.vmu.Unlock()
	return v
}
