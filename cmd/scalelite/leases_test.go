//go:build unix

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// Readiness and metrics say whether some instance holds each singleton role's lease, and the
// holder takes its leases back after Redis restarts.
func TestLeaseReadinessAndMetrics(t *testing.T) {
	redis := testprocs.StartRedis(t)
	env := sqliteEnv(t)
	env["DATABASE_URL"] = dbtest.PostgresDSN(t)
	env["REDIS_URL"] = redis.URL(0)
	api := start(t, env, "serve", "--roles", "api")
	apiURL := api.stdout.wait(t, listening, api.done)[1]

	// Only an api instance: no poller or importer anywhere. Reported, but the api stays ready.
	status, body := httpGet(t, apiURL+"/readyz")
	if status != 200 || !strings.Contains(body, `"lease:poller":"no instance holds the poller lease"`) ||
		!strings.Contains(body, `"lease:importer":"no instance holds the importer lease"`) {
		t.Fatalf("/readyz with no singleton role anywhere: %d %s", status, body)
	}
	if _, m := httpGet(t, apiURL+"/metrics"); !strings.Contains(m, `scalelite_lease_holder_present{role="poller"} 0`) {
		t.Errorf("metrics without a poller:\n%s", grepLines(m, "scalelite_lease"))
	}

	all := start(t, env, "serve")
	allURL := all.stdout.wait(t, listening, all.done)[1]
	within(t, "leases held", 30*time.Second, func() bool {
		_, m := httpGet(t, allURL+"/metrics")
		return strings.Contains(m, "scalelite_poller_lease_held 1") && strings.Contains(m, "scalelite_importer_lease_held 1")
	})
	status, body = httpGet(t, apiURL+"/readyz")
	if status != 200 || !strings.Contains(body, `"lease:poller":"ok"`) || !strings.Contains(body, `"lease:importer":"ok"`) {
		t.Fatalf("/readyz with a holder: %d %s", status, body)
	}
	if _, m := httpGet(t, apiURL+"/metrics"); !strings.Contains(m, `scalelite_lease_holder_present{role="importer"} 1`) {
		t.Errorf("metrics with a holder:\n%s", grepLines(m, "scalelite_lease"))
	}

	redis.Restart()
	within(t, "leases lost and taken again", 3*redisstore.LockValidity+30*time.Second, func() bool {
		_, m := httpGet(t, allURL+"/metrics")
		return strings.Contains(m, `scalelite_lease_losses_total{role="poller"} 1`) &&
			strings.Contains(m, `scalelite_lease_losses_total{role="importer"} 1`) &&
			strings.Contains(m, "scalelite_poller_lease_held 1") && strings.Contains(m, "scalelite_importer_lease_held 1")
	})
	within(t, "ready again", 30*time.Second, func() bool {
		status, body := httpGet(t, allURL+"/readyz")
		return status == 200 && strings.Contains(body, `"lease:importer":"ok"`)
	})
}

func within(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func grepLines(text, substr string) string {
	var out []string
	for line := range strings.Lines(text) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
