package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// poll servers, poll meetings, poll versions and poll all (Scalelite's poll:* tasks) and
// recordings update (recordings:update) with the real binary on both databases.
func TestPollAndRecordingsUpdateCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	eachDSN(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		env := []string{"DATABASE_URL=" + dsn, "HOME=" + t.TempDir(),
			"RECORDING_PUBLISH_DIR=" + filepath.Join(dir, "published"), "RECORDING_UNPUBLISH_DIR=" + filepath.Join(dir, "unpublished")}
		if u := os.Getenv("TEST_REDIS_URL"); u != "" {
			env = append(env, "REDIS_URL="+u, "REDIS_NAMESPACE="+randomNamespace())
		}
		c := &cliEnv{t: t, bin: bin, env: env}
		c.ok("migrate", "up")
		pollScenario(t, c, dsn)
		recordingsUpdateScenario(t, c, dsn, dir)
	})
}

// eachDSN runs fn as the subtests "sqlite" and "postgres", each with a fresh database's DSN.
func eachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+filepath.Join(t.TempDir(), "scalelite.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, dbtest.PostgresDSN(t)) })
}

func pollScenario(t *testing.T, c *cliEnv, dsn string) {
	ctx := context.Background()
	sim, err := bbbsim.Start(ctx, 2, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	var ids []string
	for _, s := range sim.Servers() {
		id := strings.TrimSpace(strings.TrimPrefix(c.ok("servers", "add", s.URL(), s.Secret()), "OK\nid: "))
		c.ok("servers", "enable", id)
		ids = append(ids, id)
	}

	out := c.ok("poll", "servers")
	for _, id := range ids {
		if !strings.Contains(out, "Server id="+id+" online load: 0.0\n") {
			t.Errorf("poll servers lacks %s:\n%s", id, out)
		}
	}
	if !strings.Contains(out, "Polled 2 server(s)") {
		t.Errorf("poll servers:\n%s", out)
	}
	var servers struct {
		Servers, Failed int
		Status          []struct {
			ID     string
			Online bool
			Load   *float64
		}
	}
	if err := json.Unmarshal([]byte(c.ok("poll", "servers", "--json")), &servers); err != nil || servers.Servers != 2 || len(servers.Status) != 2 ||
		!servers.Status[0].Online || servers.Status[0].Load == nil {
		t.Errorf("poll servers --json: %+v %v", servers, err)
	}

	// A meeting in our records, placed an hour ago, that its server does not have.
	store, err := db.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	store.Now = func() time.Time { return time.Now().Add(-time.Hour) }
	req := scalelitetest.PlaceRequest("vanished", "")
	if _, err := store.PlaceMeeting(ctx, req); err != nil {
		t.Fatal(err)
	}
	var meetings struct {
		Servers, Failed int
		Ended           []struct{ MeetingID, ServerID string }
	}
	if err := json.Unmarshal([]byte(c.ok("poll", "meetings", "--json")), &meetings); err != nil || meetings.Servers != 2 ||
		len(meetings.Ended) != 1 || meetings.Ended[0].MeetingID != "vanished" {
		t.Errorf("poll meetings --json: %+v %v", meetings, err)
	}
	if _, err := store.Meeting(ctx, "vanished"); !scalelite.IsNotFound(err) {
		t.Errorf("vanished still running: %v", err)
	}
	if out := c.ok("poll", "meetings"); !strings.Contains(out, "Asked 2 server(s)") || !strings.Contains(out, "0 meeting(s) ended") {
		t.Errorf("poll meetings:\n%s", out)
	}

	sim.Servers()[1].SetDown(true)
	out = c.ok("poll", "versions")
	if !strings.Contains(out, "Server id="+ids[0]+" bbb version: 3.0.19\n") || !strings.Contains(out, "Server id="+ids[1]+" failed: ") ||
		!strings.Contains(out, "Read 2 server(s): 1 failed") {
		t.Errorf("poll versions:\n%s", out)
	}
	var versions []struct{ ServerID, BBBVersion, Error string }
	if err := json.Unmarshal([]byte(c.ok("poll", "versions", "--json")), &versions); err != nil || len(versions) != 2 {
		t.Errorf("poll versions --json: %+v %v", versions, err)
	}
	if srv, err := store.Server(ctx, ids[0]); err != nil || srv.BBBVersion != "3.0.19" {
		t.Errorf("stored version: %+v %v", srv, err)
	}
	if out := c.ok("poll", "all"); !strings.Contains(out, "Polled 2 server(s)") || !strings.Contains(out, "HOSTNAME") {
		t.Errorf("poll all:\n%s", out)
	}
	if r := c.run("", "poll", "everything"); r.code != 2 {
		t.Errorf("poll everything: exit %d %q", r.code, r.stderr)
	}
}

func recordingsUpdateScenario(t *testing.T, c *cliEnv, dsn, dir string) {
	ctx := context.Background()
	store, err := db.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	id := "0123456789abcdef0123456789abcdef01234567-1700000000000"
	rec := &scalelite.Recording{RecordID: id, MeetingID: "m", State: scalelite.RecordingUnpublished,
		Formats: []scalelite.PlaybackFormat{{Format: "presentation", URL: "/playback/presentation/2.3/" + id}}}
	if _, err := store.UpsertRecording(ctx, rec); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(dir, "published", "presentation", id)
	if err := os.MkdirAll(stray, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stray, "index.html"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The unpublish directory cannot be made: the move fails, exit status 1.
	if err := os.WriteFile(filepath.Join(dir, "unpublished"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := c.run("", "recordings", "update")
	if r.code != 1 || !strings.Contains(r.stdout, "presentation/"+id+": FAILED") || !strings.Contains(r.stdout, "1 failed") {
		t.Errorf("failing update: %+v", r)
	}
	os.Remove(filepath.Join(dir, "unpublished"))

	out := c.ok("recordings", "update")
	if !strings.Contains(out, "presentation/"+id+": moved to the unpublished directory\n") ||
		!strings.Contains(out, "Checked 1 recording(s): 1 moved, 0 stale copies removed, 0 missing, 0 failed") {
		t.Errorf("recordings update:\n%s", out)
	}
	mustBeFile(t, filepath.Join(dir, "unpublished", "presentation", id, "index.html"))
	var res struct {
		Summary struct{ Recordings, Moved int }
		Changes []any
	}
	if err := json.Unmarshal([]byte(c.ok("recordings", "update", "--json")), &res); err != nil || res.Summary.Recordings != 1 ||
		res.Summary.Moved != 0 || len(res.Changes) != 0 {
		t.Errorf("second update --json: %+v %v", res, err)
	}
	if !regexp.MustCompile(`recordings:update`).MatchString(c.ok("recordings", "update", "--help")) {
		t.Error("recordings update --help")
	}
}

func mustBeFile(t *testing.T, p string) {
	t.Helper()
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("%s: %v", p, err)
	}
}
