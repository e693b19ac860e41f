//go:build linux

package faultsuite

import (
	"maps"
	"strings"
	"testing"
	"time"
)

// Two deployments on one Redis server that differ only by database number (the default
// namespace): idle, each process stays near zero CPU and Redis near zero commands per second,
// and each deployment holds its own leases.
func TestTwoDeploymentsOnOneRedis(t *testing.T) {
	a := newCluster(t, 1, nil)
	pa := a.serve("deployment-a", "api,poller,importer", nil)
	envB := maps.Clone(a.env)
	envB["DATABASE_URL"] = a.pg.CreateDatabase("deployment_b")
	envB["REDIS_URL"] = a.redis.URL(1)
	envB["SCALELITE_DATA_DIR"] = t.TempDir()
	for _, k := range []string{"RECORDING_SPOOL_DIR", "RECORDING_WORK_DIR", "RECORDING_PUBLISH_DIR", "RECORDING_UNPUBLISH_DIR"} {
		envB[k] = t.TempDir()
	}
	pb := a.serve("deployment-b", "api,poller,importer", envB)
	a.addServers()
	for _, p := range []*proc{pa, pb} {
		s := &started{c: a, p: p, api: newAPI(p.base, a.secret)}
		if !waitUntil(30*time.Second, func() bool {
			m := s.metric("lease_held")
			return strings.Contains(m, "scalelite_poller_lease_held 1") && strings.Contains(m, "scalelite_importer_lease_held 1")
		}) {
			t.Fatalf("%s does not hold its leases:\n%s", p.name, s.metric("lease"))
		}
	}

	time.Sleep(2 * time.Second)
	const window = 10 * time.Second
	cmds0, err := a.redis.Info("total_commands_processed")
	if err != nil {
		t.Fatal(err)
	}
	cpuA, cpuB := cpuTime(pa.pid()), cpuTime(pb.pid())
	time.Sleep(window)
	cmds1, _ := a.redis.Info("total_commands_processed")
	rate := float64(cmds1-cmds0) / window.Seconds()
	usage := func(before time.Duration, p *proc) float64 {
		return 100 * float64(cpuTime(p.pid())-before) / float64(window)
	}
	ua, ub := usage(cpuA, pa), usage(cpuB, pb)
	t.Logf("two idle deployments on one Redis server: %.1f Redis commands/s; CPU %.1f%% and %.1f%%", rate, ua, ub)
	// Each polls its one server every second (a few cached reads and an event each round),
	// renews its leases and pings Redis: about fifteen commands per second, a fraction of a core.
	if rate > 60 {
		t.Errorf("Redis serves %.0f commands/s to two idle deployments, want at most 60", rate)
	}
	for name, u := range map[string]float64{pa.name: ua, pb.name: ub} {
		if u > 10 {
			t.Errorf("%s uses %.1f%% CPU idle, want at most 10%%", name, u)
		}
	}
}
