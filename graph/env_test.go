package graph_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/graph"
	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/serversync"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/recordings"

	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// adminEnvKey plays ADMIN_API_KEY in the tests.
const adminEnvKey = "test-admin-api-key-0123456789"

// redisURL returns TEST_REDIS_URL; without it the test is skipped, or fails when
// TEST_REQUIRE_SERVICES=1.
func redisURL(t testing.TB) string {
	t.Helper()
	return scalelitetest.ServiceURL(t, "TEST_REDIS_URL")
}

// instance is one running control plane: its own Redis connection and pub/sub, services, and
// an HTTP server with the GraphQL handler, over a store shared with other instances.
type instance struct {
	t      *testing.T
	store  *db.DB
	pubsub *redisstore.PubSub
	http   *httptest.Server
	poller *poller.Poller
	keys   *scalelite.APIKeyService
	files  *recordings.Files
}

// env is a cluster under test: a store, a Redis namespace, a simulated BBB pool and a first
// instance (more can join with newInstance).
type env struct {
	*instance
	ctx      context.Context
	redisURL string
	ns       string
	sim      *bbbsim.Sim

	voiceBridge int // last voice bridge number handed out by addMeeting
}

func newEnv(t *testing.T, store *db.DB) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sim, err := bbbsim.Start(ctx, 2, bbbsim.Options{})
	if err != nil {
		t.Fatalf("start bbbsim: %v", err)
	}
	t.Cleanup(sim.Close)
	e := &env{ctx: ctx, redisURL: redisURL(t), ns: "test-graph-" + strings.ToLower(rand.Text()[:12]), sim: sim}
	e.instance = e.newInstance(t, store)
	return e
}

// newInstance starts another control-plane instance on the same store and Redis namespace.
func (e *env) newInstance(t *testing.T, store *db.DB) *instance {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	rc, err := redisstore.Connect(e.ctx, e.redisURL, e.ns, logger)
	if err != nil {
		t.Fatalf("connect redis: %v", err)
	}
	t.Cleanup(rc.Close)
	ps, err := redisstore.NewPubSub(e.ctx, rc, logger)
	if err != nil {
		t.Fatalf("redis pubsub: %v", err)
	}
	t.Cleanup(ps.Close)

	timeouts := bbb.Timeouts{Connect: 2 * time.Second, Response: 5 * time.Second}
	client := bbb.NewClient(bbb.SHA256, timeouts)
	backend := bbb.NewBackend(client, timeouts)
	servers := scalelite.NewServerService(store, backend, ps, false)
	p, err := poller.New(poller.Config{Timeouts: timeouts}, poller.Deps{Store: store, BBB: client, Publisher: ps, Logger: logger})
	if err != nil {
		t.Fatalf("poller: %v", err)
	}
	dir := t.TempDir()
	files := recordings.NewFiles(filepath.Join(dir, "published"), filepath.Join(dir, "unpublished"))
	keys := scalelite.NewAPIKeyService(store, store, adminEnvKey)
	history := loadhistory.NewRecorder(logger, nil) // fed from this instance's pub/sub, as in serve
	go func() { _ = history.Run(e.ctx, ps) }()
	meetings, err := scalelite.NewMeetingService(scalelite.MeetingPolicy{}, scalelite.MeetingServiceDeps{
		Store: store, Backend: backend, Events: ps, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := graph.New(graph.Deps{
		Store:            store,
		ServerService:    servers,
		ServerSyncer:     &serversync.Syncer{Servers: servers},
		Poller:           p,
		TenantService:    scalelite.NewTenantService(store),
		MeetingService:   meetings,
		RecordingService: recordings.NewService(recordings.ServiceDeps{Store: store, Files: files, Publisher: ps, Logger: logger}),
		APIKeyService:    keys,
		Events:           ps,
		Logger:           logger,
		LoadHistory:      history,
		DialIn:           model.DialInSettings{Path: "/fsapi", Authenticated: true, MaxDurationMinutes: 90, PinMinDigits: 5, PinMaxDigits: 10, VoiceBridgeLength: 9},
	})
	h := graph.NewHandler(r, graph.HandlerOptions{AllowedOrigins: []string{"console.example.com"}, KeepAlive: time.Second})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &instance{t: t, store: store, pubsub: ps, http: srv, poller: p, keys: keys, files: files}
}

// key creates an API key with scope and returns it.
func (in *instance) key(scope scalelite.Scope, name string) string {
	in.t.Helper()
	k, err := in.keys.Create(context.Background(), name, scope)
	if err != nil {
		in.t.Fatalf("create key %s: %v", scope, err)
	}
	return k.Key
}

// gqlError is one error of a GraphQL answer.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResult is a GraphQL answer over HTTP.
type gqlResult struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// code returns the extensions.code of the first error ("" when none).
func (r gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// codes returns every error's path and code, e.g. "servers.0.secret=FORBIDDEN".
func (r gqlResult) codes() []string {
	var out []string
	for _, e := range r.Errors {
		var parts []string
		for _, p := range e.Path {
			b, _ := json.Marshal(p)
			parts = append(parts, strings.Trim(string(b), `"`))
		}
		c, _ := e.Extensions["code"].(string)
		out = append(out, strings.Join(parts, ".")+"="+c)
	}
	return out
}

// post sends one operation with POST and an Authorization: Bearer header (none for "").
func (in *instance) post(key, query string, vars map[string]any) gqlResult {
	in.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, in.http.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return in.do(req)
}

func (in *instance) do(req *http.Request) gqlResult {
	in.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		in.t.Fatalf("graphql request: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	res := gqlResult{Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &res); err != nil {
		in.t.Fatalf("graphql answer (HTTP %d) is not JSON: %v\n%s", resp.StatusCode, err, raw)
	}
	return res
}

// must runs an operation that must succeed and decodes its data into out (may be nil).
func (in *instance) must(key, query string, vars map[string]any, out any) {
	in.t.Helper()
	res := in.post(key, query, vars)
	if res.Status != http.StatusOK || len(res.Errors) > 0 {
		in.t.Fatalf("operation failed: HTTP %d, errors %+v\n%s", res.Status, res.Errors, query)
	}
	if out != nil {
		if err := json.Unmarshal(res.Data, out); err != nil {
			in.t.Fatalf("decode data: %v\n%s", err, res.Data)
		}
	}
}

// fails runs an operation that must fail with code and returns the answer.
func (in *instance) fails(key, query string, vars map[string]any, code string) gqlResult {
	in.t.Helper()
	res := in.post(key, query, vars)
	if res.code() != code {
		in.t.Fatalf("errors %+v (data %s), want code %s\n%s", res.Errors, res.Data, code, query)
	}
	return res
}

// addServer stores a server for sim server i, enabled and online as after a poll.
func (e *env) addServer(i int, id, tag string) *scalelite.Server {
	e.t.Helper()
	sim := e.sim.Servers()[i]
	srv := &scalelite.Server{ID: id, URL: sim.URL(), Secret: sim.Secret(), Tag: tag, State: scalelite.ServerEnabled, LoadMultiplier: 1}
	if err := e.store.CreateServer(e.ctx, srv); err != nil {
		e.t.Fatalf("create server: %v", err)
	}
	if _, err := e.store.RecordPoll(e.ctx, id, scalelite.PollResult{Time: time.Now(), Online: true, Load: 3, Meetings: 2, Users: 7, LargestMeeting: 5, Videos: 1, BBBVersion: "3.0.19"}); err != nil {
		e.t.Fatalf("record poll: %v", err)
	}
	got, err := e.store.Server(e.ctx, id)
	if err != nil {
		e.t.Fatalf("server: %v", err)
	}
	return got
}

// addMeeting places a meeting of tenantID ("" for none) on serverID.
func (e *env) addMeeting(meetingID, tenantID, serverID string) *scalelite.Meeting {
	e.t.Helper()
	e.voiceBridge++
	res, err := scalelitetest.PlaceOn(e.ctx, e.store, scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{MeetingID: meetingID, TenantID: tenantID, Name: "Meeting " + meetingID,
			ModeratorPW: "mp-" + meetingID, AttendeePW: "ap-" + meetingID, CreateQuery: "meetingID=" + meetingID},
		VoiceBridges: scalelite.VoiceBridgeRequest{Keep: strconv.Itoa(70000 + e.voiceBridge)},
		Reservation:  1,
	}, serverID)
	if err != nil {
		e.t.Fatalf("place meeting %s: %v", meetingID, err)
	}
	return res.Meeting
}

// addRecording indexes a published recording of tenantID ("" for none) with presentation
// files on disk, so that publish and delete have files to move.
func (e *env) addRecording(recordID, meetingID, tenantID string, start time.Time) *scalelite.Recording {
	e.t.Helper()
	meta := map[string]string{"meetingName": "Meeting " + meetingID, "isBreakout": "false"}
	if tenantID != "" {
		meta["tenant-id"] = tenantID
	}
	end := start.Add(30 * time.Minute)
	rec, err := e.store.UpsertRecording(e.ctx, &scalelite.Recording{
		RecordID: recordID, MeetingID: meetingID, Name: "Meeting " + meetingID, State: scalelite.RecordingPublished,
		Published: true, StartTime: &start, EndTime: &end, Metadata: meta,
		Formats: []scalelite.PlaybackFormat{{Format: "presentation", URL: "/playback/presentation/2.3/" + recordID, Length: 30,
			Thumbnails: []scalelite.Thumbnail{{Width: 176, Height: 136, Alt: "slide", URL: "/thumb-1.png", Sequence: 0}}}},
	})
	if err != nil {
		e.t.Fatalf("upsert recording: %v", err)
	}
	dir := e.files.Path("presentation", recordID, true)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata.xml"), []byte("<recording/>"), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return rec
}

// addTenant creates a tenant directly in the store.
func (e *env) addTenant(name string) *scalelite.Tenant {
	e.t.Helper()
	t, err := scalelite.NewTenantService(e.store).Add(e.ctx, name, name+"-secret-1:"+name+"-secret-2")
	if err != nil {
		e.t.Fatalf("add tenant: %v", err)
	}
	return t
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
