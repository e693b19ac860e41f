package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// A meeting imported from Scalelite's Redis has a server, a moderator password and a voice
// bridge but no create parameters (Scalelite never stored them). A join goes to its server at
// once; when that server dies, joins answer serverUnavailable (nothing to re-create it from)
// until the front-end calls create again, which places it on a healthy server.
func TestImportedMeetingWithoutCreateParameters(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		ctx := context.Background()
		m := &scalelite.Meeting{MeetingID: "migrated", ServerID: "s01", ModeratorPW: "mp", VoiceBridge: "712345678"}
		if err := store.ImportMeeting(ctx, m, false); err != nil {
			t.Fatal(err)
		}

		loc := e.joinLocation("fullName=Ann&meetingID=migrated&password=mp")
		want := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts).SignedURL(e.bbbServer(0).Endpoint(), "join",
			scalelite.Params{{Key: "fullName", Value: "Ann"}, {Key: "meetingID", Value: "migrated"}, {Key: "password", Value: "mp"}})
		if loc != want {
			t.Fatalf("join of an imported meeting: %s, want %s", loc, want)
		}

		// Its voice bridge is reserved: a new meeting never gets it.
		if err := store.ImportMeeting(ctx, &scalelite.Meeting{MeetingID: "other", ServerID: "s02", VoiceBridge: "712345678"}, false); scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			t.Errorf("second meeting on the same voice bridge: %v, want a conflict", err)
		}

		// Its server dies: no create parameters, so a join cannot re-create it elsewhere.
		e.setOnline("s01", false)
		code, body, _ := e.do(http.MethodGet, e.signed("join", "fullName=Ann&meetingID=migrated&password=mp"), "", "")
		if code != http.StatusOK {
			t.Fatalf("join after its server died: HTTP %d", code)
		}
		checkError(t, body, keyServerUnavailable, msgServerUnavailable)
		if got := e.meeting("migrated"); got.ServerID != "s01" || got.EndedAt != nil {
			t.Errorf("meeting after the failed join: %+v", got)
		}

		// The front-end's next create places it on a healthy server with the parameters it
		// sends, which are stored: from then on it is recoverable like any other meeting.
		e.create("migrated", "")
		got := e.meeting("migrated")
		if got.ServerID != "s02" || got.VoiceBridge != "712345678" || !strings.Contains(got.CreateQuery, "meetingID=migrated") {
			t.Fatalf("after create: %+v", got)
		}
		if n := len(e.calls(1, "create")); n != 1 {
			t.Errorf("s02 received %d creates, want 1", n)
		}
		e.setOnline("s01", true)
		e.setOnline("s02", false)
		if loc := e.joinLocation("fullName=Ann&meetingID=migrated&password=mp"); !strings.HasPrefix(loc, e.bbbServer(0).URL()) {
			t.Errorf("join after s02 died went to %s, want a recovery on s01", loc)
		}
	})
}

// A create of an imported meeting while its server is alive keeps it there and stores the
// parameters it sent (with the meeting's own moderator password and voice bridge): when that
// server dies later, a join re-creates it elsewhere.
func TestImportedMeetingGetsCreateParametersFromACreate(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		m := &scalelite.Meeting{MeetingID: "migrated", ServerID: "s01", ModeratorPW: "stored-mp", VoiceBridge: "712345678"}
		if err := store.ImportMeeting(context.Background(), m, false); err != nil {
			t.Fatal(err)
		}
		e.create("migrated", "") // running on s01 (the simulator has it: it answers duplicateWarning or creates)
		got := e.meeting("migrated")
		if got.ServerID != "s01" || !strings.Contains(got.CreateQuery, "moderatorPW=stored-mp") || !strings.Contains(got.CreateQuery, "voiceBridge=712345678") {
			t.Fatalf("after the create: %+v", got)
		}
		e.setOnline("s01", false)
		if loc := e.joinLocation("fullName=Ann&meetingID=migrated&password=ap"); !strings.HasPrefix(loc, e.bbbServer(1).URL()) {
			t.Fatalf("join after s01 died went to %s, want a recovery on s02", loc)
		}
		c := e.calls(1, "create")
		if len(c) != 1 || c[0].Params.Get("moderatorPW") != "stored-mp" || c[0].Params.Get("voiceBridge") != "712345678" {
			t.Errorf("s02 received creates %+v", c)
		}
	})
}
