package bbbfacade

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/analytics"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/clienthost"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

const testSecret = "test-lb-secret"

// simEpoch is the simulated servers' clock, so relayed documents are reproducible.
var simEpoch = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// env is a balancer over real HTTP: a gin engine with the facade's routes in an httptest server
// (behind the server's client-host resolution), simulated BBB servers, the meeting service and
// BBB client as cmd builds them, and a real store.
type env struct {
	t        *testing.T
	store    *db.DB
	sim      *bbbsim.Sim
	h        *Handler
	meetings *scalelite.MeetingService
	backend  *bbb.Backend
	health   *scalelite.PassiveHealth
	ts       *httptest.Server
	cfg      envConfig
	client   *http.Client
	now      time.Time
	// recordings serves the recording calls (newRecEnv); nil leaves them unsupported.
	recordings RecordingAPI
	// serviceStore, when set, is the meeting service's store instead of store.
	serviceStore scalelite.MeetingServiceStore
	// logger, when set, receives the facade's and the meeting service's logs.
	logger *slog.Logger
}

// envConfig is the configuration of a test balancer: the facade's, the meeting policy, the
// outbound timeouts and the trusted proxies.
type envConfig struct {
	Config
	scalelite.MeetingPolicy
	TrustedProxies []string
	Timeouts       bbb.Timeouts // of the BBB client
}

type envOption func(*envConfig)

// newEnv starts n simulated servers registered as s01..sNN (enabled, online, multiplier 1).
func newEnv(t *testing.T, store *db.DB, n int, opts ...envOption) *env {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	ctx := context.Background()
	e := &env{t: t, store: store, now: time.Now()}
	if n > 0 {
		secrets := make([]string, n)
		for i := range secrets {
			secrets[i] = fmt.Sprintf("test-%d-secret", i+1)
		}
		sim, err := bbbsim.Start(ctx, n, bbbsim.Options{Secrets: secrets, Now: func() time.Time { return simEpoch }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sim.Close)
		e.sim = sim
		for i, s := range sim.Servers() {
			srv := &scalelite.Server{ID: serverID(i), URL: s.URL(), Secret: s.Secret(), State: scalelite.ServerEnabled,
				Online: true, LoadMultiplier: 1}
			if err := store.CreateServer(ctx, srv); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.cfg = envConfig{
		Config:        Config{Secrets: []string{testSecret}},
		Timeouts:      bbb.Timeouts{Connect: 2 * time.Second, Response: 2 * time.Second},
		MeetingPolicy: scalelite.MeetingPolicy{LoadMinUserCount: 15, JoinCacheTTL: -1},
	}
	for _, o := range opts {
		o(&e.cfg)
	}
	e.start()
	e.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// start builds the BBB client, backend, meeting service and facade from e.cfg (as cmd does) and
// serves them.
func (e *env) start() {
	t := e.t
	logger := e.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client := bbb.NewClient(bbb.Strongest(e.cfg.Algorithms), e.cfg.Timeouts)
	t.Cleanup(client.CloseIdleConnections)
	e.backend = bbb.NewBackend(client, e.cfg.Timeouts)
	now := func() time.Time { return e.now }
	var store scalelite.MeetingServiceStore = e.store
	if e.serviceStore != nil {
		store = e.serviceStore
	}
	e.health = scalelite.NewPassiveHealth(time.Minute, nil, time.Now, logger)
	meetings, err := scalelite.NewMeetingService(e.cfg.MeetingPolicy, scalelite.MeetingServiceDeps{
		Store: store, Backend: e.backend, Health: e.health, LRS: bbb.NewLRSPayloads(e.cfg.Timeouts.Connect+e.cfg.Timeouts.Response, logger),
		Now: now, Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.meetings = meetings
	h, err := New(e.cfg.Config, Deps{Store: e.store, Meetings: meetings, Logger: logger, Now: now, Recordings: e.recordings,
		Analytics: analytics.NewForwarder(e.store, e.cfg.Timeouts.Connect+e.cfg.Timeouts.Response, nil, logger)})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	hosts, err := clienthost.NewResolver(e.cfg.TrustedProxies)
	if err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	engine.Use(func(c *gin.Context) {
		c.Request = c.Request.WithContext(clienthost.With(c.Request.Context(), hosts.Resolve(c.Request)))
	})
	h.Register(engine)
	engine.NoRoute(UnsupportedRequest)
	e.ts = httptest.NewServer(engine)
	t.Cleanup(e.ts.Close)
}

func serverID(i int) string { return fmt.Sprintf("s%02d", i+1) }

// bbbServer returns the simulated server registered as s0(i+1).
func (e *env) bbbServer(i int) *bbbsim.Server { return e.sim.Servers()[i] }

// signed returns the API URL for action with query signed by secret (SHA-256).
func (e *env) signed(action, query string) string {
	return e.signedWith(bbb.SHA256, testSecret, action, query)
}

func (e *env) signedWith(alg bbb.Algorithm, secret, action, query string) string {
	sum := bbb.Checksum(alg, action, query, secret)
	if query == "" {
		return e.ts.URL + APIPath + "/" + action + "?checksum=" + sum
	}
	return e.ts.URL + APIPath + "/" + action + "?" + query + "&checksum=" + sum
}

// do sends a request and returns the status, the body and the response.
func (e *env) do(method, u, contentType string, body string) (int, string, *http.Response) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp
}

// get calls action with query signed by the LB secret and returns the body (HTTP 200 expected).
func (e *env) get(action, query string) string {
	e.t.Helper()
	code, body, _ := e.do(http.MethodGet, e.signed(action, query), "", "")
	if code != http.StatusOK {
		e.t.Fatalf("%s: HTTP %d: %s", action, code, body)
	}
	return body
}

// create creates meetingID with extra params and expects SUCCESS.
func (e *env) create(meetingID, extra string) string {
	e.t.Helper()
	q := "meetingID=" + url.QueryEscape(meetingID) + "&name=Room&attendeePW=ap&moderatorPW=mp"
	if extra != "" {
		q += "&" + extra
	}
	body := e.get("create", q)
	if !strings.Contains(body, "<returncode>SUCCESS</returncode>") {
		e.t.Fatalf("create %s: %s", meetingID, body)
	}
	return body
}

func (e *env) meeting(meetingID string) *scalelite.Meeting {
	e.t.Helper()
	m, err := e.store.Meeting(context.Background(), meetingID)
	if err != nil {
		e.t.Fatalf("meeting %s: %v", meetingID, err)
	}
	return m
}

func (e *env) server(id string) *scalelite.Server {
	e.t.Helper()
	s, err := e.store.Server(context.Background(), id)
	if err != nil {
		e.t.Fatalf("server %s: %v", id, err)
	}
	return s
}

func (e *env) updateServer(id string, u scalelite.ServerUpdate) {
	e.t.Helper()
	if _, err := e.store.UpdateServer(context.Background(), id, u); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) setOnline(id string, online bool) {
	e.t.Helper()
	s := e.server(id)
	_, err := e.store.RecordPoll(context.Background(), id, scalelite.PollResult{Time: time.Now(), Online: online, Load: s.Load})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) setState(id string, st scalelite.ServerState) {
	e.updateServer(id, scalelite.ServerUpdate{State: &st})
}

// calls returns what server i received for action (decoded parameters).
func (e *env) calls(i int, action string) []bbbsim.Call { return e.bbbServer(i).CallsTo(action) }

// checkError asserts a FAILED document with key and message.
func checkError(t *testing.T, body, key, message string) {
	t.Helper()
	want := string(bbb.ErrorDocument(key, message))
	if body != want {
		t.Errorf("got\n%s\nwant\n%s", body, want)
	}
}

var portRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// golden compares got with testdata/name.golden (after masking loopback ports); -update
// rewrites the file.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = portRE.ReplaceAllString(got, "127.0.0.1:PORT")
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

// eachDB runs fn on SQLite and PostgreSQL with a fresh database each.
func eachDB(t *testing.T, fn func(t *testing.T, store *db.DB)) {
	t.Helper()
	dbtest.EachDB(t, fn)
}

// sent is what a backend call carried, without its checksum.
func sent(c bbbsim.Call) string {
	rest, _ := bbb.StripChecksum(c.RawQuery)
	return rest
}

func (e *env) setLoad(id string, load float64) {
	e.t.Helper()
	if _, err := e.store.RecordPoll(context.Background(), id, scalelite.PollResult{Time: time.Now(), Online: true, Load: load}); err != nil {
		e.t.Fatal(err)
	}
}

// dbFor returns a second fresh database of the same dialect.
func dbFor(t *testing.T, store *db.DB) *db.DB {
	if store.Dialect() == "postgres" {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t)
}
