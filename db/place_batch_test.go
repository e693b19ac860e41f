package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// The tests below control what one batch holds: a "blocker" placement is taken by the worker
// and waits in the placement hook (holding the placement transaction) until released, while the
// requests under test queue up behind it; once all are queued the blocker is released and the
// worker takes them together as the next batch.

// hooks are per-meeting placement hooks of one store (the store's hook dispatches to them).
type hooks struct {
	mu sync.Mutex
	by map[string]func()
}

// onApply runs fn when the placement of meetingID is applied in the worker.
func onApply(store *db.DB, meetingID string, fn func()) {
	h := storeHooks(store)
	h.mu.Lock()
	h.by[meetingID] = fn
	h.mu.Unlock()
}

var hooksOf sync.Map // *db.DB -> *hooks

func storeHooks(store *db.DB) *hooks {
	h := &hooks{by: map[string]func(){}}
	if got, loaded := hooksOf.LoadOrStore(store, h); loaded {
		return got.(*hooks)
	}
	store.SetPlacementHook(func(id string) {
		h.mu.Lock()
		fn := h.by[id]
		h.mu.Unlock()
		if fn != nil {
			fn()
		}
	})
	return h
}

// blocker is a placement parked in the placement hook.
type blocker struct {
	release chan struct{}
	done    chan error
}

// block starts a placement that parks the worker, and returns once the worker is parked.
func block(t *testing.T, store *db.DB) *blocker {
	t.Helper()
	b := &blocker{release: make(chan struct{}), done: make(chan error, 1)}
	entered := make(chan struct{})
	var once sync.Once // a failed batch (TestPlaceBatchClose) applies the request again
	onApply(store, "blocker", func() {
		once.Do(func() { close(entered) })
		<-b.release
	})
	req := scalelitetest.PlaceRequest("blocker", "")
	go func() {
		_, err := store.PlaceMeeting(context.Background(), req)
		b.done <- err
	}()
	<-entered
	return b
}

// unblock releases the parked placement and waits for its answer.
func (b *blocker) unblock(t *testing.T) {
	t.Helper()
	close(b.release)
	if err := <-b.done; err != nil {
		t.Errorf("blocker placement: %v", err)
	}
}

// waitQueued waits until n placements wait for the worker.
func waitQueued(t *testing.T, store *db.DB, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for store.QueuedPlacements() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d placements queued, want %d", store.QueuedPlacements(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

type placed struct {
	res scalelite.PlaceResult
	err error
}

// queue starts PlaceMeeting for each request in order, each one queued before the next starts,
// and returns the channels of their outcomes.
func queue(t *testing.T, store *db.DB, ctx context.Context, reqs ...scalelite.PlaceRequest) []chan placed {
	t.Helper()
	out := make([]chan placed, len(reqs))
	for i, req := range reqs {
		ch := make(chan placed, 1)
		out[i] = ch
		before := store.QueuedPlacements()
		go func() {
			res, err := store.PlaceMeeting(ctx, req)
			ch <- placed{res, err}
		}()
		waitQueued(t, store, before+1)
	}
	return out
}

func totalLoad(t *testing.T, store *db.DB) float64 {
	t.Helper()
	servers, err := store.Servers(context.Background(), scalelite.ServerFilter{})
	if err != nil {
		t.Fatalf("Servers: %v", err)
	}
	sum := 0.0
	for _, s := range servers {
		sum += s.Load
	}
	return sum
}

func TestPlaceBatchSelectErrorFailsAlone(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a", "b", "c")
		b := block(t, store)
		bad := scalelitetest.PlaceRequest("bad", "")
		bad.Tags = scalelite.ParseServerTag("gpu!")
		_, _, sentinel := bad.Select([]*scalelite.Server{{ID: "a"}})
		outs := queue(t, store, context.Background(),
			scalelitetest.PlaceRequest("ok0", ""), scalelitetest.PlaceRequest("ok1", ""), bad,
			scalelitetest.PlaceRequest("ok3", ""), scalelitetest.PlaceRequest("ok4", ""))
		before := store.PlacementStats()
		b.unblock(t)
		for i, ch := range outs {
			got := <-ch
			if i == 2 {
				if !errors.Is(got.err, scalelite.ErrTagUnavailable) || got.err.Error() != sentinel.Error() {
					t.Errorf("bad: error %v (%T), want the Select error itself", got.err, got.err)
				}
				continue
			}
			if got.err != nil || !got.res.Created || got.res.Meeting.ID == 0 {
				t.Errorf("request %d: %+v, %v", i, got.res, got.err)
			}
		}
		after := store.PlacementStats()
		if d := (db.PlacementStats{Batches: after.Batches - before.Batches, Batched: after.Batched - before.Batched, Fallbacks: after.Fallbacks - before.Fallbacks}); d != (db.PlacementStats{Batches: 2, Batched: 6}) {
			t.Errorf("stats delta %+v, want the blocker's batch and one batch of 5", d)
		}
		if _, err := store.Meeting(context.Background(), "bad"); !scalelite.IsNotFound(err) {
			t.Errorf("bad was stored: %v", err)
		}
		// Each Select saw the reservations before it: 5 meetings over 3 servers as 2, 2, 1.
		servers, err := store.Servers(context.Background(), scalelite.ServerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var loads []float64
		for _, s := range servers {
			loads = append(loads, s.Load)
		}
		if want := []float64{2, 2, 1}; !equalFloats(loads, want) {
			t.Errorf("loads %v, want %v", loads, want)
		}
	})
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPlaceBatchSameMeetingTwice(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a", "b")
		b := block(t, store)
		outs := queue(t, store, context.Background(),
			scalelitetest.PlaceRequest("dup", ""), scalelitetest.PlaceRequest("other", ""),
			scalelitetest.PlaceRequest("dup", ""), scalelitetest.PlaceRequest("dup", "t2"))
		before := store.PlacementStats()
		b.unblock(t)
		first, other, second, tenant := <-outs[0], <-outs[1], <-outs[2], <-outs[3]
		if first.err != nil || !first.res.Created || first.res.Meeting.ID == 0 {
			t.Fatalf("first dup: %+v, %v", first.res, first.err)
		}
		if other.err != nil || !other.res.Created {
			t.Errorf("other: %+v, %v", other.res, other.err)
		}
		m := second.res.Meeting
		if second.err != nil || second.res.Placed() || m == nil || m.ID != first.res.Meeting.ID ||
			m.ServerID != first.res.Meeting.ServerID || m.VoiceBridge != first.res.Meeting.VoiceBridge {
			t.Errorf("second dup: %+v (%v), want the first's meeting %+v kept", m, second.err, first.res.Meeting)
		}
		if scalelite.ErrorCode(tenant.err) != scalelite.ECONFLICT {
			t.Errorf("dup of another tenant: %v, want a conflict", tenant.err)
		}
		if after := store.PlacementStats(); after.Batches-before.Batches != 2 || after.Batched-before.Batched != 5 {
			t.Errorf("stats %+v -> %+v, want the blocker's batch and one batch of 4", before, after)
		}
		n, err := store.CountMeetings(context.Background(), scalelite.MeetingFilter{MeetingIDs: []string{"dup"}, IncludeEnded: true})
		if err != nil || n != 1 {
			t.Errorf("%d dup rows (%v), want 1", n, err)
		}
		if got := totalLoad(t, store); got != 3 {
			t.Errorf("total load %v, want 3 (blocker, dup, other)", got)
		}
	})
}

func TestPlaceBatchCancelledCaller(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a")
		b := block(t, store)
		ctx, cancel := context.WithCancel(context.Background())
		gone := queue(t, store, ctx, scalelitetest.PlaceRequest("gone", ""))[0]
		stay := queue(t, store, context.Background(), scalelitetest.PlaceRequest("stay", ""))[0]
		cancel()
		got := <-gone // answered while the worker is still parked
		if !errors.Is(got.err, context.Canceled) {
			t.Errorf("cancelled caller: %+v, %v; want context.Canceled", got.res, got.err)
		}
		waitQueued(t, store, 1)
		b.unblock(t)
		if got := <-stay; got.err != nil || !got.res.Created {
			t.Errorf("stay: %+v, %v", got.res, got.err)
		}
		if _, err := store.Meeting(context.Background(), "gone"); !scalelite.IsNotFound(err) {
			t.Errorf("cancelled meeting was stored: %v", err)
		}
		if got := totalLoad(t, store); got != 2 {
			t.Errorf("total load %v, want 2", got)
		}
	})
}

// TestPlaceBatchCancelledAfterTaken: a caller whose context ends after the worker took its
// request still gets the committed result.
func TestPlaceBatchCancelledAfterTaken(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a")
		b := block(t, store)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		entered, release := make(chan struct{}), make(chan struct{})
		late := scalelitetest.PlaceRequest("late", "")
		onApply(store, "late", func() {
			close(entered)
			<-release
		})
		outs := queue(t, store, ctx, late)
		outs = append(outs, queue(t, store, context.Background(), scalelitetest.PlaceRequest("peer", ""))...)
		b.unblock(t) // the worker takes late and peer, and parks applying late
		<-entered
		cancel()
		close(release)
		if got := <-outs[0]; got.err != nil || !got.res.Created {
			t.Errorf("late: %+v, %v; want the committed placement", got.res, got.err)
		}
		if got := <-outs[1]; got.err != nil || !got.res.Created {
			t.Errorf("peer: %+v, %v", got.res, got.err)
		}
		if _, err := store.Meeting(context.Background(), "late"); err != nil {
			t.Errorf("late not stored: %v", err)
		}
	})
}

// TestPlaceBatchDatabaseErrorFallsBack: an insert that violates a constraint fails the batch,
// and each of its requests is retried alone: only the bad one fails.
func TestPlaceBatchDatabaseErrorFallsBack(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		poison := "ALTER TABLE meetings ADD CONSTRAINT poison CHECK (meeting_id <> 'poison')"
		if store.Dialect() == db.SQLite {
			poison = "CREATE TRIGGER poison BEFORE INSERT ON meetings WHEN NEW.meeting_id = 'poison' " +
				"BEGIN SELECT RAISE(ABORT, 'poisoned meeting'); END"
		}
		if err := store.ExecSQL(ctx, poison); err != nil {
			t.Fatalf("install constraint: %v", err)
		}
		scalelitetest.CreateServers(t, store, "a", "b")
		b := block(t, store)
		outs := queue(t, store, ctx, scalelitetest.PlaceRequest("ok1", ""),
			scalelitetest.PlaceRequest("poison", ""), scalelitetest.PlaceRequest("ok2", ""))
		before := store.PlacementStats()
		b.unblock(t)
		for i, ch := range outs {
			got := <-ch
			if i == 1 {
				if got.err == nil || !strings.Contains(got.err.Error(), "poison") {
					t.Errorf("poison: %+v, %v; want the constraint error", got.res, got.err)
				}
				continue
			}
			if got.err != nil || !got.res.Created {
				t.Errorf("request %d: %+v, %v", i, got.res, got.err)
			}
		}
		if after := store.PlacementStats(); after.Fallbacks-before.Fallbacks != 1 {
			t.Errorf("stats %+v -> %+v, want one failed batch", before, after)
		}
		n, err := store.CountMeetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		if err != nil || n != 3 {
			t.Errorf("%d meetings (%v), want blocker, ok1, ok2", n, err)
		}
		if got := totalLoad(t, store); got != 3 {
			t.Errorf("total load %v, want 3 (nothing reserved for the poisoned meeting)", got)
		}
	})
}

// TestPlaceBatchPanicStaysWithItsCaller: a request's panic in the worker is raised in the
// caller's goroutine; the batch's other requests are placed.
func TestPlaceBatchPanicStaysWithItsCaller(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a")
		b := block(t, store)
		boom := scalelitetest.PlaceRequest("boom", "")
		onApply(store, "boom", func() { panic("boom") })
		first := queue(t, store, context.Background(), scalelitetest.PlaceRequest("ok1", ""))[0]
		recovered := make(chan any, 1)
		go func() {
			defer func() { recovered <- recover() }()
			store.PlaceMeeting(context.Background(), boom)
		}()
		waitQueued(t, store, 2)
		last := queue(t, store, context.Background(), scalelitetest.PlaceRequest("ok2", ""))[0]
		b.unblock(t)
		if v := <-recovered; v != "boom" {
			t.Errorf("recovered %v, want boom", v)
		}
		for _, ch := range []chan placed{first, last} {
			if got := <-ch; got.err != nil || !got.res.Created {
				t.Errorf("placement next to the panic: %+v, %v", got.res, got.err)
			}
		}
	})
}

// TestPlaceBatchClose: Close fails the queued placements and waits for the worker.
func TestPlaceBatchClose(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		scalelitetest.CreateServers(t, store, "a")
		b := block(t, store)
		queued := queue(t, store, context.Background(), scalelitetest.PlaceRequest("queued", ""))[0]
		closed := make(chan error, 1)
		go func() { closed <- store.Close() }()
		for !store.PlacementsClosed() {
			time.Sleep(time.Millisecond)
		}
		close(b.release)
		<-b.done // placed or failed by the closing database: either is fine
		if got := <-queued; got.err == nil || !strings.Contains(got.err.Error(), "closed") {
			t.Errorf("queued placement: %+v, %v; want database is closed", got.res, got.err)
		}
		<-closed
		select {
		case <-store.PlacementWorkerDone():
		default:
			t.Errorf("placement worker still running after Close")
		}
		if _, err := store.PlaceMeeting(context.Background(), scalelitetest.PlaceRequest("after", "")); err == nil {
			t.Errorf("PlaceMeeting after Close succeeded")
		}
		if err := store.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}
