package poller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

// A dead server (connection refused) and a blackholed one (accepts, never answers) in the same
// round as healthy ones: the round completes, the healthy ones are polled correctly.
func TestRoundWithDeadAndBlackholedServers(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 4, poller.Config{Threads: 2})
		h.meeting("s0", "m-a", 7)
		h.meeting("s0", "m-b", 3)
		h.meeting("s1", "m-c", 20)
		h.simServer("s2").SetDown(true)
		h.simServer("s3").SetBlackhole(true)
		h.age(time.Hour) // past the join buffer: loads are the participant counts

		for round := 1; round <= 2; round++ {
			start := time.Now()
			res := h.round()
			// Generous deadline derived from the timeouts: every poll is bounded by them, and
			// the dead servers run in parallel with the healthy ones.
			if limit := 4*(testTimeouts.Connect+testTimeouts.Response) + 10*time.Second; time.Since(start) > limit {
				t.Errorf("round %d took %s, more than %s", round, time.Since(start), limit)
			}
			if res.Servers != 4 || res.Failed != 2 {
				t.Errorf("round %d: %+v, want 4 servers, 2 failed", round, res)
			}
		}
		for _, tc := range []struct {
			id                string
			online            bool
			load              float64
			meetings, users   int
			largest           int
			wantErr           bool
			wantErrSubstrings []string
		}{
			{id: "s0", online: true, load: 10, meetings: 2, users: 10, largest: 7},
			{id: "s1", online: true, load: 20, meetings: 1, users: 20, largest: 20},
			{id: "s2", wantErr: true},
			{id: "s3", wantErr: true},
		} {
			s := h.server(tc.id)
			if s.Online != tc.online || s.Load != tc.load || s.Meetings != tc.meetings || s.Users != tc.users || s.LargestMeeting != tc.largest {
				t.Errorf("%s = online %v load %v meetings %d users %d largest %d; want %+v", tc.id, s.Online, s.Load, s.Meetings, s.Users, s.LargestMeeting, tc)
			}
			if (s.LastPollError != "") != tc.wantErr || s.LastPolledAt.IsZero() {
				t.Errorf("%s: last error %q, polled at %v", tc.id, s.LastPollError, s.LastPolledAt)
			}
		}
		// The dead servers' meetings (none here) and the healthy servers' meetings are intact.
		if n, _ := store.CountMeetings(context.Background(), scalelite.MeetingFilter{}); n != 3 {
			t.Errorf("%d running meetings, want 3", n)
		}
	})
}

func TestHealthThresholdsAndOffline(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 1, poller.Config{HealthyThreshold: 2, UnhealthyThreshold: 2})
		h.meeting("s0", "m1", 4)
		h.setOffline("s0")
		steps := []struct {
			down                 bool
			online               bool
			healthy, unhealthy   int
			wantEvent            string
			wantRunningMeetings  int
			wantLoadAvailability bool
		}{
			{false, false, 1, 0, "", 1, false},
			{false, true, 0, 0, "online", 1, true},
			{true, true, 0, 1, "", 1, true},
			{true, false, 0, 0, "offline", 1, false}, // offline: the meeting stays, recoverable
			{true, false, 0, 0, "", 1, false},
			{false, false, 1, 0, "", 1, false},
			{false, true, 0, 0, "online", 1, true},
		}
		for i, st := range steps {
			h.simServer("s0").SetDown(st.down)
			evs := h.eventsOf(func() { h.round() }, scalelite.TopicServerEvents)
			s := h.server("s0")
			if s.Online != st.online || s.HealthyCounter != st.healthy || s.UnhealthyCounter != st.unhealthy {
				t.Errorf("step %d: online %v healthy %d unhealthy %d; want %+v", i, s.Online, s.HealthyCounter, s.UnhealthyCounter, st)
			}
			if s.LoadAvailable() != st.wantLoadAvailability {
				t.Errorf("step %d: load available %v", i, s.LoadAvailable())
			}
			var types []string
			for _, e := range evs {
				types = append(types, e.Type)
			}
			if got := strings.Join(types, ","); got != st.wantEvent {
				t.Errorf("step %d: server events %q, want %q", i, got, st.wantEvent)
			}
			if n, _ := store.CountMeetings(context.Background(), scalelite.MeetingFilter{ServerIDs: []string{"s0"}}); n != st.wantRunningMeetings {
				t.Errorf("step %d: %d running meetings, want %d", i, n, st.wantRunningMeetings)
			}
		}
		m, err := store.Meeting(context.Background(), "m1")
		if err != nil || m.ServerID != "s0" {
			t.Errorf("meeting after offline/online: %+v, %v", m, err)
		}
	})
}

func TestOfflineServerKeepsStatsUntilThreshold(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 1, poller.Config{})
		h.meeting("s0", "m1", 6)
		h.age(time.Hour)
		h.round()
		h.simServer("s0").SetHTTPError(500)
		h.round() // first failure: still online, stats kept
		if s := h.server("s0"); !s.Online || s.Load != 6 || s.Users != 6 || !strings.Contains(s.LastPollError, "500") {
			t.Errorf("after one failure: %+v", s)
		}
		h.round() // second failure: offline, stats cleared
		if s := h.server("s0"); s.Online || s.Load != 0 || s.Users != 0 || s.Meetings != 0 {
			t.Errorf("after two failures: %+v", s)
		}
	})
}

func TestCordonedServerDrainsToDisabled(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 1, poller.Config{})
		h.meeting("s0", "m1", 5)
		h.age(time.Hour)
		h.round()
		if _, err := scalelite.NewServerService(store, nil, nil, false).Cordon(ctx, "s0"); err != nil {
			t.Fatal(err)
		}
		h.round()
		if s := h.server("s0"); s.State != scalelite.ServerCordoned || s.Load != 5 {
			t.Fatalf("cordoned server with users: %s load %v", s.State, s.Load)
		}
		h.simServer("s0").EndAll()
		evs := h.eventsOf(func() { h.round() }, scalelite.TopicServerEvents)
		if s := h.server("s0"); s.State != scalelite.ServerDisabled {
			t.Errorf("drained server state = %s, want disabled", s.State)
		}
		if len(evs) != 1 || evs[0].Type != "state-changed" || evs[0].Server.State != scalelite.ServerDisabled {
			t.Errorf("events = %+v", evs)
		}
		// An enabled server with load 0 stays enabled.
		if _, err := scalelite.NewServerService(store, nil, nil, false).Enable(ctx, "s0"); err != nil {
			t.Fatal(err)
		}
		h.round()
		if s := h.server("s0"); s.State != scalelite.ServerEnabled {
			t.Errorf("empty enabled server became %s", s.State)
		}
	})
}

func TestReconciliation(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 2, poller.Config{ReconcileGrace: time.Minute})
		h.meeting("s0", "live", 2)
		h.record("s0", "gone", 1)            // in our records, not on BBB
		h.createOnBBB("s0", "foreign", 4, 0) // on BBB, not ours: counts in load, never in records
		h.age(time.Hour)

		evs := h.eventsOf(func() { h.round() }, scalelite.TopicMeetingEvents)
		if len(evs) != 0 {
			t.Errorf("first miss ended meetings: %+v", evs)
		}
		if m, err := store.Meeting(ctx, "gone"); err != nil || m.MissedPolls != 1 {
			t.Fatalf("after one miss: %+v, %v", m, err)
		}
		evs = h.eventsOf(func() { h.round() }, scalelite.TopicMeetingEvents)
		if _, err := store.Meeting(ctx, "gone"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting missing twice still running: %v", err)
		}
		if len(evs) != 1 || evs[0].Type != "ended" || evs[0].MeetingID != "gone" {
			t.Errorf("meeting events = %+v", evs)
		}
		if m, err := store.Meeting(ctx, "live"); err != nil || m.MissedPolls != 0 {
			t.Errorf("listed meeting: %+v, %v", m, err)
		}
		if s := h.server("s0"); s.Load != 6 || s.Meetings != 2 {
			t.Errorf("load %v meetings %d, want 6 and 2", s.Load, s.Meetings)
		}

		// A failed poll is not a miss.
		h.record("s1", "quiet", 1)
		h.simServer("s1").SetDown(true)
		h.round()
		h.round()
		if m, err := store.Meeting(ctx, "quiet"); err != nil || m.MissedPolls != 0 {
			t.Errorf("meeting of a dead server: %+v, %v", m, err)
		}
	})
}

// A meeting whose create is still in flight (placed in our records, not yet on BBB) is never
// ended by the poller, and its reservation counts in the load until BBB lists it.
func TestReconcileCreateInProgress(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 1, poller.Config{ReconcileGrace: time.Hour})
		h.round()
		h.record("s0", "creating", 15)
		for i := 0; i < 3; i++ {
			h.round()
		}
		m, err := store.Meeting(ctx, "creating")
		if err != nil {
			t.Fatalf("meeting being created was ended: %v", err)
		}
		if m.MissedPolls != 3 {
			t.Errorf("missed polls = %d, want 3", m.MissedPolls)
		}
		if s := h.server("s0"); s.Load != 15 {
			t.Errorf("load = %v, want the reservation 15", s.Load)
		}
		h.createOnBBB("s0", "creating", 2, 1)
		h.round()
		if m, _ := store.Meeting(ctx, "creating"); m == nil || m.MissedPolls != 0 {
			t.Errorf("listed meeting: %+v", m)
		}
		// Young meeting: counts at least LOAD_MIN_USER_COUNT, once (not plus its reservation).
		if s := h.server("s0"); s.Load != 15 || s.Videos != 1 {
			t.Errorf("load %v videos %d, want 15 and 1", s.Load, s.Videos)
		}
	})
}

// A meeting placed while the poll's answer was on its way keeps its reservation in the load.
func TestReservationPlacedDuringPoll(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 1, poller.Config{})
		h.meeting("s0", "young", 9) // counts LOAD_MIN_USER_COUNT, 15
		racing := &placeDuringPoll{Backend: h.client, place: func() { h.record("s0", "racer", 2.5) }}
		h.p = h.newPoller(poller.Config{}, nil, racing, nil)
		h.round()
		if s := h.server("s0"); s.Load != 15+2.5 {
			t.Errorf("load = %v, want 17.5", s.Load)
		}
	})
}

type placeDuringPoll struct {
	poller.Backend
	place func()
	done  bool
}

func (p *placeDuringPoll) GetMeetings(ctx context.Context, ep bbb.Endpoint, t *bbb.Timeouts) (*bbb.MeetingsList, error) {
	list, err := p.Backend.GetMeetings(ctx, ep, t)
	if !p.done {
		p.done = true
		p.place()
	}
	return list, err
}

func TestEventsMetricsAndVersion(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 2, poller.Config{})
		h.meeting("s0", "m1", 5)
		h.age(time.Hour)
		evs := h.eventsOf(func() { h.round() }, scalelite.TopicServerLoad)
		loads := map[string]float64{}
		for _, e := range evs {
			if e.Type == "polled" {
				loads[e.ServerID] = e.Server.Load
			}
		}
		if len(loads) != 2 || loads["s0"] != 5 || loads["s1"] != 0 {
			t.Errorf("load events = %v", loads)
		}
		if got := metricValue(t, h, "scalelite_server_load", "s0"); got != 5 {
			t.Errorf("load gauge = %v", got)
		}
		if n := seriesCount(t, h, "scalelite_poller_round_duration_seconds", "scalelite_server_online", "scalelite_server_users", "scalelite_server_meetings"); n != 1+2+2+2 {
			t.Errorf("series = %d", n)
		}
		h.simServer("s1").SetDown(true)
		h.round()
		if c := seriesCount(t, h, "scalelite_poller_poll_failures_total"); c != 1 {
			t.Errorf("failure series = %d", c)
		}
		if v := h.server("s0").BBBVersion; v == "" {
			t.Errorf("BBB version not read")
		}
	})
}

func metricValue(t *testing.T, h *harness, name, server string) float64 {
	t.Helper()
	families, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "server" && l.GetValue() == server {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s{server=%q}", name, server)
	return 0
}

func seriesCount(t *testing.T, h *harness, names ...string) int {
	t.Helper()
	families, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range families {
		for _, name := range names {
			if f.GetName() == name {
				n += len(f.GetMetric())
			}
		}
	}
	return n
}
