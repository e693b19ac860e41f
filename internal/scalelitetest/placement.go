package scalelitetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func loads(t *testing.T, s scalelite.Store) map[string]float64 {
	t.Helper()
	all, err := s.Servers(context.Background(), scalelite.ServerFilter{})
	must(t, "Servers", err)
	out := map[string]float64{}
	for _, srv := range all {
		out[srv.ID] = srv.Load
	}
	return out
}

// explainedCandidates returns the candidate ids of a meeting's placement explanation.
func explainedCandidates(t *testing.T, m *scalelite.Meeting) []string {
	t.Helper()
	var exp scalelite.PlacementExplanation
	if err := json.Unmarshal([]byte(m.Placement), &exp); err != nil {
		t.Fatalf("placement of %s: %v", m.MeetingID, err)
	}
	var ids []string
	for _, c := range exp.Candidates {
		ids = append(ids, c.ID)
	}
	return ids
}

func testPlacement(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("new meeting reserves load times multiplier", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b", "c")
		_, err := s.UpdateServer(ctx, "a", scalelite.ServerUpdate{State: ptr(scalelite.ServerCordoned)})
		must(t, "cordon a", err)
		_, err = s.UpdateServer(ctx, "b", scalelite.ServerUpdate{LoadMultiplier: ptr(3.0)})
		must(t, "multiplier b", err)
		must(t, "AddLoad", s.AddLoad(ctx, map[string]float64{"c": 5}))

		req := PlaceRequest("m1", "")
		req.Reservation = 2
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		if seen := explainedCandidates(t, res.Meeting); !equal(seen, []string{"b", "c"}) {
			t.Errorf("candidates = %v, want [b c] (enabled and online, by id)", seen)
		}
		m := res.Meeting
		if !res.Created || res.Moved || !res.Placed() || res.Previous != nil {
			t.Errorf("result flags: %+v", res)
		}
		if m.ID == 0 || m.ServerID != "b" || m.Reservation != 6 || m.VoiceBridge != VoiceBridge("m1") ||
			m.Placement == "" || m.MeetingID != "m1" || m.CreatedAt.IsZero() {
			t.Errorf("placed meeting = %+v", m)
		}
		if got := loads(t, s); got["b"] != 6 || got["c"] != 5 || got["a"] != 0 {
			t.Errorf("loads = %v, want b=6 c=5 a=0", got)
		}
		stored, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if stored.ID != m.ID || stored.Placement != m.Placement || stored.Reservation != 6 || stored.VoiceBridge != m.VoiceBridge {
			t.Errorf("stored = %+v, returned %+v", stored, m)
		}
	})

	t.Run("existing meeting is kept", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		first := place(t, s, "m1", "t1")
		req := PlaceRequest("m1", "t1")
		req.Tags = scalelite.ParseServerTag("nowhere!") // would fail if it were placed again
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting again", err)
		if res.Created || res.Moved || res.Placed() || res.AskCordoned || res.Meeting.ID != first.ID || res.Meeting.ServerID != "a" {
			t.Errorf("result = %+v", res)
		}
		if res.Server == nil || res.Server.ID != "a" {
			t.Errorf("kept meeting's server = %+v, want a", res.Server)
		}
		if got := loads(t, s); got["a"] != 1 || got["b"] != 0 {
			t.Errorf("loads = %v: a kept meeting must not reserve again", got)
		}
	})

	t.Run("other tenant conflicts", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		place(t, s, "m1", "t1")
		_, err := s.PlaceMeeting(ctx, PlaceRequest("m1", "t2"))
		wantCode(t, "other tenant", err, scalelite.ECONFLICT)
		_, err = s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		wantCode(t, "no tenant", err, scalelite.ECONFLICT)
	})

	t.Run("select errors are returned unchanged", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		req := PlaceRequest("m1", "")
		req.Tags = scalelite.ParseServerTag("gpu!")
		_, _, want := req.Select([]*scalelite.Server{{ID: "a"}})
		_, err := s.PlaceMeeting(ctx, req)
		if !errors.Is(err, scalelite.ErrTagUnavailable) || err.Error() != want.Error() || scalelite.ErrorCode(err) != scalelite.EUNAVAILABLE {
			t.Errorf("PlaceMeeting error = %v (%T), want the Select error itself (%v)", err, err, want)
		}
		n, err := s.CountMeetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		must(t, "CountMeetings", err)
		if n != 0 {
			t.Errorf("%d meetings after a failed select", n)
		}
	})

	t.Run("no candidates", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		_, err := s.RecordPoll(ctx, "a", scalelite.PollResult{Time: t0, Online: false})
		must(t, "offline", err)
		_, err = s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		wantCode(t, "no candidates", err, scalelite.EUNAVAILABLE)
	})

	t.Run("voice bridge skips numbers in use", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		first := place(t, s, "m1", "")
		req := PlaceRequest("m2", "")
		req.VoiceBridges.External = first.VoiceBridge // tried first, in use
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		if want := req.VoiceBridges.Candidates("m2")[1]; res.Meeting.VoiceBridge != want {
			t.Errorf("voice bridge = %q, want %s", res.Meeting.VoiceBridge, want)
		}
		req = PlaceRequest("m3", "")
		req.VoiceBridges = scalelite.VoiceBridgeRequest{Keep: first.VoiceBridge}
		_, err = s.PlaceMeeting(ctx, req)
		if err == nil {
			t.Errorf("PlaceMeeting with every voice bridge taken succeeded")
		}
		if _, err := s.Meeting(ctx, "m3"); !scalelite.IsNotFound(err) {
			t.Errorf("m3 exists after failed placement: %v", err)
		}
	})

	t.Run("re-home keeps the voice bridge", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		first := place(t, s, "m1", "") // on a
		_, err := s.UpdateServer(ctx, "a", scalelite.ServerUpdate{State: ptr(scalelite.ServerDisabled)})
		must(t, "disable a", err)
		res, err := s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting re-home", err)
		if !res.Moved || res.Created || !res.Placed() || res.Previous == nil || res.Previous.ServerID != "a" {
			t.Fatalf("result = %+v", res)
		}
		m := res.Meeting
		if m.ID != first.ID || m.ServerID != "b" || m.VoiceBridge != first.VoiceBridge || m.Reservation != 1 {
			t.Errorf("moved meeting = %+v (first %+v)", m, first)
		}
		if got := loads(t, s); got["b"] != 1 {
			t.Errorf("loads = %v, want b=1", got)
		}

		// Undo puts it back on a and releases b's reservation.
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		back, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if back.ServerID != "a" || back.ID != first.ID || back.Placement != first.Placement {
			t.Errorf("after undo = %+v", back)
		}
		if got := loads(t, s); got["b"] != 0 {
			t.Errorf("loads after undo = %v, want b=0", got)
		}

		// A deleted server: the meeting moves.
		must(t, "DeleteServer a", s.DeleteServer(ctx, "a"))
		res, err = s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting after delete", err)
		if !res.Moved || res.Meeting.ServerID != "b" {
			t.Errorf("after server delete: result %+v", res)
		}
	})

	t.Run("the create spec's parameters are stored with the row", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		must(t, "AddLoad", s.AddLoad(ctx, map[string]float64{"a": 5}))
		_, err := s.UpdateServer(ctx, "b", scalelite.ServerUpdate{Tag: ptr("tb")})
		must(t, "tag b", err)
		req := WithCreateSpec(PlaceRequest("m1", ""), []byte("<xml/>"))
		req.Tags = scalelite.ParseServerTag("tb")
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		want := "meetingID=m1&moderatorPW=mp&voiceBridge=" + VoiceBridge("m1") + "&meta_server-tag=tb"
		if res.Meeting.CreateQuery != want || string(res.Meeting.CreateBody) != "<xml/>" {
			t.Errorf("placed %+v, want query %s", res.Meeting, want)
		}
		if res.Server == nil || res.Server.ID != "b" || res.Server.URL == "" {
			t.Errorf("result server = %+v, want b", res.Server)
		}
		stored, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if stored.CreateQuery != want || string(stored.CreateBody) != "<xml/>" {
			t.Errorf("stored query %q body %q, want %q and the body", stored.CreateQuery, stored.CreateBody, want)
		}

		// A kept meeting keeps its stored parameters, and the result names the meeting's server.
		req.Create.Client = append(req.Create.Client, scalelite.Param{Key: "name", Value: "changed"})
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting again", err)
		if res.Placed() || res.Meeting.CreateQuery != want || res.Server == nil || res.Server.ID != "b" {
			t.Errorf("kept: result %+v server %+v", res, res.Server)
		}
		if m, err := s.Meeting(ctx, "m1"); err != nil || m.CreateQuery != want {
			t.Errorf("kept: stored %+v, %v", m, err)
		}

		// Undo deletes the row with its parameters.
		req = WithCreateSpec(PlaceRequest("m2", ""), nil)
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting m2", err)
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		_, err = s.Meeting(ctx, "m2")
		wantCode(t, "m2 after undo", err, scalelite.ENOTFOUND)
	})

	t.Run("re-home with a create spec; undo restores the create parameters", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		_, err := s.UpdateServer(ctx, "b", scalelite.ServerUpdate{Tag: ptr("tb")})
		must(t, "tag b", err)
		req := PlaceRequest("m1", "")
		req.Meeting.CreateBody = []byte("<first/>")
		first, err := s.PlaceMeeting(ctx, req) // on a, without a create spec
		must(t, "PlaceMeeting", err)
		if first.Meeting.CreateQuery != "meetingID=m1" || string(first.Meeting.CreateBody) != "<first/>" {
			t.Fatalf("without a create spec stored %+v", first.Meeting)
		}
		_, err = s.UpdateServer(ctx, "a", scalelite.ServerUpdate{State: ptr(scalelite.ServerDisabled)})
		must(t, "disable a", err)
		req = WithCreateSpec(PlaceRequest("m1", ""), nil)
		req.Tags = scalelite.ParseServerTag("tb")
		req.Meeting.ModeratorPW = "client-pw" // a re-home keeps the stored password
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting re-home", err)
		want := CreatedQuery(first.Meeting, &scalelite.Server{ID: "b", Tag: "tb"})
		if !res.Moved || res.Meeting.ID != first.Meeting.ID || res.Meeting.VoiceBridge != first.Meeting.VoiceBridge ||
			res.Meeting.CreateQuery != want || res.Meeting.CreateBody != nil || res.Server == nil || res.Server.ID != "b" {
			t.Fatalf("moved %+v server %+v, want query %s", res.Meeting, res.Server, want)
		}
		if m, err := s.Meeting(ctx, "m1"); err != nil || m.CreateQuery != want || m.CreateBody != nil {
			t.Errorf("stored after re-home %+v, %v", m, err)
		}
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		back, err := s.Meeting(ctx, "m1")
		must(t, "Meeting after undo", err)
		if back.ServerID != "a" || back.CreateQuery != "meetingID=m1" || string(back.CreateBody) != "<first/>" {
			t.Errorf("after undo %+v, want on a with the first parameters and body", back)
		}

		// Without a create spec a re-home keeps the stored parameters, re-tagged for its server.
		req = PlaceRequest("m1", "")
		req.Tags = scalelite.ParseServerTag("tb")
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting re-home without a create spec", err)
		if !res.Moved || res.Meeting.CreateQuery != "meetingID=m1&meta_server-tag=tb" || string(res.Meeting.CreateBody) != "<first/>" {
			t.Errorf("re-home without a create spec %+v", res.Meeting)
		}
	})

	t.Run("undo a created meeting", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		res, err := s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting", err)
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		_, err = s.Meeting(ctx, "m1")
		wantCode(t, "Meeting after undo", err, scalelite.ENOTFOUND)
		n, err := s.CountMeetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		must(t, "CountMeetings", err)
		if n != 0 {
			t.Errorf("%d meetings after undo", n)
		}
		if got := loads(t, s); got["a"] != 0 {
			t.Errorf("load after undo = %v", got)
		}
		// Undoing a result that placed nothing is a no-op.
		must(t, "UndoPlacement of nothing", s.UndoPlacement(ctx, scalelite.PlaceResult{}))
		// The voice bridge is free again.
		again := place(t, s, "m2", "")
		req := PlaceRequest("m3", "")
		req.VoiceBridges = scalelite.VoiceBridgeRequest{Keep: res.Meeting.VoiceBridge}
		res3, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting with the freed bridge", err)
		if res3.Meeting.VoiceBridge != res.Meeting.VoiceBridge || again.ID == res.Meeting.ID {
			t.Errorf("freed bridge not reused: %+v", res3.Meeting)
		}
	})
}

func testPlacementConcurrency(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("200 placements spread evenly over 20 servers", func(t *testing.T) {
		s := newStore(t)
		ids := make([]string, 20)
		for i := range ids {
			ids[i] = fmt.Sprintf("srv%02d", i)
		}
		CreateServers(t, s, ids...)
		var wg sync.WaitGroup
		errs := make(chan error, 200)
		for i := range 200 {
			wg.Go(func() {
				req := WithCreateSpec(PlaceRequest(fmt.Sprintf("meeting-%03d", i), ""), nil)
				res, err := s.PlaceMeeting(ctx, req)
				if err == nil && !res.Created {
					err = fmt.Errorf("meeting-%03d not created: %+v", i, res)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("PlaceMeeting: %v", err)
			}
		}
		for _, id := range ids {
			n, err := s.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{id}})
			must(t, "CountMeetings", err)
			if n != 10 {
				t.Errorf("server %s has %d meetings, want 10", id, n)
			}
		}
		for id, load := range loads(t, s) {
			if load != 10 {
				t.Errorf("server %s load %v, want 10", id, load)
			}
		}
		all, err := s.Meetings(ctx, scalelite.MeetingFilter{})
		must(t, "Meetings", err)
		bridges := map[string]bool{}
		for _, m := range all {
			bridges[m.VoiceBridge] = true
			if want := CreatedQuery(m, &scalelite.Server{ID: m.ServerID}); m.CreateQuery != want {
				t.Errorf("meeting %s stored query %q, want %q (from its create spec)", m.MeetingID, m.CreateQuery, want)
			}
		}
		if len(all) != 200 || len(bridges) != 200 {
			t.Errorf("%d meetings with %d distinct voice bridges, want 200 and 200", len(all), len(bridges))
		}
	})

	t.Run("50 placements of the same meeting", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b", "c")
		var wg sync.WaitGroup
		results := make(chan scalelite.PlaceResult, 50)
		errs := make(chan error, 50)
		for range 50 {
			wg.Go(func() {
				res, err := s.PlaceMeeting(ctx, PlaceRequest("same", ""))
				if err != nil {
					errs <- err
					return
				}
				results <- res
			})
		}
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Fatalf("PlaceMeeting: %v", err)
		}
		created := 0
		rows, servers, bridges := map[int64]bool{}, map[string]bool{}, map[string]bool{}
		for res := range results {
			if res.Created {
				created++
			}
			rows[res.Meeting.ID] = true
			servers[res.Meeting.ServerID] = true
			bridges[res.Meeting.VoiceBridge] = true
		}
		if created != 1 || len(rows) != 1 || len(servers) != 1 || len(bridges) != 1 {
			t.Errorf("created %d, rows %v, servers %v, bridges %v: want exactly one of each", created, rows, servers, bridges)
		}
		n, err := s.CountMeetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		must(t, "CountMeetings", err)
		if n != 1 {
			t.Errorf("%d meeting rows, want 1", n)
		}
		total := 0.0
		for _, l := range loads(t, s) {
			total += l
		}
		if total != 1 {
			t.Errorf("total reserved load %v, want 1", total)
		}
	})
}
