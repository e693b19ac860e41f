//go:build linux

package faultsuite

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// marker starts every secret and password the suite uses, so one search of the logs finds any
// of them.
const marker = "Zq7"

// cluster is one deployment: its own PostgreSQL and Redis, simulated BBB servers, recording
// directories, and the scalelite processes started on it.
type cluster struct {
	t      *testing.T
	dir    string
	pg     *testprocs.Postgres
	redis  *testprocs.Redis
	sim    *bbbsim.Sim
	secret string // LOADBALANCER_SECRET
	env    map[string]string

	mu    sync.Mutex
	procs []*proc
}

// dirs of the recording pipeline (under cluster.dir unless the env moves them).
func (c *cluster) spoolDir() string   { return c.env["RECORDING_SPOOL_DIR"] }
func (c *cluster) workDir() string    { return c.env["RECORDING_WORK_DIR"] }
func (c *cluster) publishDir() string { return c.env["RECORDING_PUBLISH_DIR"] }
func (c *cluster) failedDir() string  { return filepath.Join(c.spoolDir(), "failed") }

// newCluster starts PostgreSQL, Redis and servers simulated BBB servers (enabled in the pool
// once a scalelite process has migrated the database: see addServers). env overrides the
// processes' environment.
func newCluster(t *testing.T, servers int, env map[string]string) *cluster {
	t.Helper()
	skipShort(t)
	c := &cluster{t: t, dir: t.TempDir(), secret: marker + "sec-lb-" + randomHex(8)}
	c.pg = testprocs.StartPostgres(t)
	c.redis = testprocs.StartRedis(t)
	var secrets []string
	for i := range servers {
		secrets = append(secrets, fmt.Sprintf("%ssec-bbb%d-%s", marker, i, randomHex(8)))
	}
	sim, err := bbbsim.Start(context.Background(), servers, bbbsim.Options{Secrets: secrets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c.sim = sim
	c.env = map[string]string{
		"DATABASE_URL":                   c.pg.URL(),
		"REDIS_URL":                      c.redis.URL(0),
		"LOADBALANCER_SECRET":            c.secret,
		"BIND":                           "127.0.0.1",
		"PORT":                           "0",
		"SCALELITE_DATA_DIR":             filepath.Join(c.dir, "data"),
		"RECORDING_SPOOL_DIR":            filepath.Join(c.dir, "spool"),
		"RECORDING_WORK_DIR":             filepath.Join(c.dir, "work"),
		"RECORDING_PUBLISH_DIR":          filepath.Join(c.dir, "published"),
		"RECORDING_UNPUBLISH_DIR":        filepath.Join(c.dir, "unpublished"),
		"RECORDING_IMPORT_POLL_INTERVAL": "1",
		"POLL_INTERVAL":                  "1",
		"CONNECT_TIMEOUT":                "1",
		"RESPONSE_TIMEOUT":               "3",
		"API_REQUEST_TIMEOUT":            "8", // requestDeadline
		"LOG_LEVEL":                      "debug",
	}
	maps.Copy(c.env, env)
	for _, d := range []string{c.spoolDir(), c.workDir(), c.publishDir()} {
		os.MkdirAll(d, 0o755)
	}
	t.Cleanup(c.checkLogs)
	return c
}

// proc is one scalelite process. Its log (stderr) is appended to a file across restarts.
type proc struct {
	c       *cluster
	name    string
	args    []string
	env     map[string]string
	logPath string
	base    string // http://127.0.0.1:PORT of the api role; the port is kept across restarts

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

var serving = regexp.MustCompile(`(?:serving \S+ on (http://\S+)|running \S+)`)

// serve starts `scalelite serve --roles roles` and waits until it serves.
func (c *cluster) serve(name, roles string, env map[string]string) *proc {
	c.t.Helper()
	p := &proc{c: c, name: name, args: []string{"serve", "--roles", roles}, env: maps.Clone(c.env),
		logPath: filepath.Join(c.dir, name+".log")}
	maps.Copy(p.env, env)
	c.mu.Lock()
	c.procs = append(c.procs, p)
	c.mu.Unlock()
	c.t.Cleanup(p.stop)
	p.start()
	return p
}

func (p *proc) environ() []string {
	out := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range p.env {
		out = append(out, k+"="+v)
	}
	return out
}

// start runs the process and waits for its "serving" (or "running") line.
func (p *proc) start() {
	t := p.c.t
	t.Helper()
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(binary, p.args...)
	cmd.Env = p.environ()
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	done := make(chan struct{})
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(done)
	}()
	p.mu.Lock()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case line := <-lines:
			if m := serving.FindStringSubmatch(line); m != nil {
				if m[1] != "" && p.base == "" {
					p.base = m[1]
					p.env["PORT"] = m[1][strings.LastIndexByte(m[1], ':')+1:] // same port after a restart
				}
				return
			}
		case <-done:
			t.Fatalf("%s exited before serving; log:\n%s", p.name, tail(p.logPath, 40))
		case <-timeout:
			t.Fatalf("%s not serving within a minute; log:\n%s", p.name, tail(p.logPath, 40))
		}
	}
}

// kill ends the process at once (kill -9): no shutdown, no lease release.
func (p *proc) kill() { p.signal(syscall.SIGKILL) }

// stop ends the process gracefully (SIGTERM), killing it after 30 s.
func (p *proc) stop() { p.signal(syscall.SIGTERM) }

func (p *proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-done:
		return
	default:
	}
	syscall.Kill(-cmd.Process.Pid, sig)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// pid is the process id of the running process.
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// cli runs a scalelite command to completion with the cluster's environment and returns stdout.
func (c *cluster) cli(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = (&proc{env: c.env}).environ()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("scalelite %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// addServers adds and enables every simulated server; the schema must exist (start a process
// first).
func (c *cluster) addServers() []string {
	c.t.Helper()
	var ids []string
	for _, s := range c.sim.Servers() {
		var added struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(c.cli("servers", "add", s.URL(), s.Secret(), "--json")), &added); err != nil || added.ID == "" {
			c.t.Fatalf("servers add: %v", err)
		}
		c.cli("servers", "enable", added.ID)
		ids = append(ids, added.ID)
	}
	return ids
}

// checkLogs fails the test when a log line of the scalelite processes, PostgreSQL or Redis
// carries a secret, a password or a checksum.
func (c *cluster) checkLogs() {
	paths := []string{c.pg.LogPath(), c.redis.LogPath()}
	for _, p := range c.procs {
		paths = append(paths, p.logPath)
	}
	for _, path := range paths {
		hits := testprocs.GrepFile(c.t, path, marker, "checksum=")
		if len(hits) > 0 {
			c.t.Errorf("%s has %d lines with a secret, password or checksum, e.g.:\n%s", filepath.Base(path), len(hits),
				strings.Join(hits[:min(3, len(hits))], "\n"))
		}
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// waitUntil polls cond every 100 ms until it holds; false when within passes first.
func waitUntil(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

// cpuTime is the user plus system CPU time the process has used.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	var utime, stime int64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// rss is the resident set size of the process, and its peak, in bytes.
func rss(pid int) (now, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.Lines(string(b)) {
		var kb int64
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fmt.Sscan(v, &kb)
			now = kb << 10
		}
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Sscan(v, &kb)
			peak = kb << 10
		}
	}
	return now, peak
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
