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
// request's create parameters are built for its own bridge and server and stored with the row.
func TestPlaceBatchVoiceBridgesAndCreateParams(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		scalelitetest.CreateServers(t, store, "a", "b")
		running := scalelitetest.PlaceRequest("running", "")
		running.VoiceBridges = scalelite.VoiceBridgeRequest{Keep: "100000001"}
		if _, err := store.PlaceMeeting(ctx, running); err != nil {
			t.Fatal(err)
		}
		// The first candidate is the external one (when given), then numbers generated from the id.
		req := func(id string) scalelite.PlaceRequest {
			return scalelitetest.WithCreateSpec(scalelitetest.PlaceRequest(id, ""), []byte("<"+id+"/>"))
		}
		m1, m2, m3, m4 := req("m1"), req("m2"), req("m3"), req("m4")
		m1.VoiceBridges.External = "100000002"
		m2.VoiceBridges.External = "100000001"                            // the running meeting's
		m3.VoiceBridges.External = "100000002"                            // m1's, earlier in the batch
		m4.VoiceBridges = scalelite.VoiceBridgeRequest{Keep: "100000001"} // taken: refused
		b := block(t, store)
		outs := queue(t, store, ctx, m1, m2, m3, m4)
		before := store.PlacementStats()
		b.unblock(t)
		want := map[int]string{0: "100000002", 1: m2.VoiceBridges.Candidates("m2")[1], 2: m3.VoiceBridges.Candidates("m3")[1]}
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
			q := scalelitetest.CreatedQuery(stored, &scalelite.Server{ID: stored.ServerID})
			if stored.CreateQuery != q || string(stored.CreateBody) != "<"+m.MeetingID+"/>" || m.CreateQuery != q {
				t.Errorf("%s stored %q %q, returned %q; want %q", m.MeetingID, stored.CreateQuery, stored.CreateBody, m.CreateQuery, q)
			}
		}
		if after := store.PlacementStats(); after.Batches-before.Batches != 2 || after.Fallbacks != before.Fallbacks {
			t.Errorf("stats %+v -> %+v, want the blocker's batch and one more, no fallback", before, after)
		}
	})
}
