package scalelite

import "time"

// LoadPolicy computes a server's load from its getMeetings answer, after Scalelite's formula
// (each non-breakout meeting counts its attendees, and a meeting created within the join buffer
// counts at least MinUserCount), with one deliberate difference: attendees are participantCount
// only. BBB's participantCount already includes the moderators, so Scalelite's
// participantCount+moderatorCount counts every moderator twice; we do not.
type LoadPolicy struct {
	MinUserCount   int           // LOAD_MIN_USER_COUNT (15)
	JoinBufferTime time.Duration // LOAD_JOIN_BUFFER_TIME (15 minutes)
}

// DefaultLoadPolicy returns Scalelite's default: 15 users for meetings younger than 15 minutes.
func DefaultLoadPolicy() LoadPolicy {
	return LoadPolicy{MinUserCount: 15, JoinBufferTime: 15 * time.Minute}
}

// MeetingLoadInput is what the load formula needs of one meeting listed by getMeetings.
type MeetingLoadInput struct {
	ParticipantCount int
	CreateTime       time.Time // zero when BBB did not say
	IsBreakout       bool
}

// MeetingLoad is the load one meeting contributes before the server's multiplier: 0 for a
// breakout room, else its participants, raised to MinUserCount while the meeting is younger than
// JoinBufferTime (it is still filling up).
func (p LoadPolicy) MeetingLoad(m MeetingLoadInput, now time.Time) float64 {
	if m.IsBreakout {
		return 0
	}
	users := max(m.ParticipantCount, 0)
	if !m.CreateTime.IsZero() && now.Sub(m.CreateTime) < p.JoinBufferTime && users < p.MinUserCount {
		users = p.MinUserCount
	}
	return float64(users)
}

// ServerLoad is the load of a server: the sum of its meetings' loads times its multiplier
// (values <= 0 count as 1), plus reserved, the already-multiplied reservations of meetings we
// placed on the server that its answer does not list yet.
func (p LoadPolicy) ServerLoad(meetings []MeetingLoadInput, multiplier, reserved float64, now time.Time) float64 {
	if multiplier <= 0 {
		multiplier = 1
	}
	var sum float64
	for _, m := range meetings {
		sum += p.MeetingLoad(m, now)
	}
	return sum*multiplier + reserved
}

// ServerStats are the statistics stored with each successful poll. Unlike the load, they count
// breakout rooms too, as Scalelite does.
type ServerStats struct {
	Meetings       int
	Users          int // sum of participantCount
	LargestMeeting int // largest participantCount
	Videos         int // sum of videoCount
}

// MeetingStatsInput is what the statistics need of one listed meeting.
type MeetingStatsInput struct {
	ParticipantCount int
	VideoCount       int
}

// ComputeServerStats sums the statistics of a getMeetings answer.
func ComputeServerStats(meetings []MeetingStatsInput) ServerStats {
	s := ServerStats{Meetings: len(meetings)}
	for _, m := range meetings {
		s.Users += m.ParticipantCount
		s.Videos += m.VideoCount
		s.LargestMeeting = max(s.LargestMeeting, m.ParticipantCount)
	}
	return s
}
