//go:build unix

package testprocs

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Redis is a Redis server of the test's own: no persistence (a restart loses everything, as a
// flush), listening on 127.0.0.1 only, its log in a file.
type Redis struct {
	t       testing.TB
	bin     string
	dir     string
	port    int
	logPath string

	mu   sync.Mutex
	proc *process
}

// StartRedis starts a server; it is stopped when the test ends.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		missing(t, "redis-server not found")
	}
	r := &Redis{t: t, bin: bin, port: FreePort(t)}
	r.dir = tempDir(t, "scalelite-redis-*", nil)
	r.logPath = filepath.Join(r.dir, "redis.log")
	t.Cleanup(func() { r.signal(syscall.SIGKILL) })
	r.Start()
	return r
}

// Addr is host:port.
func (r *Redis) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// URL is the redis:// URL of database db.
func (r *Redis) URL(db int) string { return fmt.Sprintf("redis://%s/%d", r.Addr(), db) }

// LogPath is the server's log file; it survives restarts.
func (r *Redis) LogPath() string { return r.logPath }

// Start starts the server (again) and waits until it answers PING.
func (r *Redis) Start() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil && !r.proc.exited() {
		return
	}
	cmd := exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--logfile", r.logPath,
		"--databases", "16")
	var err error
	if r.proc, err = startProcess(cmd); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	err = waitFor(30*time.Second, func() error {
		if r.proc.exited() {
			log, _ := os.ReadFile(r.logPath)
			return fmt.Errorf("redis-server exited; log:\n%s", log)
		}
		_, err := r.command("PING")
		return err
	})
	if err != nil {
		r.t.Fatalf("redis on port %d not ready: %v", r.port, err)
	}
}

// Stop kills the server (it keeps nothing on disk: the next Start is empty).
func (r *Redis) Stop() { r.signal(syscall.SIGKILL) }

// Restart kills and starts the server on the same port: every key is gone and every client is
// disconnected.
func (r *Redis) Restart() {
	r.Stop()
	r.Start()
}

func (r *Redis) signal(sig syscall.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil && !r.proc.exited() {
		r.proc.stop(sig, 10*time.Second)
	}
}

// Do sends one command (inline, arguments without spaces) and returns its reply as text: a
// status or error line, an integer, or a bulk string (INFO); arrays are not supported.
func (r *Redis) Do(args ...string) (string, error) { return r.command(args...) }

// Info returns the INFO field (e.g. "total_commands_processed") as a number.
func (r *Redis) Info(field string) (int64, error) {
	text, err := r.command("INFO", "all")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(text) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("INFO has no %s", field)
}

func (r *Redis) command(args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", r.Addr(), time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "%s\r\n", strings.Join(args, " ")); err != nil {
		return "", err
	}
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	switch {
	case strings.HasPrefix(line, "-"):
		return "", fmt.Errorf("redis: %s", line[1:])
	case strings.HasPrefix(line, "$"):
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return strings.TrimLeft(line, "+:"), nil
}
