//go:build linux

package faultsuite

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// requestDeadline is the deadline of every BBB API call the clusters run with
// (API_REQUEST_TIMEOUT): whatever the database does, each call answers within it.
const requestDeadline = 8 * time.Second

// outcome is a PostgreSQL fault's report, plus the joins a prober sent to running meetings
// while the database was out, and a join of a meeting this instance had not seen.
type outcome struct {
	report
	joins       int
	joinsFailed []string
	unseen      answer
}

// pgOutage runs traffic across a PostgreSQL fault: fault breaks it, repair mends it after
// outage. Throughout the outage a prober joins, every 200 ms, meetings this instance has joined
// before (it serves those from the copies it last read); once, it joins a meeting created just
// before the fault and never joined, which has no copy and must answer within its deadline.
func pgOutage(t *testing.T, name string, outage time.Duration, fault, repair func(*started)) outcome {
	s := startAll(t, 3, nil)
	tr := startTraffic(s.api, "pg", 3)
	s.drop()
	time.Sleep(3 * time.Second)

	var out outcome
	var mu sync.Mutex
	stop := make(chan struct{})
	var probing sync.WaitGroup
	ids := tr.seen()
	if len(ids) == 0 {
		t.Fatal("the traffic joined no meeting before the fault")
	}
	probe := newAPI(s.p.base, s.c.secret)
	probe.http.Timeout = requestDeadline + 5*time.Second
	if !s.api.create("never-joined").success() {
		t.Fatal("create never-joined")
	}

	faultStart := time.Now()
	fault(s)
	out.unseen = probe.join("never-joined")
	probing.Add(1)
	go func() {
		defer probing.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
			}
			id := ids[i%len(ids)]
			ans := probe.join(id)
			ok, why := s.c.runsOnRedirect(ans, id)
			mu.Lock()
			out.joins++
			if !ok {
				out.joinsFailed = append(out.joinsFailed, fmt.Sprintf("%s after %.1fs: %s", id, ans.took.Seconds(), oneLine(why)))
			}
			mu.Unlock()
		}
	}()
	time.Sleep(outage)
	close(stop)
	probing.Wait()
	repair(s)
	faultEnd := time.Now()
	s.drop()
	time.Sleep(10 * time.Second)
	tr.halt()

	out.report = tr.summarise(name, faultStart, faultEnd)
	var examples []string
	out.meetingsLost, examples = s.c.meetingsLost(s.api, tr.created())
	out.recordingsLost = recordingsLost(s.api, s.recs, 30*time.Second)
	for _, e := range examples {
		t.Logf("  lost: %s", e)
	}
	return out
}

// check asserts the bounds of every PostgreSQL fault: nothing lost, service back within 10 s of
// the repair, no answer slower than the request deadline, joins to running meetings this
// instance has seen working from the copies throughout, and a join of an unseen meeting answering
// (a redirect or a BBB error) within the deadline.
func (o outcome) check(t *testing.T) {
	t.Helper()
	o.report.check(t, 10*time.Second)
	if o.maxLatency > requestDeadline+time.Second {
		t.Errorf("slowest answer %.1fs (%s), want within the request deadline %s", o.maxLatency.Seconds(), o.slowest, requestDeadline)
	}
	t.Logf("joins of seen running meetings during the outage: %d, failed %d; a join of an unseen one: %.1fs, %s",
		o.joins, len(o.joinsFailed), o.unseen.took.Seconds(), oneLine(o.unseen.String()))
	if o.joins == 0 || len(o.joinsFailed) > 0 {
		t.Errorf("joins to running meetings while PostgreSQL was out: %d failed of %d, want all to work; e.g. %v",
			len(o.joinsFailed), o.joins, o.joinsFailed[:min(3, len(o.joinsFailed))])
	}
	if o.unseen.err != nil || o.unseen.took > requestDeadline+time.Second || (o.unseen.status != 302 && !strings.Contains(o.unseen.body, "<returncode>FAILED</returncode>")) {
		t.Errorf("join of an unseen meeting while PostgreSQL was out: %s after %.1fs, want an answer within %s",
			oneLine(o.unseen.String()), o.unseen.took.Seconds(), requestDeadline)
	}
}

// PostgreSQL stopped cleanly for 5 s.
func TestPostgresStopped(t *testing.T) {
	pgOutage(t, "PostgreSQL stopped", 5*time.Second,
		func(s *started) { s.c.pg.Stop() }, func(s *started) { s.c.pg.Start() }).check(t)
}

// PostgreSQL killed (kill -9 of every process) for 5 s, then started: it recovers from its WAL.
func TestPostgresCrashed(t *testing.T) {
	pgOutage(t, "PostgreSQL crashed", 5*time.Second,
		func(s *started) { s.c.pg.Crash() }, func(s *started) { s.c.pg.Start() }).check(t)
}

// PostgreSQL frozen for 12 s (SIGSTOP: connections stay open and nothing answers, as a hung host).
func TestPostgresFrozen(t *testing.T) {
	pgOutage(t, "PostgreSQL frozen", 12*time.Second,
		func(s *started) { s.c.pg.Freeze() }, func(s *started) { s.c.pg.Thaw() }).check(t)
}
