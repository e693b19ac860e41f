package fsapi

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.xml")

const password = "lb-secret-0123456789"

// golden compares an answer with testdata/<name>.xml.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".xml")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

// fsEnv is the endpoint over real HTTP on a real store, with simulated BBB servers for the
// meetings that have to be re-homed.
type fsEnv struct {
	t     *testing.T
	store *db.DB
	sim   *bbbsim.Sim
	ts    *httptest.Server
}

// newFSEnv registers the servers "live" (a simulated BBB server, reached as localhost) and
// "dead" (offline, at bbb-dead.invalid), both enabled.
func newFSEnv(t *testing.T, store *db.DB, cfg Config) *fsEnv {
	t.Helper()
	ctx := context.Background()
	sim, err := bbbsim.Start(ctx, 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	live := sim.Servers()[0]
	for _, srv := range []*scalelite.Server{
		{ID: "live", URL: "http://localhost:" + strings.TrimPrefix(live.Addr(), "127.0.0.1:") + "/bigbluebutton/api", Secret: live.Secret()},
		{ID: "dead", URL: "https://bbb-dead.invalid/bigbluebutton/api", Secret: "dead-secret"},
	} {
		srv.State, srv.LoadMultiplier = scalelite.ServerEnabled, 1
		if err := store.CreateServer(ctx, srv); err != nil {
			t.Fatal(err)
		}
	}
	setOnline(t, store, "live", true)
	timeouts := bbb.Timeouts{Connect: 2 * time.Second, Response: 2 * time.Second}
	backend := bbb.NewBackend(bbb.NewClient(bbb.SHA256, timeouts), timeouts)
	meetings, err := scalelite.NewMeetingService(scalelite.MeetingPolicy{}, scalelite.MeetingServiceDeps{
		Store: store, Backend: backend, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := New(cfg, meetings, nil)
	mux := http.NewServeMux()
	mux.Handle("POST "+Path, h)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &fsEnv{t: t, store: store, sim: sim, ts: ts}
}

func setOnline(t *testing.T, store *db.DB, id string, online bool) {
	t.Helper()
	if _, err := store.RecordPoll(context.Background(), id, scalelite.PollResult{Time: time.Now(), Online: online}); err != nil {
		t.Fatal(err)
	}
}

// place places a meeting on server.
func (e *fsEnv) place(meetingID, server string) *scalelite.Meeting {
	e.t.Helper()
	req := scalelitetest.PlaceRequest(meetingID, "")
	req.Meeting.CreateQuery = "meetingID=" + url.QueryEscape(meetingID) + "&name=Room&dialNumber=%2B1-555-0100"
	setOnline(e.t, e.store, server, true)
	res, err := scalelitetest.PlaceOn(context.Background(), e.store, req, server)
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Meeting
}

// post sends a dial-plan request with fields, authenticated as user/pass when user is not "".
func (e *fsEnv) post(user, pass string, fields map[string]string) (int, http.Header, []byte) {
	e.t.Helper()
	form := url.Values{}
	for k, v := range fields {
		form.Set(k, v)
	}
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+Path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// dial is an authenticated dial-plan request for the destination number 5551234.
func (e *fsEnv) dial(fields map[string]string) []byte {
	e.t.Helper()
	all := map[string]string{"section": "dialplan", "Caller-Destination-Number": "5551234"}
	for k, v := range fields {
		all[k] = v
	}
	code, h, body := e.post("fsapi", password, all)
	if code != http.StatusOK || h.Get("Content-Type") != "application/xml; charset=utf-8" {
		e.t.Fatalf("dial %v: %d %s\n%s", fields, code, h.Get("Content-Type"), body)
	}
	if _, err := parseDocument(body); err != nil {
		e.t.Fatalf("dial %v: %v\n%s", fields, err, body)
	}
	return body
}

func testConfig() Config {
	return Config{Password: password, Realm: "sl.example.com", MaxDuration: 90, MinDigits: 5, MaxDigits: 10}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newFSEnv(t, dbtest.SQLite(t), testConfig())
	fields := map[string]string{"section": "dialplan", "Caller-Destination-Number": "5551234"}
	for _, tc := range []struct{ name, user, pass string }{
		{"none", "", ""}, {"wrong password", "fsapi", password + "x"}, {"wrong user", "admin", password},
		{"empty password", "fsapi", ""}, {"prefix of the password", "fsapi", password[:5]},
	} {
		code, h, body := e.post(tc.user, tc.pass, fields)
		if code != http.StatusUnauthorized || h.Get("WWW-Authenticate") != `Basic realm="sl.example.com"` ||
			string(body) != "HTTP Basic: Access denied.\n" {
			t.Errorf("%s: %d %q %q", tc.name, code, h.Get("WWW-Authenticate"), body)
		}
	}
	if code, _, body := e.post("fsapi", password, fields); code != http.StatusOK || !strings.Contains(string(body), "match_did_and_prompt_for_pin") {
		t.Errorf("right credentials: %d\n%s", code, body)
	}

	// An empty FSAPI_PASSWORD turns authentication off; no password at all refuses everyone;
	// the realm defaults to Rails'.
	cfg := testConfig()
	cfg.Password, cfg.NoAuth = "", true
	open := newFSEnv(t, dbtest.SQLite(t), cfg)
	if code, _, body := open.post("", "", fields); code != http.StatusOK || !strings.Contains(string(body), "match_did_and_prompt_for_pin") {
		t.Errorf("without authentication: %d\n%s", code, body)
	}
	cfg.NoAuth = false
	closed := newFSEnv(t, dbtest.SQLite(t), cfg)
	for _, pass := range []string{"", "x"} {
		if code, _, _ := closed.post("fsapi", pass, fields); code != http.StatusUnauthorized {
			t.Errorf("no password configured, sent %q: %d", pass, code)
		}
	}
	cfg.Password, cfg.Realm = "x", ""
	realm := newFSEnv(t, dbtest.SQLite(t), cfg)
	if _, h, _ := realm.post("", "", fields); h.Get("WWW-Authenticate") != `Basic realm="Application"` {
		t.Errorf("default realm: %q", h.Get("WWW-Authenticate"))
	}
	// Only POST is routed.
	resp, err := http.Get(e.ts.URL + Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("GET answered 200")
	}
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newFSEnv(t, store, testConfig())
		m := e.place("room-1", "live")

		golden(t, "reject_section", e.dial(map[string]string{"section": "directory"}))
		golden(t, "reject_section", e.dial(map[string]string{"Caller-Destination-Number": " "}))
		golden(t, "prompt", e.dial(nil))
		golden(t, "reprompt", e.dial(map[string]string{"variable_pin": "999999999"}))
		golden(t, "bridge", e.dial(map[string]string{"variable_pin": m.VoiceBridge, "Caller-Caller-ID-Name": "5554321"}))
		golden(t, "hangup", e.dial(map[string]string{"variable_pin": "999999999", "variable_" + attemptsVariable: "2"}))

		// A breakout room's number is its parent's plus one digit: bridged as dialled to the
		// parent's server.
		body := string(e.dial(map[string]string{"variable_pin": m.VoiceBridge + "3", "Caller-Caller-ID-Name": "Alice"}))
		if want := `data="sofia/external/` + m.VoiceBridge + `3@localhost"`; !strings.Contains(body, want) ||
			!strings.Contains(body, `data="effective_caller_id_name=Alice"`) {
			t.Errorf("breakout PIN: want %s\n%s", want, body)
		}
		// Only the last digit is dropped, and only from PINs longer than five digits.
		for _, pin := range []string{m.VoiceBridge + "12", m.VoiceBridge[:5], "12345", "1234"} {
			if body := string(e.dial(map[string]string{"variable_pin": pin})); !strings.Contains(body, "reprompt_for_pin") {
				t.Errorf("PIN %s: want a reprompt\n%s", pin, body)
			}
		}
		// Anything but digits never reaches a meeting.
		for _, pin := range []string{m.VoiceBridge + "#", " " + m.VoiceBridge + "x", "+" + m.VoiceBridge, m.VoiceBridge + "' or '1'='1"} {
			if body := string(e.dial(map[string]string{"variable_pin": pin})); !strings.Contains(body, "reprompt_for_pin") {
				t.Errorf("PIN %q: want a reprompt\n%s", pin, body)
			}
		}
		// An ended meeting's PIN reaches nothing.
		if _, err := store.EndMeetings(context.Background(), []string{"room-1"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if body := string(e.dial(map[string]string{"variable_pin": m.VoiceBridge})); !strings.Contains(body, "reprompt_for_pin") {
			t.Errorf("ended meeting: want a reprompt\n%s", body)
		}
	})
}

// FSAPI_MAX_DURATION schedules the hang-up (90 minutes: +5400 seconds); 0 schedules nothing.
func TestMaxDuration(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.MaxDuration = 0
	e := newFSEnv(t, dbtest.SQLite(t), cfg)
	m := e.place("room-1", "live")
	for _, fields := range []map[string]string{nil, {"variable_pin": "123"}, {"variable_pin": m.VoiceBridge}} {
		if body := string(e.dial(fields)); strings.Contains(body, "sched_hangup") {
			t.Errorf("%v: sched_hangup without a limit\n%s", fields, body)
		}
	}
	golden(t, "prompt_unlimited", e.dial(nil))
	limited := newFSEnv(t, dbtest.SQLite(t), testConfig())
	for _, fields := range []map[string]string{nil, {"variable_pin": "123"}} {
		if body := string(limited.dial(fields)); !strings.Contains(body, `<action application="sched_hangup" data="+5400 normal_clearing">`) {
			t.Errorf("%v: no sched_hangup +5400\n%s", fields, body)
		}
	}
}

func TestCallerID(t *testing.T) {
	t.Parallel()
	e := newFSEnv(t, dbtest.SQLite(t), testConfig())
	m := e.place("room-1", "live")
	for _, tc := range []struct{ name, hideName, hideNumber, want string }{
		{"5554321", "", "", "555XXXX"},
		{"5554321", "false", "false", "555XXXX"},
		{"5554321", "true", "", "555XXXX"}, // a number is hidden by the number flag only
		{"5554321", "", "true", "Unavailable"},
		{"1234", "", "", "XXXX"},
		{"12", "", "", "XX"},
		{"Alice Example", "", "", "Alice Example"},
		{"Alice Example", "", "true", "Alice Example"},
		{"Alice Example", "true", "", "Unavailable"},
		{"Alice Example", "TRUE", "", "Unavailable"},
		{"", "", "", "Unavailable"},
		{"   ", "", "", "Unavailable"},
		{"+15554321", "", "", "+15554321"}, // not all digits: a name
		{"Bob\x00\x1b[31m", "", "", "Bob  [31m"},
		{strings.Repeat("é", 100), "", "", strings.Repeat("é", 80)},
	} {
		body := string(e.dial(map[string]string{"variable_pin": m.VoiceBridge, "Caller-Caller-ID-Name": tc.name,
			"Caller-Privacy-Hide-Name": tc.hideName, "Caller-Privacy-Hide-Number": tc.hideNumber}))
		if want := `data="effective_caller_id_name=` + tc.want + `"`; !strings.Contains(body, want) {
			t.Errorf("%q hide name %q number %q: want %s\n%s", tc.name, tc.hideName, tc.hideNumber, want, body)
		}
	}
}

// A caller-id name, a destination number and a meeting ID full of FreeSWITCH syntax come out
// escaped (golden), and the model of FreeSWITCH's expansion gets the plain values back.
func TestEscaping(t *testing.T) {
	t.Parallel()
	e := newFSEnv(t, dbtest.SQLite(t), testConfig())
	m := e.place(`room ${system(id)} \' $$`, "live")
	body := e.dial(map[string]string{"Caller-Destination-Number": `+1 (555) ${x}`, "variable_pin": m.VoiceBridge,
		"Caller-Caller-ID-Name": `Mallory ${system(rm -rf /)} \${x} <a href="x">&amp;</a>`})
	golden(t, "bridge_escaped", body)
	checkDocument(t, body, expectation{did: `+1 (555) ${x}`, meetingID: m.MeetingID,
		caller: `Mallory $ {system(rm -rf /)} \$ {x} <a href="x">&amp;</a>`})
	golden(t, "prompt_escaped", e.dial(map[string]string{"Caller-Destination-Number": `\${pin}(1)`}))
}

// A meeting that was re-homed is bridged to its current server; one whose server is out of
// service is re-created on a healthy server first (as a join would) and bridged there.
func TestMovedAndRecoveredMeetings(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		e := newFSEnv(t, store, testConfig())

		moved := e.place("moved", "dead")
		if moved.ServerID != "dead" {
			t.Fatalf("placed on %s", moved.ServerID)
		}
		setOnline(t, store, "dead", false)
		res, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest("moved", ""))
		if err != nil || !res.Moved || res.Meeting.ServerID != "live" {
			t.Fatalf("re-home: %+v %v", res, err)
		}
		if body := string(e.dial(map[string]string{"variable_pin": moved.VoiceBridge})); !strings.Contains(body, "@localhost\"") {
			t.Errorf("moved meeting not bridged to its new server:\n%s", body)
		}

		// The server of this one goes offline: the caller's arrival re-creates the meeting.
		stranded := e.place("stranded", "dead")
		setOnline(t, store, "dead", false)
		creates := len(e.sim.Servers()[0].CallsTo("create"))
		body := string(e.dial(map[string]string{"variable_pin": stranded.VoiceBridge}))
		if !strings.Contains(body, `data="sofia/external/`+stranded.VoiceBridge+`@localhost"`) {
			t.Errorf("stranded meeting not bridged to the live server:\n%s", body)
		}
		if n := len(e.sim.Servers()[0].CallsTo("create")); n != creates+1 {
			t.Errorf("live server got %d creates, want %d", n, creates+1)
		}
		now, err := store.Meeting(ctx, "stranded")
		if err != nil || now.ServerID != "live" || now.VoiceBridge != stranded.VoiceBridge {
			t.Errorf("after the dial-in: %+v %v", now, err)
		}

		// Nowhere to go: no match, the caller is asked again.
		lost := e.place("lost", "dead")
		setOnline(t, store, "dead", false)
		disabled := scalelite.ServerDisabled
		if _, err := store.UpdateServer(ctx, "live", scalelite.ServerUpdate{State: &disabled}); err != nil {
			t.Fatal(err)
		}
		if body := string(e.dial(map[string]string{"variable_pin": lost.VoiceBridge})); !strings.Contains(body, "reprompt_for_pin") {
			t.Errorf("unrecoverable meeting: want a reprompt\n%s", body)
		}
	})
}

// Three wrong PINs in one call hang it up; the count travels in a channel variable.
func TestWrongPinsHangUp(t *testing.T) {
	t.Parallel()
	e := newFSEnv(t, dbtest.SQLite(t), testConfig())
	attempts := ""
	for i := 1; i <= 3; i++ {
		body := string(e.dial(map[string]string{"variable_pin": "111111111", "variable_" + attemptsVariable: attempts}))
		switch {
		case i < 3 && !strings.Contains(body, `data="`+attemptsVariable+`=`+string(rune('0'+i))+`"`):
			t.Errorf("attempt %d: count not set\n%s", i, body)
		case i == 3 && !strings.Contains(body, `application="hangup"`):
			t.Errorf("attempt %d: not hung up\n%s", i, body)
		}
		attempts = string(rune('0' + i))
	}
	// A count that is not a number starts again at one.
	if body := string(e.dial(map[string]string{"variable_pin": "111111111", "variable_" + attemptsVariable: "x"})); !strings.Contains(body, attemptsVariable+"=1") {
		t.Errorf("bad count:\n%s", body)
	}
}
