package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestServer(t *testing.T, cfg Config, deps Deps) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	h, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, logs
}

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestHealthEndpoints(t *testing.T) {
	dbErr := errors.New("connection refused")
	tests := []struct {
		name       string
		checks     []Check
		path       string
		wantStatus int
		wantBody   string
	}{
		{"healthz", nil, "/healthz", 200, `{"status":"ok"}`},
		{"healthz ignores checks", []Check{{"database", func(context.Context) error { return dbErr }}}, "/healthz", 200, `{"status":"ok"}`},
		{"readyz ok", []Check{{"database", func(context.Context) error { return nil }}, {"redis", func(context.Context) error { return nil }}}, "/readyz", 200, `{"checks":{"database":"ok","redis":"ok"},"status":"ready"}`},
		{"readyz failing", []Check{{"database", func(context.Context) error { return dbErr }}, {"redis", func(context.Context) error { return nil }}}, "/readyz", 503, `{"checks":{"database":"connection refused","redis":"ok"},"status":"unavailable"}`},
		{"health_check ok", []Check{{"database", func(context.Context) error { return nil }}}, "/health_check", 200, "success"},
		{"health_check failing is still 200", []Check{{"database", func(context.Context) error { return dbErr }}}, "/health_check", 200, "Health Check Failure: database: connection refused"},
		{"root is a health check", nil, "/", 200, "success"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := newTestServer(t, Config{}, Deps{Checks: tc.checks})
			resp, body := get(t, ts.URL+tc.path, nil)
			if resp.StatusCode != tc.wantStatus || body != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestReadyzCheckTimesOutWithRequest(t *testing.T) {
	blocked := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }
	ts, _ := newTestServer(t, Config{}, Deps{Checks: []Check{{"redis", blocked}}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/readyz", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want the request to end with the client", resp.StatusCode)
	}
}

func TestRequestID(t *testing.T) {
	ts, logs := newTestServer(t, Config{}, Deps{})
	resp, _ := get(t, ts.URL+"/healthz", http.Header{"X-Request-Id": {"abc-123"}})
	if got := resp.Header.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("echoed id = %q, want abc-123", got)
	}
	if !strings.Contains(logs.String(), "request_id=abc-123") {
		t.Errorf("access log lacks the request id:\n%s", logs)
	}
	resp, _ = get(t, ts.URL+"/healthz", http.Header{"X-Request-Id": {"bad id\twith spaces"}})
	if got := resp.Header.Get("X-Request-Id"); len(got) != 24 || strings.Contains(got, " ") {
		t.Errorf("generated id = %q, want 24 hex characters", got)
	}
}

func TestAccessLogOmitsQuery(t *testing.T) {
	ts, logs := newTestServer(t, Config{}, Deps{BBBAPI: func(r gin.IRouter) {
		r.GET("/bigbluebutton/api/join", func(c *gin.Context) { c.String(200, "ok") })
	}})
	get(t, ts.URL+"/bigbluebutton/api/join?password=hunter2&checksum=abc", nil)
	out := logs.String()
	if !strings.Contains(out, "route=/bigbluebutton/api/join") || strings.Contains(out, "hunter2") {
		t.Errorf("want the route logged without the query:\n%s", out)
	}
}

func TestRecovery(t *testing.T) {
	ts, logs := newTestServer(t, Config{}, Deps{Routes: []func(gin.IRouter){func(r gin.IRouter) {
		r.GET("/boom", func(*gin.Context) { panic("kaboom") })
	}}})
	resp, _ := get(t, ts.URL+"/boom", nil)
	if resp.StatusCode != 500 {
		t.Errorf("status = %d, want 500", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "kaboom") {
		t.Errorf("panic not logged:\n%s", logs)
	}
	if resp, _ := get(t, ts.URL+"/healthz", nil); resp.StatusCode != 200 {
		t.Errorf("server did not survive the panic: %d", resp.StatusCode)
	}
}

func TestMountsAndNoRoute(t *testing.T) {
	graphql := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "graphql "+r.Method) })
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "admin "+r.URL.Path) })
	deps := Deps{
		Mounts: []Mount{
			{Path: "/graphql", Methods: []string{"GET", "POST"}, Handler: graphql},
			{Path: "/admin/*path", Handler: admin},
		},
		NoRoute: func(c *gin.Context) { c.String(200, "unsupported") },
	}
	ts, _ := newTestServer(t, Config{}, deps)
	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string
	}{
		{"POST", "/graphql", 200, "graphql POST"},
		{"GET", "/admin/servers", 200, "admin /admin/servers"},
		{"GET", "/nope", 200, "unsupported"},
		{"DELETE", "/graphql", 200, "unsupported"},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || string(body) != tc.wantBody {
			t.Errorf("%s %s: got %d %q, want %d %q", tc.method, tc.path, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
		}
	}
}

func TestDefaultNoRouteIs404(t *testing.T) {
	ts, _ := newTestServer(t, Config{}, Deps{})
	if resp, _ := get(t, ts.URL+"/nope", nil); resp.StatusCode != 404 {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
}

func TestConflictingRoutesAreAnError(t *testing.T) {
	_, err := New(Config{}, Deps{
		Logger:   slog.New(slog.DiscardHandler),
		Registry: prometheus.NewRegistry(),
		Mounts:   []Mount{{Path: "/healthz", Handler: http.NotFoundHandler()}},
	})
	if err == nil {
		t.Fatal("want an error for a route registered twice")
	}
}

func TestNewNeedsLoggerAndRegistry(t *testing.T) {
	if _, err := New(Config{}, Deps{}); err == nil {
		t.Fatal("want an error without Logger and Registry")
	}
}

func TestMetrics(t *testing.T) {
	deps := Deps{BBBAPI: func(r gin.IRouter) {
		r.GET("/bigbluebutton/api/*action", func(c *gin.Context) {
			c.Set(RouteKey, "/bigbluebutton/api/create")
			c.Set(OutcomeKey, "checksumError")
			if c.Query("tenant") != "" {
				c.Set(TenantKey, c.Query("tenant"))
			}
			c.String(200, "<response/>")
		})
	}}
	ts, _ := newTestServer(t, Config{}, deps)
	get(t, ts.URL+"/bigbluebutton/api/create?checksum=x", nil)
	get(t, ts.URL+"/bigbluebutton/api/create?checksum=x&tenant=t1", nil)
	get(t, ts.URL+"/healthz", nil)
	get(t, ts.URL+"/missing/42", nil)
	resp, body := get(t, ts.URL+"/metrics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`scalelite_http_requests_total{code="200",method="GET",outcome="checksumError",route="/bigbluebutton/api/create",tenant=""} 1`,
		`scalelite_http_requests_total{code="200",method="GET",outcome="checksumError",route="/bigbluebutton/api/create",tenant="t1"} 1`,
		`scalelite_http_requests_total{code="200",method="GET",outcome="success",route="/healthz",tenant=""} 1`,
		`scalelite_http_requests_total{code="404",method="GET",outcome="client_error",route="unmatched",tenant=""} 1`,
		`scalelite_http_request_duration_seconds_bucket{method="GET",route="/healthz",tenant="",le="+Inf"} 1`,
		`scalelite_http_request_duration_seconds_bucket{method="GET",route="/bigbluebutton/api/create",tenant="t1",le="+Inf"} 1`,
		`scalelite_http_requests_in_flight 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A websocket connection (a GraphQL subscription) lasts as long as its client: it is counted
// as a connection, never in the request latency, request count or in-flight series.
func TestWebsocketMetrics(t *testing.T) {
	closed := make(chan struct{})
	ws := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer close(closed)
		_, _, _ = conn.Read(r.Context()) // until the client closes
		conn.CloseNow()
	})
	ts, _ := newTestServer(t, Config{}, Deps{Mounts: []Mount{{Path: "/ws", Handler: ws}}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/metrics", nil)
	for _, want := range []string{
		`scalelite_http_websocket_connections{route="/ws"} 1`,
		`scalelite_http_websocket_connections_total{route="/ws"} 1`,
		`scalelite_http_requests_in_flight 1`, // the scrape itself
	} {
		if !strings.Contains(body, want) {
			t.Errorf("while connected, metrics lack %s", want)
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")
	<-closed
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body = get(t, ts.URL+"/metrics", nil)
		if strings.Contains(body, `scalelite_http_websocket_connections{route="/ws"} 0`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{
		`scalelite_http_websocket_connections{route="/ws"} 0`,
		`scalelite_http_websocket_connection_duration_seconds_count{route="/ws"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("after closing, metrics lack %s", want)
		}
	}
	if strings.Contains(body, `route="/ws",tenant`) {
		t.Errorf("the websocket connection was counted as a request:\n%s", body)
	}
}

// The metrics listener (METRICS_BIND) answers the health endpoints and /metrics, nothing else.
func TestMetricsListener(t *testing.T) {
	reg := prometheus.NewRegistry()
	failing := Check{Name: "redis", Check: func(context.Context) error { return errors.New("connection refused") }}
	h, err := NewMetricsListener(Deps{Logger: slog.New(slog.DiscardHandler), Registry: reg, Checks: []Check{failing}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/healthz", 200, `"ok"`},
		{"/readyz", 503, `"redis":"connection refused"`},
		{"/health_check", 200, "Health Check Failure: redis: connection refused"},
		{"/metrics", 200, "go_"},
		{"/bigbluebutton/api", 404, "404"},
	}
	reg.MustRegister(prometheus.NewGoCollector())
	for _, tc := range tests {
		resp, body := get(t, ts.URL+tc.path, nil)
		if resp.StatusCode != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
			t.Errorf("GET %s: %d %.100q, want %d with %q", tc.path, resp.StatusCode, body, tc.wantStatus, tc.wantBody)
		}
	}
}

func TestHostAllowList(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		host       string
		header     http.Header
		path       string
		wantStatus int
	}{
		{"no URL_HOST allows all", Config{}, "anything.example", nil, "/", 200},
		{"exact host", Config{URLHost: "lb.example.com"}, "lb.example.com", nil, "/", 200},
		{"exact host with port", Config{URLHost: "lb.example.com"}, "lb.example.com:3000", nil, "/", 200},
		{"other host", Config{URLHost: "lb.example.com"}, "evil.example", nil, "/", 403},
		{"subdomain without multitenancy", Config{URLHost: "lb.example.com"}, "t1.lb.example.com", nil, "/", 403},
		{"subdomain with multitenancy", Config{URLHost: "lb.example.com", AllowSubdomains: true}, "t1.lb.example.com", nil, "/", 200},
		{"health_check exempt", Config{URLHost: "lb.example.com"}, "10.0.0.5", nil, "/health_check", 200},
		{"healthz exempt", Config{URLHost: "lb.example.com"}, "10.0.0.5", nil, "/healthz", 200},
		{"forwarded host from trusted proxy", Config{URLHost: "lb.example.com", TrustedProxies: []string{"127.0.0.1"}}, "backend:3000", http.Header{"X-Forwarded-Host": {"x, lb.example.com"}}, "/", 200},
		{"forwarded host from untrusted peer", Config{URLHost: "lb.example.com"}, "backend:3000", http.Header{"X-Forwarded-Host": {"lb.example.com"}}, "/", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := newTestServer(t, tc.cfg, Deps{})
			req, _ := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
			req.Host = tc.host
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
		})
	}
}

func TestTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		proxies []string
		want    string
	}{
		{"trusted loopback", []string{"127.0.0.0/8"}, "203.0.113.9"},
		{"trusted single ip", []string{"127.0.0.1"}, "203.0.113.9"},
		{"untrusted", []string{}, "127.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			ts, _ := newTestServer(t, Config{TrustedProxies: tc.proxies}, Deps{Routes: []func(gin.IRouter){func(r gin.IRouter) {
				r.GET("/ip", func(c *gin.Context) { got = c.ClientIP() })
			}}})
			get(t, ts.URL+"/ip", http.Header{"X-Forwarded-For": {"203.0.113.9"}})
			if got != tc.want {
				t.Errorf("client ip = %q, want %q", got, tc.want)
			}
		})
	}
	_, err := New(Config{TrustedProxies: []string{"not-an-ip"}}, Deps{Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry()})
	if err == nil {
		t.Error("want an error for a bad proxy")
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h, slog.New(slog.DiscardHandler)) }()

	type result struct {
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{string(b), err}
	}()
	<-started
	cancel()
	// New connections are refused once shutdown has begun; wait for that.
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if r := <-res; r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestRunReportsListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = Run(context.Background(), ln.Addr().String(), http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("Run on a busy port: %v", err)
	}
}

func TestReadyzJSONShape(t *testing.T) {
	ts, _ := newTestServer(t, Config{}, Deps{})
	_, body := get(t, ts.URL+"/readyz", nil)
	var v struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Status != "ready" {
		t.Errorf("readyz without checks = %s (%v)", body, err)
	}
}

func TestReadinessCollector(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewReadinessCollector([]Check{
		{Name: "database", Check: func(context.Context) error { return nil }},
		{Name: "redis", Check: func(context.Context) error { return errors.New("down") }},
	}, slog.New(slog.DiscardHandler)))
	ts, _ := newTestServer(t, Config{}, Deps{Registry: reg})
	_, body := get(t, ts.URL+"/metrics", nil)
	for _, want := range []string{`scalelite_readiness_check{check="database"} 1`, `scalelite_readiness_check{check="redis"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
