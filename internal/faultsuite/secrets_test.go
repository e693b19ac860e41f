//go:build linux

package faultsuite

import (
	"strings"
	"testing"
	"time"
)

// Secrets, passwords and checksums appear in no log line of the balancer, PostgreSQL or Redis
// (checked for every cluster when its test ends), also when things fail, with debug logging on:
// a BBB server refusing connections (failed creates and polls), a wrong checksum, and meetingIDs
// that are too long or carry a NUL byte, control characters or invalid UTF-8, which are refused
// at the edge with a BBB validation error (not an internal error after reaching SQL).
func TestSecretsStayOutOfLogs(t *testing.T) {
	s := startAll(t, 3, nil)
	tr := startTraffic(s.api, "secrets", 3)
	time.Sleep(2 * time.Second)
	s.c.sim.Servers()[0].SetDown(true)
	time.Sleep(4 * time.Second)
	long := strings.Repeat("x", 9000)
	for _, id := range []string{long, "nul\x00byte", "ctl\x01\x7f", "bad\xffutf8"} {
		ans := s.api.create(id)
		if ans.success() || !strings.Contains(ans.body, "<returncode>FAILED</returncode>") || strings.Contains(ans.body, "internalError") {
			t.Errorf("create of meetingID %q...: %s, want a BBB validation error", id[:min(len(id), 12)], oneLine(ans.String()))
		}
	}
	bad := newAPI(s.p.base, marker+"sec-wrong").get("create", query("meetingID", "x", "moderatorPW", marker+"pw-wrong-checksum"))
	if bad.success() || !strings.Contains(bad.body, "checksumError") {
		t.Errorf("create with a wrong secret: %s", bad)
	}
	time.Sleep(2 * time.Second)
	tr.halt()
	tr.summarise("secrets in logs", time.Now(), time.Now()).log(t)
}
