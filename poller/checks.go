package poller

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// A check derives part of a server's poll result from its getMeetings answer (or its failure).
// Every poll runs the checks in the order of defaultChecks; a check reads what the earlier ones
// decided (sp.result) and may end meetings. A new check is one type implementing check and one
// line in defaultChecks.
type check interface {
	apply(ctx context.Context, p *Poller, sp *serverPoll) error
}

// defaultChecks are the checks of every poll, in order.
var defaultChecks = []check{
	healthCheck{},       // online and the consecutive success/failure counters (hysteresis)
	statisticsCheck{},   // meetings, users, largest meeting, videos
	loadCheck{},         // load, with the reservations of meetings still being created
	drainCheck{},        // a cordoned server with no load is disabled
	versionCheck{},      // the BBB version read from the API root
	participantsCheck{}, // users per meeting of ours (participants.go)
	reconcileCheck{},    // our meetings the server no longer lists are ended
}

// healthCheck applies Scalelite's hysteresis to the poll's outcome.
type healthCheck struct{}

func (healthCheck) apply(_ context.Context, p *Poller, sp *serverPoll) error {
	before := health{Online: sp.srv.Online, Healthy: sp.srv.HealthyCounter, Unhealthy: sp.srv.UnhealthyCounter}
	after := nextHealth(before, sp.ok(), p.cfg.HealthyThreshold, p.cfg.UnhealthyThreshold)
	sp.result.Online, sp.result.HealthyCounter, sp.result.UnhealthyCounter = after.Online, after.Healthy, after.Unhealthy
	return nil
}

// statisticsCheck counts the server's meetings, users and videos from the answer. After a failed
// poll of a server still online (below the unhealthy threshold) it keeps what we knew.
type statisticsCheck struct{}

func (statisticsCheck) apply(_ context.Context, _ *Poller, sp *serverPoll) error {
	r, srv := &sp.result, sp.srv
	if !sp.ok() {
		if r.Online {
			r.Meetings, r.Users, r.LargestMeeting, r.Videos = srv.Meetings, srv.Users, srv.LargestMeeting, srv.Videos
		}
		return nil
	}
	stats := make([]scalelite.MeetingStatsInput, len(sp.answer.Meetings))
	for i, m := range sp.answer.Meetings {
		stats[i] = scalelite.MeetingStatsInput{ParticipantCount: m.ParticipantCount, VideoCount: m.VideoCount}
	}
	st := scalelite.ComputeServerStats(stats)
	r.Meetings, r.Users, r.LargestMeeting, r.Videos = st.Meetings, st.Users, st.LargestMeeting, st.Videos
	return nil
}

// loadCheck computes the load (scalelite.LoadPolicy). Meetings placed here while the answer was
// on its way (or whose create was still in flight when the poll started) are not listed yet:
// their reservations stay in the load. A failed poll of a server still online keeps its load.
type loadCheck struct{}

func (loadCheck) apply(ctx context.Context, p *Poller, sp *serverPoll) error {
	if !sp.ok() {
		if sp.result.Online {
			sp.result.Load = sp.srv.Load
		}
		return nil
	}
	loads := make([]scalelite.MeetingLoadInput, len(sp.answer.Meetings))
	listed := make(map[string]bool, len(sp.answer.Meetings))
	for i, m := range sp.answer.Meetings {
		var created time.Time
		if m.CreateTime > 0 {
			created = time.UnixMilli(m.CreateTime)
		}
		loads[i] = scalelite.MeetingLoadInput{ParticipantCount: m.ParticipantCount, CreateTime: created, IsBreakout: m.IsBreakout}
		listed[m.MeetingID] = true
	}
	known, err := sp.meetings(ctx, p.store)
	if err != nil {
		return err
	}
	inFlightSince := sp.started.Add(-p.cfg.Timeouts.Connect - p.cfg.Timeouts.Response)
	var reserved float64
	for _, m := range known {
		if !listed[m.MeetingID] && (m.CreatedAt.After(inFlightSince) || m.UpdatedAt.After(inFlightSince)) {
			reserved += m.Reservation
		}
	}
	sp.result.Load = p.cfg.Load.ServerLoad(loads, sp.srv.LoadMultiplier, reserved, sp.now)
	return nil
}

// drainCheck disables a cordoned server whose load reached zero. It leaves service with this
// poll and will not be reconciled again: a meeting it no longer lists has ended on a healthy
// server, so reconciliation ends it at once (miss limit 1) rather than leave it recoverable (a
// join would re-create a meeting that is over).
type drainCheck struct{}

func (drainCheck) apply(_ context.Context, _ *Poller, sp *serverPoll) error {
	if sp.ok() && sp.srv.State == scalelite.ServerCordoned && sp.result.Load == 0 {
		disabled := scalelite.ServerDisabled
		sp.result.State = &disabled
		sp.missLimit = 1
	}
	return nil
}

// versionCheck records the BBB version when it was read this round.
type versionCheck struct{}

func (versionCheck) apply(_ context.Context, _ *Poller, sp *serverPoll) error {
	if sp.ok() {
		sp.result.BBBVersion = sp.version
	}
	return nil
}

// reconcileCheck ends our meetings the server no longer lists (after MissLimit consecutive
// polls, and not younger than ReconcileGrace), from the same answer: no per-meeting calls. It
// applies only where the meetings are expected to run: the server is online after this poll and
// not disabled. The meetings of an offline or disabled server are recoverable and are not
// reconciled: a panicked server answers without the meetings it was made to end, and they must
// stay recoverable.
type reconcileCheck struct{}

func (reconcileCheck) apply(ctx context.Context, p *Poller, sp *serverPoll) error {
	if !sp.ok() || !sp.result.Online || sp.srv.State == scalelite.ServerDisabled {
		return nil
	}
	listed := make(map[string]bool, len(sp.answer.Meetings))
	seen := make([]string, 0, len(sp.answer.Meetings))
	for _, m := range sp.answer.Meetings {
		if !m.IsBreakout && !listed[m.MeetingID] {
			listed[m.MeetingID] = true
			seen = append(seen, m.MeetingID)
		}
	}
	known, err := sp.meetings(ctx, p.store)
	if err != nil {
		return err
	}
	needed := false
	for _, m := range known {
		if !listed[m.MeetingID] || m.MissedPolls > 0 {
			needed = true
			break
		}
	}
	if !needed {
		return nil
	}
	// The state read at the start of the round may be stale: a panic disables the server before
	// ending its meetings on BBB, so an answer without them comes with the server disabled.
	if cur, err := p.store.Server(ctx, sp.srv.ID); err != nil || cur.State == scalelite.ServerDisabled {
		if err != nil && !scalelite.IsNotFound(err) {
			return fmt.Errorf("reconcile meetings of %s: %w", sp.srv.ID, err)
		}
		return nil
	}
	ended, err := p.store.Reconcile(ctx, sp.srv.ID, seen, sp.missLimit, sp.now.Add(-p.cfg.ReconcileGrace), sp.now)
	if err != nil {
		return fmt.Errorf("reconcile meetings of %s: %w", sp.srv.ID, err)
	}
	for _, m := range ended {
		p.log.Info("meeting ended: no longer on its server", "meeting_id", m.MeetingID, "server_id", sp.srv.ID)
		p.publish(ctx, scalelite.Event{Topic: scalelite.TopicMeetingEvents, Type: scalelite.MeetingEnded, Time: sp.now,
			ServerID: sp.srv.ID, MeetingID: m.MeetingID, TenantID: m.TenantID, Detail: "not listed by its server"})
	}
	sp.ended += len(ended)
	return nil
}
