package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// liveness is the health check of a process without a shell: it asks the local serve on
// METRICS_BIND (every role) or BIND/PORT (the api role), prints success and exits 0, or exits 1.
func TestLiveness(t *testing.T) {
	env := sqliteEnv(t)
	env["METRICS_BIND"] = "127.0.0.1:0"
	delete(env, "LOADBALANCER_SECRET")
	poller := start(t, env, "serve", "--roles", "poller")
	metrics := poller.stdout.wait(t, metricsRe, poller.done)[1]
	status, body := httpGet(t, metrics+"/metrics")
	if status != 200 || !strings.Contains(body, "scalelite_poller_lease_held") || !strings.Contains(body, `scalelite_readiness_check{check="database"} 1`) {
		t.Fatalf("poller metrics listener: %d\n%.300s", status, body)
	}

	// From the configuration, as a healthcheck runs it: METRICS_BIND names the port.
	u, _ := url.Parse(metrics)
	probeEnv := map[string]string{"METRICS_BIND": u.Host, "PORT": "1"}
	if out, stderr, err := runCmd(t, probeEnv, "liveness"); err != nil || out != "success\n" {
		t.Errorf("liveness: %v %q %s", err, out, stderr)
	}
	out, _, err := runCmd(t, probeEnv, "liveness", "--ready", "--json")
	var res probeResult
	if err != nil || json.Unmarshal([]byte(out), &res) != nil || !res.OK || res.Checks["database"] != "ok" || !strings.HasSuffix(res.URL, "/readyz") {
		t.Errorf("liveness --ready --json: %v %s", err, out)
	}

	// The api role without METRICS_BIND: BIND/PORT, a wildcard host asked on 127.0.0.1.
	apiEnv := sqliteEnv(t)
	apiEnv["BIND"] = "0.0.0.0"
	api := start(t, apiEnv, "serve", "--roles", "api")
	base := api.stdout.wait(t, listening, api.done)[1]
	port := base[strings.LastIndex(base, ":")+1:]
	if out, stderr, err := runCmd(t, map[string]string{"BIND": "0.0.0.0", "PORT": port}, "liveness"); err != nil || out != "success\n" {
		t.Errorf("liveness of the api role: %v %q %s", err, out, stderr)
	}

	// Nothing listening: exit 1 with the reason, and --json still prints the result.
	if err := poller.stop(t); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, probeEnv, "liveness")
	if err == nil || exitCode(err) != 1 || !strings.Contains(stderr, "does not answer") {
		t.Errorf("liveness of a stopped process: %v %q", err, stderr)
	}
	out, _, err = runCmd(t, probeEnv, "liveness", "--json")
	if err == nil || json.Unmarshal([]byte(out), &res) != nil || res.OK || res.Error == "" {
		t.Errorf("liveness --json of a stopped process: %v %s", err, out)
	}
	if _, _, err := runCmd(t, nil, "liveness", "--url", "ftp://x"); exitCode(err) != 2 {
		t.Errorf("liveness --url ftp://x: %v, want a usage error", err)
	}
}
