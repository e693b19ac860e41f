package poller_test

import (
	"context"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/poller"
)

// Each poll stores the participants its server lists for our running meetings.
func TestParticipantsFollowPolls(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		h := newHarness(t, store, 2, poller.Config{})
		h.meeting("s0", "class", 12)
		h.meeting("s1", "seminar", 3)
		h.createOnBBB("s0", "foreign", 40, 0) // not ours: counted in the server's users only

		participants := func(id string) int {
			t.Helper()
			m, err := store.Meeting(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return m.Participants
		}
		if n := participants("class"); n != 0 {
			t.Fatalf("before any poll: %d participants", n)
		}
		h.round()
		if a, b := participants("class"), participants("seminar"); a != 12 || b != 3 {
			t.Fatalf("after a poll: class %d, seminar %d; want 12, 3", a, b)
		}
		if s := h.server("s0"); s.Users != 52 {
			t.Errorf("server users = %d, want 52", s.Users)
		}

		h.simServer("s0").SetUsers("class", 5, 1, 0, 0)
		h.round()
		if n := participants("class"); n != 5 {
			t.Errorf("after users left: %d, want 5", n)
		}

		// A server that stops answering keeps the last counts (its meetings are not reconciled).
		h.simServer("s1").SetDown(true)
		h.round()
		if n := participants("seminar"); n != 3 {
			t.Errorf("seminar on a dead server: %d, want the last count 3", n)
		}
	})
}
