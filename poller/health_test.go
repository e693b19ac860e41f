package poller

import "testing"

func TestNextHealth(t *testing.T) {
	tests := []struct {
		name                 string
		from                 health
		ok                   bool
		healthyTh, unhealthy int
		want                 health
	}{
		{"offline success reaches threshold 1", health{}, true, 1, 2, health{Online: true}},
		{"offline success below threshold 3", health{Healthy: 1}, true, 3, 2, health{Healthy: 2}},
		{"offline success reaches threshold 3", health{Healthy: 2}, true, 3, 2, health{Online: true}},
		{"offline failure resets healthy", health{Healthy: 2}, false, 3, 2, health{}},
		{"offline failure stays offline", health{}, false, 1, 2, health{}},
		{"online success resets unhealthy", health{Online: true, Unhealthy: 1}, true, 1, 2, health{Online: true}},
		{"online first failure stays online", health{Online: true}, false, 1, 2, health{Online: true, Unhealthy: 1}},
		{"online second failure goes offline", health{Online: true, Unhealthy: 1}, false, 1, 2, health{}},
		{"unhealthy threshold 1 goes offline at once", health{Online: true}, false, 1, 1, health{}},
		{"zero thresholds count as one", health{}, true, 0, 0, health{Online: true}},
		{"zero unhealthy threshold", health{Online: true}, false, 0, 0, health{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextHealth(tt.from, tt.ok, tt.healthyTh, tt.unhealthy); got != tt.want {
				t.Errorf("nextHealth(%+v, %v) = %+v, want %+v", tt.from, tt.ok, got, tt.want)
			}
		})
	}
}

// A sequence of polls with Scalelite's default thresholds (1 healthy, 2 unhealthy).
func TestHealthSequence(t *testing.T) {
	polls := []struct {
		ok         bool
		wantOnline bool
	}{
		{true, true}, {false, true}, {true, true}, {false, true}, {false, false}, {false, false}, {true, true},
	}
	var h health
	for i, p := range polls {
		h = nextHealth(h, p.ok, 1, 2)
		if h.Online != p.wantOnline {
			t.Fatalf("poll %d (ok=%v): online = %v, want %v", i, p.ok, h.Online, p.wantOnline)
		}
	}
}
