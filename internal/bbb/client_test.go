package bbb_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func startSim(t *testing.T) *bbbsim.Server {
	t.Helper()
	sim, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return sim.Servers()[0]
}

func newClient(t *testing.T, alg bbb.Algorithm, to bbb.Timeouts) *bbb.Client {
	c := bbb.NewClient(alg, to)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func endpoint(s *bbbsim.Server) bbb.Endpoint { return bbb.Endpoint{URL: s.URL(), Secret: s.Secret()} }

func TestClientEveryAlgorithm(t *testing.T) {
	srv := startSim(t)
	for _, alg := range bbb.AllAlgorithms {
		t.Run(string(alg), func(t *testing.T) {
			c := newClient(t, alg, bbb.DefaultTimeouts)
			id := "room-" + string(alg)
			p := scalelite.Params{{Key: "name", Value: "Room " + string(alg)}, {Key: "meetingID", Value: id}, {Key: "meta_bbb-origin", Value: "Greenlight"}}
			resp, err := c.Do(context.Background(), endpoint(srv), "create", p, nil, nil)
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if got := resp.Text("meetingID"); got != id {
				t.Errorf("meetingID = %q, want %q", got, id)
			}
			calls := srv.CallsTo("create")
			last := calls[len(calls)-1]
			_, sum := bbb.StripChecksum(last.RawQuery)
			if len(sum) != map[bbb.Algorithm]int{bbb.SHA1: 40, bbb.SHA256: 64, bbb.SHA384: 96, bbb.SHA512: 128}[alg] {
				t.Errorf("checksum %q has the wrong length for %s", sum, alg)
			}
		})
	}
}

func TestClientVersionAndGetMeetings(t *testing.T) {
	srv := startSim(t)
	c := newClient(t, bbb.SHA256, bbb.DefaultTimeouts)
	ctx := context.Background()
	v, err := c.Version(ctx, endpoint(srv), nil)
	if err != nil || v != "3.0.19" {
		t.Fatalf("Version = %q, %v; want 3.0.19", v, err)
	}
	list, err := c.GetMeetings(ctx, endpoint(srv), nil)
	if err != nil || len(list.Meetings) != 0 {
		t.Fatalf("GetMeetings on empty server = %+v, %v", list, err)
	}
	for _, id := range []string{"m1", "m2"} {
		p := scalelite.Params{{Key: "meetingID", Value: id}, {Key: "name", Value: "Name " + id}, {Key: "meta_endCallbackUrl", Value: "https://x/cb?a=1&b=2"}}
		if _, err := c.Do(ctx, endpoint(srv), "create", p, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	srv.SetUsers("m2", 5, 2, 3, 1)
	list, err = c.GetMeetings(ctx, endpoint(srv), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Meetings) != 2 {
		t.Fatalf("got %d meetings, want 2", len(list.Meetings))
	}
	m1, m2 := list.Meetings[0], list.Meetings[1]
	if m1.MeetingID != "m1" || m1.Running || m1.ParticipantCount != 0 {
		t.Errorf("m1 = %+v", m1)
	}
	if got := m1.Metadata["endcallbackurl"]; got != "https://x/cb?a=1&b=2" {
		t.Errorf("m1 metadata endcallbackurl = %q", got)
	}
	want := bbb.MeetingInfo{MeetingID: "m2", MeetingName: "Name m2", ParticipantCount: 5, ModeratorCount: 2, VoiceParticipantCount: 3, VideoCount: 1, Running: true}
	if m2.MeetingID != want.MeetingID || m2.MeetingName != want.MeetingName || m2.ParticipantCount != 5 || m2.ModeratorCount != 2 ||
		m2.VoiceParticipantCount != 3 || m2.VideoCount != 1 || !m2.Running || m2.IsBreakout {
		t.Errorf("m2 = %+v, want %+v", m2, want)
	}
	if m2.CreateTime == 0 || !strings.HasSuffix(m2.InternalMeetingID, "-"+strconv.FormatInt(m2.CreateTime, 10)) {
		t.Errorf("m2 ids: %q %d", m2.InternalMeetingID, m2.CreateTime)
	}
	if raw := string(m2.Raw); !strings.HasPrefix(raw, "<meeting>") || !strings.HasSuffix(raw, "</meeting>") || !strings.Contains(raw, "<meetingID>m2</meetingID>") {
		t.Errorf("m2 Raw = %s", raw)
	}
}

func TestClientFailedAnswer(t *testing.T) {
	srv := startSim(t)
	c := newClient(t, bbb.SHA1, bbb.DefaultTimeouts)
	resp, err := c.Do(context.Background(), endpoint(srv), "getMeetingInfo", scalelite.Params{{Key: "meetingID", Value: "nope"}}, nil, nil)
	var apiErr *bbb.APIError
	if !errors.As(err, &apiErr) || apiErr.Key != "notFound" {
		t.Fatalf("err = %v, want APIError notFound", err)
	}
	if resp == nil || resp.ReturnCode != "FAILED" || resp.MessageKey != "notFound" || resp.Message == "" {
		t.Errorf("resp = %+v", resp)
	}

	wrong := bbb.Endpoint{URL: srv.URL(), Secret: "not-the-secret"}
	_, err = c.Do(context.Background(), wrong, "getMeetings", nil, nil, nil)
	if !errors.As(err, &apiErr) || apiErr.Key != "checksumError" {
		t.Fatalf("wrong secret: err = %v, want checksumError", err)
	}
}

func TestClientTransportErrors(t *testing.T) {
	srv := startSim(t)
	ctx := context.Background()
	tests := []struct {
		name        string
		set, unset  func()
		wantTimeout bool
		wantStatus  int
	}{
		{"http 500", func() { srv.SetHTTPError(500) }, func() { srv.SetHTTPError(0) }, false, 500},
		{"http 404", func() { srv.SetHTTPError(404) }, func() { srv.SetHTTPError(0) }, false, 404},
		{"malformed", func() { srv.SetMalformed(true) }, func() { srv.SetMalformed(false) }, false, 200},
		{"refused", func() { srv.SetDown(true) }, func() { srv.SetDown(false) }, false, 0},
		{"blackhole", func() { srv.SetBlackhole(true) }, func() { srv.SetBlackhole(false) }, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, bbb.SHA256, bbb.Timeouts{Connect: 2 * time.Second, Response: 100 * time.Millisecond})
			if _, err := c.Do(ctx, endpoint(srv), "getMeetings", nil, nil, nil); err != nil {
				t.Fatalf("before: %v", err) // warms a kept-alive connection
			}
			tt.set()
			_, err := c.Do(ctx, endpoint(srv), "getMeetings", nil, nil, nil)
			var te *bbb.TransportError
			if !errors.As(err, &te) {
				t.Fatalf("err = %T %v, want *TransportError", err, err)
			}
			if te.Timeout != tt.wantTimeout || te.StatusCode != tt.wantStatus || te.Op != "getMeetings" {
				t.Errorf("TransportError = %+v (%v), want timeout %v status %d", te, te, tt.wantTimeout, tt.wantStatus)
			}
			tt.unset()
			if _, err := c.Do(ctx, endpoint(srv), "getMeetings", nil, nil, nil); err != nil {
				t.Errorf("after reset: %v", err)
			}
		})
	}
}

func TestClientPerCallTimeouts(t *testing.T) {
	srv := startSim(t)
	c := newClient(t, bbb.SHA256, bbb.Timeouts{Connect: time.Second, Response: time.Millisecond})
	srv.SetDelay(50 * time.Millisecond)
	long := bbb.Timeouts{Connect: 5 * time.Second, Response: 30 * time.Second}
	if _, err := c.Do(context.Background(), endpoint(srv), "getMeetings", nil, nil, &long); err != nil {
		t.Fatalf("with per-call timeouts: %v", err)
	}
	srv.SetDelay(0)
	srv.SetBlackhole(true)
	defer srv.SetBlackhole(false)
	_, err := c.GetMeetings(context.Background(), endpoint(srv), nil)
	var te *bbb.TransportError
	if !errors.As(err, &te) || !te.Timeout {
		t.Fatalf("client default timeout: err = %v, want timeout", err)
	}
}

func TestClientContext(t *testing.T) {
	srv := startSim(t)
	srv.SetBlackhole(true)
	defer srv.SetBlackhole(false)
	c := newClient(t, bbb.SHA256, bbb.Timeouts{}) // no timeouts: only ctx ends the call

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, endpoint(srv), "getMeetings", nil, nil, nil)
	var te *bbb.TransportError
	if !errors.As(err, &te) || !te.Timeout || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: err = %v, want timeout wrapping DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.Do(ctx, endpoint(srv), "getMeetings", nil, nil, nil)
	if !errors.As(err, &te) || te.Timeout || !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: err = %v, want non-timeout wrapping Canceled", err)
	}
}

func TestClientPostBody(t *testing.T) {
	srv := startSim(t)
	c := newClient(t, bbb.SHA512, bbb.DefaultTimeouts)
	body := []byte(`<modules><module name="presentation"><document url="https://x/a.pdf" filename="a.pdf"/></module></modules>`)
	p := scalelite.Params{{Key: "meetingID", Value: "m-1"}, {Key: "name", Value: "M"}}
	if _, err := c.Do(context.Background(), endpoint(srv), "create", p, body, nil); err != nil {
		t.Fatal(err)
	}
	calls := srv.CallsTo("create")
	if len(calls) != 1 || calls[0].Method != "POST" || string(calls[0].Body) != string(body) {
		t.Fatalf("calls = %+v", calls)
	}
	m, _ := srv.Meeting("m-1")
	if string(m.CreateBody) != string(body) {
		t.Errorf("CreateBody = %q", m.CreateBody)
	}
}

func TestClientOddAnswers(t *testing.T) {
	tests := []struct {
		name, body  string
		wantNoRC    bool
		wantNotXML  bool
		wantVersion string
	}{
		{"no returncode", `<response><version>2.0</version></response>`, true, false, ""},
		{"html page", `<!DOCTYPE html><html><body><p>hello<br></body></html>`, false, true, ""},
		{"plain text", `Service Unavailable`, false, true, ""},
		{"empty", ``, false, true, ""},
		{"hidden version", `<?xml version="1.0"?>` + "\n<response>\n  <returncode>SUCCESS</returncode>\n  <version>2.0</version>\n</response>\n", false, false, ""},
		{"version", `<response><returncode>SUCCESS</returncode><version>2.0</version><bbbVersion> 2.7.3 </bbbVersion><unknown><x/></unknown></response>`, false, false, "2.7.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			c := newClient(t, bbb.SHA256, bbb.DefaultTimeouts)
			v, err := c.Version(context.Background(), bbb.Endpoint{URL: ts.URL + "/bigbluebutton/api", Secret: "s"}, nil)
			var apiErr *bbb.APIError
			var te *bbb.TransportError
			switch {
			case tt.wantNoRC:
				if !errors.As(err, &apiErr) || apiErr.Key != "internalError" || apiErr.Message != "Response did not include returncode" || !errors.Is(err, bbb.ErrNoReturnCode) {
					t.Errorf("err = %v, want internalError without returncode", err)
				}
			case tt.wantNotXML:
				if !errors.As(err, &te) || te.Timeout || !strings.Contains(err.Error(), "not XML") {
					t.Errorf("err = %v, want not-XML TransportError", err)
				}
			default:
				if err != nil || v != tt.wantVersion {
					t.Errorf("Version = %q, %v; want %q", v, err, tt.wantVersion)
				}
			}
		})
	}
}

func TestSignedURL(t *testing.T) {
	c := bbb.NewClient(bbb.SHA1, bbb.DefaultTimeouts)
	ep := bbb.Endpoint{URL: "https://bbb.example/bigbluebutton/api", Secret: "639259d4-9dd8-4b25-bf01-95f9567eaf4b"}
	tests := []struct {
		ep     bbb.Endpoint
		action string
		p      scalelite.Params
		want   string
	}{
		{ep, "create", scalelite.Params{{Key: "name", Value: "Test Meeting"}, {Key: "meetingID", Value: "abc123"}, {Key: "attendeePW", Value: "111222"}, {Key: "moderatorPW", Value: "333444"}},
			"https://bbb.example/bigbluebutton/api/create?name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"},
		{bbb.Endpoint{URL: ep.URL + "/", Secret: ep.Secret}, "getMeetings", nil,
			"https://bbb.example/bigbluebutton/api/getMeetings?checksum=2027baa7771026e9e93392f55031535d1444c41f"},
		{ep, "end", scalelite.Params{{Key: "meetingID", Value: "m"}, {Key: "password", Bare: true}},
			"https://bbb.example/bigbluebutton/api/end?meetingID=m&password&checksum=" + bbb.Checksum(bbb.SHA1, "end", "meetingID=m&password", ep.Secret)},
	}
	for _, tt := range tests {
		if got := c.SignedURL(tt.ep, tt.action, tt.p); got != tt.want {
			t.Errorf("SignedURL = %s\nwant          %s", got, tt.want)
		}
	}
}
