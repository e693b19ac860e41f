package poller_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
	"github.com/scalelite-go/scalelite/poller"
)

// harness is a pool of simulated BBB servers registered in a store, with a poller over them.
type harness struct {
	t      *testing.T
	store  *db.DB
	sim    *bbbsim.Sim
	client *bbb.Client
	broker *events.Broker
	reg    *prometheus.Registry
	p      *poller.Poller
	offset atomic.Int64 // added to the poller's clock
	ids    []string
}

var testTimeouts = bbb.Timeouts{Connect: 300 * time.Millisecond, Response: 700 * time.Millisecond}

func newHarness(t *testing.T, store *db.DB, n int, cfg poller.Config) *harness {
	t.Helper()
	ctx := context.Background()
	sim, err := bbbsim.Start(ctx, n, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	h := &harness{t: t, store: store, sim: sim, client: bbb.NewClient(bbb.SHA256, testTimeouts), broker: events.NewBroker(4096), reg: prometheus.NewRegistry()}
	svc := scalelite.NewServerService(store, nil, nil, false)
	for i, s := range sim.Servers() {
		id := "s" + string(rune('0'+i))
		if _, _, err := svc.Add(ctx, scalelite.NewServer{ID: id, URL: s.URL(), Secret: s.Secret(), LoadMultiplier: 1, State: scalelite.ServerEnabled}); err != nil {
			t.Fatal(err)
		}
		h.ids = append(h.ids, id)
		// Servers start online, as in a running pool (tests that need otherwise say so).
		if _, err := store.RecordPoll(ctx, id, scalelite.PollResult{Time: time.Now(), Online: true}); err != nil {
			t.Fatal(err)
		}
	}
	if cfg.Timeouts == (bbb.Timeouts{}) {
		cfg.Timeouts = testTimeouts
	}
	h.p = h.newPoller(cfg, nil, h.client, h.reg)
	return h
}

func (h *harness) newPoller(cfg poller.Config, locker scalelite.Locker, backend poller.Backend, reg prometheus.Registerer) *poller.Poller {
	h.t.Helper()
	if cfg.Timeouts == (bbb.Timeouts{}) {
		cfg.Timeouts = testTimeouts
	}
	p, err := poller.New(cfg, poller.Deps{
		Store: h.store, BBB: backend, Publisher: h.broker, Locker: locker, Registerer: reg,
		Now: func() time.Time { return time.Now().Add(time.Duration(h.offset.Load())) },
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) simServer(id string) *bbbsim.Server {
	for i, x := range h.ids {
		if x == id {
			return h.sim.Servers()[i]
		}
	}
	h.t.Fatalf("no server %s", id)
	return nil
}

func (h *harness) round() poller.RoundResult {
	h.t.Helper()
	res, err := h.p.Round(context.Background())
	if err != nil {
		h.t.Fatalf("round: %v", err)
	}
	return res
}

func (h *harness) server(id string) *scalelite.Server {
	h.t.Helper()
	s, err := h.store.Server(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// record places a meeting on the server in our records only.
func (h *harness) record(serverID, meetingID string, reservation float64) {
	h.t.Helper()
	_, err := scalelitetest.PlaceOn(context.Background(), h.store, scalelite.PlaceRequest{
		Meeting:     scalelite.Meeting{MeetingID: meetingID, ModeratorPW: "mp", AttendeePW: "ap", CreateQuery: "meetingID=" + meetingID},
		Reservation: reservation,
	}, serverID)
	if err != nil {
		h.t.Fatalf("record %s on %s: %v", meetingID, serverID, err)
	}
}

// createOnBBB creates the meeting on the simulated server with users.
func (h *harness) createOnBBB(serverID, meetingID string, participants, videos int) {
	h.t.Helper()
	s := h.simServer(serverID)
	ep := bbb.Endpoint{URL: s.URL(), Secret: s.Secret()}
	p := scalelite.Params{{Key: "meetingID", Value: meetingID}, {Key: "name", Value: meetingID}, {Key: "moderatorPW", Value: "mp"}, {Key: "attendeePW", Value: "ap"}}
	if _, err := h.client.Do(context.Background(), ep, "create", p, nil, nil); err != nil {
		h.t.Fatalf("create %s on %s: %v", meetingID, serverID, err)
	}
	s.SetUsers(meetingID, participants, 1, 0, videos)
}

// meeting places a meeting in our records and creates it on the simulated server.
func (h *harness) meeting(serverID, meetingID string, participants int) {
	h.t.Helper()
	h.record(serverID, meetingID, 1)
	h.createOnBBB(serverID, meetingID, participants, 0)
}

// setOffline marks the server offline with fresh counters, as a new server.
func (h *harness) setOffline(id string) {
	h.t.Helper()
	if _, err := h.store.RecordPoll(context.Background(), id, scalelite.PollResult{Time: time.Now()}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) age(d time.Duration) { h.offset.Add(int64(d)) }

// eventsOf collects the events published on topics while fn runs.
func (h *harness) eventsOf(fn func(), topics ...string) []scalelite.Event {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := h.broker.Subscribe(ctx, topics...)
	if err != nil {
		h.t.Fatal(err)
	}
	var mu sync.Mutex
	var got []scalelite.Event
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range ch {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
		}
	}()
	fn()
	time.Sleep(50 * time.Millisecond) // let the broker deliver what was published
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return got
}
