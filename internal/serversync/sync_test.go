package serversync

import (
	"context"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

type nopEnder struct{ calls []string }

func (e *nopEnder) EndMeeting(_ context.Context, srv *scalelite.Server, meetingID, _ string) error {
	e.calls = append(e.calls, srv.ID+"/"+meetingID)
	return nil
}

// pool sets up: enabled "keep1" (listed), enabled "drop-empty" and "drop-busy" (unlisted, busy
// has a meeting), disabled "listed-off".
func pool(t *testing.T, store *db.DB) (*Syncer, *nopEnder) {
	t.Helper()
	ctx := context.Background()
	ender := &nopEnder{}
	svc := scalelite.NewServerService(store, ender, nil, false)
	for _, s := range []scalelite.NewServer{
		{ID: "keep1", URL: "https://keep1/bigbluebutton/api", Secret: "k1", LoadMultiplier: 1, State: scalelite.ServerEnabled},
		{ID: "drop-empty", URL: "https://drop-empty/bigbluebutton/api", Secret: "d1", LoadMultiplier: 1, State: scalelite.ServerEnabled},
		{ID: "drop-busy", URL: "https://drop-busy/bigbluebutton/api", Secret: "d2", LoadMultiplier: 1, State: scalelite.ServerEnabled},
		{ID: "listed-off", URL: "https://listed-off/bigbluebutton/api", Secret: "o", LoadMultiplier: 1, State: scalelite.ServerDisabled},
	} {
		if _, _, err := svc.Add(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.RecordPoll(ctx, "drop-busy", scalelite.PollResult{Online: true, Load: 3}); err != nil {
		t.Fatal(err)
	}
	_, err := scalelitetest.PlaceOn(ctx, store, scalelite.PlaceRequest{
		Meeting:     scalelite.Meeting{MeetingID: "busy-meeting", ModeratorPW: "mp"},
		Reservation: 1,
	}, "drop-busy")
	if err != nil {
		t.Fatal(err)
	}
	return &Syncer{Servers: svc}, ender
}

const syncDoc = `servers:
  keep1:
    url: https://keep1/bigbluebutton/api
    secret: k1-new
    load_multiplier: 2.0
    tag: big
  listed-off:
    secret: o
    url: https://listed-off/bigbluebutton/api
    enabled: false
  new1:
    secret: n1
`

func kinds(p Plan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Kind+" "+a.ServerID)
	}
	return out
}

func states(t *testing.T, store *db.DB) map[string]string {
	t.Helper()
	list, err := store.Servers(context.Background(), scalelite.ServerFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range list {
		out[s.ID] = string(s.State)
	}
	return out
}

func TestSyncModes(t *testing.T) {
	tests := []struct {
		mode       Mode
		wantPlan   []string
		wantStates map[string]string
		wantEnds   int
	}{
		{ModeKeep,
			[]string{"update keep1", "create new1"},
			map[string]string{"keep1": "enabled", "drop-empty": "enabled", "drop-busy": "enabled", "listed-off": "disabled", "new1": "enabled"}, 0},
		{ModeCordon,
			[]string{"update keep1", "create new1", "cordon drop-busy", "remove drop-empty"},
			map[string]string{"keep1": "enabled", "drop-busy": "cordoned", "listed-off": "disabled", "new1": "enabled"}, 0},
		{ModeForce,
			[]string{"update keep1", "create new1", "cordon drop-busy", "end-meetings drop-busy", "remove drop-busy", "cordon drop-empty", "remove drop-empty"},
			map[string]string{"keep1": "enabled", "listed-off": "disabled", "new1": "enabled"}, 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
				ctx := context.Background()
				s, ender := pool(t, store)
				before := states(t, store)

				dry, err := s.Sync(ctx, []byte(syncDoc), tt.mode, true)
				if err != nil {
					t.Fatal(err)
				}
				if got := kinds(dry); !sameSet(got, tt.wantPlan) {
					t.Errorf("dry-run plan = %q, want %q", got, tt.wantPlan)
				}
				if !dry.DryRun || !equalMaps(states(t, store), before) || len(ender.calls) != 0 {
					t.Fatalf("dry run changed something")
				}

				plan, err := s.Sync(ctx, []byte(syncDoc), tt.mode, false)
				if err != nil {
					t.Fatal(err)
				}
				if got := kinds(plan); !sameSet(got, tt.wantPlan) {
					t.Errorf("plan = %q, want %q", got, tt.wantPlan)
				}
				if got := states(t, store); !equalMaps(got, tt.wantStates) {
					t.Errorf("states = %v, want %v", got, tt.wantStates)
				}
				if len(ender.calls) != tt.wantEnds {
					t.Errorf("end calls = %q, want %d", ender.calls, tt.wantEnds)
				}
				k, err := store.Server(ctx, "keep1")
				if err != nil {
					t.Fatal(err)
				}
				if k.Secret != "k1-new" || k.LoadMultiplier != 2 || k.Tag != "big" {
					t.Errorf("keep1 = %+v", k)
				}
				// Syncing the same file again changes nothing.
				again, err := s.Sync(ctx, []byte(syncDoc), tt.mode, true)
				if err != nil {
					t.Fatal(err)
				}
				if tt.mode != ModeCordon && !again.NoOp() { // cordon mode keeps cordoning nothing: drop-busy is cordoned already
					t.Errorf("second sync plan = %q, want none", kinds(again))
				}
				if tt.mode == ModeCordon && len(again.Actions) != 0 {
					t.Errorf("second cordon sync plan = %q, want none", kinds(again))
				}
			})
		})
	}
}

func TestSyncEnableAndCordonListed(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		s, _ := pool(t, store)
		doc := `servers:
  keep1: {secret: k1, url: "https://keep1/bigbluebutton/api", enabled: false}
  listed-off: {secret: o, url: "https://listed-off/bigbluebutton/api", enabled: true}
`
		plan, err := s.Sync(ctx, []byte(doc), ModeKeep, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := kinds(plan), []string{"cordon keep1", "enable listed-off"}; !sameSet(got, want) {
			t.Errorf("plan = %q, want %q", got, want)
		}
		got := states(t, store)
		if got["keep1"] != "cordoned" || got["listed-off"] != "enabled" {
			t.Errorf("states = %v", got)
		}
	})
}

func TestSyncMalformedNamesLine(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		s, _ := pool(t, store)
		_, err := s.Sync(context.Background(), []byte("servers:\n  a:\n    secret: x\n    bogus: 1\n"), ModeCordon, false)
		if err == nil || !strings.Contains(err.Error(), "line 4") {
			t.Fatalf("err = %v, want line 4", err)
		}
		if got := states(t, store); len(got) != 4 {
			t.Errorf("a malformed file changed the pool: %v", got)
		}
	})
}

func TestExportSyncRoundTripIsNoOp(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		s, _ := pool(t, store)
		if _, err := s.Servers.Cordon(ctx, "drop-empty"); err != nil {
			t.Fatal(err)
		}
		tag := "weird: tag # with yaml chars"
		m := 1.25
		if _, err := s.Servers.Update(ctx, "keep1", scalelite.ServerChanges{Tag: &tag, LoadMultiplier: &m}); err != nil {
			t.Fatal(err)
		}
		list, err := store.Servers(ctx, scalelite.ServerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, verbose := range []bool{false, true} {
			out, err := Export(list, verbose)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Mode{ModeKeep, ModeCordon, ModeForce} {
				plan, err := s.Sync(ctx, out, mode, false)
				if err != nil {
					t.Fatal(err)
				}
				if !plan.NoOp() {
					t.Errorf("verbose=%v mode=%s: export fed back into sync did %q", verbose, mode, kinds(plan))
				}
			}
		}
		after, _ := store.Servers(ctx, scalelite.ServerFilter{})
		again, _ := Export(after, true)
		first, _ := Export(list, true)
		if string(again) != string(first) {
			t.Errorf("export changed after sync:\n%s\nvs\n%s", first, again)
		}
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Force mode ends the meetings of the servers it removes on BBB, but their rows stay running
// (recoverable, as after a panic): the next create or join re-creates them on a listed server.
// A meeting that appears on a server after the plan was made stops the removal.
func TestSyncForceKeepsMeetingsRecoverable(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		s, ender := pool(t, store)
		if _, err := s.Sync(ctx, []byte(syncDoc), ModeForce, false); err != nil {
			t.Fatal(err)
		}
		if len(ender.calls) != 1 || ender.calls[0] != "drop-busy/busy-meeting" {
			t.Errorf("end calls = %q", ender.calls)
		}
		if m, err := store.Meeting(ctx, "busy-meeting"); err != nil || m.ServerID != "drop-busy" {
			t.Errorf("busy-meeting after force sync: %+v, %v; want running (recoverable) on the removed server", m, err)
		}

		store = dbFor(t, store)
		s, _ = pool(t, store)
		entries, err := Parse([]byte(syncDoc))
		if err != nil {
			t.Fatal(err)
		}
		plan, err := s.Plan(ctx, entries, ModeForce)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.RecordPoll(ctx, "drop-empty", scalelite.PollResult{Online: true}); err != nil {
			t.Fatal(err)
		}
		placeOn(t, store, "drop-empty", "late")
		err = s.Apply(ctx, plan)
		if scalelite.ErrorCode(err) != scalelite.ECONFLICT || !strings.Contains(err.Error(), "remove drop-empty") {
			t.Errorf("apply with a new meeting: %v, want conflict on remove drop-empty", err)
		}
		if _, err := store.Server(ctx, "drop-empty"); err != nil {
			t.Errorf("drop-empty removed: %v", err)
		}
	})
}

func placeOn(t *testing.T, store *db.DB, serverID, meetingID string) {
	t.Helper()
	_, err := scalelitetest.PlaceOn(context.Background(), store, scalelite.PlaceRequest{
		Meeting:     scalelite.Meeting{MeetingID: meetingID, ModeratorPW: "mp"},
		Reservation: 1,
	}, serverID)
	if err != nil {
		t.Fatal(err)
	}
}

func dbFor(t *testing.T, store *db.DB) *db.DB {
	if store.Dialect() == "postgres" {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t)
}
