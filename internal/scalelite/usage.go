package scalelite

import "time"

// Usage is meetings over time: Buckets buckets of width Step, the last one holding now.
type Usage struct {
	Times   []time.Time // bucket starts, oldest first
	Started []int       // meetings created in each bucket
	Running []int       // meetings running at some moment of each bucket
	// RunningNow and ParticipantsNow count the meetings that have not ended.
	RunningNow, ParticipantsNow int
}

// MeetingUsage counts meetings into buckets of width step (n buckets, the last one holding now).
// A meeting runs from its creation until it ended (or now).
func MeetingUsage(meetings []*Meeting, now time.Time, step time.Duration, n int) Usage {
	last := now.Truncate(step)
	first := last.Add(-time.Duration(n-1) * step)
	u := Usage{Times: make([]time.Time, n), Started: make([]int, n), Running: make([]int, n)}
	for i := range n {
		u.Times[i] = first.Add(time.Duration(i) * step)
	}
	bucket := func(t time.Time) int { // clamped to [-1, n]
		if t.Before(first) {
			return -1
		}
		return min(int(t.Sub(first)/step), n)
	}
	for _, m := range meetings {
		if m.Running() {
			u.RunningNow++
			u.ParticipantsNow += m.Participants
		}
		from := bucket(m.CreatedAt)
		if from >= 0 && from < n {
			u.Started[from]++
		}
		to := n - 1
		if m.EndedAt != nil {
			to = min(bucket(*m.EndedAt), n-1)
		}
		for i := max(from, 0); i <= to; i++ {
			u.Running[i]++
		}
	}
	return u
}
