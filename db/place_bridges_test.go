package db_test

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// A batch reads only each request's first voice bridge candidate up front; the others are read
// when the first is taken, by a running meeting or by an earlier request of the same batch. Each
// request's Finish sees its own bridge and server, and what it returns is stored with the row.
func TestPlaceBatchVoiceBridgesAndFinish(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		scalelitetest.CreateServers(t, store, "a", "b")
		running := scalelitetest.PlaceRequest("running", "")
		running.VoiceBridges = func() []string { return []string{"100000001"} }
		if _, err := store.PlaceMeeting(ctx, running); err != nil {
			t.Fatal(err)
		}
		req := func(id string, bridges ...string) scalelite.PlaceRequest {
			r := scalelitetest.PlaceRequest(id, "")
			r.VoiceBridges = func() []string { return bridges }
			r.Finish = func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) {
				return scalelitetest.FinishedQuery(m, srv), []byte("<" + id + "/>")
			}
			return r
		}
		b := block(t, store)
		outs := queue(t, store, ctx,
			req("m1", "100000002", "100000003"),
			req("m2", "100000001", "100000002", "100000004", "100000005"), // running, m1's, free
			req("m3", "100000001", "100000004", "100000005"),              // running, m2's, free
			req("m4", "100000001", "100000002"),                           // all taken: refused
		)
		before := store.PlacementStats()
		b.unblock(t)
		want := map[int]string{0: "100000002", 1: "100000004", 2: "100000005"}
		for i, ch := range outs {
			got := <-ch
			if i == 3 {
				if got.err == nil {
					t.Errorf("m4 placed with every bridge taken: %+v", got.res.Meeting)
				}
				continue
			}
			m := got.res.Meeting
			if got.err != nil || m.VoiceBridge != want[i] {
				t.Fatalf("request %d: %+v, %v; want bridge %s", i, m, got.err, want[i])
			}
			stored, err := store.Meeting(ctx, m.MeetingID)
			if err != nil {
				t.Fatal(err)
			}
			q := scalelitetest.FinishedQuery(stored, &scalelite.Server{ID: stored.ServerID})
			if stored.CreateQuery != q || string(stored.CreateBody) != "<"+m.MeetingID+"/>" || m.CreateQuery != q {
				t.Errorf("%s stored %q %q, returned %q; want %q", m.MeetingID, stored.CreateQuery, stored.CreateBody, m.CreateQuery, q)
			}
		}
		if after := store.PlacementStats(); after.Batches-before.Batches != 2 || after.Fallbacks != before.Fallbacks {
			t.Errorf("stats %+v -> %+v, want the blocker's batch and one more, no fallback", before, after)
		}
	})
}
