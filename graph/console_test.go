package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestQueryCapacity(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "") // load 3
		e.addServer(1, "bbb-b", "")
		if _, err := scalelite.NewServerService(store, nil, nil, false).SetLoadMultiplier(e.ctx, "bbb-a", 2); err != nil {
			t.Fatal(err)
		}
		if _, err := scalelite.NewServerService(store, nil, nil, false).Cordon(e.ctx, "bbb-b"); err != nil {
			t.Fatal(err)
		}
		type row struct {
			Capacity    float64
			Utilization *float64
			Headroom    float64
			Room        int
			Server      struct{ ID string }
		}
		var got struct {
			ClusterStatus struct {
				Capacity struct {
					ServerCapacity float64
					MeetingUsers   int
					Description    string
				}
				Totals struct {
					InService, Room    int
					Capacity, Headroom float64
				}
				Servers []row
			}
		}
		tenant := e.addTenant("school1")
		for _, key := range []string{adminEnvKey, e.key(scalelite.TenantScope(tenant.Name), "portal")} {
			e.must(key, `{ clusterStatus {
				capacity { serverCapacity meetingUsers description }
				totals { inService capacity headroom room }
				servers { capacity utilization headroom room server { id } } } }`, nil, &got)
			cs := got.ClusterStatus
			if cs.Capacity.ServerCapacity != 200 || cs.Capacity.MeetingUsers != 15 || cs.Capacity.Description == "" {
				t.Errorf("capacity rule = %+v", cs.Capacity)
			}
			// bbb-a: 197 free, a 15-user meeting costs 30 there: room 6. bbb-b is cordoned.
			if tot := cs.Totals; tot.InService != 1 || tot.Capacity != 200 || tot.Headroom != 197 || tot.Room != 6 {
				t.Errorf("totals = %+v", tot)
			}
			for _, r := range cs.Servers {
				want := row{Capacity: 200, Headroom: 197, Room: 6}
				if r.Server.ID == "bbb-b" {
					want = row{Capacity: 200}
				}
				if r.Capacity != want.Capacity || r.Headroom != want.Headroom || r.Room != want.Room ||
					r.Utilization == nil || *r.Utilization != 0.015 {
					t.Errorf("%s: %+v, want %+v with utilization 0.015", r.Server.ID, r, want)
				}
			}
		}
	})
}

// Every instance answers loadHistory from the serverLoad events it received over Redis, whichever
// instance polled.
func TestQueryLoadHistory(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		other := e.newInstance(t, store)
		e.addServer(0, "bbb-a", "")
		e.addServer(1, "bbb-b", "")
		sim := e.sim.Servers()[0]
		client := bbb.NewClient(bbb.SHA256, bbb.Timeouts{Connect: time.Second, Response: 2 * time.Second})
		p := scalelite.Params{{Key: "meetingID", Value: "room"}, {Key: "name", Value: "Room"}}
		if _, err := client.Do(e.ctx, sim.Endpoint(), "create", p, nil, nil); err != nil {
			t.Fatal(err)
		}
		sim.SetUsers("room", 9, 1, 2, 3)

		type series struct {
			ServerID                *string
			Times                   []time.Time
			Load                    []*float64
			Users, Meetings, Videos []float64
		}
		var got struct {
			LoadHistory struct {
				Range    string
				Step     int
				From, To time.Time
				Since    *time.Time
				Cluster  series
				Servers  []series
			}
		}
		const query = `query($range: HistoryRange, $ids: [ID!]) { loadHistory(range: $range, serverIds: $ids) {
			range step from to since
			cluster { serverId times load users meetings videos }
			servers { serverId times load users meetings videos } } }`
		vars := map[string]any{"range": "HOUR", "ids": []string{"bbb-a", "nope"}}
		other.must(adminEnvKey, query, vars, &got)
		if h := got.LoadHistory; h.Since != nil || len(h.Cluster.Times) != 0 || len(h.Servers) != 2 || h.Step != 5 ||
			h.To.Sub(h.From) != time.Hour {
			t.Fatalf("before any poll: %+v", h)
		}

		if err := e.poller.PollOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			other.must(adminEnvKey, query, vars, &got)
			if len(got.LoadHistory.Cluster.Times) > 0 && len(got.LoadHistory.Servers[0].Times) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no history on the other instance after a poll: %+v", got.LoadHistory)
			}
			time.Sleep(50 * time.Millisecond)
		}
		h := got.LoadHistory
		if h.Range != "HOUR" || h.Since == nil {
			t.Errorf("range %s since %v", h.Range, h.Since)
		}
		a := h.Servers[0]
		if a.ServerID == nil || *a.ServerID != "bbb-a" || len(a.Times) != 1 || a.Users[0] != 9 || a.Meetings[0] != 1 ||
			a.Videos[0] != 3 || a.Load[0] == nil || *a.Load[0] != 15 { // a young meeting counts 15
			t.Errorf("bbb-a = %+v", a)
		}
		if n := h.Servers[1]; n.ServerID == nil || *n.ServerID != "nope" || len(n.Times) != 0 {
			t.Errorf("unknown server = %+v", n)
		}
		// The cluster sums both servers. This recorder was not seeded, so a bucket may also hold
		// the sum taken when only bbb-b (no users) had reported: its mean is between 4.5 and 9.
		c := h.Cluster
		last := len(c.Times) - 1
		if c.ServerID != nil || c.Users[last] < 4.5 || c.Users[last] > 9 || c.Load[last] == nil || *c.Load[last] < 7.5 || *c.Load[last] > 15 {
			t.Errorf("cluster = %+v", c)
		}

		var week struct{ LoadHistory struct{ Step int } }
		tenantKey := e.key(scalelite.TenantScope(e.addTenant("school1").Name), "portal")
		e.must(tenantKey, `{ loadHistory(range: WEEK) { step } }`, nil, &week)
		if week.LoadHistory.Step != 900 {
			t.Errorf("week step = %d", week.LoadHistory.Step)
		}
	})
}

func TestQueryParticipantsAndTenantUsage(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		t1, t2 := e.addTenant("school1"), e.addTenant("school2")
		e.addMeeting("m1", t1.ID, "bbb-a")
		e.addMeeting("m2", t1.ID, "bbb-a")
		e.addMeeting("m3", t2.ID, "bbb-a")
		if err := store.SetParticipants(e.ctx, "bbb-a", map[string]int{"m1": 11, "m2": 4, "m3": 30}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.EndMeetings(e.ctx, []string{"m2"}, time.Now()); err != nil {
			t.Fatal(err)
		}

		var meetings struct {
			Meetings struct {
				Nodes []struct {
					MeetingID    string
					Participants int
				}
			}
		}
		e.must(adminEnvKey, `{ meetings(filter: {includeEnded: true}) { nodes { meetingID participants } } }`, nil, &meetings)
		want := map[string]int{"m1": 11, "m2": 4, "m3": 30}
		for _, m := range meetings.Meetings.Nodes {
			if m.Participants != want[m.MeetingID] {
				t.Errorf("%s participants = %d, want %d", m.MeetingID, m.Participants, want[m.MeetingID])
			}
		}

		type usage struct {
			Range                       string
			Step                        int
			Times                       []time.Time
			Started, Running            []int
			RunningNow, ParticipantsNow int
			Truncated                   bool
		}
		var got struct{ Tenant struct{ Usage usage } }
		const query = `query($id: ID!) { tenant(id: $id) { usage(range: HOUR) {
			range step times started running runningNow participantsNow truncated } } }`
		key1 := e.key(scalelite.TenantScope(t1.Name), "portal1")
		for _, key := range []string{adminEnvKey, key1} {
			e.must(key, query, map[string]any{"id": t1.ID}, &got)
			u := got.Tenant.Usage
			n := len(u.Times)
			if u.Range != "HOUR" || u.Step != 60 || n != 60 || len(u.Started) != n || len(u.Running) != n || u.Truncated {
				t.Fatalf("usage shape: %+v", u)
			}
			if time.Since(u.Times[n-1]) > time.Minute || u.Times[n-1].Sub(u.Times[0]) != 59*time.Minute {
				t.Errorf("buckets from %v to %v", u.Times[0], u.Times[n-1])
			}
			if u.Started[n-1]+u.Started[max(n-2, 0)] != 2 || u.Running[n-1] < 1 || u.RunningNow != 1 || u.ParticipantsNow != 11 {
				t.Errorf("school1 usage: started %v running %v now %d/%d", u.Started[n-2:], u.Running[n-2:], u.RunningNow, u.ParticipantsNow)
			}
		}
		// Another tenant's key does not see school1 at all.
		e.fails(e.key(scalelite.TenantScope(t2.Name), "portal2"), query, map[string]any{"id": t1.ID}, "NOT_FOUND")
	})
}
