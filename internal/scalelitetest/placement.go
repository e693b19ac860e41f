package scalelitetest

import (
	"context"
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

		var seen []string
		req := PlaceRequest("m1", "")
		req.Reservation = 2
		req.Select = func(c []*scalelite.Server) (*scalelite.Server, string, error) {
			seen = serverIDs(c)
			return LeastLoaded(c)
		}
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		if !equal(seen, []string{"b", "c"}) {
			t.Errorf("candidates = %v, want [b c] (enabled and online, by id)", seen)
		}
		m := res.Meeting
		if !res.Created || res.Moved || !res.Placed() || res.Previous != nil {
			t.Errorf("result flags: %+v", res)
		}
		if m.ID == 0 || m.ServerID != "b" || m.Reservation != 6 || m.VoiceBridge != VoiceBridges("m1")()[0] ||
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
		var keptWith *scalelite.Server
		req := PlaceRequest("m1", "t1")
		req.KeepExisting = func(m *scalelite.Meeting, srv *scalelite.Server) bool {
			keptWith = srv
			return true
		}
		req.Select = func([]*scalelite.Server) (*scalelite.Server, string, error) {
			t.Error("Select called for a kept meeting")
			return nil, "", errors.New("unexpected")
		}
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting again", err)
		if res.Created || res.Moved || res.Placed() || res.Meeting.ID != first.ID || res.Meeting.ServerID != "a" {
			t.Errorf("result = %+v", res)
		}
		if keptWith == nil || keptWith.ID != "a" {
			t.Errorf("KeepExisting got server %+v, want a", keptWith)
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
		sentinel := scalelite.Errorf(scalelite.EUNAVAILABLE, "serverTagUnavailable")
		req := PlaceRequest("m1", "")
		req.Select = func([]*scalelite.Server) (*scalelite.Server, string, error) { return nil, "", sentinel }
		_, err := s.PlaceMeeting(ctx, req)
		if err != sentinel {
			t.Errorf("PlaceMeeting error = %v (%T), want the Select error itself", err, err)
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
		must(t, "offline", s.RecordPoll(ctx, "a", scalelite.PollResult{Time: t0, Online: false}))
		_, err := s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		wantCode(t, "no candidates", err, scalelite.EUNAVAILABLE)
	})

	t.Run("voice bridge skips numbers in use", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		first := place(t, s, "m1", "")
		req := PlaceRequest("m2", "")
		req.VoiceBridges = func() []string { return []string{first.VoiceBridge, first.VoiceBridge, "123456789"} }
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		if res.Meeting.VoiceBridge != "123456789" {
			t.Errorf("voice bridge = %q, want 123456789", res.Meeting.VoiceBridge)
		}
		req = PlaceRequest("m3", "")
		req.VoiceBridges = func() []string { return []string{first.VoiceBridge, "123456789"} }
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

		// A deleted server: KeepExisting sees nil.
		must(t, "DeleteServer a", s.DeleteServer(ctx, "a"))
		var gotNil bool
		req := PlaceRequest("m1", "")
		req.KeepExisting = func(_ *scalelite.Meeting, srv *scalelite.Server) bool { gotNil = srv == nil; return srv != nil }
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting after delete", err)
		if !gotNil || !res.Moved || res.Meeting.ServerID != "b" {
			t.Errorf("after server delete: nil server seen %v, result %+v", gotNil, res)
		}
	})

	t.Run("finish stores the create parameters with the row", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		must(t, "AddLoad", s.AddLoad(ctx, map[string]float64{"a": 5}))
		req := PlaceRequest("m1", "")
		var calls int
		req.Finish = func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) {
			calls++
			if m.ID != 0 || m.MeetingID != "m1" || m.ServerID != srv.ID || m.VoiceBridge != VoiceBridges("m1")()[0] ||
				m.ModeratorPW != "mp" || m.Reservation != 1 || m.Placement == "" {
				t.Errorf("Finish got meeting %+v", m)
			}
			return FinishedQuery(m, srv), []byte("<xml/>")
		}
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting", err)
		want := "meetingID=m1&voiceBridge=" + res.Meeting.VoiceBridge + "&server=b"
		if calls == 0 || res.Meeting.CreateQuery != want || string(res.Meeting.CreateBody) != "<xml/>" {
			t.Errorf("Finish called %d times; placed %+v, want query %s", calls, res.Meeting, want)
		}
		if res.Server == nil || res.Server.ID != "b" || res.Server.URL == "" {
			t.Errorf("result server = %+v, want b", res.Server)
		}
		stored, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if stored.CreateQuery != want || string(stored.CreateBody) != "<xml/>" {
			t.Errorf("stored query %q body %q, want %q and the body", stored.CreateQuery, stored.CreateBody, want)
		}

		// A kept meeting: Finish is not called, and the result names the meeting's server.
		calls = 0
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting again", err)
		if calls != 0 || res.Placed() || res.Meeting.CreateQuery != want || res.Server == nil || res.Server.ID != "b" {
			t.Errorf("kept: Finish called %d times, result %+v server %+v", calls, res, res.Server)
		}

		// Undo deletes the row with its parameters.
		req = PlaceRequest("m2", "")
		req.Finish = func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) { return FinishedQuery(m, srv), nil }
		res, err = s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting m2", err)
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		_, err = s.Meeting(ctx, "m2")
		wantCode(t, "m2 after undo", err, scalelite.ENOTFOUND)
	})

	t.Run("re-home with finish; undo restores the create parameters", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		req := PlaceRequest("m1", "")
		req.Meeting.CreateBody = []byte("<first/>")
		first, err := s.PlaceMeeting(ctx, req) // on a, without Finish
		must(t, "PlaceMeeting", err)
		if first.Meeting.CreateQuery != "meetingID=m1" || string(first.Meeting.CreateBody) != "<first/>" {
			t.Fatalf("without Finish stored %+v", first.Meeting)
		}
		_, err = s.UpdateServer(ctx, "a", scalelite.ServerUpdate{State: ptr(scalelite.ServerDisabled)})
		must(t, "disable a", err)
		req = PlaceRequest("m1", "")
		var seen scalelite.Meeting
		req.Finish = func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) {
			seen = *m
			return m.CreateQuery + "&server=" + srv.ID, nil
		}
		res, err := s.PlaceMeeting(ctx, req)
		must(t, "PlaceMeeting re-home", err)
		if seen.ID != first.Meeting.ID || seen.ServerID != "b" || seen.CreateQuery != "meetingID=m1" ||
			string(seen.CreateBody) != "<first/>" || seen.VoiceBridge != first.Meeting.VoiceBridge {
			t.Errorf("Finish of a re-home got %+v", seen)
		}
		if !res.Moved || res.Meeting.CreateQuery != "meetingID=m1&server=b" || res.Meeting.CreateBody != nil ||
			res.Server == nil || res.Server.ID != "b" {
			t.Fatalf("moved %+v server %+v", res.Meeting, res.Server)
		}
		if m, err := s.Meeting(ctx, "m1"); err != nil || m.CreateQuery != "meetingID=m1&server=b" || m.CreateBody != nil {
			t.Errorf("stored after re-home %+v, %v", m, err)
		}
		must(t, "UndoPlacement", s.UndoPlacement(ctx, res))
		back, err := s.Meeting(ctx, "m1")
		must(t, "Meeting after undo", err)
		if back.ServerID != "a" || back.CreateQuery != "meetingID=m1" || string(back.CreateBody) != "<first/>" {
			t.Errorf("after undo %+v, want on a with the first parameters and body", back)
		}

		// Without Finish a re-home keeps the stored parameters.
		res, err = s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting re-home without Finish", err)
		if !res.Moved || res.Meeting.CreateQuery != "meetingID=m1" || string(res.Meeting.CreateBody) != "<first/>" {
			t.Errorf("re-home without Finish %+v", res.Meeting)
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
		req.VoiceBridges = func() []string { return []string{res.Meeting.VoiceBridge} }
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
				req := PlaceRequest(fmt.Sprintf("meeting-%03d", i), "")
				req.Finish = func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) { return FinishedQuery(m, srv), nil }
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
			if want := FinishedQuery(m, &scalelite.Server{ID: m.ServerID}); m.CreateQuery != want {
				t.Errorf("meeting %s stored query %q, want %q (from its Finish)", m.MeetingID, m.CreateQuery, want)
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
