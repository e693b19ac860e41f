package scalelitetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func testServers(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("create and get", func(t *testing.T) {
		s := newStore(t)
		srv := &scalelite.Server{ID: "bbb1", URL: "https://bbb1/bigbluebutton/api", Secret: "s1", Tag: "eu"}
		must(t, "CreateServer", s.CreateServer(ctx, srv))
		if srv.CreatedAt.IsZero() || srv.UpdatedAt.IsZero() {
			t.Errorf("CreateServer left CreatedAt/UpdatedAt zero: %v %v", srv.CreatedAt, srv.UpdatedAt)
		}
		got, err := s.Server(ctx, "bbb1")
		must(t, "Server", err)
		want := scalelite.Server{ID: "bbb1", URL: "https://bbb1/bigbluebutton/api", Secret: "s1", Tag: "eu",
			State: scalelite.ServerDisabled, LoadMultiplier: 1}
		if got.ID != want.ID || got.URL != want.URL || got.Secret != want.Secret || got.Tag != want.Tag ||
			got.State != want.State || got.Online || got.Load != 0 || got.LoadMultiplier != 1 ||
			!got.LastPolledAt.IsZero() || !sameTime(got.CreatedAt, srv.CreatedAt) {
			t.Errorf("Server = %+v, want %+v", got, want)
		}
		if got.CreatedAt.Location().String() != "UTC" {
			t.Errorf("CreatedAt location %v, want UTC", got.CreatedAt.Location())
		}
	})

	t.Run("duplicate id or url conflicts", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		dupID := NewServer("a")
		dupID.URL = "https://other/bigbluebutton/api"
		wantCode(t, "duplicate id", s.CreateServer(ctx, dupID), scalelite.ECONFLICT)
		dupURL := NewServer("b")
		dupURL.URL = NewServer("a").URL
		wantCode(t, "duplicate url", s.CreateServer(ctx, dupURL), scalelite.ECONFLICT)
	})

	t.Run("unknown ids", func(t *testing.T) {
		s := newStore(t)
		_, err := s.Server(ctx, "nope")
		wantCode(t, "Server", err, scalelite.ENOTFOUND)
		_, err = s.UpdateServer(ctx, "nope", scalelite.ServerUpdate{Secret: ptr("x")})
		wantCode(t, "UpdateServer", err, scalelite.ENOTFOUND)
		wantCode(t, "DeleteServer", s.DeleteServer(ctx, "nope"), scalelite.ENOTFOUND)
		_, err = s.RecordPoll(ctx, "nope", scalelite.PollResult{Time: t0})
		wantCode(t, "RecordPoll", err, scalelite.ENOTFOUND)
		must(t, "AddLoad unknown", s.AddLoad(ctx, map[string]float64{"nope": 1}))
	})

	t.Run("filters", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b", "c", "d")
		_, err := s.UpdateServer(ctx, "b", scalelite.ServerUpdate{State: ptr(scalelite.ServerCordoned), Tag: ptr("eu")})
		must(t, "UpdateServer b", err)
		_, err = s.UpdateServer(ctx, "c", scalelite.ServerUpdate{State: ptr(scalelite.ServerDisabled)})
		must(t, "UpdateServer c", err)
		_, err = s.RecordPoll(ctx, "d", scalelite.PollResult{Time: t0, Online: false})
		must(t, "RecordPoll d", err)
		tests := []struct {
			name string
			f    scalelite.ServerFilter
			want []string
		}{
			{"all", scalelite.ServerFilter{}, []string{"a", "b", "c", "d"}},
			{"ids", scalelite.ServerFilter{IDs: []string{"d", "a", "zz"}}, []string{"a", "d"}},
			{"enabled", scalelite.ServerFilter{States: []scalelite.ServerState{scalelite.ServerEnabled}}, []string{"a", "d"}},
			{"cordoned or disabled", scalelite.ServerFilter{States: []scalelite.ServerState{scalelite.ServerCordoned, scalelite.ServerDisabled}}, []string{"b", "c"}},
			{"online", scalelite.ServerFilter{Online: ptr(true)}, []string{"a", "b", "c"}},
			{"offline", scalelite.ServerFilter{Online: ptr(false)}, []string{"d"}},
			{"tag eu", scalelite.ServerFilter{Tag: ptr("eu")}, []string{"b"}},
			{"untagged", scalelite.ServerFilter{Tag: ptr("")}, []string{"a", "c", "d"}},
			{"enabled and online", scalelite.ServerFilter{States: []scalelite.ServerState{scalelite.ServerEnabled}, Online: ptr(true)}, []string{"a"}},
		}
		for _, tt := range tests {
			got, err := s.Servers(ctx, tt.f)
			must(t, tt.name, err)
			if ids := serverIDs(got); !equal(ids, tt.want) {
				t.Errorf("%s: Servers = %v, want %v", tt.name, ids, tt.want)
			}
		}
	})

	t.Run("update", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		got, err := s.UpdateServer(ctx, "a", scalelite.ServerUpdate{
			URL: ptr("https://new/bigbluebutton/api"), Secret: ptr("new"), Tag: ptr("t"),
			State: ptr(scalelite.ServerCordoned), LoadMultiplier: ptr(2.5),
		})
		must(t, "UpdateServer", err)
		if got.URL != "https://new/bigbluebutton/api" || got.Secret != "new" || got.Tag != "t" ||
			got.State != scalelite.ServerCordoned || got.LoadMultiplier != 2.5 || !got.Online {
			t.Errorf("UpdateServer = %+v", got)
		}
		got, err = s.UpdateServer(ctx, "a", scalelite.ServerUpdate{Tag: ptr("")})
		must(t, "UpdateServer untag", err)
		if got.Tag != "" || got.URL != "https://new/bigbluebutton/api" || got.State != scalelite.ServerCordoned {
			t.Errorf("untag changed other fields or kept the tag: %+v", got)
		}
		stored, err := s.Server(ctx, "a")
		must(t, "Server", err)
		if stored.Secret != "new" || stored.LoadMultiplier != 2.5 {
			t.Errorf("stored = %+v", stored)
		}
		_, err = s.UpdateServer(ctx, "b", scalelite.ServerUpdate{URL: ptr("https://new/bigbluebutton/api")})
		wantCode(t, "UpdateServer duplicate url", err, scalelite.ECONFLICT)
	})

	t.Run("delete keeps meetings", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		res, err := s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting", err)
		must(t, "DeleteServer", s.DeleteServer(ctx, "a"))
		_, err = s.Server(ctx, "a")
		wantCode(t, "Server after delete", err, scalelite.ENOTFOUND)
		m, err := s.Meeting(ctx, "m1")
		must(t, "Meeting after server delete", err)
		if m.ServerID != "a" || m.ID != res.Meeting.ID {
			t.Errorf("meeting after server delete = %+v", m)
		}
		wantCode(t, "DeleteServer twice", s.DeleteServer(ctx, "a"), scalelite.ENOTFOUND)
	})
}

func testServerPolls(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("record poll", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		stored, err := s.RecordPoll(ctx, "a", scalelite.PollResult{
			Time: t0, Online: true, Load: 12.5, HealthyCounter: 0, UnhealthyCounter: 1,
			Meetings: 3, Users: 40, LargestMeeting: 20, Videos: 7, BBBVersion: "3.0.4",
		})
		must(t, "RecordPoll", err)
		got, err := s.Server(ctx, "a")
		must(t, "Server", err)
		if !reflect.DeepEqual(storedAs(stored), storedAs(got)) {
			t.Errorf("RecordPoll returned %+v, the store has %+v", stored, got)
		}
		if !got.Online || got.Load != 12.5 || got.UnhealthyCounter != 1 || got.Meetings != 3 || got.Users != 40 ||
			got.LargestMeeting != 20 || got.Videos != 7 || got.BBBVersion != "3.0.4" ||
			!sameTime(got.LastPolledAt, t0) || got.LastPollError != "" || got.State != scalelite.ServerEnabled {
			t.Errorf("after poll: %+v", got)
		}
		// A failed poll: version kept when empty, error stored, state changed.
		stored, err = s.RecordPoll(ctx, "a", scalelite.PollResult{
			Time: t0.Add(1e9), Online: false, HealthyCounter: 2, Error: "connection refused",
			State: ptr(scalelite.ServerDisabled),
		})
		must(t, "RecordPoll failed", err)
		got, err = s.Server(ctx, "a")
		must(t, "Server", err)
		if !reflect.DeepEqual(storedAs(stored), storedAs(got)) {
			t.Errorf("RecordPoll returned %+v, the store has %+v", stored, got)
		}
		if got.Online || got.Load != 0 || got.HealthyCounter != 2 || got.BBBVersion != "3.0.4" ||
			got.LastPollError != "connection refused" || got.State != scalelite.ServerDisabled ||
			!sameTime(got.LastPolledAt, t0.Add(1e9)) {
			t.Errorf("after failed poll: %+v", got)
		}
	})

	t.Run("add load", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b", "c")
		_, err := s.UpdateServer(ctx, "b", scalelite.ServerUpdate{LoadMultiplier: ptr(2.0)})
		must(t, "UpdateServer", err)
		must(t, "AddLoad", s.AddLoad(ctx, map[string]float64{"a": 1, "b": 2.5, "zz": 9}))
		must(t, "AddLoad again", s.AddLoad(ctx, map[string]float64{"a": 0.25}))
		must(t, "AddLoad empty", s.AddLoad(ctx, nil))
		got, err := s.Servers(ctx, scalelite.ServerFilter{})
		must(t, "Servers", err)
		want := map[string]float64{"a": 1.25, "b": 2.5, "c": 0}
		for _, srv := range got {
			if srv.Load != want[srv.ID] {
				t.Errorf("load of %s = %v, want %v", srv.ID, srv.Load, want[srv.ID])
			}
		}
	})
}

func serverIDs(list []*scalelite.Server) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func equal[T comparable](a, b []T) bool {
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

// storedAs is srv with its times in UTC at microsecond precision (what both databases keep).
func storedAs(srv *scalelite.Server) scalelite.Server {
	c := *srv
	for _, t := range []*time.Time{&c.LastPolledAt, &c.CreatedAt, &c.UpdatedAt} {
		*t = t.UTC().Truncate(time.Microsecond)
	}
	return c
}
