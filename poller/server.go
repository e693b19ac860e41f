package poller

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// serverOutcome is what one server's poll did, for the round summary.
type serverOutcome struct {
	ok     bool
	ended  int
	err    error             // store failures only
	polled *scalelite.Server // the server as recorded by this poll; nil when nothing was recorded
}

// callTimeout bounds one outbound call as a whole: the client enforces Connect and Response
// separately; this is the backstop so no poll outlives them.
func (p *Poller) callTimeout() time.Duration {
	return p.cfg.Timeouts.Connect + p.cfg.Timeouts.Response + time.Second
}

// pollServer polls one server and records the outcome. The store work waits for a slot of
// processing (POLLER_THREADS).
func (p *Poller) pollServer(ctx context.Context, srv *scalelite.Server, processing chan struct{}) serverOutcome {
	started := p.now()
	ep := bbb.Endpoint{URL: srv.URL, Secret: srv.Secret}
	callCtx, cancel := context.WithTimeout(ctx, p.callTimeout())
	list, pollErr := p.bbb.GetMeetings(callCtx, ep, &p.cfg.Timeouts)
	cancel()
	version := ""
	if pollErr == nil && (!srv.Online || p.versionDue(srv.ID, started)) {
		version = p.readVersion(ctx, srv, ep, started)
	}
	select {
	case processing <- struct{}{}:
		defer func() { <-processing }()
	case <-ctx.Done():
	}
	if ctx.Err() != nil {
		return serverOutcome{ok: true} // shutting down: record nothing
	}
	now := p.now()
	before := health{Online: srv.Online, Healthy: srv.HealthyCounter, Unhealthy: srv.UnhealthyCounter}
	after := nextHealth(before, pollErr == nil, p.cfg.HealthyThreshold, p.cfg.UnhealthyThreshold)
	res := scalelite.PollResult{
		Time: now, Online: after.Online, HealthyCounter: after.Healthy, UnhealthyCounter: after.Unhealthy,
	}
	out := serverOutcome{ok: pollErr == nil}

	if pollErr != nil {
		res.Error = pollErr.Error()
		if after.Online { // still online below the threshold: keep what we knew
			res.Load, res.Meetings, res.Users, res.LargestMeeting, res.Videos = srv.Load, srv.Meetings, srv.Users, srv.LargestMeeting, srv.Videos
		}
		p.metrics.failure(srv.ID)
		p.log.Warn("poll failed", "server_id", srv.ID, "online", after.Online, "unhealthy", after.Unhealthy, "err", pollErr)
	} else {
		ended, err := p.applyAnswer(ctx, srv, list, started, now, &res)
		out.ended = ended
		if err != nil {
			out.err = err
			return out
		}
		res.BBBVersion = version
	}

	if err := p.store.RecordPoll(ctx, srv.ID, res); err != nil {
		if scalelite.IsNotFound(err) { // removed during the round
			return out
		}
		out.err = fmt.Errorf("record poll of %s: %w", srv.ID, err)
		return out
	}
	polled := *srv
	polled.Online, polled.Load, polled.Meetings, polled.Users, polled.LargestMeeting, polled.Videos =
		res.Online, res.Load, res.Meetings, res.Users, res.LargestMeeting, res.Videos
	polled.HealthyCounter, polled.UnhealthyCounter, polled.LastPollError, polled.LastPolledAt = res.HealthyCounter, res.UnhealthyCounter, res.Error, now
	if res.BBBVersion != "" {
		polled.BBBVersion = res.BBBVersion
	}
	if res.State != nil {
		polled.State, polled.UpdatedAt = *res.State, now
	}
	p.metrics.server(&polled)
	p.announce(ctx, srv, &polled, now)
	out.polled = &polled
	return out
}

// applyAnswer fills res from a successful getMeetings answer: load, statistics, the drain of a
// cordoned server; records the participants of the meetings whose count changed and reconciles
// the server's meetings when they are expected to run there
// (the server is online after this poll and not disabled). The meetings of an offline or
// disabled server are recoverable and are not reconciled: a panicked server answers without
// the meetings it was made to end, and they must stay recoverable. It returns how many meetings
// it ended.
func (p *Poller) applyAnswer(ctx context.Context, srv *scalelite.Server, list *bbb.MeetingsList, started, now time.Time, res *scalelite.PollResult) (int, error) {
	loads := make([]scalelite.MeetingLoadInput, 0, len(list.Meetings))
	stats := make([]scalelite.MeetingStatsInput, 0, len(list.Meetings))
	seen := make(map[string]bool, len(list.Meetings))
	seenIDs := make([]string, 0, len(list.Meetings))
	users := make(map[string]int, len(list.Meetings)) // participants per listed meeting
	for _, m := range list.Meetings {
		var created time.Time
		if m.CreateTime > 0 {
			created = time.UnixMilli(m.CreateTime)
		}
		loads = append(loads, scalelite.MeetingLoadInput{ParticipantCount: m.ParticipantCount, CreateTime: created, IsBreakout: m.IsBreakout})
		stats = append(stats, scalelite.MeetingStatsInput{ParticipantCount: m.ParticipantCount, VideoCount: m.VideoCount})
		if !m.IsBreakout && !seen[m.MeetingID] {
			seen[m.MeetingID] = true
			seenIDs = append(seenIDs, m.MeetingID)
			users[m.MeetingID] = m.ParticipantCount
		}
	}

	known, err := p.store.Meetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{srv.ID}})
	if err != nil {
		return 0, fmt.Errorf("poll %s: list meetings: %w", srv.ID, err)
	}
	// Meetings placed here while the answer was on its way (or whose create was still in flight
	// when the poll started) are not listed yet: keep their reservations in the load.
	inFlightSince := started.Add(-p.cfg.Timeouts.Connect - p.cfg.Timeouts.Response)
	var reserved float64
	needReconcile := false
	participants := map[string]int{} // the known meetings whose count changed
	for _, m := range known {
		if seen[m.MeetingID] {
			needReconcile = needReconcile || m.MissedPolls > 0
			if m.Participants != users[m.MeetingID] {
				participants[m.MeetingID] = users[m.MeetingID]
			}
			continue
		}
		needReconcile = true
		if m.CreatedAt.After(inFlightSince) || m.UpdatedAt.After(inFlightSince) {
			reserved += m.Reservation
		}
	}

	st := scalelite.ComputeServerStats(stats)
	res.Load = p.cfg.Load.ServerLoad(loads, srv.LoadMultiplier, reserved, now)
	res.Meetings, res.Users, res.LargestMeeting, res.Videos = st.Meetings, st.Users, st.LargestMeeting, st.Videos
	missLimit := p.cfg.MissLimit
	if srv.State == scalelite.ServerCordoned && res.Load == 0 {
		disabled := scalelite.ServerDisabled
		res.State = &disabled
		// Drained: the server leaves service with this poll and will not be reconciled again.
		// A meeting it no longer lists has ended on a healthy server; end it now rather than
		// leave it recoverable (a join would re-create a meeting that is over).
		missLimit = 1
	}

	if !res.Online || srv.State == scalelite.ServerDisabled {
		return 0, nil
	}
	if len(participants) > 0 {
		if err := p.store.SetParticipants(ctx, srv.ID, participants); err != nil {
			return 0, fmt.Errorf("record participants of %s: %w", srv.ID, err)
		}
	}
	if !needReconcile {
		return 0, nil
	}
	// The state read at the start of the round may be stale: a panic disables the server before
	// ending its meetings on BBB, so an answer without them comes with the server disabled.
	if cur, err := p.store.Server(ctx, srv.ID); err != nil || cur.State == scalelite.ServerDisabled {
		if err != nil && !scalelite.IsNotFound(err) {
			return 0, fmt.Errorf("reconcile meetings of %s: %w", srv.ID, err)
		}
		return 0, nil
	}
	ended, err := p.store.Reconcile(ctx, srv.ID, seenIDs, missLimit, now.Add(-p.cfg.ReconcileGrace), now)
	if err != nil {
		return 0, fmt.Errorf("reconcile meetings of %s: %w", srv.ID, err)
	}
	for _, m := range ended {
		p.log.Info("meeting ended: no longer on its server", "meeting_id", m.MeetingID, "server_id", srv.ID)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: "ended", Time: now,
			ServerID: srv.ID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: "not listed by its server"})
	}
	return len(ended), nil
}

// versionDue reports whether the server's BBB version should be read this round.
func (p *Poller) versionDue(id string, now time.Time) bool {
	p.vmu.Lock()
	last, ok := p.versionCheck[id]
	p.vmu.Unlock()
	return !ok || now.Sub(last) >= p.cfg.VersionInterval
}

// readVersion reads the BBB version from the API root; failures leave the stored one.
func (p *Poller) readVersion(ctx context.Context, srv *scalelite.Server, ep bbb.Endpoint, now time.Time) string {
	callCtx, cancel := context.WithTimeout(ctx, p.callTimeout())
	defer cancel()
	v, err := p.bbb.Version(callCtx, ep, &p.cfg.Timeouts)
	if err != nil {
		p.log.Info("read BBB version", "server_id", srv.ID, "err", err)
		return ""
	}
	p.vmu.Lock()
	p.versionCheck[srv.ID] = now
	p.vmu.Unlock()
	return v
}
