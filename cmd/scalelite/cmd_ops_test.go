package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryDir  string
)

// scaleliteBinary builds the real binary once per test run.
func scaleliteBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "scalelite-cli-test")
		if binaryErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "scalelite")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binaryDir != "" {
		_ = os.RemoveAll(binaryDir)
	}
	os.Exit(code)
}

// cliRun is one invocation of the binary.
type cliRun struct {
	stdout, stderr string
	code           int
}

type cliEnv struct {
	t   *testing.T
	bin string
	env []string
}

func (c *cliEnv) run(stdin string, args ...string) cliRun {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := cliRun{stdout: out.String(), stderr: errOut.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("run %v: %v", args, err)
	}
	return r
}

// ok runs a command that must succeed and returns its stdout.
func (c *cliEnv) ok(args ...string) string {
	c.t.Helper()
	r := c.run("", args...)
	if r.code != 0 {
		c.t.Fatalf("scalelite %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// fails runs a command that must fail with a message matching want on stderr.
func (c *cliEnv) fails(want string, args ...string) cliRun {
	c.t.Helper()
	r := c.run("", args...)
	if r.code == 0 || !regexp.MustCompile(want).MatchString(r.stderr) {
		c.t.Errorf("scalelite %s: exit %d, stderr %q; want a failure matching %q", strings.Join(args, " "), r.code, r.stderr, want)
	}
	return r
}

func randomNamespace() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "clitest-" + hex.EncodeToString(b[:])
}

// TestOperatorCommands runs the real binary against SQLite and PostgreSQL (and, when
// TEST_REDIS_URL is set, with the Redis cached store).
func TestOperatorCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	backends := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "scalelite.db") }},
		{"postgres", func(t *testing.T) string { return dbtest.PostgresDSN(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			env := []string{"DATABASE_URL=" + dsn, "HOME=" + t.TempDir()}
			if u := os.Getenv("TEST_REDIS_URL"); u != "" {
				env = append(env, "REDIS_URL="+u, "REDIS_NAMESPACE="+randomNamespace())
			}
			c := &cliEnv{t: t, bin: bin, env: env}
			c.ok("migrate", "up")
			operatorScenario(t, c, dsn)
		})
	}
}

func operatorScenario(t *testing.T, c *cliEnv, dsn string) {
	ctx := context.Background()
	sim, err := bbbsim.Start(ctx, 2, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	s0, s1 := sim.Servers()[0], sim.Servers()[1]

	// add: new servers start disabled; multiplier 0 becomes 1 with a warning.
	r := c.run("", "servers", "add", s0.URL(), s0.Secret(), "--load-multiplier", "0", "--tag", "big")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "OK\nid: ") || !strings.Contains(r.stderr, "WARNING! Load-multiplier") {
		t.Fatalf("servers add: %+v", r)
	}
	id0 := strings.TrimSpace(strings.TrimPrefix(r.stdout, "OK\nid: "))
	// Without --load-multiplier the multiplier is 1.0, without a warning.
	var added serverJSON
	r = c.run("", "servers", "add", s1.URL(), s1.Secret(), "--json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("servers add without a multiplier: %+v", r)
	}
	if err := json.Unmarshal([]byte(r.stdout), &added); err != nil {
		t.Fatal(err)
	}
	id1 := added.ID
	if added.State != "disabled" || added.LoadMultiplier != 1 || added.Online {
		t.Errorf("added server = %+v", added)
	}

	// Clear errors and non-zero exits.
	c.fails("must be http", "servers", "add", "bbb.example.com/bigbluebutton/api", "s")
	c.fails("No server found with id: nope", "servers", "update", "nope", "--secret", "x")
	c.fails("No server found with id: nope", "servers", "enable", "nope")
	c.fails("greater than 0", "servers", "load-multiplier", id0, "0")
	c.fails("greater than 0", "servers", "update", id0, "--load-multiplier", "0")
	c.fails("wrong number of arguments", "servers", "add", "only-url")
	if r := c.run("", "servers", "bogus-subcommand"); r.code == 0 {
		t.Errorf("unknown subcommand exit 0: %+v", r)
	}

	list := c.ok("servers")
	for _, want := range []string{"id: " + id0 + "\n", "\turl: " + s0.URL() + "\n", "\tdisabled\n", "\tload: unavailable\n", "\tload multiplier: 1.0\n", "\ttag: big\n", "\toffline\n"} {
		if !strings.Contains(list, want) {
			t.Errorf("servers list lacks %q:\n%s", want, list)
		}
	}
	if out := c.ok("servers", "enable", id0); out != "OK\n" {
		t.Errorf("enable: %q", out)
	}
	c.ok("servers", "enable", id1)
	c.ok("servers", "load-multiplier", id1, "2.5")
	if out := c.ok("servers", "update", id1, "--tag", "small", "--secret", s1.Secret()); !strings.Contains(out, "OK") {
		t.Errorf("update: %q", out)
	}

	// poll and status.
	if out := c.ok("poll"); !strings.Contains(out, "Polled 2 server(s)") {
		t.Errorf("poll: %q", out)
	}
	status := c.ok("status")
	lines := strings.Split(strings.TrimSpace(status), "\n")
	if len(lines) != 3 || !regexp.MustCompile(`^HOSTNAME\s+STATE\s+STATUS\s+MEETINGS\s+USERS\s+LARGEST MEETING\s+VIDEOS\s+LOAD\s+BBB VERSION\s+TAG$`).MatchString(lines[0]) {
		t.Fatalf("status:\n%s", status)
	}
	for _, l := range lines[1:] {
		if !regexp.MustCompile(`^127\.0\.0\.1\s+enabled\s+online\s+0\s+0\s+0\s+0\s+0\.0\s+\S+\s+(big|small)$`).MatchString(l) {
			t.Errorf("status row %q", l)
		}
	}
	var rows []statusRow
	if err := json.Unmarshal([]byte(c.ok("status", "--json")), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("status --json: %v %v", rows, err)
	}

	// A meeting on server 0 (placed through the store, created on the simulator).
	store, err := db.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	placeTestMeeting(t, store, id0, "cli-meeting")
	if _, err := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts).Do(ctx, s0.Endpoint(), "create", scalelite.Params{{Key: "meetingID", Value: "cli-meeting"}, {Key: "name", Value: "CLI Meeting"}, {Key: "moderatorPW", Value: "mp"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("meetings"); !strings.Contains(out, "MeetingID: cli-meeting\n\tServer ID: "+id0+"\n\tServer Url: "+s0.URL()) {
		t.Errorf("meetings: %q", out)
	}
	if out := c.ok("servers", "meetings", id0); !strings.Contains(out, "cli-meeting\tCLI Meeting") {
		t.Errorf("servers meetings: %q", out)
	}
	if out := c.ok("meetings", "info", "cli-meeting"); !strings.Contains(out, "Name: CLI Meeting") || !strings.Contains(out, "Server id: "+id0) {
		t.Errorf("meetings info: %q", out)
	}
	c.fails("no running meeting with id: nope", "meetings", "info", "nope")

	// disable with meetings asks; anything but yes leaves the state.
	r = c.run("no\n", "servers", "disable", id0)
	if r.code == 0 || !strings.Contains(r.stdout, "Are you sure?") || !strings.Contains(r.stderr, "not confirmed") {
		t.Errorf("disable declined: %+v", r)
	}
	if srv, _ := store.Server(ctx, id0); srv.State != scalelite.ServerEnabled {
		t.Errorf("declined disable changed the state to %s", srv.State)
	}
	r = c.run("yes\n", "servers", "disable", id0)
	if r.code != 0 || !strings.Contains(r.stdout, "Clearing Meeting id=cli-meeting") || !strings.HasSuffix(r.stdout, "OK\n") {
		t.Errorf("disable confirmed: %+v", r)
	}
	if _, ok := s0.Meeting("cli-meeting"); ok {
		if m, _ := s0.Meeting("cli-meeting"); m.Running {
			t.Errorf("meeting still running on BBB after disable")
		}
	}
	// Ended on BBB, its row stays running: recoverable on its next create or join.
	if m, err := store.Meeting(ctx, "cli-meeting"); err != nil || m.ServerID != id0 {
		t.Errorf("cli-meeting after disable: %+v, %v; want its row running", m, err)
	}
	c.ok("servers", "enable", id0)

	// panic --keep-state: cli-meeting, not recovered, is the re-enabled server's again.
	placeTestMeeting(t, store, id0, "panic-meeting")
	if out := c.ok("servers", "panic", id0, "--keep-state"); out != "Clearing Meeting id=cli-meeting\nClearing Meeting id=panic-meeting\nOK\n" {
		t.Errorf("panic: %q", out)
	}
	if srv, _ := store.Server(ctx, id0); srv.State != scalelite.ServerEnabled {
		t.Errorf("panic --keep-state changed the state to %s", srv.State)
	}
	// panic: same output, the server disabled, the meetings' rows still running (recoverable)
	// until `meetings end` ends them in our records.
	if out := c.ok("servers", "panic", id0); out != "Clearing Meeting id=cli-meeting\nClearing Meeting id=panic-meeting\nOK\n" {
		t.Errorf("panic: %q", out)
	}
	if srv, _ := store.Server(ctx, id0); srv.State != scalelite.ServerDisabled {
		t.Errorf("panic left the state %s", srv.State)
	}
	if n, _ := store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{id0}}); n != 2 {
		t.Errorf("%d meeting rows running after panic, want 2 (recoverable)", n)
	}
	if out := c.ok("meetings", "end", "cli-meeting", "panic-meeting", "--yes"); !strings.Contains(out, "Ended meeting id=cli-meeting") || !strings.Contains(out, "Ended meeting id=panic-meeting") {
		t.Errorf("meetings end of recoverable meetings: %q", out)
	}
	c.ok("servers", "enable", id0)

	// meetings end asks too.
	placeTestMeeting(t, store, id1, "end-me")
	if r := c.run("", "meetings", "end", "end-me"); r.code == 0 {
		t.Errorf("meetings end without confirmation: %+v", r)
	}
	if out := c.ok("meetings", "end", "end-me", "--yes"); !strings.Contains(out, "Ended meeting id=end-me") {
		t.Errorf("meetings end: %q", out)
	}

	// yaml export fed back into sync is a no-op; a malformed file names its line.
	exported := c.ok("servers", "yaml")
	r = c.run(exported, "servers", "sync", "-", "--mode", "force", "--dry-run")
	if r.code != 0 || r.stdout != "[dry-run] Nothing to do\nOK\n" {
		t.Errorf("sync of the export: %+v", r)
	}
	verbose := c.ok("servers", "yaml", "--verbose")
	if !strings.Contains(verbose, "online: true") {
		t.Errorf("verbose yaml: %s", verbose)
	}
	if r := c.run(verbose, "servers", "sync", "-"); r.code != 0 || !strings.Contains(r.stdout, "Nothing to do") {
		t.Errorf("sync of the verbose export: %+v", r)
	}
	r = c.run("servers:\n  x:\n    secret: s\n    colour: red\n", "servers", "sync", "-")
	if r.code == 0 || !strings.Contains(r.stderr, "line 4") {
		t.Errorf("malformed sync: %+v", r)
	}
	file := filepath.Join(t.TempDir(), "pool.yml")
	if err := os.WriteFile(file, []byte("servers:\n  "+id0+":\n    url: "+s0.URL()+"\n    secret: "+s0.Secret()+"\n    tag: big\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("servers", "sync", file, "--mode", "cordon", "--dry-run"); !strings.Contains(out, "[dry-run] remove "+id1) {
		t.Errorf("sync dry-run: %q", out)
	}
	if srv, err := store.Server(ctx, id1); err != nil || srv == nil {
		t.Errorf("dry run removed the server: %v", err)
	}
	if out := c.ok("servers", "sync", file, "--mode", "cordon"); !strings.Contains(out, "remove "+id1) {
		t.Errorf("sync: %q", out)
	}
	c.fails("invalid sync mode", "servers", "sync", file, "--mode", "nuke")

	// add-all, remove.
	all := filepath.Join(t.TempDir(), "all.yml")
	if err := os.WriteFile(all, []byte("servers:\n  - url: https://extra.example.com/bigbluebutton/api\n    secret: e\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := c.ok("servers", "add-all", all)
	m := regexp.MustCompile(`^server: https://extra.example.com/bigbluebutton/api\nid: (\S+)\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("add-all: %q", out)
	}
	if out := c.ok("servers", "remove", m[1]); out != "OK\n" {
		t.Errorf("remove: %q", out)
	}

	// Tenants need multitenancy, as in Scalelite.
	c.fails("Multitenancy is disabled", "tenants")
	mt := &cliEnv{t: t, bin: c.bin, env: append(append([]string(nil), c.env...), "MULTITENANCY_ENABLED=true")}
	out = mt.ok("tenants", "add", "t1", "sec1:sec2")
	tm := regexp.MustCompile(`^OK\nNew Tenant id: (\S+)\n$`).FindStringSubmatch(out)
	if tm == nil {
		t.Fatalf("tenants add: %q", out)
	}
	mt.fails("conflict|already|exists|duplicate", "tenants", "add", "t1", "x")
	if out := mt.ok("tenants"); !strings.Contains(out, "name: t1") || !strings.Contains(out, "secrets: sec1:sec2") {
		t.Errorf("tenants: %q", out)
	}
	if out := mt.ok("tenants", "update", tm[1], "--name", "t2"); !strings.Contains(out, "Updated Tenant id: "+tm[1]) {
		t.Errorf("tenants update: %q", out)
	}
	out = mt.ok("tenant-settings", "add", "t2", "record", "true", "true")
	sm := regexp.MustCompile(`^OK\nNew TenantSetting id: (\S+)\n$`).FindStringSubmatch(out)
	if sm == nil {
		t.Fatalf("tenant-settings add: %q", out)
	}
	mt.fails("Override must be true or false", "tenant-settings", "add", "t2", "record", "true", "maybe")
	if out := mt.ok("tenant-settings"); !strings.Contains(out, "param: record") {
		t.Errorf("tenant-settings: %q", out)
	}
	mt.ok("tenant-settings", "remove", sm[1])
	if out := mt.ok("tenants", "remove", tm[1]); out != "OK\nTenant was successfully deleted.\n" {
		t.Errorf("tenants remove: %q", out)
	}
	mt.fails("Couldn't find Tenant", "tenants", "remove", tm[1])

	// Every mutation left an audit entry by "cli", with secrets masked.
	entries, _, err := store.AuditEntries(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		if e.Actor != "cli" {
			t.Errorf("audit actor %q", e.Actor)
		}
		if strings.Contains(e.Arguments, s0.Secret()) || strings.Contains(e.Arguments, "sec1") {
			t.Errorf("audit entry leaks a secret: %+v", e)
		}
		actions[e.Action]++
	}
	for _, a := range []string{"addServer", "enableServer", "updateServer", "setLoadMultiplier", "disableServer", "panicServer", "endMeetings", "syncServers", "removeServer", "addTenant", "updateTenant", "addTenantSetting", "removeTenantSetting", "removeTenant"} {
		if actions[a] == 0 {
			t.Errorf("no audit entry for %s (have %v)", a, actions)
		}
	}
}

// placeTestMeeting places a meeting on the server through the store, as the facade would.
func placeTestMeeting(t *testing.T, store *db.DB, serverID, meetingID string) {
	t.Helper()
	_, err := scalelitetest.PlaceOn(context.Background(), store, scalelite.PlaceRequest{
		Meeting:     scalelite.Meeting{MeetingID: meetingID, Name: meetingID, ModeratorPW: "mp", AttendeePW: "ap", CreateQuery: "meetingID=" + meetingID},
		Reservation: 1,
	}, serverID)
	if err != nil {
		t.Fatalf("place %s: %v", meetingID, err)
	}
}

// Every operator command answers --help with exit status 0.
func TestOperatorCommandsHelp(t *testing.T) {
	bin := scaleliteBinary(t)
	c := &cliEnv{t: t, bin: bin, env: []string{"HOME=" + t.TempDir()}}
	for _, args := range [][]string{
		{"servers"}, {"servers", "add"}, {"servers", "remove"}, {"servers", "update"}, {"servers", "enable"},
		{"servers", "disable"}, {"servers", "cordon"}, {"servers", "panic"}, {"servers", "load-multiplier"},
		{"servers", "tag"}, {"servers", "sync"}, {"servers", "yaml"}, {"servers", "add-all"}, {"servers", "meetings"},
		{"status"}, {"poll"}, {"poll", "all"}, {"poll", "servers"}, {"poll", "meetings"}, {"poll", "versions"},
		{"recordings", "update"}, {"meetings"}, {"meetings", "list"}, {"meetings", "end"}, {"meetings", "info"},
		{"tenants"}, {"tenants", "add"}, {"tenants", "update"}, {"tenants", "remove"},
		{"tenants", "update-lrs-basic"}, {"tenants", "update-lrs-kc"},
		{"tenant-settings"}, {"tenant-settings", "add"}, {"tenant-settings", "remove"},
	} {
		out := c.ok(append(args, "--help")...)
		if !strings.Contains(out, "USAGE") && !strings.Contains(out, "Usage") {
			t.Errorf("%v --help: %q", args, out)
		}
	}
}
