package bbbfacade

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// writeCounter passes every call to the real store and counts the writes a create can make.
type writeCounter struct {
	*db.DB
	mu     sync.Mutex
	counts map[string]int
}

func (w *writeCounter) count(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.counts[name]++
}

// writes returns the counts so far and starts again from zero.
func (w *writeCounter) writes() map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.counts
	w.counts = map[string]int{}
	return out
}

func (w *writeCounter) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	res, err := w.DB.PlaceMeeting(ctx, req)
	if err == nil && res.Placed() {
		w.count("placement")
	}
	return res, err
}

func (w *writeCounter) UndoPlacement(ctx context.Context, r scalelite.PlaceResult) error {
	w.count("UndoPlacement")
	return w.DB.UndoPlacement(ctx, r)
}

func (w *writeCounter) UpdateCreateParams(ctx context.Context, id int64, query string, body []byte) error {
	w.count("UpdateCreateParams")
	return w.DB.UpdateCreateParams(ctx, id, query, body)
}

func (w *writeCounter) PutCallbackData(ctx context.Context, c *scalelite.CallbackData) error {
	w.count("PutCallbackData")
	return w.DB.PutCallbackData(ctx, c)
}

func (w *writeCounter) AddLoad(ctx context.Context, deltas map[string]float64) error {
	w.count("AddLoad")
	return w.DB.AddLoad(ctx, deltas)
}

// countWrites serves e's API from a meeting service whose store counts its writes.
func (e *env) countWrites() *writeCounter {
	e.t.Helper()
	w := &writeCounter{DB: e.store, counts: map[string]int{}}
	e.serviceStore = w
	e.start()
	return w
}

func sameWrites(got, want map[string]int) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// A create of a new meeting writes its placement and nothing else: the create parameters are
// stored with the row, and are exactly what the backend received. A create of the running
// meeting (Greenlight sends one before every join) writes nothing, callback data included when
// it did not change.
func TestCreateWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		w := e.countWrites()
		const slides = `<modules><module name="presentation"><document url="https://example.com/a.pdf"/></module></modules>`
		_, body, _ := e.do("POST", e.signed("create", "meetingID=room-1&name=Room&attendeePW=ap&meta_bbb-origin=greenlight"), "application/xml", slides)
		if !containsSuccess(body) {
			t.Fatal(body)
		}
		if got := w.writes(); !sameWrites(got, map[string]int{"placement": 1}) {
			t.Errorf("new meeting: writes %v, want one placement", got)
		}
		m := e.meeting("room-1")
		i := map[string]int{"s01": 0, "s02": 1}[m.ServerID]
		sentQuery := e.lastCreate(i)
		if m.CreateQuery != sentQuery || string(m.CreateBody) != slides {
			t.Errorf("stored %q body %q; the backend received %q", m.CreateQuery, m.CreateBody, sentQuery)
		}

		e.get("create", "meetingID=room-1&name=Room&attendeePW=ap&meta_bbb-origin=greenlight")
		if got := w.writes(); len(got) != 0 {
			t.Errorf("running meeting: writes %v, want none", got)
		}
		if n := len(e.calls(i, "create")); n != 2 {
			t.Errorf("server received %d creates, want 2", n)
		}
		if after := e.meeting("room-1"); after.CreateQuery != m.CreateQuery || string(after.CreateBody) != slides {
			t.Errorf("a create of the running meeting changed its parameters: %+v", after)
		}

		const ready = "meta_bbb-recording-ready-url=https%3A%2F%2Flms.example.com%2Fready"
		e.create("room-2", ready)
		if got := w.writes(); !sameWrites(got, map[string]int{"placement": 1, "PutCallbackData": 1}) {
			t.Errorf("new meeting with a callback: writes %v, want the placement and the callback data", got)
		}
		e.create("room-2", ready)
		if got := w.writes(); len(got) != 0 {
			t.Errorf("running meeting, same callback: writes %v, want none", got)
		}
		e.create("room-2", "meta_bbb-recording-ready-url=https%3A%2F%2Flms.example.com%2Fother")
		if got := w.writes(); !sameWrites(got, map[string]int{"PutCallbackData": 1}) {
			t.Errorf("running meeting, new callback: writes %v, want the callback data", got)
		}
		cd, err := store.CallbackData(context.Background(), "room-2")
		if err != nil || cd.RecordingReadyURL != "https://lms.example.com/other" {
			t.Errorf("callback data %+v, %v", cd, err)
		}
	})
}

// A re-homed meeting (its server disabled) gets the parameters of the create that moved it,
// stored with the placement; a failed backend create puts the previous ones back.
func TestCreateRehomeWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		w := e.countWrites()
		e.create("room-1", "")
		m := e.meeting("room-1")
		old := map[string]int{"s01": 0, "s02": 1}[m.ServerID]
		e.setState(m.ServerID, scalelite.ServerDisabled)
		w.writes()

		e.bbbServer(1 - old).SetHTTPError(500)
		checkError(t, e.get("create", "meetingID=room-1&name=Room&attendeePW=ap&moderatorPW=mp&record=true"),
			keyInternalError, msgCreateMeeting)
		if got := e.meeting("room-1"); got.ServerID != m.ServerID || got.CreateQuery != m.CreateQuery {
			t.Errorf("after a failed re-home %+v, want back on %s with %q", got, m.ServerID, m.CreateQuery)
		}
		e.bbbServer(1 - old).SetHTTPError(0)
		w.writes()

		e.create("room-1", "record=true")
		if got := w.writes(); !sameWrites(got, map[string]int{"placement": 1}) {
			t.Errorf("re-home: writes %v, want one placement", got)
		}
		after := e.meeting("room-1")
		if after.ServerID != serverID(1-old) || after.CreateQuery != e.lastCreate(1-old) || after.ID != m.ID {
			t.Errorf("re-homed %+v; the backend received %q", after, e.lastCreate(1-old))
		}
	})
}

// For a tenant with an LRS endpoint the payload is encrypted for the chosen server after the
// placement, so the parameters are stored again with it: still exactly what was sent.
func TestCreateLRSStoresSentParams(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, multitenant)
		tn := &scalelite.Tenant{ID: "00000000-0000-4000-8000-000000000001", Name: "basic", Secrets: []string{"s"},
			LRSEndpoint: "https://lrs.example.com", LRSUsername: "u", LRSPassword: "p"}
		if err := store.CreateTenant(context.Background(), tn); err != nil {
			t.Fatal(err)
		}
		w := e.countWrites()
		e.tenantCreate("basic", "s", "lrs-room")
		if got := w.writes(); !sameWrites(got, map[string]int{"placement": 1, "UpdateCreateParams": 1}) {
			t.Errorf("writes %v, want the placement and the parameters with the payload", got)
		}
		if m := e.meeting("lrs-room"); m.CreateQuery != e.lastCreate(0) {
			t.Errorf("stored %q, sent %q", m.CreateQuery, e.lastCreate(0))
		}
	})
}

func containsSuccess(body string) bool {
	return strings.Contains(body, "<returncode>SUCCESS</returncode>")
}
