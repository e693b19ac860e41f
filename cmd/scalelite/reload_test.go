package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGHUP applies a new secret, admin key and log level from the environment file at once,
// names what needs a restart, and refuses a bad file whole.
func TestSighupReload(t *testing.T) {
	bin := scaleliteBinary(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "scalelite.env")
	write := func(lines ...string) {
		base := []string{"DATABASE_URL=sqlite:" + filepath.Join(dir, "s.db"), "BIND=127.0.0.1", "PORT=0", "RECORDING_DISABLED=true"}
		if err := os.WriteFile(file, []byte(strings.Join(append(base, lines...), "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("LOADBALANCER_SECRET=old-secret", "ADMIN_API_KEY=old-admin-key-0123456789")
	p := startProcess(t, "serve", bin, []string{"SCALELITE_ENV_FILE=" + file, "HOME=" + dir}, "serve", "--roles", "api")
	base := p.stdout.wait(t, servingRe, p.ended)[1]
	api := base + "/bigbluebutton/api"
	accepts := func(secret string) bool {
		_, body := httpGet(t, signedURL(api, "getMeetings", nil, secret))
		return strings.Contains(body, "<returncode>SUCCESS</returncode>")
	}
	graphql := func(key string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ servers { id } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if !accepts("old-secret") || graphql("old-admin-key-0123456789") != 200 {
		t.Fatal("the starting secret or admin key is refused")
	}
	hangup := func(want *regexp.Regexp) {
		t.Helper()
		if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		p.stderr.wait(t, want, p.ended)
	}

	write("LOADBALANCER_SECRET=new-secret", "LOADBALANCER_SECRETS=second-secret", "ADMIN_API_KEY=new-admin-key-0123456789", "LOG_LEVEL=debug", "POLL_INTERVAL=30")
	hangup(regexp.MustCompile(`configuration reloaded.*\n.*apply only after a restart.*POLL_INTERVAL`))
	if accepts("old-secret") || !accepts("new-secret") || !accepts("second-secret") {
		t.Errorf("after the reload: old secret accepted %v, new %v, second %v", accepts("old-secret"), accepts("new-secret"), accepts("second-secret"))
	}
	if graphql("old-admin-key-0123456789") != 401 || graphql("new-admin-key-0123456789") != 200 {
		t.Errorf("after the reload the admin keys are not swapped")
	}
	// LOG_LEVEL=debug: the health probe's access log line now shows.
	httpGet(t, base+"/healthz")
	p.stderr.wait(t, regexp.MustCompile(`level=DEBUG.*/healthz`), p.ended)

	// A bad file is refused whole: nothing changes.
	write("LOADBALANCER_SECRET=third-secret", "PORT=eighty")
	hangup(regexp.MustCompile(`reload refused.*PORT`))
	if !accepts("new-secret") || accepts("third-secret") {
		t.Errorf("a refused reload changed the secrets")
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.ended:
		if p.err != nil {
			t.Errorf("serve exited with %v", p.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
}
