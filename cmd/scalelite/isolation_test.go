package main

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
)

// The tenant-isolation suite: tenant t1's credentials tried against tenant t2's meetings,
// recordings and settings on every surface (every BBB API call, the recording routes, every
// GraphQL root field, every admin API call, the CLI commands that name a tenant), with repeated
// and mixed-case parameters and hosts. t2's objects are never shown, changed or sent to a backend
// on t1's behalf.

// Secrets and passwords of t2: no answer to t1 may carry them.
const (
	t2Secret = "t2-secret-7d1c9a"
	t2ModPW  = "t2-mod-pw-40be21"
	t2AttPW  = "t2-att-pw-c3a9f0"
	t1Secret = "t1-secret-5b0e8d"
	lbSecret = "lb-secret-9e24c1"
	lbHost   = "lb.test"
)

// isolation is a running multitenant balancer with two tenants, each with a running meeting
// and a published recording.
type isolation struct {
	t          *testing.T
	env        map[string]string
	base       string
	sim        *bbbsim.Sim
	t1, t2     tenantInfo
	t1Key      string // GraphQL key of scope tenant:t1
	adminKey   string
	t2Setting  string // id of a t2 tenant setting
	recT1      string
	recT2      string
	recNone    string // a recording of no tenant
	dir        string
	httpClient *http.Client
}

type tenantInfo struct{ ID, Name string }

func TestTenantIsolation(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			env := sqliteEnv(t)
			if dialect == "postgres" {
				env["DATABASE_URL"] = dbtest.PostgresDSN(t)
			}
			iso := newIsolation(t, env)
			t.Run("bbb api", iso.bbbAPI)
			t.Run("recording routes", iso.recordingRoutes)
			t.Run("graphql", iso.graphql)
			t.Run("admin api", iso.adminAPI)
			t.Run("cli", iso.cli)
			t.Run("repeated and mixed-case parameters", iso.repeatedParams)
			iso.t2Intact(t)
		})
	}
}

func newIsolation(t *testing.T, env map[string]string) *isolation {
	t.Helper()
	sim, err := bbbsim.Start(context.Background(), 2, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	env["MULTITENANCY_ENABLED"] = "true"
	env["URL_HOST"] = lbHost
	env["LOADBALANCER_SECRET"] = lbSecret
	env["POLL_INTERVAL"] = "1"
	env["RECORDING_IMPORT_POLL_INTERVAL"] = "1"
	iso := &isolation{t: t, env: env, sim: sim, dir: t.TempDir(), httpClient: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
		t.Fatalf("migrate: %v %s", err, stderr)
	}
	for _, s := range sim.Servers() {
		var added struct{ ID string }
		iso.cliJSON(&added, "servers", "add", s.URL(), s.Secret(), "--json")
		iso.mustCLI("servers", "enable", added.ID)
	}
	iso.cliJSON(&iso.t1, "tenants", "add", "t1", t1Secret, "--json")
	iso.cliJSON(&iso.t2, "tenants", "add", "t2", t2Secret, "--json")
	var setting struct{ ID string }
	iso.cliJSON(&setting, "tenant-settings", "add", "t2", "welcome", "t2-welcome", "false", "--json")
	iso.t2Setting = setting.ID
	var key struct{ Key string }
	iso.cliJSON(&key, "api-keys", "create", "--scope", "tenant:t1", "--json")
	iso.t1Key = key.Key
	iso.cliJSON(&key, "api-keys", "create", "--scope", "admin", "--json")
	iso.adminKey = key.Key

	s := start(t, env, "serve")
	iso.base = s.stdout.wait(t, listening, s.done)[1]
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body, _ := iso.bbb("t2", t2Secret, "create", "meetingID=t2-room&name=Room+2&moderatorPW="+t2ModPW+"&attendeePW="+t2AttPW)
		if status == 200 && strings.Contains(body, "SUCCESS") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("t2 cannot create its meeting: %d %s", status, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, body, _ := iso.bbb("t1", t1Secret, "create", "meetingID=t1-room&name=Room+1&moderatorPW=t1-mod&attendeePW=t1-att"); !strings.Contains(body, "SUCCESS") {
		t.Fatalf("t1 create: %s", body)
	}
	iso.recT1 = iso.importRecording("t1-room", iso.t1.ID, 1)
	iso.recT2 = iso.importRecording("t2-room", iso.t2.ID, 2)
	iso.recNone = iso.importRecording("plain-room", "", 3)
	return iso
}

// mustCLI runs a command in-process and returns its stdout.
func (iso *isolation) mustCLI(args ...string) string {
	iso.t.Helper()
	out, stderr, err := runCmd(iso.t, iso.env, args...)
	if err != nil {
		iso.t.Fatalf("scalelite %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

func (iso *isolation) cliJSON(v any, args ...string) {
	iso.t.Helper()
	if err := json.Unmarshal([]byte(iso.mustCLI(args...)), v); err != nil {
		iso.t.Fatalf("scalelite %s: %v", strings.Join(args, " "), err)
	}
}

// importRecording imports a published presentation recording of meetingID (of tenantID, or
// none) with the CLI and returns its record id.
func (iso *isolation) importRecording(meetingID, tenantID string, n int) string {
	iso.t.Helper()
	id := fmt.Sprintf("%040x-%d", n, 1700000000000+n)
	meta := "<isBreakout>false</isBreakout><meetingId>" + meetingID + "</meetingId><meetingName>Room</meetingName>"
	if tenantID != "" {
		meta += "<tenant-id>" + tenantID + "</tenant-id>"
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string]string{
		"presentation/" + id + "/metadata.xml": fmt.Sprintf(`<recording><id>%s</id><state>published</state><published>true</published>`+
			`<start_time>1700000000000</start_time><end_time>1700000600000</end_time><participants>2</participants>`+
			`<meeting id="%s" externalId="%s" name="Room" breakout="false"/><meta>%s</meta>`+
			`<playback><format>presentation</format><link>https://bbb/playback/presentation/2.3/%s</link>`+
			`<processing_time>1</processing_time><duration>600000</duration></playback></recording>`, id, id, meetingID, meta, id),
		"presentation/" + id + "/index.html": "<html>player</html>",
	} {
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))})
		tw.Write([]byte(body))
	}
	tw.Close()
	path := filepath.Join(iso.dir, id+".tar")
	os.WriteFile(path, buf.Bytes(), 0o644)
	iso.mustCLI("recordings", "import", path)
	return id
}

// bbb sends a GET of a BBB API call on tenant's host (a name, "" for the bare host), signed with
// secret over the raw query, and returns the status, the body and the Location.
func (iso *isolation) bbb(tenant, secret, action, rawQuery string) (int, string, string) {
	return iso.bbbReq(http.MethodGet, tenant, secret, action, rawQuery, "", nil)
}

func (iso *isolation) bbbReq(method, tenant, secret, action, rawQuery, contentType string, body []byte) (int, string, string) {
	iso.t.Helper()
	sum := sha256.Sum256([]byte(action + rawQuery + secret))
	q := rawQuery
	if q != "" {
		q += "&"
	}
	req, err := http.NewRequest(method, iso.base+"/bigbluebutton/api/"+action+"?"+q+"checksum="+hex.EncodeToString(sum[:]), bytes.NewReader(body))
	if err != nil {
		iso.t.Fatal(err)
	}
	req.Host = hostOf(tenant)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return iso.send(req)
}

func hostOf(tenant string) string {
	if tenant == "" {
		return lbHost
	}
	return tenant + "." + lbHost
}

func (iso *isolation) send(req *http.Request) (int, string, string) {
	iso.t.Helper()
	resp, err := iso.httpClient.Do(req)
	if err != nil {
		iso.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// leaks reports which of t2's secrets and passwords text carries.
func leaks(text string) []string {
	var out []string
	for _, s := range []string{t2Secret, t2ModPW, t2AttPW, lbSecret} {
		if strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	return out
}

// backendCalls counts the calls the simulated servers received that name meetingID.
func (iso *isolation) backendCalls(meetingID string) int {
	n := 0
	for _, s := range iso.sim.Servers() {
		for _, c := range s.Calls() {
			if c.Params.Get("meetingID") == meetingID || strings.Contains(c.RawQuery, "meetingID="+meetingID) {
				n++
			}
		}
	}
	return n
}

// bbbAPI tries every BBB API call with t1's credentials on t2's meeting and recording.
func (iso *isolation) bbbAPI(t *testing.T) {
	textTrack := func() (string, []byte) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "t.vtt")
		fw.Write([]byte("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n"))
		mw.Close()
		return mw.FormDataContentType(), b.Bytes()
	}
	ttType, ttBody := textTrack()
	insertDoc := []byte(`<modules><module name="presentation"><document url="https://example.com/a.pdf" filename="a.pdf"/></module></modules>`)
	cases := []struct {
		name, method, action, query, ctype string
		body                               []byte
		want                               func(status int, body, location string) bool
	}{
		{"join", "GET", "join", "meetingID=t2-room&fullName=Eve&role=MODERATOR", "", nil, failedWith("notFound")},
		{"join with t2's password", "GET", "join", "meetingID=t2-room&fullName=Eve&password=" + t2ModPW, "", nil, failedWith("notFound")},
		{"end with t2's password", "GET", "end", "meetingID=t2-room&password=" + t2ModPW, "", nil, failedWith("notFound")},
		{"getMeetingInfo", "GET", "getMeetingInfo", "meetingID=t2-room", "", nil, failedWith("notFound")},
		{"isMeetingRunning", "GET", "isMeetingRunning", "meetingID=t2-room", "", nil, contains("<running>false</running>")},
		{"insertDocument", "POST", "insertDocument", "meetingID=t2-room", "application/xml", insertDoc, failedWith("notFound")},
		{"create with t2's meetingID", "GET", "create", "meetingID=t2-room&name=Takeover", "", nil, failed},
		{"getMeetings", "GET", "getMeetings", "", "", nil, both(contains("t1-room"), lacks("t2-room"))},
		{"getRecordings by recordID", "GET", "getRecordings", "recordID=" + iso.recT2, "", nil, both(contains("noRecordings"), lacks(iso.recT2))},
		{"getRecordings by meetingID", "GET", "getRecordings", "meetingID=t2-room", "", nil, both(contains("noRecordings"), lacks(iso.recT2))},
		{"getRecordings", "GET", "getRecordings", "", "", nil, both(contains(iso.recT1), lacks(iso.recT2), lacks(iso.recNone))},
		{"publishRecordings", "GET", "publishRecordings", "recordID=" + iso.recT2 + "&publish=false", "", nil, failedWith("notFound")},
		// As Scalelite: SUCCESS with updated false when not every id matches (t2's recording is unchanged; see t2Intact).
		{"updateRecordings", "GET", "updateRecordings", "recordID=" + iso.recT2 + "&meta_owner=eve", "", nil, contains("<updated>false</updated>")},
		{"deleteRecordings", "GET", "deleteRecordings", "recordID=" + iso.recT2, "", nil, failedWith("notFound")},
		{"getRecordingTextTracks", "GET", "getRecordingTextTracks", "recordID=" + iso.recT2, "", nil, failed},
		{"putRecordingTextTrack", "POST", "putRecordingTextTrack", "recordID=" + iso.recT2 + "&kind=subtitles&lang=en", ttType, ttBody, failed},
	}
	before := iso.backendCalls("t2-room")
	for _, c := range cases {
		status, body, location := iso.bbbReq(c.method, "t1", t1Secret, c.action, c.query, c.ctype, c.body)
		if !c.want(status, body, location) {
			t.Errorf("%s: %d %s %s", c.name, status, location, oneLine(body))
		}
		if l := leaks(body + location); len(l) > 0 {
			t.Errorf("%s leaks %v", c.name, l)
		}
	}
	if n := iso.backendCalls("t2-room"); n != before {
		t.Errorf("t1's calls reached a backend for t2-room (%d calls)", n-before)
	}
	// Hosts: t1's secret is refused on t2's host and on the bare host; a mixed-case host is t1.
	for _, c := range []struct{ name, tenant, query, want string }{
		{"t1's secret on t2's host", "t2", "meetingID=t2-room&fullName=Eve&role=MODERATOR", "checksumError"},
		{"t1's secret on the bare host", "", "meetingID=t2-room&fullName=Eve&role=MODERATOR", "checksumError"},
		{"mixed-case host", "T1", "meetingID=t2-room&fullName=Eve&role=MODERATOR", "notFound"},
	} {
		status, body, location := iso.bbb(c.tenant, t1Secret, "join", c.query)
		if !failedWith(c.want)(status, body, location) {
			t.Errorf("%s: %d %s %s", c.name, status, location, oneLine(body))
		}
	}
	if status, _, location := iso.bbb("T1", t1Secret, "join", "meetingID=t1-room&fullName=Ada&role=MODERATOR"); status != http.StatusFound || location == "" {
		t.Errorf("own join on a mixed-case host: %d", status)
	}
}

// repeatedParams: a request that repeats a parameter is refused (FAILED validationError) on
// every call, nothing is stored or sent to a backend; a parameter in another case is another
// parameter, never the one authorised.
func (iso *isolation) repeatedParams(t *testing.T) {
	before := iso.backendCalls("t2-room")
	for _, c := range []struct{ action, query string }{
		{"create", "meetingID=t1-new&meetingID=t2-room&name=x"},
		{"create", "meetingID=t2-room&meetingID=t1-new&name=x"},
		{"create", "meetingID=t1-new&name=x&name=y"},
		{"join", "meetingID=t1-room&meetingID=t2-room&fullName=a&role=MODERATOR"},
		{"join", "meetingID=t2-room&meetingID=t1-room&fullName=a&role=MODERATOR"},
		{"join", "meetingID=t1-room&fullName=a&role=VIEWER&role=MODERATOR"},
		{"end", "meetingID=t1-room&meetingID=t2-room"},
		{"getMeetingInfo", "meetingID=t1-room&meetingID=t2-room"},
		{"isMeetingRunning", "meetingID=t1-room&meetingID=t2-room"},
		{"getRecordings", "recordID=" + iso.recT1 + "&recordID=" + iso.recT2},
		{"publishRecordings", "recordID=" + iso.recT1 + "&recordID=" + iso.recT2 + "&publish=false"},
		{"updateRecordings", "recordID=" + iso.recT1 + "&recordID=" + iso.recT2 + "&meta_x=y"},
		{"deleteRecordings", "recordID=" + iso.recT2 + "&recordID=" + iso.recT1},
		{"getRecordingTextTracks", "recordID=" + iso.recT1 + "&recordID=" + iso.recT2},
	} {
		status, body, location := iso.bbb("t1", t1Secret, c.action, c.query)
		if !failedWith("validationError")(status, body, location) {
			t.Errorf("%s?%s: %d %s %s, want FAILED validationError", c.action, c.query, status, location, oneLine(body))
		}
	}
	if _, body, _ := iso.bbb("t1", t1Secret, "getMeetingInfo", "meetingID=t1-new"); !strings.Contains(body, "notFound") {
		t.Errorf("a refused create stored t1-new: %s", oneLine(body))
	}
	if n := iso.backendCalls("t2-room"); n != before {
		t.Errorf("repeated parameters reached a backend for t2-room (%d calls)", n-before)
	}
	if n := iso.backendCalls("t1-new"); n != 0 {
		t.Errorf("a refused create reached a backend (%d calls)", n)
	}

	// Mixed case: BBB's parameter names are case-sensitive, so MEETINGID is not meetingID. What
	// is authorised, stored and sent is the meetingID, never the other one.
	// A backend reads only meetingID (MEETINGID passes through as an unknown parameter would).
	_, body, location := iso.bbb("t1", t1Secret, "join", "MEETINGID=t2-room&meetingID=t1-room&fullName=a&role=MODERATOR")
	if u, err := url.Parse(location); err != nil || u.Query().Get("meetingID") != "t1-room" || strings.Contains(body, t2ModPW) {
		t.Errorf("join with MEETINGID=t2-room: %s %s", location, oneLine(body))
	} else if ok, why := iso.runsOn(location, "t1-room"); !ok {
		t.Errorf("join with MEETINGID=t2-room: %s", why)
	}
	_, body, _ = iso.bbb("t1", t1Secret, "create", "meetingID=t1-mixed&MeetingID=t2-room&name=x")
	if !strings.Contains(body, "<meetingID>t1-mixed</meetingID>") || len(leaks(body)) > 0 {
		t.Errorf("create with MeetingID=t2-room: %s", oneLine(body))
	}
	for _, s := range iso.sim.Servers() {
		for _, c := range s.CallsTo("create") {
			if c.Params.Get("meetingID") == "t2-room" && strings.Contains(c.RawQuery, "t1-mixed") {
				t.Errorf("backend create for t2-room from t1's request: %s", c.RawQuery)
			}
		}
	}
	_, body, _ = iso.bbb("t1", t1Secret, "getRecordings", "recordID="+iso.recT1+"&RECORDID="+iso.recT2)
	if !strings.Contains(body, iso.recT1) || strings.Contains(body, iso.recT2) {
		t.Errorf("getRecordings with RECORDID=t2's: %s", oneLine(body))
	}
}

// recordingRoutes: t2's recording is not found through t1's host, whatever the route.
func (iso *isolation) recordingRoutes(t *testing.T) {
	for _, c := range []struct {
		path   string
		tenant string
		want   int
	}{
		{"/presentation/" + iso.recT2 + "/index.html", "t1", 404},
		{"/presentation/" + iso.recT2 + "/metadata.xml", "T1", 404},
		{"/recording/" + iso.recT2 + "/presentation", "t1", 404},
		{"/playback/presentation/2.0/playback.html?meetingId=" + iso.recT2, "t1", 301}, // a redirect to the player, which shows nothing of t2
		{"/presentation/" + iso.recT2 + "/index.html", "", 404},
		{"/presentation/" + iso.recT2 + "/index.html", "t2", 200},
		{"/presentation/" + iso.recT1 + "/index.html", "t1", 200},
		{"/presentation/" + iso.recNone + "/index.html", "t1", 404},
	} {
		req, _ := http.NewRequest(http.MethodGet, iso.base+c.path, nil)
		req.Host = hostOf(c.tenant)
		status, body, _ := iso.send(req)
		if status != c.want {
			t.Errorf("GET %s on %s: %d %s, want %d", c.path, req.Host, status, oneLine(body), c.want)
		}
	}
}

// runsOn reports whether a join redirect goes to a simulated server that runs meetingID.
func (iso *isolation) runsOn(location, meetingID string) (bool, string) {
	for _, s := range iso.sim.Servers() {
		if strings.HasPrefix(location, s.URL()+"/") {
			if _, ok := s.Meeting(meetingID); ok {
				return true, ""
			}
			return false, location + " does not run " + meetingID
		}
	}
	return false, location + " is outside the pool"
}

// t2Intact checks that t2's meeting, recording and setting are as t2 left them.
func (iso *isolation) t2Intact(t *testing.T) {
	status, body, _ := iso.bbb("t2", t2Secret, "getMeetingInfo", "meetingID=t2-room")
	if status != 200 || !strings.Contains(body, "SUCCESS") || !strings.Contains(body, "<running>") {
		t.Errorf("t2-room after the suite: %s", oneLine(body))
	}
	_, body, _ = iso.bbb("t2", t2Secret, "getRecordings", "recordID="+iso.recT2)
	if !strings.Contains(body, "<published>true</published>") || strings.Contains(body, "owner") || !strings.Contains(body, iso.recT2) {
		t.Errorf("t2's recording after the suite: %s", oneLine(body))
	}
	var settings []struct{ ID, TenantID, Param, Value string }
	iso.cliJSON(&settings, "tenant-settings", "list", "--json")
	found := false
	for _, s := range settings {
		if s.ID == iso.t2Setting && s.Value == "t2-welcome" && s.TenantID == iso.t2.ID {
			found = true
		}
		if s.TenantID == iso.t2.ID && s.ID != iso.t2Setting {
			t.Errorf("t2 has a setting it did not add: %+v", s)
		}
	}
	if !found {
		t.Errorf("t2's setting changed or gone: %+v", settings)
	}
	var tenants []struct{ ID, Name string }
	iso.cliJSON(&tenants, "tenants", "list", "--json")
	for _, tn := range tenants {
		if tn.ID == iso.t2.ID && tn.Name != "t2" {
			t.Errorf("t2 renamed to %q", tn.Name)
		}
	}
}

// Answer predicates.

func failed(status int, body, location string) bool {
	return location == "" && (strings.Contains(body, "<returncode>FAILED</returncode>") || strings.Contains(body, `"returncode":"FAILED"`))
}

func failedWith(key string) func(int, string, string) bool {
	return func(status int, body, location string) bool {
		return failed(status, body, location) && (strings.Contains(body, "<messageKey>"+key+"</messageKey>") || strings.Contains(body, `"messageKey":"`+key+`"`))
	}
}

func contains(s string) func(int, string, string) bool {
	return func(_ int, body, _ string) bool { return strings.Contains(body, s) }
}

func lacks(s string) func(int, string, string) bool {
	return func(_ int, body, location string) bool { return !strings.Contains(body+location, s) }
}

func both(ps ...func(int, string, string) bool) func(int, string, string) bool {
	return func(status int, body, location string) bool {
		for _, p := range ps {
			if !p(status, body, location) {
				return false
			}
		}
		return true
	}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
