package scalelite

import (
	"slices"
	"testing"
	"time"
)

func TestMeetingUsage(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 3, 30, 0, time.UTC) // in bucket 10:03
	at := func(hm string) time.Time {
		d, err := time.Parse("15:04:05", hm)
		if err != nil {
			t.Fatal(err)
		}
		return time.Date(2026, 3, 2, d.Hour(), d.Minute(), d.Second(), 0, time.UTC)
	}
	ended := func(hm string) *time.Time { e := at(hm); return &e }
	meetings := []*Meeting{
		{MeetingID: "old-running", CreatedAt: at("08:00:00"), Participants: 7},            // before the range, still running
		{MeetingID: "old-ended", CreatedAt: at("08:00:00"), EndedAt: ended("09:00:00")},   // gone before the range
		{MeetingID: "short", CreatedAt: at("10:00:10"), EndedAt: ended("10:00:50")},       // within bucket 10:00
		{MeetingID: "spans", CreatedAt: at("10:00:59"), EndedAt: ended("10:02:00")},       // 10:00, 10:01, 10:02
		{MeetingID: "now", CreatedAt: at("10:03:01"), Participants: 3},                    // started in the last bucket
		{MeetingID: "ended-early", CreatedAt: at("09:59:00"), EndedAt: ended("10:00:00")}, // ends at the range start
		{MeetingID: "future", CreatedAt: at("10:05:00"), Participants: 100, EndedAt: nil}, // clock skew: running, no bucket
	}
	u := MeetingUsage(meetings, now, time.Minute, 4) // 10:00 .. 10:03
	wantTimes := []time.Time{at("10:00:00"), at("10:01:00"), at("10:02:00"), at("10:03:00")}
	if !slices.EqualFunc(u.Times, wantTimes, time.Time.Equal) {
		t.Errorf("times = %v", u.Times)
	}
	if want := []int{2, 0, 0, 1}; !slices.Equal(u.Started, want) {
		t.Errorf("started = %v, want %v", u.Started, want)
	}
	// old-running in every bucket; short, spans, ended-early in 10:00; spans in 10:01 and 10:02; now in 10:03.
	if want := []int{4, 2, 2, 2}; !slices.Equal(u.Running, want) {
		t.Errorf("running = %v, want %v", u.Running, want)
	}
	if u.RunningNow != 3 || u.ParticipantsNow != 110 {
		t.Errorf("now: %d running, %d participants; want 3, 110", u.RunningNow, u.ParticipantsNow)
	}
}
