package scalelite

import (
	"testing"
	"time"
)

func TestMeetingLoad(t *testing.T) {
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	p := DefaultLoadPolicy()
	tests := []struct {
		name string
		m    MeetingLoadInput
		want float64
	}{
		{"old meeting counts participants", MeetingLoadInput{ParticipantCount: 7, CreateTime: now.Add(-time.Hour)}, 7},
		{"young meeting counts at least the minimum", MeetingLoadInput{ParticipantCount: 3, CreateTime: now.Add(-5 * time.Minute)}, 15},
		{"young big meeting counts participants", MeetingLoadInput{ParticipantCount: 40, CreateTime: now.Add(-time.Minute)}, 40},
		{"exactly at the buffer edge is old", MeetingLoadInput{ParticipantCount: 2, CreateTime: now.Add(-15 * time.Minute)}, 2},
		{"breakout counts nothing", MeetingLoadInput{ParticipantCount: 9, CreateTime: now.Add(-time.Minute), IsBreakout: true}, 0},
		{"unknown create time counts participants", MeetingLoadInput{ParticipantCount: 4}, 4},
		{"empty old meeting is zero", MeetingLoadInput{CreateTime: now.Add(-time.Hour)}, 0},
		{"negative count is zero", MeetingLoadInput{ParticipantCount: -1, CreateTime: now.Add(-time.Hour)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.MeetingLoad(tt.m, now); got != tt.want {
				t.Errorf("MeetingLoad = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServerLoad(t *testing.T) {
	now := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	old := now.Add(-time.Hour)
	meetings := []MeetingLoadInput{
		{ParticipantCount: 10, CreateTime: old},                  // 10
		{ParticipantCount: 1, CreateTime: now.Add(-time.Minute)}, // 15
		{ParticipantCount: 5, CreateTime: old, IsBreakout: true}, // 0
	}
	tests := []struct {
		name       string
		policy     LoadPolicy
		meetings   []MeetingLoadInput
		multiplier float64
		reserved   float64
		want       float64
	}{
		{"default", DefaultLoadPolicy(), meetings, 1, 0, 25},
		{"multiplier", DefaultLoadPolicy(), meetings, 2.5, 0, 62.5},
		{"zero multiplier counts as one", DefaultLoadPolicy(), meetings, 0, 0, 25},
		{"reservations are added after the multiplier", DefaultLoadPolicy(), meetings, 2, 3, 53},
		{"no meetings", DefaultLoadPolicy(), nil, 2, 0, 0},
		{"no buffer", LoadPolicy{MinUserCount: 15}, meetings, 1, 0, 11},
		{"custom minimum", LoadPolicy{MinUserCount: 4, JoinBufferTime: 30 * time.Minute}, meetings, 1, 0, 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.ServerLoad(tt.meetings, tt.multiplier, tt.reserved, now); got != tt.want {
				t.Errorf("ServerLoad = %v, want %v", got, tt.want)
			}
		})
	}
}

// Scalelite counts participantCount+moderatorCount; we count participantCount only, because BBB's
// participantCount already includes moderators.
func TestServerLoadDoesNotCountModeratorsTwice(t *testing.T) {
	now := time.Now()
	// 12 participants of whom 2 moderators: Scalelite would say 14.
	got := DefaultLoadPolicy().ServerLoad([]MeetingLoadInput{{ParticipantCount: 12, CreateTime: now.Add(-time.Hour)}}, 1, 0, now)
	if got != 12 {
		t.Errorf("load = %v, want 12", got)
	}
}

func TestComputeServerStats(t *testing.T) {
	tests := []struct {
		name     string
		meetings []MeetingStatsInput
		want     ServerStats
	}{
		{"none", nil, ServerStats{}},
		{"sums and max", []MeetingStatsInput{{3, 1}, {8, 0}, {5, 4}}, ServerStats{Meetings: 3, Users: 16, LargestMeeting: 8, Videos: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ComputeServerStats(tt.meetings); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
