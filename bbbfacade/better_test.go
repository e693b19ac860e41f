package bbbfacade

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// No trampling herd (Scalelite #1048): 200 simultaneous creates over 20 equal servers end with
// exactly 10 meetings on each, because each placement reserves its load in the same transaction.
func TestConcurrentCreatesSpreadEvenly(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 20, func(c *envConfig) { c.Timeouts = bbb.Timeouts{Connect: 10 * time.Second, Response: 30 * time.Second} })
		var wg sync.WaitGroup
		errs := make(chan string, 200)
		for i := range 200 {
			wg.Go(func() {
				q := fmt.Sprintf("meetingID=burst-%03d&name=Room&moderatorPW=mp", i)
				_, body, _ := e.do(http.MethodGet, e.signed("create", q), "", "")
				if !strings.Contains(body, "SUCCESS") {
					errs <- body
				}
			})
		}
		wg.Wait()
		close(errs)
		for b := range errs {
			t.Fatalf("create failed: %s", b)
		}
		for i := range 20 {
			if n := len(e.bbbServer(i).Meetings()); n != 10 {
				t.Errorf("server %d has %d meetings, want 10", i+1, n)
			}
			if l := e.server(serverID(i)).Load; l != 150 {
				t.Errorf("server %d load %v, want 150 (10 × 15 reserved)", i+1, l)
			}
		}
		n, err := store.CountMeetings(context.Background(), scalelite.MeetingFilter{})
		if err != nil || n != 200 {
			t.Errorf("%d meetings stored, %v", n, err)
		}
	})
}

// 50 simultaneous creates of one meetingID give one meeting on one server with one voice bridge.
func TestConcurrentCreatesSameMeeting(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 5, func(c *envConfig) { c.Timeouts = bbb.Timeouts{Connect: 10 * time.Second, Response: 30 * time.Second} })
		var wg sync.WaitGroup
		bodies := make([]string, 50)
		for i := range 50 {
			wg.Go(func() {
				_, bodies[i], _ = e.do(http.MethodGet, e.signed("create", "meetingID=same&name=Room&moderatorPW=mp&attendeePW=ap"), "", "")
			})
		}
		wg.Wait()
		for _, b := range bodies {
			if !strings.Contains(b, "SUCCESS") {
				t.Fatalf("create failed: %s", b)
			}
		}
		m := e.meeting("same")
		holders := 0
		for i := range 5 {
			sm, ok := e.bbbServer(i).Meeting("same")
			if ok {
				holders++
				if serverID(i) != m.ServerID || sm.VoiceBridge != m.VoiceBridge {
					t.Errorf("server %d holds the meeting with voice bridge %s; stored %s on %s", i+1, sm.VoiceBridge, m.VoiceBridge, m.ServerID)
				}
			}
		}
		if holders != 1 {
			t.Errorf("%d servers hold the meeting", holders)
		}
		n, _ := store.CountMeetings(context.Background(), scalelite.MeetingFilter{MeetingIDs: []string{"same"}, IncludeEnded: true})
		if n != 1 || e.server(m.ServerID).Load != 15 {
			t.Errorf("%d rows, load %v", n, e.server(m.ServerID).Load)
		}
	})
}

// The reservation is max(meta_bbb-meeting-size-hint, LOAD_MIN_USER_COUNT) × multiplier, so a
// front-end announcing a big meeting steers the next placements away.
func TestReservationSizeHint(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		e.create("big", "meta_bbb-meeting-size-hint=100")
		e.create("small-1", "meta_bbb-meeting-size-hint=3")
		e.create("small-2", "")
		if e.meeting("big").Reservation != 100 || e.meeting("small-1").Reservation != 15 {
			t.Errorf("reservations %v %v", e.meeting("big").Reservation, e.meeting("small-1").Reservation)
		}
		if a, b := e.meeting("small-1").ServerID, e.meeting("small-2").ServerID; a == e.meeting("big").ServerID || a != b {
			t.Errorf("small meetings on %s and %s, big on %s", a, b, e.meeting("big").ServerID)
		}
	})
}

// Recovery on create: a meeting whose server went offline, was disabled or removed is placed
// again (keeping its voice bridge); Scalelite forwards to the dead server.
func TestCreateRecoversMeeting(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		for _, breakServer := range []string{"offline", "disabled", "removed"} {
			e := newEnv(t, dbFor(t, store), 2)
			e.create("room-1", "")
			m := e.meeting("room-1")
			switch breakServer {
			case "offline":
				e.setOnline(m.ServerID, false)
			case "disabled":
				e.setState(m.ServerID, scalelite.ServerDisabled)
			case "removed":
				if err := e.store.DeleteServer(context.Background(), m.ServerID); err != nil {
					t.Fatal(err)
				}
			}
			e.create("room-1", "")
			m2 := e.meeting("room-1")
			if m2.ServerID == m.ServerID || m2.VoiceBridge != m.VoiceBridge || m2.ID != m.ID {
				t.Errorf("%s: before %+v after %+v", breakServer, m, m2)
			}
		}
	})
}

// Recovery on join (Scalelite #489, #544, #993): the meeting is re-created on a healthy server
// from its stored create parameters and body (same meetingID, passwords, voice bridge, metadata)
// and the user is sent there.
func TestJoinRecoversMeeting(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		const slides = `<modules><module name="presentation"><document url="https://example.com/a.pdf"/></module></modules>`
		_, got, _ := e.do(http.MethodPost, e.signed("create", "meetingID=room-1&name=Room&attendeePW=ap&meta_bbb-origin=greenlight"), "application/xml", slides)
		if !strings.Contains(got, "SUCCESS") {
			t.Fatal(got)
		}
		m := e.meeting("room-1")
		old := map[string]int{"s01": 0, "s02": 1}[m.ServerID]
		healthy := 1 - old
		e.setOnline(m.ServerID, false)
		e.bbbServer(old).SetDown(true)

		loc := e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		if !strings.HasPrefix(loc, e.bbbServer(healthy).URL()+"/join?") {
			t.Errorf("redirected to %s", loc)
		}
		calls := e.calls(healthy, "create")
		if len(calls) != 1 || calls[0].Method != http.MethodPost || string(calls[0].Body) != slides || sent(calls[0]) != m.CreateQuery {
			t.Fatalf("healthy server received %+v, want %s", calls, m.CreateQuery)
		}
		sm, _ := e.bbbServer(healthy).Meeting("room-1")
		if sm.ModeratorPW != m.ModeratorPW || sm.AttendeePW != "ap" || sm.VoiceBridge != m.VoiceBridge {
			t.Errorf("re-created %+v", sm)
		}
		if m2 := e.meeting("room-1"); m2.ServerID != serverID(healthy) || m2.VoiceBridge != m.VoiceBridge {
			t.Errorf("stored %+v", m2)
		}
		// The user's join is accepted there.
		if code, _, _ := e.do(http.MethodGet, loc, "", ""); code != http.StatusFound {
			t.Errorf("backend join: %d", code)
		}
	})
}

// A recovery that fails (no other server answers) is undone and answers serverUnavailable.
func TestJoinRecoveryFailure(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		e.create("room-1", "")
		m := e.meeting("room-1")
		other := map[string]int{"s01": 1, "s02": 0}[m.ServerID]
		e.setState(m.ServerID, scalelite.ServerDisabled)
		e.bbbServer(other).SetHTTPError(500)
		loadBefore := e.server(serverID(other)).Load
		checkError(t, e.get("join", "fullName=A&meetingID=room-1&password=ap"), keyServerUnavailable, msgServerUnavailable)
		if m2 := e.meeting("room-1"); m2.ServerID != m.ServerID {
			t.Errorf("meeting left on %s", m2.ServerID)
		}
		if l := e.server(serverID(other)).Load; l != loadBefore {
			t.Errorf("reservation kept: %v", l)
		}
	})
}

// Meetings never expire while running: days later the meeting is still joinable (Scalelite's
// 24 h Redis TTL makes it vanish).
func TestNoMeetingExpiry(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.now = e.now.Add(72 * time.Hour)
		e.joinLocation("fullName=A&meetingID=room-1&password=ap")
	})
}

// Servers marked offline get Scalelite's reduced timeouts (1 s with the defaults) instead of
// tying the request up for CONNECT_TIMEOUT + RESPONSE_TIMEOUT.
func TestOfflineServerReducedTimeouts(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.Timeouts = bbb.DefaultTimeouts })
		e.create("room-1", "")
		e.setOnline("s01", false)
		e.bbbServer(0).SetBlackhole(true)
		start := time.Now()
		checkError(t, e.get("getMeetingInfo", "meetingID=room-1"), keyInternalError, msgAccessMeeting)
		if d := time.Since(start); d >= bbb.DefaultTimeouts.Response {
			t.Errorf("took %v: the full response timeout was used", d)
		}
		if got := bbb.OfflineTimeouts(bbb.DefaultTimeouts); got != (bbb.Timeouts{Connect: time.Second, Response: time.Second}) {
			t.Errorf("OfflineTimeouts = %+v", got)
		}
	})
}

// Run flushes join load bumps in the background and once more when stopped.
func TestRunFlushesLoad(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) { c.LoadFlushInterval = time.Hour })
		e.create("room-1", "")
		before := e.server("s01").Load
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- e.meetings.Run(ctx) }()
		for range 5 {
			e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := e.server("s01").Load; got != before+5 {
			t.Errorf("load %v, want %v", got, before+5)
		}
	})
}

var _ = url.QueryEscape
