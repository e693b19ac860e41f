package loadhistory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func loadEvent(typ, id string, at time.Time, online bool, state scalelite.ServerState, load float64, users, meetings, videos int) scalelite.Event {
	return scalelite.Event{Topic: scalelite.TopicServerLoad, Type: typ, Time: at, ServerID: id,
		Server: &scalelite.ServerSnapshot{ID: id, URL: "https://" + id + "/bigbluebutton/api", State: state, Online: online,
			Load: load, Users: users, Meetings: meetings, Videos: videos}}
}

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a multiple of every bucket width

func loads(s loadhistory.Series) []any {
	out := make([]any, len(s.Load))
	for i, l := range s.Load {
		if l == nil {
			out[i] = nil
		} else {
			out[i] = *l
		}
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

func TestRecorderBucketsAndCluster(t *testing.T) {
	c := &clock{t: t0.Add(time.Minute)}
	r := loadhistory.NewRecorder(nil, c.now)
	enabled := scalelite.ServerEnabled

	// Bucket 0 (t0 .. t0+5s): a at 10 then 20 (mean 15), b at 4.
	r.Record(loadEvent("polled", "a", t0.Add(1*time.Second), true, enabled, 10, 8, 1, 2))
	r.Record(loadEvent("polled", "b", t0.Add(2*time.Second), true, enabled, 4, 4, 1, 0))
	r.Record(loadEvent("polled", "a", t0.Add(3*time.Second), true, enabled, 20, 12, 1, 2))
	// Bucket 2 (t0+10s): b goes offline: its load is unavailable and its users gone.
	r.Record(loadEvent("offline", "b", t0.Add(11*time.Second), false, enabled, 0, 0, 0, 0))
	// Events of other topics or without a snapshot are ignored.
	r.Record(scalelite.Event{Topic: scalelite.TopicServerEvents, Type: "offline", Time: t0, Server: &scalelite.ServerSnapshot{ID: "a", Users: 999}})
	r.Record(scalelite.Event{Topic: scalelite.TopicServerLoad, Type: "polled", Time: t0})

	h := r.History(loadhistory.Hour, []string{"a", "b", "nope"})
	if !h.Since.Equal(t0.Add(time.Second)) || !h.To.Equal(c.now()) || !h.From.Equal(c.now().Add(-time.Hour)) {
		t.Errorf("since %v from %v to %v", h.Since, h.From, h.To)
	}
	a, b, nope := h.Servers[0], h.Servers[1], h.Servers[2]
	equal(t, "a times", a.Times, []time.Time{t0})
	equal(t, "a load", loads(a), []any{15.0})
	equal(t, "a users", a.Users, []float64{10})
	equal(t, "b times", b.Times, []time.Time{t0, t0.Add(10 * time.Second)})
	equal(t, "b load", loads(b), []any{4.0, nil})
	equal(t, "b users", b.Users, []float64{4, 0})
	if nope.ServerID != "nope" || len(nope.Times) != 0 || nope.Load == nil {
		t.Errorf("unknown server: %+v", nope)
	}

	// The cluster sums each server's latest sample at every event: bucket 0 saw 10+0, 10+4,
	// 20+4 (load) and 8, 12, 16 (users); bucket 2 saw 20 with b unavailable, users 12.
	cl := h.Cluster
	equal(t, "cluster times", cl.Times, []time.Time{t0, t0.Add(10 * time.Second)})
	equal(t, "cluster load", loads(cl), []any{(10.0 + 14 + 24) / 3, 20.0})
	equal(t, "cluster users", cl.Users, []float64{(8.0 + 12 + 16) / 3, 12})
	equal(t, "cluster meetings", cl.Meetings, []float64{(1.0 + 2 + 2) / 3, 1})
	equal(t, "cluster videos", cl.Videos, []float64{2, 2})

	// The day range folds the same samples into one 2-minute bucket.
	d := r.History(loadhistory.Day, []string{"a"})
	equal(t, "day times", d.Servers[0].Times, []time.Time{t0})
	equal(t, "day load", loads(d.Servers[0]), []any{15.0})
	equal(t, "day cluster load", loads(d.Cluster), []any{(10.0 + 14 + 24 + 20) / 4})
}

func TestRecorderAgesOutAndRemoves(t *testing.T) {
	c := &clock{t: t0}
	r := loadhistory.NewRecorder(nil, c.now)
	r.Record(loadEvent("polled", "a", t0, true, scalelite.ServerEnabled, 1, 1, 1, 0))
	r.Record(loadEvent("polled", "b", t0, true, scalelite.ServerEnabled, 2, 2, 1, 0))

	// An hour and a bucket later the hour range has forgotten t0, the day range has not.
	later := t0.Add(time.Hour + 5*time.Second)
	c.set(later)
	r.Record(loadEvent("polled", "a", later, true, scalelite.ServerEnabled, 3, 3, 1, 0))
	h := r.History(loadhistory.Hour, []string{"a"})
	equal(t, "hour times", h.Servers[0].Times, []time.Time{later})
	equal(t, "day times", r.History(loadhistory.Day, []string{"a"}).Servers[0].Times, []time.Time{t0, later.Truncate(2 * time.Minute)})

	// A late event (older than the server's latest) is dropped, not mixed in.
	r.Record(loadEvent("polled", "a", t0.Add(time.Second), true, scalelite.ServerEnabled, 100, 100, 1, 0))
	equal(t, "after a late event", loads(r.History(loadhistory.Hour, []string{"a"}).Servers[0]), []any{3.0})

	// A removed server leaves the cluster sum and its series is gone.
	r.Record(loadEvent("removed", "b", later, true, scalelite.ServerEnabled, 2, 2, 1, 0))
	h = r.History(loadhistory.Hour, []string{"b"})
	if len(h.Servers[0].Times) != 0 {
		t.Errorf("removed server still has history: %v", h.Servers[0].Times)
	}
	// Bucket "later" saw a alone (3+2 with b, then 3 without it).
	equal(t, "cluster load", loads(h.Cluster), []any{(5.0 + 3) / 2})
}

// Seeded servers count in the cluster's sum from the first event on.
func TestRecorderSeed(t *testing.T) {
	r := loadhistory.NewRecorder(nil, func() time.Time { return t0.Add(time.Minute) })
	r.Seed([]*scalelite.Server{
		{ID: "a", State: scalelite.ServerEnabled, Online: true, Load: 30, Users: 20, Meetings: 2},
		{ID: "b", State: scalelite.ServerEnabled, Online: true, Load: 10, Users: 10, Meetings: 1},
	}, t0)
	if h := r.History(loadhistory.Hour, []string{"a"}); len(h.Cluster.Times) != 0 || len(h.Servers[0].Times) != 0 || !h.Since.IsZero() {
		t.Fatalf("seeding recorded history: %+v", h)
	}
	r.Record(loadEvent("polled", "a", t0.Add(time.Second), true, scalelite.ServerEnabled, 40, 25, 2, 0))
	cl := r.History(loadhistory.Hour, nil).Cluster
	equal(t, "cluster load", loads(cl), []any{50.0})
	equal(t, "cluster users", cl.Users, []float64{35})
}

func TestRangeResolution(t *testing.T) {
	tests := []struct {
		r          loadhistory.Range
		step, span time.Duration
	}{
		{loadhistory.Hour, 5 * time.Second, time.Hour},
		{loadhistory.Day, 2 * time.Minute, 24 * time.Hour},
		{loadhistory.Week, 15 * time.Minute, 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if tt.r.Step() != tt.step || tt.r.Span() != tt.span || !tt.r.Valid() {
			t.Errorf("range %d: step %v span %v", tt.r, tt.r.Step(), tt.r.Span())
		}
	}
	if loadhistory.Range(7).Valid() {
		t.Error("range 7 is valid")
	}
}

// TestRunFollowsBroker feeds the recorder from the in-process broker, as every instance is fed
// from its event subscriber, and resubscribes after the broker drops it.
func TestRunFollowsBroker(t *testing.T) {
	broker := events.NewBroker(1)
	defer broker.Close()
	c := &clock{t: t0.Add(30 * time.Second)}
	r := loadhistory.NewRecorder(nil, c.now)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, broker) }()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("the subscription", func() bool { return broker.Subscribers() == 1 })
	if err := broker.Publish(ctx, loadEvent("polled", "a", t0, true, scalelite.ServerEnabled, 7, 7, 1, 0)); err != nil {
		t.Fatal(err)
	}
	waitFor("the first event", func() bool { return len(r.History(loadhistory.Hour, nil).Cluster.Times) == 1 })

	// Flood the one-event buffer so the broker drops the recorder; it comes back.
	for i := range 50 {
		_ = broker.Publish(ctx, loadEvent("polled", "a", t0.Add(time.Duration(i)*time.Millisecond), true, scalelite.ServerEnabled, 7, 7, 1, 0))
	}
	waitFor("a new subscription after the drop", func() bool { return broker.Dropped() > 0 && broker.Subscribers() == 1 })
	if err := broker.Publish(ctx, loadEvent("polled", "a", t0.Add(20*time.Second), true, scalelite.ServerEnabled, 9, 9, 1, 0)); err != nil {
		t.Fatal(err)
	}
	waitFor("an event after resubscribing", func() bool { return len(r.History(loadhistory.Hour, nil).Cluster.Times) == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}
