package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// limitedServer serves New's handler with lim through ServeLimited, with a BBB API route that
// reads the body, one that ignores it, and one that waits after reading it.
func limitedServer(t *testing.T, lim Limits, release <-chan struct{}) string {
	t.Helper()
	h, err := New(Config{Limits: lim}, Deps{
		Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(),
		BBBAPI: func(r gin.IRouter) {
			r.POST("/bigbluebutton/api/create", func(c *gin.Context) {
				n, err := io.Copy(io.Discard, c.Request.Body)
				if err != nil {
					c.String(http.StatusBadRequest, "body: %v", err)
					return
				}
				if release != nil {
					select {
					case <-release:
					case <-c.Request.Context().Done():
						return
					}
				}
				c.String(http.StatusOK, "read %d", n)
			})
			r.POST("/bigbluebutton/api/ignore", func(c *gin.Context) { c.String(http.StatusOK, "ignored") })
			r.POST("/bigbluebutton/api/slow", func(c *gin.Context) {
				io.Copy(io.Discard, c.Request.Body)
				select {
				case <-time.After(lim.BodyTimeout + 500*time.Millisecond):
					c.String(http.StatusOK, "done")
				case <-c.Request.Context().Done():
					c.String(http.StatusInternalServerError, "context ended: %v", context.Cause(c.Request.Context()))
				}
			})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ServeLimited(ctx, ln, h, slog.New(slog.DiscardHandler), lim) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String()
}

// trickle opens a connection that sends head (or, with body, the head and then the body) one
// byte every interval, and returns how long until the server closed it (or the cap).
func trickle(addr, head, body string, interval, limit time.Duration) time.Duration {
	start := time.Now()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0
	}
	defer c.Close()
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, c) // ends when the server closes or resets the connection
		close(closed)
	}()
	send := head + body
	if body != "" {
		if _, err := io.WriteString(c, head); err != nil {
			return time.Since(start)
		}
		send = body
	}
	for i := 0; ; i++ {
		select {
		case <-closed:
			return time.Since(start)
		case <-time.After(interval):
		}
		if time.Since(start) > limit {
			return limit
		}
		if _, err := c.Write([]byte{send[i%len(send)]}); err != nil {
			<-closed
			return time.Since(start)
		}
	}
}

// Many connections that trickle their headers or their bodies are closed by the server within
// the header timeout or the body's allowance, whether or not the handler reads the body, while
// other clients are served.
func TestTricklingConnectionsAreClosed(t *testing.T) {
	lim := Limits{ReadHeaderTimeout: time.Second, BodyTimeout: time.Second, MinBodyRate: 1024, MaxConcurrentBodies: 1000}
	base := limitedServer(t, lim, nil)
	addr := strings.TrimPrefix(base, "http://")
	const perKind = 100
	head := func(path string) string {
		return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
	}
	kinds := []struct{ name, head, body string }{
		{"headers", head("/bigbluebutton/api/create"), ""},
		{"body read", head("/bigbluebutton/api/create"), "meetingID=x&"},
		{"body ignored", head("/bigbluebutton/api/ignore"), "meetingID=x&"},
	}
	const capAt = 20 * time.Second
	var wg sync.WaitGroup
	var mu sync.Mutex
	worst := map[string]time.Duration{}
	for _, k := range kinds {
		for range perKind {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := trickle(addr, k.head, k.body, 100*time.Millisecond, capAt)
				mu.Lock()
				worst[k.name] = max(worst[k.name], d)
				mu.Unlock()
			}()
		}
	}
	time.Sleep(300 * time.Millisecond)
	resp, err := http.Post(base+"/bigbluebutton/api/create", "application/x-www-form-urlencoded", strings.NewReader("meetingID=ok"))
	if err != nil {
		t.Fatalf("a normal client during the trickle: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("a normal client during the trickle got %d", resp.StatusCode)
	}
	wg.Wait()
	// Headers: the header timeout. Bodies: 1 s plus a second per KiB received (a few bytes).
	bound := lim.ReadHeaderTimeout + lim.BodyTimeout + 2*time.Second
	for _, k := range kinds {
		t.Logf("%d connections trickling %s: the last closed after %s", perKind, k.name, worst[k.name].Round(time.Millisecond))
		if worst[k.name] > bound {
			t.Errorf("trickling %s: a connection stayed open %s, want at most %s", k.name, worst[k.name], bound)
		}
	}
}

// A body at a decent rate may take longer than BodyTimeout; a handler that runs past the body's
// deadline after reading it keeps its context.
func TestBodyDeadlineFollowsProgress(t *testing.T) {
	lim := Limits{ReadHeaderTimeout: time.Second, BodyTimeout: time.Second, MinBodyRate: 64 << 10}
	base := limitedServer(t, lim, nil)
	// 256 KiB at about 128 KiB/s: 2 s, twice BodyTimeout, within the rate.
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte("a"), 16<<10)
		for range 16 {
			pw.Write(chunk)
			time.Sleep(125 * time.Millisecond)
		}
		pw.Close()
	}()
	resp, err := http.Post(base+"/bigbluebutton/api/create", "application/octet-stream", pr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != fmt.Sprint("read ", 256<<10) {
		t.Errorf("steady upload: %d %q", resp.StatusCode, b)
	}

	resp, err = http.Post(base+"/bigbluebutton/api/slow", "application/x-www-form-urlencoded", strings.NewReader("meetingID=x"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "done" {
		t.Errorf("handler running past the body deadline: %d %q", resp.StatusCode, b)
	}
}

// Requests with a body beyond MaxConcurrentBodies wait a second, then get 503; requests without
// one are not held up.
func TestConcurrentBodiesCapped(t *testing.T) {
	lim := Limits{ReadHeaderTimeout: time.Second, BodyTimeout: 10 * time.Second, MinBodyRate: 1, MaxConcurrentBodies: 2}
	release := make(chan struct{})
	base := limitedServer(t, lim, release)
	addr := strings.TrimPrefix(base, "http://")
	// Two bodies in progress hold both slots.
	var conns []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /bigbluebutton/api/create HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
		conns = append(conns, c)
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	resp, err := http.Post(base+"/bigbluebutton/api/create", "text/plain", strings.NewReader("meetingID=x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || time.Since(start) < bodyQueueWait {
		t.Errorf("third body: %d after %s, want 503 with Retry-After after %s", resp.StatusCode, time.Since(start), bodyQueueWait)
	}
	resp, err = http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("request without a body: %v %v", resp, err)
	}
	resp.Body.Close()
	// A body that completes frees its slot while its handler still runs.
	fmt.Fprint(conns[0], "defghij")
	time.Sleep(200 * time.Millisecond)
	go func() {
		time.Sleep(200 * time.Millisecond)
		close(release)
	}()
	resp, err = http.Post(base+"/bigbluebutton/api/create", "text/plain", strings.NewReader("meetingID=x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("after a slot was freed: %d", resp.StatusCode)
	}
	line, _ := bufio.NewReader(conns[0]).ReadString('\n')
	if !strings.Contains(line, "200") {
		t.Errorf("first body's answer: %q", line)
	}
}
