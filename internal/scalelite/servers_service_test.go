package scalelite_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// endRecorder is a MeetingEnder that records the calls, fails for listed meetings and answers
// ENOTFOUND (BBB's notFound) for meetings listed in gone.
type endRecorder struct {
	mu     sync.Mutex
	calls  []string
	fail   map[string]bool
	gone   map[string]bool
	states []scalelite.ServerState // the server's state at each call
}

func (r *endRecorder) EndMeeting(_ context.Context, srv *scalelite.Server, meetingID, moderatorPW string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, srv.ID+"/"+meetingID+"/"+moderatorPW)
	r.states = append(r.states, srv.State)
	if r.fail[meetingID] {
		return errors.New("connection refused")
	}
	if r.gone[meetingID] {
		return scalelite.Errorf(scalelite.ENOTFOUND, "We could not find a meeting with that meeting ID")
	}
	return nil
}

// placeOn creates a running meeting on the given server.
func placeOn(t *testing.T, store scalelitetest.PlacementStore, serverID, meetingID string) *scalelite.Meeting {
	t.Helper()
	res, err := scalelitetest.PlaceOn(context.Background(), store, scalelite.PlaceRequest{
		Meeting:     scalelite.Meeting{MeetingID: meetingID, ModeratorPW: "mp-" + meetingID, AttendeePW: "ap", CreateQuery: "meetingID=" + meetingID},
		Reservation: 1,
	}, serverID)
	if err != nil {
		t.Fatalf("place %s on %s: %v", meetingID, serverID, err)
	}
	return res.Meeting
}

// onlineEnabled adds an enabled server and marks it online (as the poller would).
func onlineEnabled(t *testing.T, svc *scalelite.ServerService, id string) *scalelite.Server {
	t.Helper()
	ctx := context.Background()
	srv, _, err := svc.Add(ctx, scalelite.NewServer{ID: id, URL: "https://" + id + "/bigbluebutton/api", Secret: "s", LoadMultiplier: 1, State: scalelite.ServerEnabled})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Store.RecordPoll(ctx, id, scalelite.PollResult{Time: srv.CreatedAt, Online: true}); err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestServerServiceAdd(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewServerService(store, nil, nil, false)
		tests := []struct {
			name         string
			in           scalelite.NewServer
			wantCode     string
			wantWarnings int
			wantMult     float64
		}{
			{"ok", scalelite.NewServer{URL: "https://bbb1.example.com/bigbluebutton/api", Secret: "s", LoadMultiplier: 2}, "", 0, 2},
			{"zero multiplier becomes 1", scalelite.NewServer{URL: "http://bbb2/bigbluebutton/api", Secret: "s"}, "", 1, 1},
			{"negative multiplier becomes 1", scalelite.NewServer{URL: "http://bbb3/bigbluebutton/api", Secret: "s", LoadMultiplier: -3}, "", 1, 1},
			{"no scheme", scalelite.NewServer{URL: "bbb4/bigbluebutton/api", Secret: "s"}, scalelite.EINVALID, 0, 0},
			{"ftp", scalelite.NewServer{URL: "ftp://bbb4/x", Secret: "s"}, scalelite.EINVALID, 0, 0},
			{"no host", scalelite.NewServer{URL: "https:///x", Secret: "s"}, scalelite.EINVALID, 0, 0},
			{"no secret", scalelite.NewServer{URL: "https://bbb5/x"}, scalelite.EINVALID, 0, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				srv, warnings, err := svc.Add(ctx, tt.in)
				if got := scalelite.ErrorCode(err); got != tt.wantCode {
					t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
				}
				if err != nil {
					return
				}
				if len(warnings) != tt.wantWarnings {
					t.Errorf("warnings = %q, want %d", warnings, tt.wantWarnings)
				}
				got, err := store.Server(ctx, srv.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.State != scalelite.ServerDisabled || got.Online || got.LoadMultiplier != tt.wantMult || len(got.ID) != 36 {
					t.Errorf("stored %+v; want disabled, offline, multiplier %v, uuid id", got, tt.wantMult)
				}
			})
		}
	})
}

func TestServerServiceIDIsHostname(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewServerService(store, nil, nil, true)
		srv, _, err := svc.Add(ctx, scalelite.NewServer{URL: "https://BBB1.Example.com:8443/bigbluebutton/api", Secret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if srv.ID != "bbb1.example.com" {
			t.Errorf("id = %q, want bbb1.example.com", srv.ID)
		}
		_, _, err = svc.Add(ctx, scalelite.NewServer{URL: "https://bbb1.example.com/other/api", Secret: "s"})
		if scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			t.Errorf("duplicate host: err = %v, want conflict", err)
		}
	})
}

func TestServerServiceUpdateAndStates(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewServerService(store, nil, nil, false)
		srv, _, err := svc.Add(ctx, scalelite.NewServer{URL: "https://bbb1/bigbluebutton/api", Secret: "s", Tag: "old"})
		if err != nil {
			t.Fatal(err)
		}
		secret, tag, zero, m := "s2", "", 0.0, 3.5
		if _, err := svc.Update(ctx, srv.ID, scalelite.ServerChanges{LoadMultiplier: &zero}); scalelite.ErrorCode(err) != scalelite.EINVALID {
			t.Errorf("multiplier 0: err = %v, want invalid", err)
		}
		if _, err := svc.Update(ctx, "nope", scalelite.ServerChanges{Secret: &secret}); !scalelite.IsNotFound(err) {
			t.Errorf("unknown id: err = %v, want not found", err)
		}
		got, err := svc.Update(ctx, srv.ID, scalelite.ServerChanges{Secret: &secret, Tag: &tag, LoadMultiplier: &m})
		if err != nil {
			t.Fatal(err)
		}
		if got.Secret != "s2" || got.Tag != "" || got.LoadMultiplier != 3.5 {
			t.Errorf("updated = %+v", got)
		}
		for _, step := range []struct {
			do   func(context.Context, string) (*scalelite.Server, error)
			want scalelite.ServerState
		}{{svc.Enable, scalelite.ServerEnabled}, {svc.Cordon, scalelite.ServerCordoned}, {svc.Enable, scalelite.ServerEnabled}} {
			s, err := step.do(ctx, srv.ID)
			if err != nil || s.State != step.want {
				t.Fatalf("state = %v, %v; want %s", s, err, step.want)
			}
		}
		if _, err := svc.Enable(ctx, "nope"); !scalelite.IsNotFound(err) {
			t.Errorf("enable unknown: %v", err)
		}
	})
}

func TestServerServiceDisable(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		ender := &endRecorder{}
		svc := scalelite.NewServerService(store, ender, nil, false)
		empty := onlineEnabled(t, svc, "empty")
		busy := onlineEnabled(t, svc, "busy")
		placeOn(t, store, busy.ID, "m1")

		if s, _, err := svc.Disable(ctx, empty.ID, false); err != nil || s.State != scalelite.ServerDisabled {
			t.Fatalf("disable empty: %v, %v", s, err)
		}
		if _, _, err := svc.Disable(ctx, busy.ID, false); scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			t.Fatalf("disable busy without confirmation: err = %v, want conflict", err)
		}
		if s, _ := store.Server(ctx, busy.ID); s.State != scalelite.ServerEnabled {
			t.Errorf("refused disable changed the state to %s", s.State)
		}
		s, res, err := svc.Disable(ctx, busy.ID, true)
		if err != nil || s.State != scalelite.ServerDisabled || len(res.Ended) != 1 {
			t.Fatalf("forced disable: %v, %+v, %v", s, res, err)
		}
		if len(ender.calls) != 1 || ender.calls[0] != "busy/m1/mp-m1" {
			t.Errorf("end calls = %q", ender.calls)
		}
		// The meeting was ended on BBB but its row stays running: the next create or join
		// re-creates it on another server.
		if m, err := store.Meeting(ctx, "m1"); err != nil || m.ServerID != busy.ID {
			t.Errorf("meeting after forced disable: %+v, %v; want its row running (recoverable)", m, err)
		}
		// Disabling it again does not ask: its rows are recoverable meetings, not meetings there.
		if s, res, err := svc.Disable(ctx, busy.ID, false); err != nil || s.State != scalelite.ServerDisabled || len(res.Ended) != 0 {
			t.Errorf("disable a disabled server: %v, %+v, %v", s, res, err)
		}
		if len(ender.calls) != 1 {
			t.Errorf("end calls = %q, want no more", ender.calls)
		}
	})
}

func TestServerServicePanic(t *testing.T) {
	tests := []struct {
		name      string
		keepState bool
		skipEnd   bool
		wantState scalelite.ServerState
		wantCalls int
	}{
		{"panic disables", false, false, scalelite.ServerDisabled, 3},
		{"keep state", true, false, scalelite.ServerEnabled, 3},
		{"skip end calls", false, true, scalelite.ServerDisabled, 0},
	}
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				ender := &endRecorder{fail: map[string]bool{}, gone: map[string]bool{}}
				svc := scalelite.NewServerService(store, ender, nil, false)
				id := "p" + string(rune('a'+i))
				onlineEnabled(t, svc, id)
				other := onlineEnabled(t, svc, id+"-other")
				placeOn(t, store, id, id+"-m1")
				placeOn(t, store, id, id+"-m2")
				placeOn(t, store, id, id+"-m4")
				placeOn(t, store, other.ID, id+"-m3")
				ender.fail[id+"-m1"] = true // one failing end call does not stop the others
				ender.gone[id+"-m4"] = true // BBB no longer knows it: over either way, not a failure

				res, err := svc.Panic(ctx, id, tt.keepState, tt.skipEnd)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Ended) != 3 {
					t.Errorf("ended %d meetings, want 3", len(res.Ended))
				}
				if len(ender.calls) != tt.wantCalls {
					t.Errorf("end calls = %q, want %d", ender.calls, tt.wantCalls)
				}
				if wantErrs := min(tt.wantCalls, 1); len(res.EndErrors) != wantErrs {
					t.Errorf("end errors = %v, want %d", res.EndErrors, wantErrs)
				}
				for _, err := range res.EndErrors {
					if !strings.Contains(err.Error(), id+"-m1") {
						t.Errorf("end error %v, want only the failing %s-m1", err, id)
					}
				}
				srv, _ := store.Server(ctx, id)
				if srv.State != tt.wantState {
					t.Errorf("state = %s, want %s", srv.State, tt.wantState)
				}
				// The rows stay running on the server (recoverable), whatever the flags.
				if n, _ := store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{id}}); n != 3 {
					t.Errorf("%d meetings running on the server, want 3 (recoverable)", n)
				}
				// The server is disabled before the end calls, so nothing is sent to it meanwhile.
				for _, st := range ender.states {
					if st != tt.wantState {
						t.Errorf("end call made while the server was %s, want %s", st, tt.wantState)
					}
				}
				if _, err := store.Meeting(ctx, id+"-m3"); err != nil {
					t.Errorf("meeting on another server was touched: %v", err)
				}
			})
		}
	})
}

func TestServerServiceRemove(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		svc := scalelite.NewServerService(store, nil, nil, false)
		srv := onlineEnabled(t, svc, "gone")
		placeOn(t, store, srv.ID, "left-behind")
		if err := svc.Remove(ctx, srv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Server(ctx, srv.ID); !scalelite.IsNotFound(err) {
			t.Errorf("server still there: %v", err)
		}
		if err := svc.Remove(ctx, srv.ID); !scalelite.IsNotFound(err) {
			t.Errorf("second remove: %v, want not found", err)
		}
		// Its meetings stay, recoverable, until recovered or ended by the poller after the TTL.
		if _, err := store.Meeting(ctx, "left-behind"); err != nil {
			t.Errorf("meeting of removed server: %v", err)
		}
	})
}
