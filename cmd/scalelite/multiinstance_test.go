package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// pollInterval of the multi-instance test: longer than the leases' validity (5 s), so that a
// standby taking over "within one interval" is a real bound, as with Scalelite's 60 s.
const pollInterval = 10 * time.Second

// proc is one scalelite process of the multi-instance test.
type proc struct {
	name           string
	cmd            *exec.Cmd
	stdout, stderr *output
	ended          chan error // closed when the process has exited (err then holds Wait's error)
	err            error
	base, metrics  string // http URLs of the api and of the metrics listener
}

var (
	servingRe = regexp.MustCompile(`serving \S+ on (http://\S+)`)
	metricsRe = regexp.MustCompile(`metrics and health on (http://\S+)`)
)

// cluster is a PostgreSQL database, a Redis namespace, simulated BBB servers and the shared
// recording directories, with the processes started on them.
type cluster struct {
	t     *testing.T
	bin   string
	env   []string
	vars  map[string]string
	sim   *bbbsim.Sim
	procs []*proc
}

func newCluster(t *testing.T) *cluster {
	dir := t.TempDir()
	vars := map[string]string{
		"DATABASE_URL":        dbtest.PostgresDSN(t),
		"REDIS_URL":           testRedisURL(t),
		"REDIS_NAMESPACE":     redisNamespace(),
		"LOADBALANCER_SECRET": "multi-instance-secret",
		"ADMIN_API_KEY":       "multi-instance-admin-key",
		"BIND":                "127.0.0.1",
		"PORT":                "0",
		"METRICS_BIND":        "127.0.0.1:0",
		"POLL_INTERVAL":       strconv.Itoa(int(pollInterval.Seconds())),
		// Rescan the spool every second: the standby importer starts at once anyway.
		"RECORDING_IMPORT_POLL_INTERVAL": "1",
		"RECORDING_SPOOL_DIR":            filepath.Join(dir, "spool"),
		"RECORDING_WORK_DIR":             filepath.Join(dir, "work"),
		"RECORDING_PUBLISH_DIR":          filepath.Join(dir, "published"),
		"RECORDING_UNPUBLISH_DIR":        filepath.Join(dir, "unpublished"),
		"SCALELITE_DATA_DIR":             filepath.Join(dir, "data"),
		"HOME":                           dir,
	}
	c := &cluster{t: t, bin: scaleliteBinary(t), vars: vars}
	for k, v := range vars {
		c.env = append(c.env, k+"="+v)
	}
	sim, err := bbbsim.Start(context.Background(), 3, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c.sim = sim
	c.cli("migrate", "up")
	for _, s := range sim.Servers() {
		id := regexp.MustCompile(`id: (\S+)`).FindStringSubmatch(c.cli("servers", "add", s.URL(), s.Secret()))
		if id == nil {
			t.Fatal("servers add printed no id")
		}
		c.cli("servers", "enable", id[1])
	}
	c.cli("poll")
	return c
}

// cli runs an operator command to completion.
func (c *cluster) cli(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			c.t.Fatalf("scalelite %v: %v\n%s", args, err, ee.Stderr)
		}
		c.t.Fatal(err)
	}
	return string(out)
}

// start runs `scalelite serve --roles ROLES` and waits until it listens.
func (c *cluster) start(name, roles string) *proc {
	c.t.Helper()
	p := startProcess(c.t, name, c.bin, c.env, "serve", "--roles", roles)
	if strings.Contains(roles, "api") {
		p.base = p.stdout.wait(c.t, servingRe, p.ended)[1]
	}
	p.metrics = p.stdout.wait(c.t, metricsRe, p.ended)[1]
	c.procs = append(c.procs, p)
	return p
}

// startProcess runs the binary; the test's cleanup kills it if it still runs, and logs its
// stderr when the test failed.
func startProcess(t *testing.T, name, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, stdout: newOutput(), stderr: newOutput(), ended: make(chan error)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.ended)
	}()
	t.Cleanup(func() {
		select {
		case <-p.ended:
		default:
			p.cmd.Process.Kill()
			<-p.ended
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", p.name, p.stderr)
		}
	})
	return p
}

// stop sends sig and waits for the process to end; it returns the process's exit error.
func (p *proc) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.ended:
		return p.err
	case <-time.After(time.Minute):
		t.Fatalf("%s did not stop within a minute after %v", p.name, sig)
	}
	return nil
}

// gauge reads one unlabelled series from the process's metrics listener (-1 when absent or
// the process does not answer).
func (p *proc) gauge(name string) float64 {
	resp, err := http.Get(p.metrics + "/metrics")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// holder returns the process holding the lease whose gauge is named, waiting up to timeout.
func holder(t *testing.T, gauge string, timeout time.Duration, procs ...*proc) *proc {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, p := range procs {
			if p.gauge(gauge) == 1 {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no process holds %s after %s", gauge, timeout)
	return nil
}

func (c *cluster) call(base, action string, p scalelite.Params) (*http.Response, string) {
	c.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(signedURL(base+"/bigbluebutton/api", action, p, c.vars["LOADBALANCER_SECRET"]))
	if err != nil {
		c.t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestMultiInstance proves the scale-out claims with real processes on loopback: three api
// processes, two pollers and two importers (a holder and a standby each), one PostgreSQL
// database and one Redis namespace.
func TestMultiInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("starts seven processes")
	}
	c := newCluster(t)
	apis := []*proc{c.start("api-1", "api"), c.start("api-2", "api"), c.start("api-3", "api")}
	pollers := []*proc{c.start("poller-1", "poller"), c.start("poller-2", "poller")}
	importers := []*proc{c.start("importer-1", "importer"), c.start("importer-2", "importer")}

	t.Run("creates of one meeting on every instance land on one server", func(t *testing.T) {
		create := scalelite.Params{{Key: "meetingID", Value: "burst"}, {Key: "name", Value: "Burst"}, {Key: "moderatorPW", Value: "mp"}}
		var wg sync.WaitGroup
		ids := make([]string, 12)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, body := c.call(apis[i%3].base, "create", create)
				if m := regexp.MustCompile(`<internalMeetingID>([^<]+)<`).FindStringSubmatch(body); m != nil {
					ids[i] = m[1]
				} else {
					t.Errorf("create %d on %s: %s", i, apis[i%3].name, body)
				}
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Errorf("internal meeting ids differ: %v", ids)
				break
			}
		}
		on := 0
		for _, s := range c.sim.Servers() {
			if _, ok := s.Meeting("burst"); ok {
				on++
			}
		}
		if on != 1 {
			t.Errorf("the meeting runs on %d servers, want 1", on)
		}
	})

	t.Run("a join on any instance right after a create on another", func(t *testing.T) {
		for i := range 3 {
			id := fmt.Sprintf("join-%d", i)
			if _, body := c.call(apis[i].base, "create", scalelite.Params{{Key: "meetingID", Value: id}, {Key: "name", Value: id}, {Key: "moderatorPW", Value: "mp"}}); !strings.Contains(body, "SUCCESS") {
				t.Fatalf("create: %s", body)
			}
			var hosts []string
			for j := 1; j <= 2; j++ {
				resp, body := c.call(apis[(i+j)%3].base, "join", scalelite.Params{{Key: "meetingID", Value: id}, {Key: "fullName", Value: "U"}, {Key: "password", Value: "mp"}})
				loc, _ := url.Parse(resp.Header.Get("Location"))
				if resp.StatusCode != http.StatusFound || loc == nil {
					t.Fatalf("join on %s right after create on %s: %d %s", apis[(i+j)%3].name, apis[i].name, resp.StatusCode, body)
				}
				hosts = append(hosts, loc.Host)
			}
			if hosts[0] != hosts[1] {
				t.Errorf("joins of %s sent to %v", id, hosts)
			}
		}
	})

	t.Run("a subscription on one instance sees the poller process's polls", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*pollInterval)
		defer cancel()
		conn := subscribe(t, ctx, apis[0].base, c.vars["ADMIN_API_KEY"], `subscription { serverLoad { id online } }`)
		defer conn.CloseNow()
		_, msg, err := conn.Read(ctx)
		if err != nil || !strings.Contains(string(msg), `"type":"next"`) || !strings.Contains(string(msg), `"online":true`) {
			t.Fatalf("no serverLoad event on api-1 within %s: %q %v", 3*pollInterval, msg, err)
		}
	})

	t.Run("killing the poller holder hands over within one interval", func(t *testing.T) {
		dead := holder(t, "scalelite_poller_lease_held", 2*pollInterval, pollers...)
		standby := pollers[0]
		if standby == dead {
			standby = pollers[1]
		}
		before := standby.gauge("scalelite_poller_last_round_timestamp_seconds")
		killed := time.Now()
		dead.stop(t, syscall.SIGKILL)
		for standby.gauge("scalelite_poller_last_round_timestamp_seconds") <= before {
			if time.Since(killed) > pollInterval {
				t.Fatalf("the standby poller did not poll within %s of the holder's death", pollInterval)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("poller handover after SIGKILL: %s (POLL_INTERVAL %s)", time.Since(killed).Round(10*time.Millisecond), pollInterval)

		// A graceful stop gives the lease up at once: a new standby takes over well before
		// the lease's validity (5 s) would let it.
		next := c.start("poller-3", "poller")
		before = next.gauge("scalelite_poller_last_round_timestamp_seconds")
		stopped := time.Now()
		if err := standby.stop(t, syscall.SIGTERM); err != nil {
			t.Errorf("SIGTERM: poller exited with %v", err)
		}
		for next.gauge("scalelite_poller_last_round_timestamp_seconds") <= before {
			if time.Since(stopped) > 4*time.Second {
				t.Fatalf("after a graceful stop the standby waited more than 4 s for the lease")
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("poller handover after SIGTERM: %s", time.Since(stopped).Round(10*time.Millisecond))
	})

	t.Run("an importer killed mid-archive is taken over and loses nothing", func(t *testing.T) {
		dead := holder(t, "scalelite_importer_lease_held", 2*pollInterval, importers...)
		recordID, size := c.killImporterMidArchive(t, dead)
		deadline := time.Now().Add(time.Minute)
		for {
			_, body := c.call(apis[1].base, "getRecordings", scalelite.Params{{Key: "recordID", Value: recordID}})
			if strings.Contains(body, "<recordID>"+recordID+"</recordID>") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the recording was not imported by the standby within a minute: %s", body)
			}
			time.Sleep(200 * time.Millisecond)
		}
		fi, err := os.Stat(filepath.Join(c.vars["RECORDING_PUBLISH_DIR"], "presentation", recordID, "video", "webcams.webm"))
		if err != nil || fi.Size() != size {
			t.Errorf("published webcams: %v, want %d bytes", err, size)
		}
		for _, dir := range []string{c.vars["RECORDING_SPOOL_DIR"], filepath.Join(c.vars["RECORDING_SPOOL_DIR"], ".importing"), filepath.Join(c.vars["RECORDING_SPOOL_DIR"], "failed")} {
			if left, _ := filepath.Glob(filepath.Join(dir, "*.tar")); len(left) != 0 {
				t.Errorf("archives left in %s: %v", dir, left)
			}
		}
	})

	t.Run("every series the dashboard and the alert rules read is exported", func(t *testing.T) {
		exported := map[string]bool{}
		for _, p := range c.procs {
			resp, err := http.Get(p.metrics + "/metrics")
			if err != nil {
				continue // stopped above
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, m := range regexp.MustCompile(`(?m)^# TYPE (scalelite_\w+)`).FindAllSubmatch(b, -1) {
				exported[string(m[1])] = true
			}
		}
		// Series that exist only after an event this test does not cause.
		exported["scalelite_poller_poll_failures_total"] = true
		for _, file := range []string{"../../docker/monitoring/alerts.yaml", "../../docker/monitoring/grafana-dashboard.json"} {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range regexp.MustCompile(`scalelite_[a-z_]+`).FindAllString(string(b), -1) {
				base := regexp.MustCompile(`_(bucket|count|sum)$`).ReplaceAllString(name, "")
				if !exported[name] && !exported[base] {
					t.Errorf("%s reads %s, which no process exports", filepath.Base(file), name)
				}
			}
		}
	})

	t.Run("SIGTERM drains in-flight requests and hands the lease over at once", func(t *testing.T) {
		// A process with the api and poller roles holds the poller lease; a poller waits.
		both := c.start("api-poller", "api,poller")
		current := holder(t, "scalelite_poller_lease_held", 2*pollInterval, c.procs...)
		if current != both {
			current.stop(t, syscall.SIGTERM)
		}
		holder(t, "scalelite_poller_lease_held", 2*pollInterval, both)
		standby := c.start("poller-4", "poller")

		for _, s := range c.sim.Servers() {
			s.SetDelay(3 * time.Second)
		}
		defer func() {
			for _, s := range c.sim.Servers() {
				s.SetDelay(0)
			}
		}()
		type result struct {
			body string
			err  error
		}
		res := make(chan result, 1)
		go func() {
			resp, err := http.Get(signedURL(both.base+"/bigbluebutton/api", "getMeetingInfo", scalelite.Params{{Key: "meetingID", Value: "burst"}}, c.vars["LOADBALANCER_SECRET"]))
			if err != nil {
				res <- result{err: err}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			res <- result{body: string(b)}
		}()
		time.Sleep(300 * time.Millisecond) // the request is waiting for the BBB server
		stopped := time.Now()
		if err := both.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		// The lease passes while the request is still being answered.
		for standby.gauge("scalelite_poller_lease_held") != 1 {
			if time.Since(stopped) > 2*time.Second {
				t.Fatal("the standby poller did not get the lease within 2 s of the holder's SIGTERM")
			}
			time.Sleep(20 * time.Millisecond)
		}
		select {
		case r := <-res:
			t.Errorf("the lease passed only after the in-flight request ended (%q)", r.body)
		default:
			t.Logf("lease handed over %s after SIGTERM, the request still in flight", time.Since(stopped).Round(10*time.Millisecond))
		}
		r := <-res
		if r.err != nil || !strings.Contains(r.body, "<returncode>SUCCESS</returncode>") {
			t.Errorf("the in-flight getMeetingInfo: %v %q", r.err, r.body)
		}
		<-both.ended
		if both.err != nil {
			t.Errorf("api-poller exited with %v after SIGTERM", both.err)
		}
		if _, err := http.Get(both.base + "/healthz"); err == nil {
			t.Errorf("api-poller still answers after its shutdown")
		}
	})
}

// killImporterMidArchive drops a large archive into the spool and SIGKILLs the importer as soon
// as it has claimed the archive, while it is extracting it. It retries with a larger archive
// when the import was faster than the kill. It returns the recording id and the webcams size.
func (c *cluster) killImporterMidArchive(t *testing.T, importer *proc) (string, int64) {
	t.Helper()
	spool := c.vars["RECORDING_SPOOL_DIR"]
	size := int64(128 << 20)
	for attempt := 1; ; attempt++ {
		recordID := fmt.Sprintf("%040x-%d", attempt, 1700000000000+attempt)
		staging := filepath.Join(t.TempDir(), recordID+".tar")
		f, err := os.Create(staging)
		if err != nil {
			t.Fatal(err)
		}
		writePresentationArchive(t, f, recordID, "imported", io.LimitReader(zeros{}, size), size)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Minute) // settled: the importer takes it at once
		os.Chtimes(staging, old, old)
		claimed := filepath.Join(spool, ".importing", recordID+".tar")
		if err := os.Rename(staging, filepath.Join(spool, recordID+".tar")); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * pollInterval)
		for {
			if _, err := os.Stat(claimed); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the importer did not claim the archive within %s", 2*pollInterval)
			}
			time.Sleep(2 * time.Millisecond)
		}
		importer.stop(t, syscall.SIGKILL)
		if _, err := os.Stat(claimed); err == nil {
			t.Logf("importer killed mid-archive (attempt %d, %d MiB)", attempt, size>>20)
			return recordID, size
		}
		if attempt == 3 {
			t.Skip("the importer finished every archive before it could be killed; nothing to take over")
		}
		importer = c.start(fmt.Sprintf("importer-retry-%d", attempt), "importer")
		holder(t, "scalelite_importer_lease_held", 2*pollInterval, importer)
		size *= 2
	}
}

// zeros is an endless reader of zero bytes (the bulk of a test archive).
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// subscribe opens a graphql-transport-ws subscription with an admin key.
func subscribe(t *testing.T, ctx context.Context, base, key, query string) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{"Authorization":"Bearer `+key+`"}}`))
	if _, msg, err := conn.Read(ctx); err != nil || !strings.Contains(string(msg), "connection_ack") {
		t.Fatalf("connection_init: %q %v", msg, err)
	}
	q, _ := json.Marshal(query)
	conn.Write(ctx, websocket.MessageText, []byte(`{"id":"1","type":"subscribe","payload":{"query":`+string(q)+`}}`))
	return conn
}
