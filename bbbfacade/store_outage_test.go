package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// hangingStore is the real store until hang is set; then every read hangs until its context
// ends, as a frozen database does.
type hangingStore struct {
	*db.DB
	hang atomic.Bool
}

func (s *hangingStore) wait(ctx context.Context) error {
	<-ctx.Done()
	return ctx.Err()
}

func (s *hangingStore) Meeting(ctx context.Context, id string) (*scalelite.Meeting, error) {
	if s.hang.Load() {
		return nil, s.wait(ctx)
	}
	return s.DB.Meeting(ctx, id)
}

func (s *hangingStore) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	if s.hang.Load() {
		return nil, s.wait(ctx)
	}
	return s.DB.Server(ctx, id)
}

func (s *hangingStore) TenantSettings(ctx context.Context, id string) ([]*scalelite.TenantSetting, error) {
	if s.hang.Load() {
		return nil, s.wait(ctx)
	}
	return s.DB.TenantSettings(ctx, id)
}

func (s *hangingStore) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	if s.hang.Load() {
		return scalelite.PlaceResult{}, s.wait(ctx)
	}
	return s.DB.PlaceMeeting(ctx, req)
}

// While the database hangs, a join of a meeting this instance has seen (created or joined) is
// still redirected (from the copies it last read, within the store timeout), and a create answers within the call's
// deadline instead of waiting for the database.
func TestStoreOutage(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, func(c *envConfig) {
			c.JoinCacheTTL = 10 * time.Millisecond
			c.StoreTimeout = 200 * time.Millisecond
			c.RequestTimeout = 500 * time.Millisecond
		})
		hs := &hangingStore{DB: store}
		e.serviceStore = hs
		e.start()
		e.create("room-1", "")
		e.create("room-new", "") // created, never joined before the outage
		before := e.joinLocation("fullName=A&meetingID=room-1&password=ap")
		time.Sleep(20 * time.Millisecond) // the copies are no longer fresh

		hs.hang.Store(true)
		start := time.Now()
		if got := e.joinLocation("fullName=A&meetingID=room-1&password=ap"); got != before {
			t.Errorf("join during the outage: %s, want %s", got, before)
		}
		if got := e.joinLocation("fullName=A&meetingID=room-new&password=ap"); !strings.HasPrefix(got, e.bbbServer(0).URL()) {
			t.Errorf("join of a meeting created just before the outage: %s", got)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("join took %s during the outage", d)
		}
		// A meeting never seen cannot be joined: it fails within the store timeout.
		start = time.Now()
		code, body, _ := e.do(http.MethodGet, e.signed("join", "fullName=A&meetingID=unknown&password=ap"), "", "")
		if code != http.StatusOK || time.Since(start) > 2*time.Second {
			t.Errorf("join of an unseen meeting: HTTP %d after %s", code, time.Since(start))
		}
		checkError(t, body, keyInternalError, msgTimedOut)
		// A create answers when its deadline passes.
		start = time.Now()
		checkError(t, e.get("create", "meetingID=room-2&name=x"), keyInternalError, msgTimedOut)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("create took %s", d)
		}
		hs.hang.Store(false)
		e.create("room-2", "")
	})
}
