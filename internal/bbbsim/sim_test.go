package bbbsim_test

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

var fixedNow = time.Date(2024, 5, 9, 13, 35, 28, 123e6, time.UTC)

type fixture struct {
	srv *bbbsim.Server
	c   *bbb.Client
	ep  bbb.Endpoint
}

func setup(t *testing.T, opts bbbsim.Options) fixture {
	t.Helper()
	sim, err := bbbsim.Start(context.Background(), 1, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	c := bbb.NewClient(bbb.SHA256, bbb.Timeouts{Connect: 5 * time.Second, Response: 10 * time.Second})
	t.Cleanup(c.CloseIdleConnections)
	srv := sim.Servers()[0]
	return fixture{srv: srv, c: c, ep: srv.Endpoint()}
}

// do calls action and returns the answer or the FAILED messageKey.
func (f fixture) do(t *testing.T, action string, p scalelite.Params) (*bbb.Response, string) {
	t.Helper()
	resp, err := f.c.Do(context.Background(), f.ep, action, p, nil, nil)
	var apiErr *bbb.APIError
	if errors.As(err, &apiErr) {
		return resp, apiErr.Key
	}
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return resp, ""
}

func (f fixture) create(t *testing.T, id string, extra ...scalelite.Param) *bbb.Response {
	t.Helper()
	p := append(scalelite.Params{{Key: "name", Value: "Room " + id}, {Key: "meetingID", Value: id}, {Key: "attendeePW", Value: "ap"}, {Key: "moderatorPW", Value: "mp"}}, extra...)
	resp, key := f.do(t, "create", p)
	if key != "" {
		t.Fatalf("create %s: %s", id, key)
	}
	return resp
}

func params(kv ...string) scalelite.Params {
	var p scalelite.Params
	for i := 0; i+1 < len(kv); i += 2 {
		p = append(p, scalelite.Param{Key: kv[i], Value: kv[i+1]})
	}
	return p
}

func TestIndex(t *testing.T) {
	f := setup(t, bbbsim.Options{BBBVersion: "2.7.9"})
	res, err := http.Get(f.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	want := "<response><returncode>SUCCESS</returncode><version>2.0</version><apiVersion>2.0</apiVersion><bbbVersion>2.7.9</bbbVersion></response>"
	if string(body) != want || res.Header.Get("Content-Type") != "text/xml;charset=utf-8" {
		t.Errorf("index = %s (%s)", body, res.Header.Get("Content-Type"))
	}
	if v, err := f.c.Version(context.Background(), f.ep, nil); err != nil || v != "2.7.9" {
		t.Errorf("Version = %q, %v", v, err)
	}
}

func TestCreate(t *testing.T) {
	f := setup(t, bbbsim.Options{Now: func() time.Time { return fixedNow }})
	resp := f.create(t, "room-1", scalelite.Param{Key: "meta_bbb-Origin", Value: "Greenlight"}, scalelite.Param{Key: "duration", Value: "30"})
	sum := sha1.Sum([]byte("room-1"))
	internal := hex.EncodeToString(sum[:]) + "-1715261728123"
	want := "<response><returncode>SUCCESS</returncode><meetingID>room-1</meetingID><internalMeetingID>" + internal +
		"</internalMeetingID><parentMeetingID>bbb-none</parentMeetingID><attendeePW>ap</attendeePW><moderatorPW>mp</moderatorPW>" +
		"<createTime>1715261728123</createTime><voiceBridge>" + resp.Text("voiceBridge") + "</voiceBridge><dialNumber>613-555-1234</dialNumber>" +
		"<createDate>Thu May 09 13:35:28 UTC 2024</createDate><hasUserJoined>false</hasUserJoined><duration>30</duration>" +
		"<hasBeenForciblyEnded>false</hasBeenForciblyEnded><messageKey></messageKey><message></message></response>"
	if string(resp.Raw) != want {
		t.Errorf("create answer\n got %s\nwant %s", resp.Raw, want)
	}
	if vb := resp.Text("voiceBridge"); len(vb) != 5 {
		t.Errorf("voiceBridge = %q, want 5 digits", vb)
	}
	m, ok := f.srv.Meeting("room-1")
	if !ok || m.InternalMeetingID != internal || m.Metadata["bbb-origin"] != "Greenlight" || m.Duration != 30 || m.CreateCalls != 1 {
		t.Errorf("meeting = %+v", m)
	}
	if got, _ := m.Params.Get("meta_bbb-Origin"); got != "Greenlight" {
		t.Errorf("stored params = %v", m.Params)
	}
	if _, ok := m.Params.Get("checksum"); ok {
		t.Errorf("stored params keep the checksum: %v", m.Params)
	}

	// A repeat returns the same meeting with duplicateWarning.
	again, key := f.do(t, "create", params("name", "Room room-1", "meetingID", "room-1"))
	if key != "" || again.MessageKey != "duplicateWarning" || again.Text("internalMeetingID") != internal {
		t.Errorf("repeat create = %s (%s)", again.Raw, key)
	}
	if m, _ := f.srv.Meeting("room-1"); m.CreateCalls != 2 {
		t.Errorf("CreateCalls = %d, want 2", m.CreateCalls)
	}
	// Different passwords: idNotUnique.
	if _, key := f.do(t, "create", params("name", "x", "meetingID", "room-1", "moderatorPW", "other")); key != "idNotUnique" {
		t.Errorf("create with other password: %q, want idNotUnique", key)
	}
	// Random passwords when absent.
	r2 := f.create(t, "room-2")
	_ = r2
	r3, _ := f.do(t, "create", params("name", "x", "meetingID", "room-3"))
	if len(r3.Text("attendeePW")) != 8 || r3.Text("attendeePW") == r3.Text("moderatorPW") {
		t.Errorf("random passwords: %s", r3.Raw)
	}
}

func TestCreateErrors(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	tests := []struct {
		p    scalelite.Params
		want string
	}{
		{params("name", "x"), "missingParamMeetingID"},
		{params("name", "x", "meetingID", ""), "missingParamMeetingID"},
		{params("name", "x", "meetingID", "a,b"), "validationError"},
		{params("name", "x", "meetingID", "a"), "validationError"},
		{params("meetingID", "abc"), "validationError"},
	}
	for _, tt := range tests {
		if _, key := f.do(t, "create", tt.p); key != tt.want {
			t.Errorf("create %v: %q, want %q", tt.p, key, tt.want)
		}
	}
}

func TestCreatePostForms(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	post := func(rawQuery, contentType, body string) *bbb.Response {
		t.Helper()
		u := f.srv.URL() + "/create"
		if rawQuery != "" {
			u += "?" + rawQuery
		}
		res, err := http.Post(u, contentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		resp, err := bbb.ParseResponse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return resp
	}
	secret := f.srv.Secret()

	// Form body signed with bbb-web's sorted rebuild.
	body := "name=Form+Room&meetingID=form-1&checksum=" + bbb.Checksum(bbb.SHA1, "create", "meetingID=form-1&name=Form+Room", secret)
	if r := post("", "application/x-www-form-urlencoded", body); r.ReturnCode != "SUCCESS" || r.Text("meetingID") != "form-1" {
		t.Errorf("form create: %s", r.Raw)
	}
	// Form body with action+secret alone: body not covered, rejected.
	body = "name=Form+Room&meetingID=form-2&checksum=" + bbb.Checksum(bbb.SHA1, "create", "", secret)
	if r := post("", "application/x-www-form-urlencoded", body); r.MessageKey != "checksumError" {
		t.Errorf("form with uncovered body: %s", r.Raw)
	}
	// XML body with the parameters in the signed query.
	q := "name=Xml&meetingID=xml-1"
	xmlBody := `<modules><module name="presentation"><document url="https://x/a.pdf"/></module></modules>`
	if r := post(q+"&checksum="+bbb.Checksum(bbb.SHA256, "create", q, secret), "application/xml", xmlBody); r.ReturnCode != "SUCCESS" {
		t.Errorf("xml create: %s", r.Raw)
	}
	if m, _ := f.srv.Meeting("xml-1"); string(m.CreateBody) != xmlBody {
		t.Errorf("CreateBody = %q", m.CreateBody)
	}
	// Any other body type.
	if r := post(q+"&checksum="+bbb.Checksum(bbb.SHA256, "create", q, secret), "text/plain", "hello"); r.MessageKey != "unsupportedContentType" {
		t.Errorf("text/plain create: %s", r.Raw)
	}
}

func TestChecksums(t *testing.T) {
	f := setup(t, bbbsim.Options{Secrets: []string{"fixed-secret"}})
	if f.srv.Secret() != "fixed-secret" {
		t.Fatalf("Secret = %q", f.srv.Secret())
	}
	get := func(rawQuery string) string {
		res, err := http.Get(f.srv.URL() + "/getMeetings?" + rawQuery)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		resp, err := bbb.ParseResponse(raw)
		if err != nil {
			t.Fatal(err)
		}
		return resp.MessageKey
	}
	for _, alg := range bbb.AllAlgorithms {
		if key := get("checksum=" + bbb.Checksum(alg, "getMeetings", "", "fixed-secret")); key != "noMeetings" {
			t.Errorf("%s: %s, want noMeetings", alg, key)
		}
	}
	if key := get("&checksum=" + strings.ToUpper(bbb.Checksum(bbb.SHA1, "getMeetings", "", "fixed-secret"))); key != "noMeetings" {
		t.Errorf("?&checksum= upper-case: %s", key)
	}
	for _, q := range []string{"", "checksum=", "checksum=abc", "checksum=" + bbb.Checksum(bbb.SHA1, "getMeetings", "", "other")} {
		if key := get(q); key != "checksumError" {
			t.Errorf("query %q: %s, want checksumError", q, key)
		}
	}
}

func TestJoinRedirect(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u := f.c.SignedURL(f.ep, "join", params("fullName", "Alice", "meetingID", "room-1", "password", "mp", "userID", "alice-1", "userdata-bbb_skip_check_audio", "true"))
	res, err := noFollow.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "http://"+f.srv.Addr()+"/html5client/join?sessionToken=") {
		t.Fatalf("join: %d Location %q", res.StatusCode, loc)
	}
	if c := res.Cookies(); len(c) != 1 || c[0].Name != "JSESSIONID" {
		t.Errorf("cookies = %v", c)
	}
	page, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != 200 || !strings.Contains(string(html), "Alice joined Room room-1 as MODERATOR") {
		t.Errorf("client page: %d %s", page.StatusCode, html)
	}
	if res, _ := http.Get("http://" + f.srv.Addr() + "/html5client/join?sessionToken=nope"); res.StatusCode != 404 {
		t.Errorf("unknown session: %d", res.StatusCode)
	}

	m, _ := f.srv.Meeting("room-1")
	if len(m.Attendees) != 1 || !m.Running || !m.HasUserJoined || m.StartTime == 0 {
		t.Fatalf("meeting after join = %+v", m)
	}
	a := m.Attendees[0]
	if a.UserID != "alice-1" || a.Role != "MODERATOR" || !a.IsPresenter || a.CustomData[0].Key != "bbb_skip_check_audio" {
		t.Errorf("attendee = %+v", a)
	}
}

func TestJoinXML(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	r := f.create(t, "room-1")
	resp, key := f.do(t, "join", params("fullName", "Bob", "meetingID", "room-1", "password", "ap", "redirect", "false"))
	if key != "" || resp.MessageKey != "successfullyJoined" || resp.Text("meeting_id") != r.Text("internalMeetingID") ||
		!strings.HasPrefix(resp.Text("user_id"), "w_") || len(resp.Text("auth_token")) != 12 || len(resp.Text("session_token")) != 16 ||
		resp.Text("guestStatus") != "ALLOW" || !strings.Contains(resp.Text("url"), "sessionToken="+resp.Text("session_token")) {
		t.Errorf("join XML = %s", resp.Raw)
	}
	names := []string{}
	for _, e := range resp.Elements {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "returncode,messageKey,message,meeting_id,user_id,auth_token,session_token,guestStatus,url" {
		t.Errorf("element order %s", got)
	}
	m, _ := f.srv.Meeting("room-1")
	if len(m.Attendees) != 1 || m.Attendees[0].Role != "VIEWER" || m.Attendees[0].UserID != resp.Text("user_id") {
		t.Errorf("attendees = %+v", m.Attendees)
	}
}

func TestJoinErrors(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	r := f.create(t, "room-1")
	f.create(t, "room-2")
	f.do(t, "end", params("meetingID", "room-2"))
	ct := r.Text("createTime")
	tests := []struct {
		name string
		p    scalelite.Params
		want string
	}{
		{"no name", params("meetingID", "room-1", "password", "mp"), "missingParamFullName"},
		{"no meeting id", params("fullName", "A", "password", "mp"), "missingParamMeetingID"},
		{"unknown meeting", params("fullName", "A", "meetingID", "nope", "password", "mp"), "invalidMeetingIdentifier"},
		{"ended meeting", params("fullName", "A", "meetingID", "room-2", "password", "mp"), "meetingForciblyEnded"},
		{"wrong password", params("fullName", "A", "meetingID", "room-1", "password", "x"), "invalidPassword"},
		{"no password", params("fullName", "A", "meetingID", "room-1"), "invalidPassword"},
		{"stale createTime", params("fullName", "A", "meetingID", "room-1", "password", "mp", "createTime", "1"), "mismatchCreateTimeParam"},
		{"role overrides", params("fullName", "A", "meetingID", "room-1", "role", "moderator", "redirect", "false"), ""},
		{"matching createTime", params("fullName", "A", "meetingID", "room-1", "password", "ap", "createTime", ct, "redirect", "false"), ""},
	}
	for _, tt := range tests {
		if _, key := f.do(t, "join", tt.p); key != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, key, tt.want)
		}
	}
	m, _ := f.srv.Meeting("room-1")
	if len(m.Attendees) != 2 || m.Attendees[0].Role != "MODERATOR" || m.Attendees[1].Role != "VIEWER" {
		t.Errorf("attendees = %+v", m.Attendees)
	}
}

func TestEndAndRunning(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1")
	running := func(id string) string {
		r, key := f.do(t, "isMeetingRunning", params("meetingID", id))
		if key != "" {
			t.Fatalf("isMeetingRunning: %s", key)
		}
		return r.Text("running")
	}
	if got := running("room-1"); got != "false" {
		t.Errorf("running before join = %s", got)
	}
	if got := running("nope"); got != "false" {
		t.Errorf("running for unknown = %s", got)
	}
	if _, key := f.do(t, "isMeetingRunning", nil); key != "missingParamMeetingID" {
		t.Errorf("isMeetingRunning without id: %s", key)
	}
	f.do(t, "join", params("fullName", "A", "meetingID", "room-1", "password", "ap", "redirect", "false"))
	if got := running("room-1"); got != "true" {
		t.Errorf("running after join = %s", got)
	}
	if _, key := f.do(t, "end", params("meetingID", "room-1", "password", "ap")); key != "invalidPassword" {
		t.Errorf("end with attendee password: %s", key)
	}
	if _, key := f.do(t, "end", params("meetingID", "nope")); key != "notFound" {
		t.Errorf("end unknown: %s", key)
	}
	// Scalelite sends a bare password key when it has none.
	r, key := f.do(t, "end", scalelite.Params{{Key: "meetingID", Value: "room-1"}, {Key: "password", Bare: true}})
	if key != "" || r.MessageKey != "sentEndMeetingRequest" || r.Message == "" {
		t.Errorf("end = %s (%s)", r.Raw, key)
	}
	if _, ok := f.srv.Meeting("room-1"); ok {
		t.Error("meeting still there after end")
	}
	if got := running("room-1"); got != "false" {
		t.Errorf("running after end = %s", got)
	}
	calls := f.srv.CallsTo("end")
	if len(calls) != 3 || !strings.HasPrefix(calls[2].RawQuery, "meetingID=room-1&password&checksum=") {
		t.Errorf("end calls = %+v", calls)
	}
}

func TestGetMeetingInfo(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1", scalelite.Param{Key: "meta_endCallbackUrl", Value: "https://lms/cb?x=1&y=2"}, scalelite.Param{Key: "maxParticipants", Value: "25"})
	f.do(t, "join", params("fullName", "Alice <A&B>", "meetingID", "room-1", "password", "mp", "redirect", "false", "userdata-bbb_x", "1"))
	r, key := f.do(t, "getMeetingInfo", params("meetingID", "room-1"))
	if key != "" {
		t.Fatal(key)
	}
	var names []string
	for _, e := range r.Elements {
		names = append(names, e.Name)
	}
	wantOrder := "returncode,meetingName,meetingID,internalMeetingID,createTime,createDate,voiceBridge,dialNumber,attendeePW,moderatorPW," +
		"running,duration,hasUserJoined,recording,hasBeenForciblyEnded,startTime,endTime,participantCount,listenerCount," +
		"voiceParticipantCount,videoCount,maxUsers,moderatorCount,attendees,metadata,isBreakout"
	if got := strings.Join(names, ","); got != wantOrder {
		t.Errorf("order\n got %s\nwant %s", got, wantOrder)
	}
	info, err := bbb.ParseMeeting(r.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if info.ParticipantCount != 1 || info.ModeratorCount != 1 || info.MaxUsers != 25 || !info.Running || info.Metadata["endcallbackurl"] != "https://lms/cb?x=1&y=2" {
		t.Errorf("info = %+v", info)
	}
	att, _ := r.Element("attendees")
	wantAtt := "<fullName>Alice &lt;A&amp;B&gt;</fullName><role>MODERATOR</role><isPresenter>true</isPresenter><isListeningOnly>false</isListeningOnly>" +
		"<hasJoinedVoice>false</hasJoinedVoice><hasVideo>false</hasVideo><clientType>HTML5</clientType><customdata><bbb_x>1</bbb_x></customdata></attendee></attendees>"
	if !strings.HasSuffix(string(att.Raw), wantAtt) {
		t.Errorf("attendees = %s", att.Raw)
	}
	if _, key := f.do(t, "getMeetingInfo", params("meetingID", "nope")); key != "notFound" {
		t.Errorf("unknown meeting: %s", key)
	}
}

func TestGetMeetingsSetUsersEndAll(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	r, key := f.do(t, "getMeetings", nil)
	if key != "" || string(r.Raw) != "<response><returncode>SUCCESS</returncode><meetings/><messageKey>noMeetings</messageKey><message>no meetings were found on this server</message></response>" {
		t.Errorf("empty getMeetings = %s", r.Raw)
	}
	f.create(t, "room-1")
	f.create(t, "room-2", scalelite.Param{Key: "isBreakout", Value: "true"}, scalelite.Param{Key: "parentMeetingID", Value: "parent-x"}, scalelite.Param{Key: "sequence", Value: "2"})
	f.srv.SetUsers("room-1", 10, 2, 4, 3)
	f.srv.SetUsers("unknown", 10, 2, 4, 3) // ignored
	list, err := f.c.GetMeetings(context.Background(), f.ep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Meetings) != 2 {
		t.Fatalf("meetings = %+v", list.Meetings)
	}
	m1, m2 := list.Meetings[0], list.Meetings[1]
	if m1.ParticipantCount != 10 || m1.ModeratorCount != 2 || m1.VoiceParticipantCount != 4 || m1.VideoCount != 3 || !m1.Running {
		t.Errorf("room-1 = %+v", m1)
	}
	if !m2.IsBreakout || m2.Running || !strings.Contains(string(m2.Raw), "<isBreakout>true</isBreakout><parentMeetingID>parent-x</parentMeetingID><sequence>2</sequence><freeJoin>false</freeJoin></meeting>") {
		t.Errorf("room-2 = %s", m2.Raw)
	}
	if sm, _ := f.srv.Meeting("room-1"); sm.ParticipantCount() != 10 || len(f.srv.Meetings()) != 2 {
		t.Errorf("Meeting/Meetings disagree")
	}
	f.srv.EndAll()
	if list, _ := f.c.GetMeetings(context.Background(), f.ep, nil); len(list.Meetings) != 0 {
		t.Errorf("after EndAll: %+v", list.Meetings)
	}
}

func TestInsertDocumentRecordingsUnknown(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1")
	doc := []byte(`<modules><module name="presentation"><document url="https://x/b.pdf"/></module></modules>`)
	r, err := f.c.Do(context.Background(), f.ep, "insertDocument", params("meetingID", "room-1"), doc, nil)
	if err != nil || string(r.Raw) != "<response><returncode>SUCCESS</returncode><message>Presentation is being uploaded</message></response>" {
		t.Errorf("insertDocument = %v, %v", r, err)
	}
	if m, _ := f.srv.Meeting("room-1"); len(m.Documents) != 1 || string(m.Documents[0]) != string(doc) {
		t.Errorf("documents = %q", m.Documents)
	}
	var apiErr *bbb.APIError
	if _, err := f.c.Do(context.Background(), f.ep, "insertDocument", params("meetingID", "nope"), doc, nil); !errors.As(err, &apiErr) || apiErr.Key != "notFound" {
		t.Errorf("insertDocument unknown meeting: %v", err)
	}
	if _, key := f.do(t, "insertDocument", params("meetingID", "room-1")); key != "unsupportedContentType" {
		t.Errorf("insertDocument GET: %s", key)
	}
	r, key := f.do(t, "getRecordings", params("meetingID", "room-1"))
	if key != "" || string(r.Raw) != "<response><returncode>SUCCESS</returncode><recordings/><messageKey>noRecordings</messageKey><message>There are no recordings for the meeting(s).</message></response>" {
		t.Errorf("getRecordings = %s", r.Raw)
	}
	if _, key := f.do(t, "sendSomething", nil); key != "unsupportedRequest" {
		t.Errorf("unknown action: %s", key)
	}
}

func TestCalls(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1", scalelite.Param{Key: "welcome", Value: "Hi there"})
	f.do(t, "getMeetings", nil)
	calls := f.srv.Calls()
	if len(calls) != 2 {
		t.Fatalf("calls = %+v", calls)
	}
	c := calls[0]
	if c.Method != "GET" || c.Action != "create" || c.Params.Get("welcome") != "Hi there" || c.Params.Get("checksum") == "" ||
		!strings.HasPrefix(c.RawQuery, "name=Room+room-1&meetingID=room-1&attendeePW=ap&moderatorPW=mp&welcome=Hi+there&checksum=") || c.Time.IsZero() {
		t.Errorf("call = %+v", c)
	}
	if calls[1].Action != "getMeetings" || len(f.srv.CallsTo("getMeetings")) != 1 {
		t.Errorf("calls[1] = %+v", calls[1])
	}
	f.srv.ResetCalls()
	if got := f.srv.Calls(); len(got) != 0 {
		t.Errorf("after reset: %+v", got)
	}
}

func TestCallLimit(t *testing.T) {
	f := setup(t, bbbsim.Options{CallLimit: 8})
	for range 30 {
		f.do(t, "getMeetings", nil)
	}
	calls := f.srv.Calls()
	if len(calls) < 8 || len(calls) > 10 {
		t.Errorf("kept %d calls, want 8..10", len(calls))
	}
}

func TestControls(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	quick := &bbb.Timeouts{Connect: 2 * time.Second, Response: 200 * time.Millisecond}
	call := func() error {
		_, err := f.c.Do(context.Background(), f.ep, "getMeetings", nil, nil, quick)
		return err
	}
	var te *bbb.TransportError
	f.srv.SetDown(true)
	if err := call(); !errors.As(err, &te) || te.Timeout {
		t.Errorf("down: %v", err)
	}
	f.srv.SetDown(true) // no-op
	f.srv.SetDown(false)
	if err := call(); err != nil {
		t.Errorf("back up: %v", err)
	}

	f.srv.SetHTTPError(503)
	if err := call(); !errors.As(err, &te) || te.StatusCode != 503 {
		t.Errorf("http error: %v", err)
	}
	f.srv.SetHTTPError(0)
	f.srv.SetMalformed(true)
	if err := call(); !errors.As(err, &te) || !strings.Contains(err.Error(), "not XML") {
		t.Errorf("malformed: %v", err)
	}
	f.srv.SetMalformed(false)

	f.srv.SetBlackhole(true)
	if err := call(); !errors.As(err, &te) || !te.Timeout {
		t.Errorf("blackhole: %v", err)
	}
	// A request waiting in the blackhole is answered once it is turned off.
	before := len(f.srv.CallsTo("getMeetings"))
	done := make(chan error, 1)
	go func() {
		_, err := f.c.Do(context.Background(), f.ep, "getMeetings", nil, nil, &bbb.Timeouts{Connect: 5 * time.Second, Response: 30 * time.Second})
		done <- err
	}()
	waitFor(t, func() bool { return len(f.srv.CallsTo("getMeetings")) > before })
	f.srv.SetBlackhole(false)
	if err := <-done; err != nil {
		t.Errorf("released from blackhole: %v", err)
	}

	f.srv.SetDelay(20 * time.Millisecond)
	if err := call(); err != nil {
		t.Errorf("short delay: %v", err)
	}
	f.srv.SetDelay(time.Hour)
	if err := call(); !errors.As(err, &te) || !te.Timeout {
		t.Errorf("long delay: %v", err)
	}
	f.srv.SetDelay(0)
	if err := call(); err != nil {
		t.Errorf("after controls: %v", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStartOptions(t *testing.T) {
	if _, err := bbbsim.Start(context.Background(), 0, bbbsim.Options{}); err == nil {
		t.Error("Start with 0 servers: no error")
	}
	sim, err := bbbsim.Start(context.Background(), 3, bbbsim.Options{Secrets: []string{"", "s2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	srvs := sim.Servers()
	if len(srvs) != 3 || srvs[1].Secret() != "s2" || srvs[0].Secret() == srvs[2].Secret() || len(srvs[0].Secret()) != 40 {
		t.Errorf("secrets: %q %q %q", srvs[0].Secret(), srvs[1].Secret(), srvs[2].Secret())
	}
	u, _ := url.Parse(srvs[0].URL())
	port, _ := strconv.Atoi(u.Port())
	if u.Hostname() != "127.0.0.1" || u.Path != "/bigbluebutton/api" || port == 0 {
		t.Errorf("URL = %s", srvs[0].URL())
	}
	// The same port is refused while taken.
	if _, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{Ports: []int{port}}); err == nil {
		t.Error("Start on a taken port: no error")
	}
	sim.Close()
	sim.Close() // idempotent
	if _, err := http.Get(srvs[0].URL()); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestContextEndCloses(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sim, err := bbbsim.Start(ctx, 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := sim.Servers()[0].URL()
	cancel()
	waitFor(t, func() bool {
		_, err := http.Get(u)
		return err != nil
	})
	sim.Close()
}

func TestPostFormOtherActions(t *testing.T) {
	f := setup(t, bbbsim.Options{})
	f.create(t, "room-1")
	post := func(action, contentType, body string) *bbb.Response {
		t.Helper()
		res, err := http.Post(f.srv.URL()+"/"+action, contentType, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		resp, err := bbb.ParseResponse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		return resp
	}
	sum := bbb.Checksum(bbb.SHA256, "getMeetingInfo", "meetingID=room-1", f.srv.Secret())
	if r := post("getMeetingInfo", "application/x-www-form-urlencoded", "meetingID=room-1&checksum="+sum); r.ReturnCode != "SUCCESS" || r.Text("meetingID") != "room-1" {
		t.Errorf("form getMeetingInfo: %s", r.Raw)
	}
	if r := post("getMeetings", "text/plain", "x"); r.MessageKey != "unsupportedContentType" {
		t.Errorf("text/plain getMeetings: %s", r.Raw)
	}
	calls := f.srv.CallsTo("getMeetingInfo")
	if len(calls) != 1 || calls[0].Method != "POST" || calls[0].Params.Get("meetingID") != "room-1" || string(calls[0].Body) != "meetingID=room-1&checksum="+sum {
		t.Errorf("calls = %+v", calls)
	}
}
