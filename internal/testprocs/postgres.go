//go:build unix

package testprocs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Postgres is a PostgreSQL server of the test's own: initdb into a temporary directory, trust
// authentication for the user postgres, listening on 127.0.0.1 only, its log (stderr) in a file
// the test can read.
type Postgres struct {
	t        testing.TB
	bin, dir string
	port     int
	logPath  string
	settings []string
	cred     *syscall.Credential

	mu   sync.Mutex
	proc *process
}

// StartPostgres initialises and starts a server. settings are extra "name=value" server
// settings (e.g. "log_statement=all"). It is stopped and removed when the test ends.
func StartPostgres(t testing.TB, settings ...string) *Postgres {
	t.Helper()
	bin := postgresBinDir()
	if bin == "" {
		missing(t, "PostgreSQL server binaries (initdb) not found; set PG_BINDIR")
	}
	cred, err := serverUser("postgres")
	if err != nil {
		missing(t, "%v", err)
	}
	p := &Postgres{t: t, bin: bin, port: FreePort(t), settings: settings, cred: cred}
	p.dir = tempDir(t, "scalelite-pg-*", cred)
	p.logPath = filepath.Join(p.dir, "postgresql.log")
	data := filepath.Join(p.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	t.Cleanup(p.stopNow)
	p.Start()
	return p
}

// URL is the connection URL of the postgres database as the postgres user.
func (p *Postgres) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// Port is the TCP port on 127.0.0.1.
func (p *Postgres) Port() int { return p.port }

// LogPath is the file the server writes its log to; it survives restarts.
func (p *Postgres) LogPath() string { return p.logPath }

// Log returns the server's log so far.
func (p *Postgres) Log() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		p.t.Fatalf("read PostgreSQL log: %v", err)
	}
	return string(b)
}

// Start starts the server (again, after Stop or Crash) and waits until it accepts connections.
func (p *Postgres) Start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil && !p.proc.exited() {
		return
	}
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	defer log.Close()
	args := []string{"-D", filepath.Join(p.dir, "data"), "-p", strconv.Itoa(p.port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + p.dir,
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
		"-c", "log_line_prefix=%m [%p] "}
	for _, s := range p.settings {
		args = append(args, "-c", s)
	}
	cmd := exec.Command(filepath.Join(p.bin, "postgres"), args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	if p.proc, err = startProcess(cmd); err != nil {
		p.t.Fatalf("start postgres: %v", err)
	}
	isReady := filepath.Join(p.bin, "pg_isready")
	err = waitFor(60*time.Second, func() error {
		if p.proc.exited() {
			return fmt.Errorf("postgres exited; log:\n%s", p.Log())
		}
		return exec.Command(isReady, "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres", "-d", "postgres").Run()
	})
	if err != nil {
		p.t.Fatalf("postgres on port %d not ready: %v", p.port, err)
	}
}

// Stop shuts the server down cleanly (fast shutdown: open connections are closed).
func (p *Postgres) Stop() { p.signal(syscall.SIGINT, true) }

// Crash kills every process of the server at once (kill -9), as a machine that lost power; Start
// recovers from the WAL.
func (p *Postgres) Crash() { p.signal(syscall.SIGKILL, true) }

// Freeze stops every process of the server (SIGSTOP): connections stay open and nothing
// answers, as a hung host. Thaw resumes it.
func (p *Postgres) Freeze() { p.signal(syscall.SIGSTOP, false) }

// Thaw resumes a frozen server.
func (p *Postgres) Thaw() { p.signal(syscall.SIGCONT, false) }

func (p *Postgres) signal(sig syscall.Signal, wait bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc == nil || p.proc.exited() {
		return
	}
	if !wait {
		p.proc.signalGroup(sig)
		return
	}
	p.proc.signalGroup(syscall.SIGCONT) // a frozen server cannot shut down
	p.proc.stop(sig, 30*time.Second)
}

func (p *Postgres) stopNow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil && !p.proc.exited() {
		p.proc.signalGroup(syscall.SIGCONT)
		p.proc.stop(syscall.SIGQUIT, 10*time.Second)
	}
}

// CreateDatabase creates an empty database and returns its URL.
func (p *Postgres) CreateDatabase(name string) string {
	p.t.Helper()
	out, err := exec.Command(filepath.Join(p.bin, "psql"), "-X", "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port),
		"-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE "+name).CombinedOutput()
	if err != nil {
		p.t.Fatalf("create database %s: %v\n%s", name, err, out)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, name)
}
