package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// panicServer panics a server through the server service (the CLI's, GraphQL's and the admin
// API's), ending its meetings on BBB with the facade's backend, and returns what it did.
func (e *env) panicServer(serverID string, keepState bool) scalelite.PanicResult {
	e.t.Helper()
	svc := scalelite.NewServerService(e.store, e.backend, nil, false)
	res, err := svc.Panic(context.Background(), serverID, keepState, false)
	if err != nil || len(res.EndErrors) > 0 {
		e.t.Fatalf("panic %s: %+v, %v", serverID, res, err)
	}
	return res
}

// Scalelite #489/#544/#993: after a panic the next join re-creates the meeting on a healthy
// server from its stored create parameters and body (same meetingID, passwords, voice bridge,
// metadata, slides) and sends the user there; Scalelite forgot the meeting (notFound).
func TestJoinAfterPanicRecreatesMeeting(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		const slides = `<modules><module name="presentation"><document url="https://example.com/deck.pdf" filename="deck.pdf"/></module></modules>`
		_, got, _ := e.do(http.MethodPost, e.signed("create", "meetingID=room-1&name=Room&attendeePW=ap&meta_bbb-origin=greenlight"), "application/xml", slides)
		if !strings.Contains(got, "SUCCESS") {
			t.Fatal(got)
		}
		m := e.meeting("room-1")
		old := map[string]int{"s01": 0, "s02": 1}[m.ServerID]
		healthy := 1 - old

		res := e.panicServer(m.ServerID, false)
		if len(res.Ended) != 1 || res.Ended[0].MeetingID != "room-1" {
			t.Fatalf("panic cleared %+v", res.Ended)
		}
		if _, ok := e.bbbServer(old).Meeting("room-1"); ok {
			t.Fatalf("the panic did not end the meeting on its server")
		}
		if s := e.server(m.ServerID); s.State != scalelite.ServerDisabled {
			t.Fatalf("panicked server is %s", s.State)
		}
		if after := e.meeting("room-1"); after.ServerID != m.ServerID || after.EndedAt != nil {
			t.Fatalf("row after panic: %+v; want running on the panicked server (recoverable)", after)
		}

		loc := e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		if !strings.HasPrefix(loc, e.bbbServer(healthy).URL()+"/join?") {
			t.Errorf("redirected to %s", loc)
		}
		calls := e.calls(healthy, "create")
		if len(calls) != 1 || calls[0].Method != http.MethodPost || string(calls[0].Body) != slides || sent(calls[0]) != m.CreateQuery {
			t.Fatalf("healthy server received %+v, want %s with the slides", calls, m.CreateQuery)
		}
		sm, ok := e.bbbServer(healthy).Meeting("room-1")
		if !ok || sm.ModeratorPW != m.ModeratorPW || sm.AttendeePW != "ap" || sm.VoiceBridge != m.VoiceBridge ||
			sm.Metadata["bbb-origin"] != "greenlight" || string(sm.CreateBody) != slides {
			t.Errorf("re-created %+v (stored %+v)", sm, m)
		}
		if after := e.meeting("room-1"); after.ID != m.ID || after.ServerID != serverID(healthy) || after.VoiceBridge != m.VoiceBridge ||
			after.ModeratorPW != m.ModeratorPW || after.AttendeePW != "ap" {
			t.Errorf("stored %+v", after)
		}
		if len(e.calls(old, "create")) != 1 {
			t.Errorf("the panicked server received another create")
		}
		// The user's join is accepted there, and the next join goes straight there.
		if code, _, _ := e.do(http.MethodGet, loc, "", ""); code != http.StatusFound {
			t.Errorf("backend join: %d", code)
		}
		if loc2 := e.joinLocation("fullName=B&meetingID=room-1&password=ap"); !strings.HasPrefix(loc2, e.bbbServer(healthy).URL()+"/join?") {
			t.Errorf("second join redirected to %s", loc2)
		}
		if n := len(e.calls(healthy, "create")); n != 1 {
			t.Errorf("healthy server received %d creates", n)
		}
	})
}

// After a panic the next create places the meeting again on a healthy server (same row, voice
// bridge and moderator password). With --keep-state the server stays enabled: the meeting stays
// with it and the next create re-creates it there.
func TestCreateAfterPanic(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		for _, keepState := range []bool{false, true} {
			e := newEnv(t, dbFor(t, store), 2)
			e.create("room-1", "")
			m := e.meeting("room-1")
			old := map[string]int{"s01": 0, "s02": 1}[m.ServerID]
			e.panicServer(m.ServerID, keepState)
			if _, ok := e.bbbServer(old).Meeting("room-1"); ok {
				t.Fatalf("keepState %v: the panic did not end the meeting on its server", keepState)
			}

			e.create("room-1", "")
			after := e.meeting("room-1")
			want := map[bool]int{false: 1 - old, true: old}[keepState]
			if after.ServerID != serverID(want) || after.ID != m.ID || after.VoiceBridge != m.VoiceBridge || after.ModeratorPW != "mp" {
				t.Errorf("keepState %v: before %+v after %+v, want on %s", keepState, m, after, serverID(want))
			}
			sm, ok := e.bbbServer(want).Meeting("room-1")
			if !ok || sm.VoiceBridge != m.VoiceBridge || sm.ModeratorPW != "mp" || sm.AttendeePW != "ap" {
				t.Errorf("keepState %v: meeting on %s: %+v", keepState, serverID(want), sm)
			}
			if loc := e.joinLocation("fullName=A&meetingID=room-1&password=ap"); !strings.HasPrefix(loc, e.bbbServer(want).URL()+"/join?") {
				t.Errorf("keepState %v: join redirected to %s", keepState, loc)
			} else if code, _, _ := e.do(http.MethodGet, loc, "", ""); code != http.StatusFound {
				t.Errorf("keepState %v: backend join: %d", keepState, code)
			}
		}
	})
}
