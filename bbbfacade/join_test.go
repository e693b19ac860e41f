package bbbfacade

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// joinLocation calls join and returns the redirect target (302 expected).
func (e *env) joinLocation(query string) string {
	e.t.Helper()
	code, body, resp := e.do(http.MethodGet, e.signed("join", query), "", "")
	if code != http.StatusFound {
		e.t.Fatalf("join %s: HTTP %d %s", query, code, body)
	}
	return resp.Header.Get("Location")
}

// Items 39-40: join checks the meeting and redirects to exactly the signed backend URL; the
// server's load rises by its multiplier, flushed by Run/Flush instead of written on the request.
func TestJoin(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		checkError(t, e.get("join", "fullName=A"), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, e.get("join", "fullName=A&meetingID=nope"), keyNotFound, msgMeetingNotFound)
		e.create("room-1", "")
		m3 := 3.0
		e.updateServer("s01", scalelite.ServerUpdate{LoadMultiplier: &m3})
		before := e.server("s01").Load
		loc := e.joinLocation("fullName=Alice+B&meetingID=room-1&password=mp&redirect=true")
		s := e.bbbServer(0)
		want := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts).SignedURL(s.Endpoint(), "join",
			scalelite.Params{{Key: "fullName", Value: "Alice B"}, {Key: "meetingID", Value: "room-1"}, {Key: "password", Value: "mp"}, {Key: "redirect", Value: "true"}})
		if loc != want {
			t.Errorf("Location %s, want %s", loc, want)
		}
		if got := e.server("s01").Load; got != before {
			t.Errorf("join wrote load %v on the request path", got)
		}
		if err := e.meetings.FlushLoad(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.server("s01").Load; got != before+3 {
			t.Errorf("load after flush %v, want %v", got, before+3)
		}
		// The simulated server accepts the redirect's checksum and sends the user on to its client.
		code, body, resp := e.do(http.MethodGet, loc, "", "")
		if code != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "sessionToken=") {
			t.Errorf("backend join: %d %s %s", code, resp.Header.Get("Location"), body)
		}
		// Item 44: POST is unsupported.
		_, body, _ = e.do(http.MethodPost, e.signed("join", "fullName=A&meetingID=room-1&password=mp"), "", "")
		checkError(t, body, keyUnsupportedRequest, msgUnsupportedRequest)
	})
}

// Cordoned servers stay joinable but take no load bump (Scalelite's ZADD XX on server_load).
func TestJoinCordoned(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.setState("s01", scalelite.ServerCordoned)
		before := e.server("s01").Load
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		if err := e.meetings.FlushLoad(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.server("s01").Load; got != before {
			t.Errorf("cordoned load changed to %v", got)
		}
	})
}

// Item 41 and 43: JOIN_EXCLUDE_PARAMS, join defaults and overrides.
func TestJoinParams(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) {
			c.Join.Exclude = []string{"avatarURL"}
			c.Join.Defaults = scalelite.ParseParamList("userdata-bbb_skip_check_audio=true,guest=false")
			c.Join.Overrides = scalelite.ParseParamList("userdata-bbb_auto_join_audio=false")
		})
		e.create("room-1", "")
		loc := e.joinLocation("fullName=A&meetingID=room-1&password=ap&avatarURL=x&guest=true&userdata-bbb_auto_join_audio=true")
		u, _ := url.Parse(loc)
		rest, _ := bbb.StripChecksum(u.RawQuery)
		if want := "userdata-bbb_skip_check_audio=true&guest=true&fullName=A&meetingID=room-1&password=ap&userdata-bbb_auto_join_audio=false"; rest != want {
			t.Errorf("join query %s, want %s", rest, want)
		}
		e2 := newEnvOn(t, store, e, func(c *envConfig) { c.Join = scalelite.ParamPolicy{} })
		loc = e2.joinLocation("fullName=A&meetingID=room-1&password=ap&avatarURL=x&empty=")
		u, _ = url.Parse(loc)
		if rest, _ := bbb.StripChecksum(u.RawQuery); rest != "fullName=A&meetingID=room-1&password=ap&avatarURL=x&empty=" {
			t.Errorf("join query %s", rest)
		}
	})
}

// Item 42: a disabled or offline server gives serverUnavailable when the meeting cannot be
// recovered (no other server).
func TestJoinServerUnavailable(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.setOnline("s01", false)
		checkError(t, e.get("join", "fullName=A&meetingID=room-1&password=ap"), keyServerUnavailable, msgServerUnavailable)
		e.setOnline("s01", true)
		e.setState("s01", scalelite.ServerDisabled)
		checkError(t, e.get("join", "fullName=A&meetingID=room-1&password=ap"), keyServerUnavailable, msgServerUnavailable)
	})
}
