//go:build unix

// Package testprocs starts real PostgreSQL and Redis server processes of their own for tests
// that must stop, crash, freeze or flush them, or read their logs: each listens on a free
// loopback port, keeps its files in a temporary directory, and is stopped and removed when the
// test ends. The shared services at 127.0.0.1:5432 and :6379 are never touched.
//
// When the server binaries are missing the test is skipped, or fails when
// TEST_REQUIRE_SERVICES=1 (as in CI).
package testprocs

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// missing skips the test, or fails it when TEST_REQUIRE_SERVICES=1.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("TEST_REQUIRE_SERVICES") == "1" {
		t.Fatalf(format+" (TEST_REQUIRE_SERVICES=1)", args...)
	}
	t.Skipf(format, args...)
}

// process is one server process in its own process group, so that signals reach every process
// it forks (PostgreSQL's backends).
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startProcess(cmd *exec.Cmd) (*process, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	dieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// signalGroup sends sig to every process of the group and to the leader's children, which may
// have left the group (the leader first, so it starts no new child meanwhile).
func (p *process) signalGroup(sig syscall.Signal) {
	pid := p.cmd.Process.Pid
	syscall.Kill(-pid, sig)
	for _, child := range children(pid) {
		syscall.Kill(child, sig)
	}
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig, waits up to grace for the exit, then kills the whole group.
func (p *process) stop(sig syscall.Signal, grace time.Duration) {
	p.signalGroup(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.signalGroup(syscall.SIGKILL)
		<-p.done
	}
	p.signalGroup(syscall.SIGKILL) // children left behind by the leader
}

// waitFor polls ready every 50 ms until it returns nil or timeout passes.
func waitFor(timeout time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// serverUser returns the credential to run a server as when the test runs as root (PostgreSQL
// refuses to run as root): the named system user, or nil when not root.
func serverUser(name string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("running as root needs the %s user: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tempDir makes a directory the server user can own (t.TempDir's parents are private to us).
func tempDir(t testing.TB, prefix string, cred *syscall.Credential) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// postgresBinDir finds the PostgreSQL server binaries: $PG_BINDIR, the newest
// /usr/lib/postgresql/*/bin, or the directory of initdb on PATH.
func postgresBinDir() string {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(a, b int) bool { return versionOf(dirs[a]) > versionOf(dirs[b]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// grepLines returns the lines of the file at path that contain any of needles.
func grepLines(path string, needles []string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var hits []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, n := range needles {
			if n != "" && strings.Contains(line, n) {
				hits = append(hits, line)
				break
			}
		}
	}
	return hits, sc.Err()
}

// GrepFile returns the lines of the file at path that contain any of needles (empty needles
// are ignored), for tests that check logs for secrets.
func GrepFile(t testing.TB, path string, needles ...string) []string {
	t.Helper()
	hits, err := grepLines(path, needles)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return hits
}
