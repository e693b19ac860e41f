package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/bbbfacade"
	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/server"
)

const benchSecret = "bench-secret"

// balancer is the api role in this process: the real server engine with the BBB API mounted.
type balancer struct {
	URL      string
	Store    *db.DB
	Sim      *bbbsim.Sim
	Handler  *bbbfacade.Handler
	Meetings *scalelite.MeetingService
	// Engine is the server's handler (what URL serves), for in-process benchmarks.
	Engine http.Handler
	close  []func()
}

func (b *balancer) Close() {
	for i := len(b.close) - 1; i >= 0; i-- {
		b.close[i]()
	}
}

// startBalancer opens the store (a fresh database: a temporary SQLite file for "", or a new
// database created on the PostgreSQL server of dsn and dropped afterwards), registers n simulated
// servers and serves the API on 127.0.0.1. redisURL, when set, puts the client-side cached store
// in front of the database, as production does.
func startBalancer(ctx context.Context, dsn, redisURL string, n int) (*balancer, error) {
	b := &balancer{}
	ok := false
	defer func() {
		if !ok {
			b.Close()
		}
	}()
	dsn, drop, err := freshDatabase(ctx, dsn)
	if err != nil {
		return nil, err
	}
	b.close = append(b.close, drop)
	store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	b.close = append(b.close, func() { store.Close() })
	if err := store.Migrate(ctx, "up"); err != nil {
		return nil, err
	}
	b.Store = store
	sim, err := bbbsim.Start(ctx, n, bbbsim.Options{})
	if err != nil {
		return nil, err
	}
	b.close = append(b.close, sim.Close)
	b.Sim = sim
	for i, s := range sim.Servers() {
		srv := &scalelite.Server{ID: fmt.Sprintf("bench-%03d", i+1), URL: s.URL(), Secret: s.Secret(),
			State: scalelite.ServerEnabled, Online: true, LoadMultiplier: 1}
		if err := store.CreateServer(ctx, srv); err != nil {
			return nil, err
		}
	}
	var apiStore scalelite.Store = store
	if redisURL != "" {
		rc, err := redisstore.Connect(ctx, redisURL, "bench-"+randomHex(4), slog.New(slog.DiscardHandler))
		if err != nil {
			return nil, err
		}
		b.close = append(b.close, rc.Close)
		apiStore = redisstore.NewCachedStore(rc, store, time.Minute)
	}
	meetings, closeClient, err := newMeetingService(apiStore, bbb.Timeouts{Connect: 5 * time.Second, Response: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	b.Meetings = meetings
	h, err := bbbfacade.New(bbbfacade.Config{Secrets: []string{benchSecret}},
		bbbfacade.Deps{Store: apiStore, Meetings: meetings, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	b.Handler = h
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { meetings.Run(runCtx); close(done) }()
	b.close = append(b.close, func() { cancel(); <-done; closeClient() })
	engine, err := server.New(server.Config{}, server.Deps{Logger: slog.New(slog.DiscardHandler),
		Registry: prometheus.NewRegistry(), BBBAPI: h.Register, NoRoute: bbbfacade.UnsupportedRequest})
	if err != nil {
		return nil, err
	}
	b.Engine = engine
	url, stop, err := serve(engine)
	if err != nil {
		return nil, err
	}
	b.close = append(b.close, stop)
	b.URL = url
	ok = true
	return b, nil
}

// serve runs h on a loopback port.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// signedURL is the balancer URL for action with query signed (SHA-256) by the bench secret.
func signedURL(base, action, query string) string {
	return base + bbbfacade.APIPath + "/" + action + "?" + query + "&checksum=" + bbb.Checksum(bbb.SHA256, action, query, benchSecret)
}

// freshDatabase returns the DSN of an empty database and a function that removes it.
func freshDatabase(ctx context.Context, dsn string) (string, func(), error) {
	if dsn == "" || strings.HasPrefix(dsn, "sqlite:") {
		dir, err := os.MkdirTemp("", "scalelite-bench-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("dsn: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, err
	}
	name := "scalelite_bench_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create bench database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// get fetches u and returns the body.
func get(ctx context.Context, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func init() { gin.SetMode(gin.ReleaseMode) }

// newMeetingService builds the meeting service over store as cmd/scalelite does (LOAD_MIN_USER_COUNT
// 15, a join cache of 1 s); close releases the BBB client's connections.
func newMeetingService(store scalelite.MeetingServiceStore, t bbb.Timeouts) (*scalelite.MeetingService, func(), error) {
	client := bbb.NewClient(bbb.SHA256, t)
	logger := slog.New(slog.DiscardHandler)
	svc, err := scalelite.NewMeetingService(scalelite.MeetingPolicy{LoadMinUserCount: 15}, scalelite.MeetingServiceDeps{
		Store: store, Backend: bbb.NewBackend(client, t), Logger: logger,
	})
	return svc, client.CloseIdleConnections, err
}
