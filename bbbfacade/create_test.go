package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// lastCreate returns the query (without checksum) of the last create server i received.
func (e *env) lastCreate(i int) string {
	e.t.Helper()
	calls := e.calls(i, "create")
	if len(calls) == 0 {
		e.t.Fatalf("server %d received no create", i+1)
	}
	return sent(calls[len(calls)-1])
}

func vb(meetingID string) string { return scalelite.VoiceBridgeCandidates(meetingID, 9, "")[0] }

// Items 16-18.
func TestCreateErrors(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0)
		checkError(t, e.get("create", "name=x"), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, e.get("create", "meetingID=m&name=x"), keyInternalError, "Could not find any available servers.")
		e2 := newEnv(t, dbFor(t, store), 1)
		checkError(t, e2.get("create", "meetingID=m&name=x&meta_server-tag=test-tag!"), keyServerTagUnavailable,
			"There is no available server with the required tag=test-tag.")
		if _, err := e2.store.Meeting(context.Background(), "m"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting stored after a failed placement: %v", err)
		}
	})
}

// Item 19 and 22: the create goes to the least-loaded server with meetingID, the stored
// moderatorPW and the voice bridge (the client's with USE_EXTERNAL_VOICE_BRIDGE), and the load
// rises by the reservation times the multiplier (1 × multiplier with LOAD_MIN_USER_COUNT=0, as
// Scalelite's increment).
func TestCreatePlacesOnLeastLoaded(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 3, func(c *envConfig) { c.UseExternalVoiceBridge = true; c.LoadMinUserCount = 0 })
		m7 := 7.0
		e.updateServer("s03", scalelite.ServerUpdate{LoadMultiplier: &m7})
		e.setLoad("s01", 5)
		e.setLoad("s02", 3)
		body := e.get("create", "meetingID=test-meeting-1&name=Room&attendeePW=ap&moderatorPW=pw&voiceBridge=70757")
		golden(t, "create_success", body)
		if got, want := e.lastCreate(2), "meetingID=test-meeting-1&name=Room&attendeePW=ap&moderatorPW=pw&voiceBridge=70757"; got != want {
			t.Errorf("backend got %s, want %s", got, want)
		}
		m := e.meeting("test-meeting-1")
		if m.ServerID != "s03" || m.VoiceBridge != "70757" || m.ModeratorPW != "pw" || m.Reservation != 7 {
			t.Errorf("stored %+v", m)
		}
		if got := e.server("s03").Load; got != 7 {
			t.Errorf("load of s03 = %v, want 7 (1 × multiplier 7)", got)
		}
		if m.CreateQuery != "meetingID=test-meeting-1&name=Room&attendeePW=ap&moderatorPW=pw&voiceBridge=70757" {
			t.Errorf("stored create query %q", m.CreateQuery)
		}
		if !strings.Contains(m.Placement, `"chosen":"s03"`) || !strings.Contains(m.Placement, `"load":3`) {
			t.Errorf("placement explanation %s", m.Placement)
		}
	})
}

// Without USE_EXTERNAL_VOICE_BRIDGE the client's voiceBridge is replaced; without moderatorPW a
// random one is generated, stored and forwarded.
func TestCreateVoiceBridgeAndPassword(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.get("create", "meetingID=room-1&name=Room&voiceBridge=70757")
		m := e.meeting("room-1")
		if m.VoiceBridge != vb("room-1") || len(m.ModeratorPW) != 8 {
			t.Errorf("stored %+v", m)
		}
		if got, want := e.lastCreate(0), "meetingID=room-1&name=Room&voiceBridge="+vb("room-1")+"&moderatorPW="+m.ModeratorPW; got != want {
			t.Errorf("backend got %s, want %s", got, want)
		}
		// A repeated create reaches the same server, keeps the voice bridge, forwards the client's
		// (absent) moderatorPW untouched and reserves nothing more.
		load := e.server("s01").Load
		e.get("create", "meetingID=room-1&name=Room")
		if got, want := e.lastCreate(0), "meetingID=room-1&name=Room&voiceBridge="+vb("room-1"); got != want {
			t.Errorf("repeat: backend got %s, want %s", got, want)
		}
		if e.server("s01").Load != load {
			t.Errorf("repeat create changed the load")
		}
	})
}

// Item 20: a meeting on a cordoned server that is not running there is placed again; one that
// is running stays.
func TestCreateCordoned(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		e.create("room-1", "")
		e.create("room-2", "")
		first, second := e.meeting("room-1").ServerID, e.meeting("room-2").ServerID
		e.bbbServer(1).SetUsers("room-2", 3, 1, 0, 0) // room-2 runs on s02
		e.setState(first, scalelite.ServerCordoned)
		e.setState(second, scalelite.ServerCordoned)
		e.setState(first, scalelite.ServerEnabled) // s01 enabled again, s02 cordoned
		e.setState(second, scalelite.ServerCordoned)
		e.create("room-2", "")
		if got := e.meeting("room-2").ServerID; got != second {
			t.Errorf("running meeting moved to %s", got)
		}
		e.bbbServer(1).EndAll()
		e.create("room-2", "")
		if got := e.meeting("room-2").ServerID; got != first {
			t.Errorf("not-running meeting on cordoned server stayed on %s", got)
		}
		if n := len(e.calls(1, "isMeetingRunning")); n != 2 {
			t.Errorf("cordoned server asked %d times, want 2", n)
		}
	})
}

// Item 21 (better): a create that times out answers "Unable to create meeting on server." and
// rolls back the meeting, its voice bridge and the reservation.
func TestCreateFailureUndoesPlacement(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.bbbServer(0).SetBlackhole(true)
		checkError(t, e.get("create", "meetingID=room-1&name=Room"), keyInternalError, msgCreateMeeting)
		if _, err := store.Meeting(context.Background(), "room-1"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting kept after a failed create: %v", err)
		}
		if l := e.server("s01").Load; l != 0 {
			t.Errorf("reservation kept: load %v", l)
		}
		e.bbbServer(0).SetBlackhole(false)
		e.bbbServer(0).SetHTTPError(500)
		checkError(t, e.get("create", "meetingID=room-1&name=Room"), keyInternalError, msgCreateMeeting)
		e.bbbServer(0).SetHTTPError(0)
		// BBB's own refusal is relayed and undone too.
		got := e.get("create", "meetingID=room-1")
		if !strings.Contains(got, "<messageKey>validationError</messageKey>") {
			t.Errorf("got %s", got)
		}
		if _, err := store.Meeting(context.Background(), "room-1"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting kept after a refused create: %v", err)
		}
		e.bbbServer(0).EndAll() // the timed-out creates may have reached the server
		e.create("room-1", "")
		if m := e.meeting("room-1"); m.VoiceBridge != vb("room-1") {
			t.Errorf("voice bridge %s, want the first candidate again", m.VoiceBridge)
		}
	})
}

// Items 23-24: tags.
func TestCreateTags(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		tag := "test-tag"
		e.updateServer("s02", scalelite.ServerUpdate{Tag: &tag})
		e.create("optional", "meta_server-tag=other-tag")
		if got := e.meeting("optional").ServerID; got != "s01" {
			t.Errorf("optional unmatched tag placed on %s", got)
		}
		if q := e.lastCreate(0); strings.Contains(q, "server-tag") {
			t.Errorf("tag forwarded to untagged server: %s", q)
		}
		e.create("required", "meta_server-tag=test-tag%21")
		if got := e.meeting("required").ServerID; got != "s02" {
			t.Errorf("required tag placed on %s", got)
		}
		if q := e.lastCreate(1); !strings.Contains(q, "&meta_server-tag=test-tag&") {
			t.Errorf("backend got %s", q)
		}
		e.create("untagged", "")
		if got := e.meeting("untagged").ServerID; got != "s01" {
			t.Errorf("untagged meeting placed on tagged server %s", got)
		}
	})
}

// Item 25: MAX_MEETING_DURATION.
func TestCreateMaxDuration(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.MaxMeetingDuration = 60 })
		for i, tt := range []struct{ in, want string }{
			{"", "duration=60"}, {"duration=0", "duration=60"}, {"duration=120", "duration=60"}, {"duration=30", "duration=30"},
		} {
			id := "room-" + string(rune('a'+i))
			e.create(id, tt.in)
			if q := e.lastCreate(0); !strings.Contains(q, tt.want) {
				t.Errorf("%q: backend got %s", tt.in, q)
			}
		}
	})
}

// Item 26: CREATE_EXCLUDE_PARAMS; without exclusions every parameter (empty ones too) is sent.
func TestCreateExcludeParams(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.Create.Exclude = []string{"logo", "record"} })
		e.create("room-1", "logo=x&record=true&welcome=")
		if got, want := e.lastCreate(0), "meetingID=room-1&name=Room&attendeePW=ap&moderatorPW=mp&welcome=&voiceBridge="+vb("room-1"); got != want {
			t.Errorf("backend got %s, want %s", got, want)
		}
		e2 := newEnvOn(t, store, e, func(c *envConfig) { c.Create.Exclude = nil })
		e2.create("room-2", "logo=x&record=true&welcome=")
		if got, want := e.lastCreate(0), "meetingID=room-2&name=Room&attendeePW=ap&moderatorPW=mp&logo=x&record=true&welcome=&voiceBridge="+vb("room-2"); got != want {
			t.Errorf("backend got %s, want %s", got, want)
		}
	})
}

// Items 27-28: callbacks are stored; the recording-ready URL is stripped and the analytics URL
// rewritten to the balancer's own.
func TestCreateCallbacks(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.URLHost = "lb.example.com" })
		e.create("room-1", "meta_bn-recording-ready-url=https%3A%2F%2Ffe.example.com%2Fready")
		cd, err := store.CallbackData(context.Background(), "room-1")
		if err != nil || cd.RecordingReadyURL != "https://fe.example.com/ready" || cd.AnalyticsCallbackURL != "" {
			t.Errorf("callback data %+v, %v", cd, err)
		}
		if q := e.lastCreate(0); strings.Contains(q, "recording-ready") {
			t.Errorf("recording-ready URL forwarded: %s", q)
		}
		e.create("room-2", "meta_analytics-callback-url=https%3A%2F%2Ffe.example.com%2Fanalytics")
		cd, err = store.CallbackData(context.Background(), "room-2")
		if err != nil || cd.AnalyticsCallbackURL != "https://fe.example.com/analytics" {
			t.Errorf("callback data %+v, %v", cd, err)
		}
		if q := e.lastCreate(0); !strings.Contains(q, "meta_analytics-callback-url=https%3A%2F%2Flb.example.com%2Fbigbluebutton%2Fapi%2Fanalytics_callback") {
			t.Errorf("analytics URL not rewritten: %s", q)
		}
	})
}

// Item 29: DEFAULT_CREATE_PARAMS fill gaps (the client wins), OVERRIDE_CREATE_PARAMS always win.
func TestCreateDefaultsAndOverrides(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) {
			c.Create.Defaults = scalelite.ParseParamList("record=true,welcome=hi")
			c.Create.Overrides = scalelite.ParseParamList("muteOnStart=true")
		})
		e.create("room-1", "welcome=client&muteOnStart=false")
		if got, want := e.lastCreate(0), "record=true&welcome=client&meetingID=room-1&name=Room&attendeePW=ap&moderatorPW=mp&muteOnStart=true&voiceBridge="+vb("room-1"); got != want {
			t.Errorf("backend got %s, want %s", got, want)
		}
	})
}

// Items 30-31: form POST works like GET; an XML body is forwarded as a POST with the same body.
func TestCreatePost(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		q := "meetingID=room-1&name=Room&moderatorPW=mp"
		_, got, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/create", "application/x-www-form-urlencoded", q+"&checksum="+checksumOf("create", q))
		if !strings.Contains(got, "<returncode>SUCCESS</returncode>") {
			t.Fatalf("form POST: %s", got)
		}
		calls := e.calls(0, "create")
		if len(calls) != 1 || calls[0].Method != http.MethodGet || sent(calls[0]) != q+"&voiceBridge="+vb("room-1") {
			t.Errorf("server received %+v", calls)
		}
		const slides = `<modules><module name="presentation"><document url="https://example.com/a.pdf"/></module></modules>`
		_, got, _ = e.do(http.MethodPost, e.signed("create", "meetingID=room-2&name=Room"), "text/xml", slides)
		if !strings.Contains(got, "<returncode>SUCCESS</returncode>") {
			t.Fatalf("XML POST: %s", got)
		}
		calls = e.calls(0, "create")
		if c := calls[len(calls)-1]; c.Method != http.MethodPost || string(c.Body) != slides {
			t.Errorf("server received %+v", c)
		}
		if m := e.meeting("room-2"); string(m.CreateBody) != slides {
			t.Errorf("stored body %q", m.CreateBody)
		}
		_, got, _ = e.do(http.MethodPost, e.signed("create", "meetingID=room-3&name=Room"), "application/json", "{}")
		checkError(t, got, keyUnsupportedContentType, msgUnsupportedContentType)
		// multipart form bodies are forms too.
		mp := "--XX\r\nContent-Disposition: form-data; name=\"meetingID\"\r\n\r\nroom-4\r\n--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nRoom\r\n--XX\r\nContent-Disposition: form-data; name=\"checksum\"\r\n\r\n" +
			checksumOf("create", "meetingID=room-4&name=Room") + "\r\n--XX--\r\n"
		_, got, _ = e.do(http.MethodPost, e.ts.URL+APIPath+"/create", "multipart/form-data; boundary=XX", mp)
		if !strings.Contains(got, "<returncode>SUCCESS</returncode>") {
			t.Errorf("multipart POST: %s", got)
		}
	})
}
