package poller

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The parts of a round that Scalelite runs as separate rake tasks, one at a time on request
// (scalelite poll meetings, poll versions). Round is poll:servers and poll:all: health, load and
// statistics, with the meetings reconciled from the same answers.

// MeetingsResult summarises PollMeetings.
type MeetingsResult struct {
	Servers  int                  // servers asked (online and not disabled)
	Failed   int                  // servers that did not answer
	Ended    []*scalelite.Meeting // meetings ended in our records
	Duration time.Duration
}

// PollMeetings is Scalelite's poll:meetings: it asks every server in service (online, not
// disabled) for its meetings and ends, now, each running meeting of ours that its server no
// longer has, as Scalelite ends a meeting whose getMeetingInfo answers notFound. Unlike a
// round's reconciliation it does not wait for a second poll to miss the meeting (meetings
// younger than ReconcileGrace are still spared: their create may be in flight), and it records
// nothing about the servers' health or load. A server that does not answer is counted and
// logged; errors are the store's.
func (p *Poller) PollMeetings(ctx context.Context) (MeetingsResult, error) {
	p.round.Lock()
	defer p.round.Unlock()
	start := time.Now()
	servers, err := p.inService(ctx)
	if err != nil {
		return MeetingsResult{}, err
	}
	lists := make([]*bbb.MeetingsList, len(servers))
	errs := make([]error, len(servers))
	var g errgroup.Group
	g.SetLimit(p.cfg.MaxInFlight)
	for i, srv := range servers {
		g.Go(func() error {
			callCtx, cancel := context.WithTimeout(ctx, p.callTimeout(p.cfg.Timeouts))
			defer cancel()
			lists[i], errs[i] = p.bbb.GetMeetings(callCtx, bbb.Endpoint{URL: srv.URL, Secret: srv.Secret}, &p.cfg.Timeouts)
			return nil
		})
	}
	_ = g.Wait()

	res := MeetingsResult{Servers: len(servers)}
	now := p.now()
	for i, srv := range servers {
		if errs[i] != nil {
			res.Failed++
			p.log.Warn("poll meetings: server did not answer", "server_id", srv.ID, "err", errs[i])
			continue
		}
		// A server that left service meanwhile (a panic disables it before ending its meetings)
		// keeps its meetings recoverable.
		if cur, err := p.store.Server(ctx, srv.ID); scalelite.IsNotFound(err) || err == nil && !scalelite.ServerKeepsMeetings(cur) {
			continue
		} else if err != nil {
			return res, fmt.Errorf("poll meetings: server %s: %w", srv.ID, err)
		}
		ended, err := p.store.Reconcile(ctx, srv.ID, listedMeetings(lists[i]), 1, now.Add(-p.cfg.ReconcileGrace), now)
		if err != nil {
			return res, fmt.Errorf("poll meetings: reconcile meetings of %s: %w", srv.ID, err)
		}
		for _, m := range ended {
			p.log.Info("meeting ended: no longer on its server", "meeting_id", m.MeetingID, "server_id", srv.ID)
			p.publish(ctx, scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: "ended", Time: now,
				ServerID: srv.ID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: "not listed by its server"})
		}
		res.Ended = append(res.Ended, ended...)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// VersionStore records a server's BBB version on its own (the round records it with the poll).
type VersionStore interface {
	SetBBBVersion(ctx context.Context, serverID, version string) error
}

// ServerVersion is what PollVersions read from one server.
type ServerVersion struct {
	ServerID string `json:"serverId"`
	Version  string `json:"bbbVersion"`
	Error    string `json:"error,omitempty"`
}

// PollVersions is Scalelite's poll:versions: it reads the BBB version from every server's API
// root (every state, as Scalelite) and stores it, "" included (BBB hides its version unless
// allowRevealOfBBBVersion is set). A server that does not answer keeps its stored version and
// is reported with the error; errors are the store's.
func (p *Poller) PollVersions(ctx context.Context, store VersionStore) ([]ServerVersion, error) {
	p.round.Lock()
	defer p.round.Unlock()
	servers, err := p.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return nil, fmt.Errorf("poll versions: list servers: %w", err)
	}
	out := make([]ServerVersion, len(servers))
	var g errgroup.Group
	g.SetLimit(p.cfg.MaxInFlight)
	for i, srv := range servers {
		g.Go(func() error {
			callCtx, cancel := context.WithTimeout(ctx, p.callTimeout(p.cfg.Timeouts))
			defer cancel()
			v, err := p.bbb.Version(callCtx, bbb.Endpoint{URL: srv.URL, Secret: srv.Secret}, &p.cfg.Timeouts)
			out[i] = ServerVersion{ServerID: srv.ID, Version: v}
			if err != nil {
				out[i].Error = err.Error()
			}
			return nil
		})
	}
	_ = g.Wait()
	now := p.now()
	for _, v := range out {
		if v.Error != "" {
			p.log.Warn("poll versions: server did not answer", "server_id", v.ServerID, "err", v.Error)
			continue
		}
		if err := store.SetBBBVersion(ctx, v.ServerID, v.Version); err != nil && !scalelite.IsNotFound(err) {
			return out, fmt.Errorf("poll versions: %w", err)
		}
		p.vmu.Lock()
		p.versionCheck[v.ServerID] = now
		p.vmu.Unlock()
	}
	return out, nil
}

// inService lists the servers whose meetings are expected to run there.
func (p *Poller) inService(ctx context.Context) ([]*scalelite.Server, error) {
	all, err := p.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return nil, fmt.Errorf("list servers: %w", err)
	}
	var out []*scalelite.Server
	for _, s := range all {
		if scalelite.ServerKeepsMeetings(s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// listedMeetings are the meeting IDs a getMeetings answer lists, breakout rooms left out (they
// are not ours).
func listedMeetings(list *bbb.MeetingsList) []string {
	seen := map[string]bool{}
	ids := []string{}
	for _, m := range list.Meetings {
		if !m.IsBreakout && !seen[m.MeetingID] {
			seen[m.MeetingID] = true
			ids = append(ids, m.MeetingID)
		}
	}
	return ids
}
