package poller

// health is a server's availability as the poller tracks it: Scalelite's online flag with its
// consecutive success and failure counters.
type health struct {
	Online    bool
	Healthy   int // consecutive successful polls while offline
	Unhealthy int // consecutive failed polls while online
}

// nextHealth applies one poll to h (Scalelite's hysteresis):
//   - success resets the failure counter; an offline server counts successes and goes online
//     (both counters reset) once it reaches healthyThreshold;
//   - failure resets the success counter; an online server counts failures and goes offline
//     (both counters reset) once it reaches unhealthyThreshold. An offline server stays offline.
//
// Thresholds below 1 count as 1.
func nextHealth(h health, ok bool, healthyThreshold, unhealthyThreshold int) health {
	healthyThreshold = max(healthyThreshold, 1)
	unhealthyThreshold = max(unhealthyThreshold, 1)
	if ok {
		h.Unhealthy = 0
		if h.Online {
			h.Healthy = 0
			return h
		}
		h.Healthy++
		if h.Healthy >= healthyThreshold {
			return health{Online: true}
		}
		return h
	}
	h.Healthy = 0
	if !h.Online {
		h.Unhealthy = 0
		return h
	}
	h.Unhealthy++
	if h.Unhealthy >= unhealthyThreshold {
		return health{Online: false}
	}
	return h
}
