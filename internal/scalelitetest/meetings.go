package scalelitetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// place places a new meeting and fails the test on error.
func place(t *testing.T, s scalelite.Store, meetingID, tenantID string) *scalelite.Meeting {
	t.Helper()
	res, err := s.PlaceMeeting(context.Background(), PlaceRequest(meetingID, tenantID))
	if err != nil {
		t.Fatalf("PlaceMeeting %s: %v", meetingID, err)
	}
	return res.Meeting
}

func meetingIDs(list []*scalelite.Meeting) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m.MeetingID)
	}
	return out
}

func testMeetings(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("get", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		placed := place(t, s, "m1", "")
		got, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if got.ID != placed.ID || got.MeetingID != "m1" || got.ServerID != "a" || got.Name != "Meeting m1" ||
			got.ModeratorPW != "mp" || got.AttendeePW != "ap" || got.VoiceBridge != placed.VoiceBridge ||
			got.CreateQuery != "meetingID=m1" || got.CreateBody != nil || got.Placement == "" ||
			got.Reservation != 1 || got.MissedPolls != 0 || !got.Running() || got.CreatedAt.IsZero() {
			t.Errorf("Meeting = %+v, placed %+v", got, placed)
		}
		_, err = s.Meeting(ctx, "nope")
		wantCode(t, "unknown meeting", err, scalelite.ENOTFOUND)
	})

	t.Run("update create params", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a")
		m := place(t, s, "m1", "")
		body := []byte("<modules><module name=\"presentation\"></module></modules>")
		must(t, "UpdateCreateParams", s.UpdateCreateParams(ctx, m.ID, "meetingID=m1&name=x", body))
		got, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if got.CreateQuery != "meetingID=m1&name=x" || !bytes.Equal(got.CreateBody, body) {
			t.Errorf("after UpdateCreateParams: query %q body %q", got.CreateQuery, got.CreateBody)
		}
		must(t, "UpdateCreateParams nil body", s.UpdateCreateParams(ctx, m.ID, "q", nil))
		got, err = s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if got.CreateBody != nil {
			t.Errorf("CreateBody = %q, want nil", got.CreateBody)
		}
		wantCode(t, "unknown id", s.UpdateCreateParams(ctx, m.ID+1000, "q", nil), scalelite.ENOTFOUND)
	})

	t.Run("filters and counts", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		place(t, s, "m1", "")   // a
		place(t, s, "m2", "t1") // b
		place(t, s, "m3", "t1") // a
		place(t, s, "m4", "")   // b
		_, err := s.EndMeetings(ctx, []string{"m4"}, t0)
		must(t, "EndMeetings", err)
		m3, err := s.Meeting(ctx, "m3")
		must(t, "Meeting m3", err)
		tests := []struct {
			name string
			f    scalelite.MeetingFilter
			want []string
		}{
			{"running", scalelite.MeetingFilter{}, []string{"m1", "m2", "m3"}},
			{"with ended", scalelite.MeetingFilter{IncludeEnded: true}, []string{"m1", "m2", "m3", "m4"}},
			{"ids", scalelite.MeetingFilter{MeetingIDs: []string{"m3", "m4", "zz"}}, []string{"m3"}},
			{"server a", scalelite.MeetingFilter{ServerIDs: []string{"a"}}, []string{"m1", "m3"}},
			{"server b with ended", scalelite.MeetingFilter{ServerIDs: []string{"b"}, IncludeEnded: true}, []string{"m2", "m4"}},
			{"tenant t1", scalelite.MeetingFilter{TenantID: ptr("t1")}, []string{"m2", "m3"}},
			{"no tenant", scalelite.MeetingFilter{TenantID: ptr("")}, []string{"m1"}},
			{"after id", scalelite.MeetingFilter{AfterID: m3.ID - 1, IncludeEnded: true}, []string{"m3", "m4"}},
			{"limit", scalelite.MeetingFilter{Limit: 2, IncludeEnded: true}, []string{"m1", "m2"}},
			{"active since before the end", scalelite.MeetingFilter{ActiveSince: ptr(t0)}, []string{"m1", "m2", "m3", "m4"}},
			{"active since after the end", scalelite.MeetingFilter{ActiveSince: ptr(t0.Add(time.Second))}, []string{"m1", "m2", "m3"}},
		}
		for _, tt := range tests {
			got, err := s.Meetings(ctx, tt.f)
			must(t, tt.name, err)
			if ids := meetingIDs(got); !equal(ids, tt.want) {
				t.Errorf("%s: Meetings = %v, want %v", tt.name, ids, tt.want)
			}
			n, err := s.CountMeetings(ctx, tt.f)
			must(t, tt.name+" count", err)
			wantN := len(tt.want)
			if tt.f.Limit > 0 || tt.f.AfterID > 0 {
				wantN = 4 // AfterID and Limit are ignored by CountMeetings
			}
			if n != wantN {
				t.Errorf("%s: CountMeetings = %d, want %d", tt.name, n, wantN)
			}
		}
	})

	t.Run("end and reuse the meeting id", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		m1 := place(t, s, "m1", "")
		place(t, s, "m2", "")
		ended, err := s.EndMeetings(ctx, []string{"m1", "m2", "nope"}, t0)
		must(t, "EndMeetings", err)
		if ids := meetingIDs(ended); !equal(ids, []string{"m1", "m2"}) {
			t.Fatalf("EndMeetings = %v", ids)
		}
		for _, m := range ended {
			if m.EndedAt == nil || !sameTime(*m.EndedAt, t0) || m.Running() {
				t.Errorf("ended meeting %s EndedAt = %v", m.MeetingID, m.EndedAt)
			}
		}
		again, err := s.EndMeetings(ctx, []string{"m1"}, t0.Add(time.Hour))
		must(t, "EndMeetings again", err)
		if len(again) != 0 {
			t.Errorf("ending an ended meeting returned %v", meetingIDs(again))
		}
		_, err = s.Meeting(ctx, "m1")
		wantCode(t, "Meeting after end", err, scalelite.ENOTFOUND)
		// The id and the voice bridge are free again.
		res, err := s.PlaceMeeting(ctx, PlaceRequest("m1", ""))
		must(t, "PlaceMeeting after end", err)
		if !res.Created || res.Meeting.ID == m1.ID || res.Meeting.VoiceBridge != m1.VoiceBridge {
			t.Errorf("re-created meeting: %+v (old id %d, old bridge %s)", res, m1.ID, m1.VoiceBridge)
		}
		all, err := s.Meetings(ctx, scalelite.MeetingFilter{MeetingIDs: []string{"m1"}, IncludeEnded: true})
		must(t, "Meetings", err)
		if len(all) != 2 || all[0].Running() || !all[1].Running() {
			t.Errorf("history of m1: %+v", all)
		}
	})

	t.Run("participants", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		place(t, s, "m1", "") // a
		place(t, s, "m2", "") // b
		place(t, s, "m3", "") // a
		place(t, s, "m4", "") // b
		_, err := s.EndMeetings(ctx, []string{"m3"}, t0)
		must(t, "EndMeetings", err)
		counts := func() map[string]int {
			all, err := s.Meetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
			must(t, "Meetings", err)
			out := map[string]int{}
			for _, m := range all {
				out[m.MeetingID] = m.Participants
			}
			return out
		}
		if got, want := counts(), map[string]int{"m1": 0, "m2": 0, "m3": 0, "m4": 0}; !equalMaps(got, want) {
			t.Fatalf("new meetings count %v, want none", got)
		}
		// Server a's poll counts m1; m2 is on b and m3 has ended: both are left alone.
		must(t, "SetParticipants a", s.SetParticipants(ctx, "a", map[string]int{"m1": 12, "m2": 7, "m3": 5, "zz": 1}))
		must(t, "SetParticipants b", s.SetParticipants(ctx, "b", map[string]int{"m4": 3}))
		must(t, "SetParticipants none", s.SetParticipants(ctx, "b", nil))
		if got, want := counts(), map[string]int{"m1": 12, "m2": 0, "m3": 0, "m4": 3}; !equalMaps(got, want) {
			t.Fatalf("counts = %v, want %v", got, want)
		}
		m1, err := s.Meeting(ctx, "m1")
		must(t, "Meeting", err)
		if m1.Participants != 12 {
			t.Errorf("Meeting(m1).Participants = %d, want 12", m1.Participants)
		}
		must(t, "SetParticipants again", s.SetParticipants(ctx, "a", map[string]int{"m1": 0}))
		if got := counts()["m1"]; got != 0 {
			t.Errorf("m1 after the last user left = %d, want 0", got)
		}
	})

	t.Run("end server meetings", func(t *testing.T) {
		s := newStore(t)
		CreateServers(t, s, "a", "b")
		place(t, s, "m1", "") // a
		place(t, s, "m2", "") // b
		place(t, s, "m3", "") // a
		ended, err := s.EndServerMeetings(ctx, "a", t0)
		must(t, "EndServerMeetings", err)
		if ids := meetingIDs(ended); !equal(ids, []string{"m1", "m3"}) {
			t.Errorf("EndServerMeetings = %v", ids)
		}
		running, err := s.Meetings(ctx, scalelite.MeetingFilter{})
		must(t, "Meetings", err)
		if ids := meetingIDs(running); !equal(ids, []string{"m2"}) {
			t.Errorf("running = %v", ids)
		}
		ended, err = s.EndServerMeetings(ctx, "nope", t0)
		must(t, "EndServerMeetings unknown", err)
		if len(ended) != 0 {
			t.Errorf("unknown server ended %v", meetingIDs(ended))
		}
	})
}

func testReconcile(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	CreateServers(t, s, "a", "b")
	for _, id := range []string{"m1", "m2", "m3", "m4"} { // a b a b
		place(t, s, id, "")
	}
	created, err := s.Meeting(ctx, "m1")
	must(t, "Meeting", err)
	late := created.CreatedAt.Add(time.Hour) // every meeting is past its grace period
	early := created.CreatedAt.Add(-time.Hour)

	missed := func() map[string]int {
		all, err := s.Meetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		must(t, "Meetings", err)
		out := map[string]int{}
		for _, m := range all {
			out[m.MeetingID] = m.MissedPolls
		}
		return out
	}

	// Server a lists m1 only: m3 misses once (limit 2: not ended yet).
	ended, err := s.Reconcile(ctx, "a", []string{"m1", "m2"}, 2, late, t0)
	must(t, "Reconcile 1", err)
	if len(ended) != 0 {
		t.Fatalf("Reconcile 1 ended %v", meetingIDs(ended))
	}
	if got, want := missed(), map[string]int{"m1": 0, "m2": 0, "m3": 1, "m4": 0}; !equalMaps(got, want) {
		t.Fatalf("missed polls after 1 = %v, want %v", got, want)
	}
	// Within the grace period nothing ends even at the limit.
	ended, err = s.Reconcile(ctx, "a", []string{"m1"}, 2, early, t0)
	must(t, "Reconcile 2", err)
	if len(ended) != 0 {
		t.Fatalf("Reconcile 2 ended %v within grace", meetingIDs(ended))
	}
	// m3 seen again: counter reset.
	_, err = s.Reconcile(ctx, "a", []string{"m3", "m1"}, 2, late, t0)
	must(t, "Reconcile 3", err)
	if got := missed()["m3"]; got != 0 {
		t.Fatalf("m3 missed polls after being seen = %d", got)
	}
	// Empty answer: both meetings of a miss twice and end; b untouched.
	_, err = s.Reconcile(ctx, "a", nil, 2, late, t0)
	must(t, "Reconcile 4", err)
	ended, err = s.Reconcile(ctx, "a", nil, 2, late, t0.Add(time.Minute))
	must(t, "Reconcile 5", err)
	if ids := meetingIDs(ended); !equal(ids, []string{"m1", "m3"}) {
		t.Fatalf("Reconcile 5 ended %v, want [m1 m3]", ids)
	}
	for _, m := range ended {
		if m.EndedAt == nil || !sameTime(*m.EndedAt, t0.Add(time.Minute)) {
			t.Errorf("%s EndedAt = %v", m.MeetingID, m.EndedAt)
		}
	}
	running, err := s.Meetings(ctx, scalelite.MeetingFilter{})
	must(t, "Meetings", err)
	if ids := meetingIDs(running); !equal(ids, []string{"m2", "m4"}) {
		t.Errorf("running after reconcile = %v", ids)
	}
	if got := missed(); got["m2"] != 0 || got["m4"] != 0 {
		t.Errorf("meetings of server b changed: %v", got)
	}
}

func equalMaps[K, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
