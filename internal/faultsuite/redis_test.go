//go:build linux

package faultsuite

import (
	"strings"
	"testing"
	"time"
)

// started is a cluster with one all-roles process, servers in the pool and warm traffic.
type started struct {
	c    *cluster
	p    *proc
	api  *api
	recs []string
}

// startAll starts a cluster with servers simulated servers and one `serve` process with every
// role, and waits until a create succeeds.
func startAll(t *testing.T, servers int, env map[string]string) *started {
	t.Helper()
	c := newCluster(t, servers, env)
	p := c.serve("all", "api,poller,importer", nil)
	c.addServers()
	a := newAPI(p.base, c.secret)
	if !waitUntil(30*time.Second, func() bool { return a.create("warm-up").success() }) {
		t.Fatalf("no create succeeded within 30 s: %v\n%s", a.create("warm-up"), tail(p.logPath, 30))
	}
	return &started{c: c, p: p, api: a}
}

// drop puts a small recording archive into the spool and remembers it.
func (s *started) drop() {
	id := newRecordID()
	s.c.dropArchive(id, "recorded-room", 0)
	s.recs = append(s.recs, id)
}

// metric returns the /metrics lines of the process that contain substr.
func (s *started) metric(substr string) string {
	ans, err := s.api.http.Get(s.p.base + "/metrics")
	if err != nil {
		return ""
	}
	defer ans.Body.Close()
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := ans.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	var out []string
	for line := range strings.Lines(b.String()) {
		if strings.Contains(line, substr) && !strings.HasPrefix(line, "#") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}

// Redis restarted, then flushed, during traffic: requests keep working from SQL, both leases are
// taken back (the poller polls, the importer imports archives that arrive afterwards), nothing
// is lost.
func TestRedisRestartedAndFlushed(t *testing.T) {
	s := startAll(t, 3, nil)
	tr := startTraffic(s.api, "redis", 3)
	s.drop()
	time.Sleep(3 * time.Second)

	faultStart := time.Now()
	s.c.redis.Restart()
	s.drop()
	time.Sleep(3 * time.Second)
	if _, err := s.c.redis.Do("FLUSHALL"); err != nil {
		t.Fatal(err)
	}
	faultEnd := time.Now()
	s.drop()
	time.Sleep(8 * time.Second)
	tr.halt()

	r := tr.summarise("Redis restarted and flushed", faultStart, faultEnd)
	var examples []string
	r.meetingsLost, examples = s.c.meetingsLost(s.api, tr.created())
	r.recordingsLost = recordingsLost(s.api, s.recs, 30*time.Second)
	r.check(t, 5*time.Second)
	for _, e := range examples {
		t.Logf("  lost: %s", e)
	}
	if !waitUntil(20*time.Second, func() bool {
		m := s.metric("lease_held")
		return strings.Contains(m, "scalelite_poller_lease_held 1") && strings.Contains(m, "scalelite_importer_lease_held 1")
	}) {
		t.Errorf("leases not held after the restart:\n%s", s.metric("lease"))
	}
}
