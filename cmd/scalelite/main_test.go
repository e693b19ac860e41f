package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"

	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// output is a stdout/stderr sink that tests can wait on.
type output struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return n, err
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// wait returns the first submatch of re once the output matches it, or fails when done is
// closed first (the command ended) or a minute passes.
func (o *output) wait(t *testing.T, re *regexp.Regexp, done <-chan error) []string {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		o.mu.Lock()
		m := re.FindStringSubmatch(o.buf.String())
		changed := o.changed
		o.mu.Unlock()
		if m != nil {
			return m
		}
		select {
		case <-changed:
		case err := <-done:
			t.Fatalf("command ended (%v) before printing %s; output:\n%s", err, re, o)
		case <-timeout:
			t.Fatalf("no %s within a minute; output:\n%s", re, o)
		}
	}
}

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// runCmd runs the command line to completion.
func runCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), append([]string{"scalelite"}, args...), envOf(env), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// started is a command running in the background.
type started struct {
	stdout, stderr *output
	cancel         context.CancelFunc
	done           chan error
}

func start(t *testing.T, env map[string]string, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{stdout: newOutput(), stderr: newOutput(), cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"scalelite"}, args...), envOf(env), strings.NewReader(""), s.stdout, s.stderr)
	}()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels the command and returns its error (once; later calls return nil).
func (s *started) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(time.Minute):
		t.Fatalf("command did not stop within a minute; stderr:\n%s", s.stderr)
	}
	return nil
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func sqliteEnv(t *testing.T) map[string]string {
	dir := t.TempDir()
	return map[string]string{
		"SCALELITE_DATA_DIR":      dir,
		"LOADBALANCER_SECRET":     "test-secret",
		"BIND":                    "127.0.0.1",
		"PORT":                    "0",
		"RECORDING_SPOOL_DIR":     filepath.Join(dir, "spool"),
		"RECORDING_WORK_DIR":      filepath.Join(dir, "work"),
		"RECORDING_PUBLISH_DIR":   filepath.Join(dir, "published"),
		"RECORDING_UNPUBLISH_DIR": filepath.Join(dir, "unpublished"),
	}
}

func redisNamespace() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}

func testRedisURL(t *testing.T) string {
	t.Helper()
	return scalelitetest.ServiceURL(t, "TEST_REDIS_URL")
}

var listening = regexp.MustCompile(`serving \S+ on (http://\S+)`)

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, map[string]string{"BUILD_NUMBER": "b42"}, "version")
	if err != nil || !strings.HasPrefix(out, "scalelite ") || !strings.Contains(out, "build b42") {
		t.Errorf("version: %q, %v", out, err)
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "COMMANDS"},
		{[]string{"--help"}, "serve"},
		{[]string{"serve", "--help"}, "--roles"},
		{[]string{"demo", "--help"}, "--port"},
		{[]string{"migrate", "--help"}, "version"},
		{[]string{"migrate", "up", "--help"}, "apply every pending migration"},
		{[]string{"version", "--help"}, "print the version"},
		{[]string{"bbbsim", "--help"}, "--servers N"},
		{[]string{"liveness", "--help"}, "--ready"},
		{[]string{"config", "check", "--help"}, "--connect"},
		{[]string{"completion", "--help"}, "bash"},
		{[]string{"--help"}, "--env-file"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, _, err := runCmd(t, nil, tc.args...)
			if err != nil || !strings.Contains(out, tc.want) {
				t.Errorf("got %v and output:\n%s\nwant it to contain %q", err, out, tc.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		want     string // in the error
		wantCode int
	}{
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate"`, 2},
		{"unknown flag", nil, []string{"serve", "--nope"}, "nope", 2},
		{"serve argument", nil, []string{"serve", "extra"}, "takes no arguments", 2},
		{"bad roles", nil, []string{"serve", "--roles", "api,web"}, `unknown role "web"`, 2},
		{"migrate without subcommand", nil, []string{"migrate"}, "up, down or version", 2},
		{"migrate unknown subcommand", nil, []string{"migrate", "sideways"}, "sideways", 2},
		{"bad env var", map[string]string{"PORT": "eighty"}, []string{"serve"}, "PORT:", 1},
		{"bad env vars all named", map[string]string{"POLL_INTERVAL": "-1", "REDIS_URL": "ftp://x"}, []string{"serve"}, "POLL_INTERVAL", 1},
		{"no secret", map[string]string{"SCALELITE_DATA_DIR": "unused"}, []string{"serve"}, "LOADBALANCER_SECRET", 1},
		{"bad demo port", nil, []string{"demo", "--port", "70000"}, "--port", 2},
		{"bad bbbsim flag", nil, []string{"bbbsim", "--servers", "0"}, "--servers", 1},
		{"bad database url", map[string]string{"DATABASE_URL": "mysql://x"}, []string{"migrate", "version"}, "DATABASE_URL", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, tc.env, tc.args...)
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(stderr, tc.want) {
				t.Errorf("error %q / stderr %q: want both to contain %q", err, stderr, tc.want)
			}
			if got := exitCode(err); got != tc.wantCode {
				t.Errorf("exit code %d, want %d", got, tc.wantCode)
			}
		})
	}
}

func TestMigrateSQLite(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "m.db")}
	testMigrate(t, env)
}

func TestMigratePostgres(t *testing.T) {
	testMigrate(t, map[string]string{"DATABASE_URL": dbtest.PostgresDSN(t)})
}

func testMigrate(t *testing.T, env map[string]string) {
	t.Helper()
	version := regexp.MustCompile(`schema version (\d+)`)
	step := func(args ...string) string {
		t.Helper()
		out, stderr, err := runCmd(t, env, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
		m := version.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%v printed %q, want a schema version", args, out)
		}
		return m[1]
	}
	if strings.HasPrefix(env["DATABASE_URL"], "sqlite:") {
		// Only migrate up creates a database; version and down say it is missing.
		for _, sub := range []string{"version", "down"} {
			if _, stderr, err := runCmd(t, env, "migrate", sub); err == nil || !strings.Contains(stderr, "no database at") {
				t.Errorf("migrate %s on a missing SQLite file: %v\n%s", sub, err, stderr)
			}
		}
	} else if v := step("migrate", "version"); v != "0" {
		t.Errorf("fresh database at version %s, want 0", v)
	}
	latest := step("migrate", "up")
	if latest == "0" {
		t.Fatal("migrate up left version 0")
	}
	if v := step("migrate", "up"); v != latest {
		t.Errorf("second up moved to %s, want %s", v, latest)
	}
	if v := step("migrate", "down"); v == latest {
		t.Errorf("down stayed at %s", v)
	}
	if v := step("migrate", "up"); v != latest {
		t.Errorf("up after down at %s, want %s", v, latest)
	}
}

func TestServeSQLite(t *testing.T) {
	env := sqliteEnv(t)
	s := start(t, env, "serve")
	base := s.stdout.wait(t, listening, s.done)[1]
	checkServing(t, base, `"database":"ok"`)
	if err := s.stop(t); err != nil {
		t.Errorf("serve ended with %v; stderr:\n%s", err, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "http server stopped") {
		t.Errorf("no graceful stop logged:\n%s", s.stderr)
	}
	// A second start finds the schema in place.
	s = start(t, env, "serve", "--roles", "api")
	checkServing(t, s.stdout.wait(t, listening, s.done)[1], `"database":"ok"`)
}

func TestServePostgresRedis(t *testing.T) {
	env := sqliteEnv(t)
	env["DATABASE_URL"] = dbtest.PostgresDSN(t)
	env["REDIS_URL"] = testRedisURL(t)
	env["REDIS_NAMESPACE"] = redisNamespace()
	// Two instances on the same database: migrations run under the lock, both serve.
	a := start(t, env, "serve")
	b := start(t, env, "serve", "--roles", "api")
	for _, s := range []*started{a, b} {
		checkServing(t, s.stdout.wait(t, listening, s.done)[1], `"redis":"ok"`)
	}
	for _, s := range []*started{a, b} {
		if err := s.stop(t); err != nil {
			t.Errorf("serve ended with %v", err)
		}
	}
}

func checkServing(t *testing.T, base, wantReady string) {
	t.Helper()
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/healthz", 200, `"ok"`},
		{"/readyz", 200, wantReady},
		{"/health_check", 200, "success"},
		{"/", 200, "success"},
		{"/metrics", 200, "scalelite_http_requests_total"},
		{"/bigbluebutton/api", 200, "<returncode>SUCCESS</returncode>"},
		{"/bigbluebutton/api/nothing", 200, "unsupportedRequest"},
		{"/no/such/page", 200, "unsupportedRequest"},
		{"/scalelite/api/getServers", 200, "checksumError"},
		{"/admin/", 200, "<html"},
	}
	for _, tc := range tests {
		status, body := httpGet(t, base+tc.path)
		if status != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
			t.Errorf("GET %s: %d %q, want %d with %q", tc.path, status, body, tc.wantStatus, tc.wantBody)
		}
	}
	// Metrics label BBB API calls by their action, not by the wildcard route.
	httpGet(t, base+"/bigbluebutton/api/getMeetings")
	if _, body := httpGet(t, base+"/metrics"); !strings.Contains(body, `route="/bigbluebutton/api/getMeetings"`) {
		t.Errorf("metrics have no series for the getMeetings route:\n%s", body)
	}
	// The other roles' mount points answer (their own tests cover what they do).
	posts := []struct {
		path, contentType, body string
		wantStatus              int
		wantBody                string
	}{
		{"/graphql", "application/json", `{"query":"{__typename}"}`, 401, "UNAUTHENTICATED"},
		{"/recordings/upload", "application/x-tar", "", 400, "X-Recording-Server"},
	}
	for _, tc := range posts {
		resp, err := http.Post(base+tc.path, tc.contentType, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || !strings.Contains(string(b), tc.wantBody) {
			t.Errorf("POST %s: %d %q, want %d with %q", tc.path, resp.StatusCode, b, tc.wantStatus, tc.wantBody)
		}
	}
	if status, body := httpGet(t, base+"/presentation/no-such-recording/"); status != 404 || !strings.Contains(body, "Recording Not Found") {
		t.Errorf("playback of a missing recording: %d %.80q", status, body)
	}
}

func TestServeWithoutAPIRole(t *testing.T) {
	env := sqliteEnv(t)
	delete(env, "LOADBALANCER_SECRET") // only the api role needs it
	s := start(t, env, "serve", "--roles", "poller,importer")
	s.stdout.wait(t, regexp.MustCompile(`running poller,importer`), s.done)
	if err := s.stop(t); err != nil {
		t.Errorf("serve ended with %v; stderr:\n%s", err, s.stderr)
	}
}

func TestServePortInUse(t *testing.T) {
	env := sqliteEnv(t)
	s := start(t, env, "serve", "--roles", "api")
	base := s.stdout.wait(t, listening, s.done)[1]
	env2 := sqliteEnv(t)
	env2["PORT"] = base[strings.LastIndex(base, ":")+1:]
	_, stderr, err := runCmd(t, env2, "serve", "--roles", "api")
	if err == nil || !strings.Contains(stderr, "BIND/PORT") {
		t.Errorf("second serve on a busy port: %v\n%s", err, stderr)
	}
}

func TestAutoMigrateOff(t *testing.T) {
	env := sqliteEnv(t)
	env["AUTO_MIGRATE"] = "false"
	_, stderr, err := runCmd(t, env, "serve")
	if err == nil || !strings.Contains(stderr, "scalelite migrate up") {
		t.Fatalf("serve on an empty database with AUTO_MIGRATE=false: %v\n%s", err, stderr)
	}
	env["DATABASE_URL"] = "sqlite:" + filepath.Join(env["SCALELITE_DATA_DIR"], "scalelite.db")
	if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	s := start(t, env, "serve", "--roles", "api")
	s.stdout.wait(t, listening, s.done)
}

func TestDemo(t *testing.T) {
	s := start(t, map[string]string{"LOG_LEVEL": "warn", "DATABASE_URL": "mysql://ignored"},
		"demo", "--port", "0", "--servers", "2")
	create := s.stdout.wait(t, regexp.MustCompile(`Create a meeting:\s+(\S+)`), s.done)[1]
	join := s.stdout.wait(t, regexp.MustCompile(`Join as moderator:\s+(\S+)`), s.done)[1]
	status, body := httpGet(t, create)
	if status != 200 || !strings.Contains(body, "<returncode>SUCCESS</returncode>") {
		t.Fatalf("demo create URL: %d %s", status, body)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(join)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.Contains(loc, "/bigbluebutton/api/join?") {
		t.Errorf("demo join URL: %d to %q, want a 302 to a simulated server", resp.StatusCode, loc)
	}
	graphql := s.stdout.wait(t, regexp.MustCompile(`GraphQL:\s+(\S+)`), s.done)[1]
	// The console's URL and a ready admin key (random, as ADMIN_API_KEY is not set).
	console := s.stdout.wait(t, regexp.MustCompile(`Web console: (\S+)`), s.done)[1]
	key := s.stdout.wait(t, regexp.MustCompile(`Admin API key:\s+(\S+)`), s.done)[1]
	if status, body := httpGet(t, console); status != 200 || !strings.Contains(body, "<html") || !strings.HasSuffix(console, "/admin/") {
		t.Errorf("console %s: %d %.80q", console, status, body)
	}
	req, _ := http.NewRequest(http.MethodPost, graphql, strings.NewReader(`{"query":"{ servers { id online state } clusterStatus { servers { hostname } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(b), `"online":true`) != 2 || strings.Count(string(b), `"state":"ENABLED"`)+strings.Count(string(b), `"state":"enabled"`) != 2 {
		t.Errorf("demo servers over GraphQL: %d %s; want 2 enabled and online", resp.StatusCode, b)
	}
	// The simulated servers have distinct host names (Linux: 127.0.0.1 and 127.0.0.2).
	if runtime.GOOS == "linux" && (!strings.Contains(string(b), `"hostname":"127.0.0.1"`) || !strings.Contains(string(b), `"hostname":"127.0.0.2"`)) {
		t.Errorf("demo servers' host names: %s", b)
	}
	if err := s.stop(t); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("demo ended with %v", err)
	}
}
