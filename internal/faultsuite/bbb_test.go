//go:build linux

package faultsuite

import (
	"testing"
	"time"
)

// responseTimeout is the RESPONSE_TIMEOUT the clusters run with (seconds in newCluster's env).
const responseTimeout = 3 * time.Second

// bbbFault runs traffic across a fault of one of three BBB servers that is not undone. As in
// Scalelite, isMeetingRunning of a meeting whose server is gone answers "Unable to access meeting
// on server" until a join or create re-creates the meeting elsewhere, which the random traffic
// does at no set time: those failures are counted but do not set the recovery time.
func bbbFault(t *testing.T, name string, fault func(*started)) (report, *traffic, time.Time) {
	s := startAll(t, 3, nil)
	tr := startTraffic(s.api, "bbb", 3)
	time.Sleep(3 * time.Second)
	faultStart := time.Now()
	fault(s)
	time.Sleep(15 * time.Second)
	tr.halt()
	r := tr.summarise(name, faultStart, faultStart, "isMeetingRunning")
	var examples []string
	r.meetingsLost, examples = s.c.meetingsLost(s.api, tr.created())
	for _, e := range examples {
		t.Logf("  lost: %s", e)
	}
	return r, tr, faultStart
}

// A BBB server killed (connections refused): it is taken out of service within a few poll
// intervals, its meetings are re-created elsewhere on their next join, nothing is lost.
func TestBBBServerKilled(t *testing.T) {
	r, _, _ := bbbFault(t, "BBB server killed", func(s *started) { s.c.sim.Servers()[0].SetDown(true) })
	r.check(t, 5*time.Second)
}

// A BBB server blackholed (connections accepted, nothing answered): what the request path sees
// marks it suspect at once, so creates go to the other servers (a failed new-meeting create is
// retried once elsewhere) and getMeetings does not wait for it again.
func TestBBBServerBlackholed(t *testing.T) {
	r, tr, faultStart := bbbFault(t, "BBB server blackholed", func(s *started) { s.c.sim.Servers()[0].SetBlackhole(true) })
	r.check(t, responseTimeout+2*time.Second)
	createsFailed, slowGetMeetings, stalled := 0, 0, time.Duration(0)
	tr.mu.Lock()
	for _, res := range tr.results {
		if res.at.Before(faultStart) {
			continue
		}
		if res.call == "create" && !res.ok {
			createsFailed++
		}
		if res.call == "getMeetings" {
			stalled = max(stalled, res.took)
			// The first calls may wait out the timeout once; later ones skip the suspect server.
			if res.at.After(faultStart.Add(responseTimeout+2*time.Second)) && res.took > time.Second {
				slowGetMeetings++
			}
		}
	}
	tr.mu.Unlock()
	if createsFailed > 0 {
		t.Errorf("%d creates failed after the server was blackholed, want none (retried on another server)", createsFailed)
	}
	if slowGetMeetings > 0 || stalled > responseTimeout+time.Second {
		t.Errorf("getMeetings stalled: %d answers slower than 1 s once the server was suspect, slowest %.1fs", slowGetMeetings, stalled.Seconds())
	}
}
