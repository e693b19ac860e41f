//go:build linux

package faultsuite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// api is a BBB API client of the balancer: it signs with SHA-256 and never follows redirects.
type api struct {
	base, secret string
	http         *http.Client
}

func newAPI(base, secret string) *api {
	return &api{base: base, secret: secret, http: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// url signs action with the query q (already encoded).
func (a *api) url(action, q string) string {
	sum := sha256.Sum256([]byte(action + q + a.secret))
	if q != "" {
		q += "&"
	}
	return a.base + "/bigbluebutton/api/" + action + "?" + q + "checksum=" + hex.EncodeToString(sum[:])
}

// answer is one answer of the balancer.
type answer struct {
	status   int
	body     string
	location string
	err      error
	took     time.Duration
}

// success reports whether the answer is a BBB SUCCESS document (or, for join, a redirect).
func (a answer) success() bool {
	if a.err != nil {
		return false
	}
	if a.status == http.StatusFound {
		return a.location != ""
	}
	return a.status == http.StatusOK && strings.Contains(a.body, "<returncode>SUCCESS</returncode>")
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	body := a.body
	if len(body) > 200 {
		body = body[:200]
	}
	return fmt.Sprintf("%d %s %s", a.status, a.location, body)
}

func (a *api) get(action, q string) answer {
	start := time.Now()
	resp, err := a.http.Get(a.url(action, q))
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return answer{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), err: err, took: time.Since(start)}
}

func query(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

// create creates a meeting with passwords that carry the marker.
func (a *api) create(id string) answer {
	return a.get("create", query("meetingID", id, "name", "Room "+id, "record", "true",
		"moderatorPW", marker+"pw-mod-"+id, "attendeePW", marker+"pw-att-"+id))
}

func (a *api) join(id string) answer {
	return a.get("join", query("meetingID", id, "fullName", "Ada", "role", "MODERATOR"))
}

// result is one request of the traffic.
type result struct {
	call  string
	at    time.Time // when it was answered
	took  time.Duration
	ok    bool
	about string
}

// traffic sends a steady mix of BBB API calls (create, join, getMeetings, isMeetingRunning,
// getRecordings) from a few workers until stopped.
type traffic struct {
	api  *api
	name string

	mu       sync.Mutex
	results  []result
	meetings []string        // created with SUCCESS
	joined   map[string]bool // joined with a redirect at least once
	seq      int

	stop chan struct{}
	wg   sync.WaitGroup
}

func startTraffic(a *api, name string, workers int) *traffic {
	tr := &traffic{api: a, name: name, stop: make(chan struct{}), joined: map[string]bool{}}
	for w := range workers {
		tr.wg.Add(1)
		go tr.work(w)
	}
	return tr
}

func (tr *traffic) work(w int) {
	defer tr.wg.Done()
	rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	for {
		select {
		case <-tr.stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		tr.mu.Lock()
		known := len(tr.meetings)
		pick := ""
		if known > 0 {
			pick = tr.meetings[rng.IntN(known)]
		}
		tr.mu.Unlock()
		switch n := rng.IntN(10); {
		case n < 2 || pick == "":
			tr.mu.Lock()
			tr.seq++
			id := fmt.Sprintf("%s-%d", tr.name, tr.seq)
			tr.mu.Unlock()
			a := tr.api.create(id)
			tr.record("create", a)
			if a.success() {
				tr.mu.Lock()
				tr.meetings = append(tr.meetings, id)
				tr.mu.Unlock()
			}
		case n < 6:
			a := tr.api.join(pick)
			tr.record("join", a)
			if a.success() {
				tr.mu.Lock()
				tr.joined[pick] = true
				tr.mu.Unlock()
			}
		case n < 7:
			tr.record("getMeetings", tr.api.get("getMeetings", ""))
		case n < 9:
			tr.record("isMeetingRunning", tr.api.get("isMeetingRunning", query("meetingID", pick)))
		default:
			tr.record("getRecordings", tr.api.get("getRecordings", query("meetingID", pick)))
		}
	}
}

func (tr *traffic) record(call string, a answer) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.results = append(tr.results, result{call: call, at: time.Now(), took: a.took, ok: a.success(), about: a.String()})
}

// halt stops the workers and waits for their last requests.
func (tr *traffic) halt() {
	close(tr.stop)
	tr.wg.Wait()
}

// created returns the meetings created with SUCCESS.
func (tr *traffic) created() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.meetings...)
}

// seen returns the meetings joined at least once.
func (tr *traffic) seen() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var out []string
	for id := range tr.joined {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// report summarises a scenario.
type report struct {
	scenario       string
	sent, failed   int
	failedBefore   int           // failures before the fault: the baseline must be clean
	recovery       time.Duration // from the end of the fault to the last failure (0: none after it)
	maxLatency     time.Duration // slowest answer from the fault's start on
	slowest        string
	meetingsLost   int
	recordingsLost int
	firstFailures  []string
	lastFailures   []string
}

// summarise computes the report of the traffic around a fault that lasted [faultStart,
// faultEnd] (faultEnd = faultStart for a fault that is not undone). Failures of the calls named
// in exempt are counted but do not make the recovery longer.
func (tr *traffic) summarise(scenario string, faultStart, faultEnd time.Time, exempt ...string) report {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	r := report{scenario: scenario, sent: len(tr.results)}
	sort.Slice(tr.results, func(i, j int) bool { return tr.results[i].at.Before(tr.results[j].at) })
	for _, res := range tr.results {
		if !res.at.Before(faultStart) && res.took > r.maxLatency {
			r.maxLatency, r.slowest = res.took, res.call+": "+res.about
		}
		if res.ok {
			continue
		}
		r.failed++
		if res.at.Before(faultStart) {
			r.failedBefore++
		}
		if after := res.at.Sub(faultEnd); after > r.recovery && !slices.Contains(exempt, res.call) {
			r.recovery = after
		}
		f := fmt.Sprintf("%s at %+.1fs: %s", res.call, res.at.Sub(faultStart).Seconds(), oneLine(res.about))
		if len(r.firstFailures) < 3 {
			r.firstFailures = append(r.firstFailures, f)
		} else {
			r.lastFailures = append(r.lastFailures[max(0, len(r.lastFailures)-2):], f)
		}
	}
	return r
}

// log prints the report line of the scenario.
func (r report) log(t *testing.T) {
	t.Helper()
	t.Logf("%s: sent %d, failed %d (%d before the fault), meetings lost %d, recordings lost %d, recovered %.1fs after the fault, slowest answer %.1fs",
		r.scenario, r.sent, r.failed, r.failedBefore, r.meetingsLost, r.recordingsLost, r.recovery.Seconds(), r.maxLatency.Seconds())
	for _, f := range append(r.firstFailures, r.lastFailures...) {
		t.Logf("  failure: %s", f)
	}
}

// check asserts what every scenario must hold: a clean baseline, nothing lost, recovery within
// the bound.
func (r report) check(t *testing.T, recoveryBound time.Duration) {
	t.Helper()
	r.log(t)
	if r.sent == 0 {
		t.Errorf("%s: no traffic", r.scenario)
	}
	if r.failedBefore > 0 {
		t.Errorf("%s: %d requests failed before the fault", r.scenario, r.failedBefore)
	}
	if r.meetingsLost > 0 || r.recordingsLost > 0 {
		t.Errorf("%s: lost %d meetings and %d recordings, want none", r.scenario, r.meetingsLost, r.recordingsLost)
	}
	if r.recovery > recoveryBound {
		t.Errorf("%s: requests failed until %.1fs after the fault, want at most %s", r.scenario, r.recovery.Seconds(), recoveryBound)
	}
}

// meetingsLost joins every meeting created with SUCCESS and counts those whose join does not
// redirect to a server that runs the meeting (after recovery, if its server died).
func (c *cluster) meetingsLost(a *api, ids []string) (lost int, examples []string) {
	for _, id := range ids {
		ans := a.join(id)
		if ok, why := c.runsOnRedirect(ans, id); !ok {
			lost++
			if len(examples) < 3 {
				examples = append(examples, id+": "+why)
			}
		}
	}
	return lost, examples
}

// runsOnRedirect reports whether a join answer redirects to a simulated server that runs id.
func (c *cluster) runsOnRedirect(ans answer, id string) (bool, string) {
	if ans.status != http.StatusFound {
		return false, ans.String()
	}
	for _, s := range c.sim.Servers() {
		if strings.HasPrefix(ans.location, s.URL()+"/") {
			if _, ok := s.Meeting(id); ok {
				return true, ""
			}
			return false, "redirected to " + s.URL() + ", which does not run it"
		}
	}
	return false, "redirected outside the pool: " + ans.location
}

// oneLine squeezes an answer onto one line for the report.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
