package webadmin_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/bbbfacade"
	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/graph"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
	"github.com/scalelite-go/scalelite/internal/serversync"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/recordings"
	"github.com/scalelite-go/scalelite/server"
	webadmin "github.com/scalelite-go/scalelite/web-admin"
)

// TestConsoleEndToEnd drives the console in headless Chromium (playwright-core, e2e/console.mjs)
// against a real balancer: the server package's gin engine with /graphql and /admin mounted as
// cmd/scalelite mounts them, a SQLite store, the in-process event broker, a poller, and three
// simulated BBB servers whose load keeps changing. It needs node, web-admin/node_modules
// (`npm ci`) and Chromium (/usr/bin/chromium, or CHROMIUM_PATH); without them it skips, or fails
// when TEST_REQUIRE_SERVICES=1.
func TestConsoleEndToEnd(t *testing.T) {
	node, chromium := e2eTools(t)
	h := startBalancer(t)

	shots := os.Getenv("E2E_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("e2e", "console.mjs"))
	cmd.Env = append(os.Environ(),
		"BASE_URL="+h.url,
		"API_KEY="+h.key,
		"BBB_SECRET="+h.bbbSecret,
		"SPARE_URL="+h.spare.URL(),
		"SPARE_SECRET="+h.spare.Secret(),
		"CHROMIUM_PATH="+chromium,
		"SCREENSHOT_DIR="+shots,
	)
	out, err := cmd.CombinedOutput()
	t.Logf("node e2e/console.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("console e2e: %v", err)
	}

	// What the browser did is in the store.
	s, err := h.store.Server(context.Background(), "bbb-1")
	if err != nil {
		t.Fatal(err)
	}
	if s.State != scalelite.ServerCordoned {
		t.Errorf("bbb-1 state = %s after the console cordoned it, want cordoned", s.State)
	}
	if _, err := h.store.Meeting(context.Background(), "e2e-api-meeting"); !scalelite.IsNotFound(err) {
		t.Errorf("the meeting the console ended still runs: %v", err)
	}
}

// e2eTools finds node, the npm dependencies and Chromium.
func e2eTools(t *testing.T) (node, chromium string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s (TEST_REQUIRE_SERVICES=1)", what)
		}
		t.Skip(what)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core")); err != nil {
		missing("web-admin/node_modules is missing: run npm ci in web-admin")
	}
	chromium = os.Getenv("CHROMIUM_PATH")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing(chromium + " is missing: apt-get install -y chromium (or set CHROMIUM_PATH)")
	}
	return node, chromium
}

// balancer is the control plane under test.
type balancer struct {
	url       string
	key       string
	bbbSecret string         // LOADBALANCER_SECRET of its BBB API
	spare     *bbbsim.Server // a simulated server not in the pool yet
	store     *db.DB
}

// e2eCapacity makes a server full at a load of 100, so that a 120-user meeting overloads it.
var e2eCapacity = scalelite.CapacityPolicy{ServerLoad: 100, MeetingUsers: 15}

// startBalancer wires a control plane as cmd/scalelite does (BBB API, GraphQL, console, load
// history) and keeps the simulated load moving: every 500 ms the users of meeting e2e-room on
// bbb-1 change and the poller runs a round, which publishes serverLoad events.
//
// The pool: bbb-1, bbb-2 and bbb-3, enabled and online, full at a load of 100. e2e-room (users
// changing) on bbb-1; e2e-seminar (12 users, tenant north) and e2e-lecture (120 users: bbb-2 is
// over capacity) on bbb-2; south-class (8 users, tenant south) and e2e-workshop (4 users) on
// bbb-3. Recordings
// e2e-recording-1, north-recording-1 (north) and south-recording-1 (south). A fourth simulated
// server (spare) is running but not in the pool.
func startBalancer(t *testing.T) *balancer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logger := slog.New(slog.DiscardHandler)
	store := dbtest.SQLite(t)

	sim, err := bbbsim.Start(ctx, 4, bbbsim.Options{})
	if err != nil {
		t.Fatalf("start bbbsim: %v", err)
	}
	broker := events.NewBroker(0)
	history := loadhistory.NewRecorder(logger, nil)
	timeouts := bbb.Timeouts{Connect: 2 * time.Second, Response: 5 * time.Second}
	client := bbb.NewClient(bbb.SHA256, timeouts)
	backend := bbb.NewBackend(client, timeouts)
	servers := scalelite.NewServerService(store, backend, broker, false)
	p, err := poller.New(poller.Config{Timeouts: timeouts}, poller.Deps{Store: store, BBB: client, Publisher: broker, Logger: logger})
	if err != nil {
		t.Fatalf("poller: %v", err)
	}
	dir := t.TempDir()
	files := recordings.NewFiles(filepath.Join(dir, "published"), filepath.Join(dir, "unpublished"))
	keys := scalelite.NewAPIKeyService(store, store, "")
	tenants := scalelite.NewTenantService(store)
	meetings, err := scalelite.NewMeetingService(scalelite.MeetingPolicy{}, scalelite.MeetingServiceDeps{
		Store: store, Backend: backend, Events: broker, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	resolver := graph.New(graph.Deps{
		Store:            store,
		ServerService:    servers,
		ServerSyncer:     &serversync.Syncer{Servers: servers},
		Poller:           p,
		TenantService:    tenants,
		MeetingService:   meetings,
		RecordingService: recordings.NewService(recordings.ServiceDeps{Store: store, Files: files, Publisher: broker, Logger: logger}),
		APIKeyService:    keys,
		Events:           broker,
		Logger:           logger,
		Capacity:         e2eCapacity,
		LoadHistory:      history,
	})
	const bbbSecret = "e2e-loadbalancer-secret-0123456789"
	facade, err := bbbfacade.New(bbbfacade.Config{Secrets: []string{bbbSecret}},
		bbbfacade.Deps{Store: store, Meetings: meetings, Logger: logger})
	if err != nil {
		t.Fatalf("bbb api: %v", err)
	}

	admin := webadmin.Handler()
	handler, err := server.New(server.Config{}, server.Deps{
		Logger:   logger,
		Registry: prometheus.NewRegistry(),
		BBBAPI:   facade.Register,
		NoRoute:  bbbfacade.UnsupportedRequest,
		Mounts: []server.Mount{
			{Path: "/graphql", Methods: []string{http.MethodGet, http.MethodPost}, Handler: graph.NewHandler(resolver, graph.HandlerOptions{})},
			{Path: "/admin", Handler: admin},
			{Path: "/admin/*path", Handler: admin},
		},
	})
	if err != nil {
		t.Fatalf("server: %v", err)
	}
	srv := httptest.NewServer(handler)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = history.Run(ctx, broker)
	}()
	north, err := tenants.Add(ctx, "north", "north-secret-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	south, err := tenants.Add(ctx, "south", "south-secret-0123456789")
	if err != nil {
		t.Fatal(err)
	}

	for i, s := range sim.Servers()[:3] {
		id := fmt.Sprintf("bbb-%d", i+1)
		if _, _, err := servers.Add(ctx, scalelite.NewServer{ID: id, URL: s.URL(), Secret: s.Secret(), State: scalelite.ServerEnabled}); err != nil {
			t.Fatalf("add %s: %v", id, err)
		}
	}
	if err := p.PollOnce(ctx); err != nil { // brings the servers online: placement needs that
		t.Fatalf("first poll: %v", err)
	}
	startMeeting(t, ctx, store, client, sim.Servers()[0], "bbb-1", "", "e2e-room", "Physics 101", 7000)
	startMeeting(t, ctx, store, client, sim.Servers()[1], "bbb-2", north.ID, "e2e-seminar", "Seminar", 7100)
	sim.Servers()[1].SetUsers("e2e-seminar", 12, 2, 4, 3)
	startMeeting(t, ctx, store, client, sim.Servers()[1], "bbb-2", "", "e2e-lecture", "Lecture hall", 7200)
	sim.Servers()[1].SetUsers("e2e-lecture", 120, 2, 40, 1)
	startMeeting(t, ctx, store, client, sim.Servers()[2], "bbb-3", south.ID, "south-class", "South class", 7300)
	sim.Servers()[2].SetUsers("south-class", 8, 1, 2, 0)
	startMeeting(t, ctx, store, client, sim.Servers()[2], "bbb-3", "", "e2e-workshop", "Workshop", 7400)
	sim.Servers()[2].SetUsers("e2e-workshop", 4, 1, 1, 0)
	addRecording(t, ctx, store, files, "e2e-recording-1", "e2e-room", "")
	addRecording(t, ctx, store, files, "north-recording-1", "e2e-seminar", north.ID)
	addRecording(t, ctx, store, files, "south-recording-1", "south-class", south.ID)
	if err := p.PollOnce(ctx); err != nil {
		t.Fatalf("second poll: %v", err)
	}
	k, err := keys.Create(ctx, "e2e-console", scalelite.ScopeAdmin)
	if err != nil {
		t.Fatalf("create key: %v", err)
	}

	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			sim.Servers()[0].SetUsers("e2e-room", 3+n%40, 1, 1, n%3)
			if err := p.PollOnce(ctx); err != nil && ctx.Err() == nil {
				t.Logf("poll: %v", err)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		srv.Close()
		sim.Close()
		broker.Close()
	})
	return &balancer{url: srv.URL, key: k.Key, bbbSecret: bbbSecret, spare: sim.Servers()[3], store: store}
}

// startMeeting creates a meeting on a simulated server and places it there in the store, as the
// BBB API's create would.
func startMeeting(t *testing.T, ctx context.Context, store *db.DB, client *bbb.Client, s *bbbsim.Server, serverID, tenantID, meetingID, name string, bridge int) {
	t.Helper()
	params := scalelite.Params{{Key: "meetingID", Value: meetingID}, {Key: "name", Value: name},
		{Key: "moderatorPW", Value: "mp"}, {Key: "attendeePW", Value: "ap"}, {Key: "voiceBridge", Value: strconv.Itoa(bridge)}}
	if _, err := client.Do(ctx, bbb.Endpoint{URL: s.URL(), Secret: s.Secret()}, "create", params, nil, nil); err != nil {
		t.Fatalf("create %s on %s: %v", meetingID, serverID, err)
	}
	_, err := scalelitetest.PlaceOn(ctx, store, scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{MeetingID: meetingID, TenantID: tenantID, Name: name, ModeratorPW: "mp", AttendeePW: "ap",
			CreateQuery: params.Encode()},
		VoiceBridges: scalelite.VoiceBridgeRequest{Keep: strconv.Itoa(bridge)},
		Reservation:  1,
	}, serverID)
	if err != nil {
		t.Fatalf("place %s: %v", meetingID, err)
	}
}

// addRecording indexes a published recording of tenantID ("" for none) with its files on disk.
func addRecording(t *testing.T, ctx context.Context, store *db.DB, files *recordings.Files, recordID, meetingID, tenantID string) {
	t.Helper()
	start := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	end := start.Add(45 * time.Minute)
	participants := 14
	_, err := store.UpsertRecording(ctx, &scalelite.Recording{
		RecordID: recordID, MeetingID: meetingID, Name: "Physics 101", State: scalelite.RecordingPublished,
		Published: true, StartTime: &start, EndTime: &end, Participants: &participants,
		Metadata: recordingMetadata(tenantID),
		Formats:  []scalelite.PlaybackFormat{{Format: "presentation", URL: "/playback/presentation/2.3/" + recordID, Length: 45}},
	})
	if err != nil {
		t.Fatalf("upsert recording: %v", err)
	}
	d := files.Path("presentation", recordID, true)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "metadata.xml"), []byte("<recording/>"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func recordingMetadata(tenantID string) map[string]string {
	m := map[string]string{"meetingName": "Physics 101", "isBreakout": "false"}
	if tenantID != "" {
		m["tenant-id"] = tenantID
	}
	return m
}

// TestAdminMountsOnServer checks the mount the lead wires in cmd/scalelite: the gin engine
// serves the console under /admin/, falls back to index.html for client routes and redirects
// /admin to /admin/.
func TestAdminMountsOnServer(t *testing.T) {
	admin := webadmin.Handler()
	handler, err := server.New(server.Config{}, server.Deps{
		Logger:   slog.New(slog.DiscardHandler),
		Registry: prometheus.NewRegistry(),
		Mounts:   []server.Mount{{Path: "/admin", Handler: admin}, {Path: "/admin/*path", Handler: admin}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		path, wantType, wantLocation string
		wantStatus                   int
	}{
		{"/admin/", "text/html; charset=utf-8", "", 200},
		{"/admin/servers/bbb-1", "text/html; charset=utf-8", "", 200},
		{"/admin", "", "/admin/", 301},
		{"/admin/assets/nope-12345678.js", "", "", 404},
	}
	for _, tt := range tests {
		resp, err := noRedirect.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.wantStatus)
		}
		if tt.wantType != "" && resp.Header.Get("Content-Type") != tt.wantType {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, resp.Header.Get("Content-Type"), tt.wantType)
		}
		if tt.wantLocation != "" && !strings.HasSuffix(resp.Header.Get("Location"), tt.wantLocation) {
			t.Errorf("%s: Location %q, want %q", tt.path, resp.Header.Get("Location"), tt.wantLocation)
		}
	}
}
