package scalelite

import (
	"strings"
	"testing"
)

func TestCapacityPolicyServer(t *testing.T) {
	p := CapacityPolicy{ServerLoad: 200, MeetingUsers: 15}
	srv := func(st ServerState, online bool, load, mult float64) *Server {
		return &Server{ID: "s", State: st, Online: online, Load: load, LoadMultiplier: mult}
	}
	ptr := func(f float64) *float64 { return &f }
	tests := []struct {
		name string
		s    *Server
		want ServerCapacity
	}{
		{"empty server", srv(ServerEnabled, true, 0, 1), ServerCapacity{Capacity: 200, Utilization: ptr(0), Headroom: 200, Room: 13}},
		{"half full", srv(ServerEnabled, true, 100, 1), ServerCapacity{Capacity: 200, Utilization: ptr(0.5), Headroom: 100, Room: 6}},
		{"exactly one meeting left", srv(ServerEnabled, true, 185, 1), ServerCapacity{Capacity: 200, Utilization: ptr(0.925), Headroom: 15, Room: 1}},
		{"weaker server: meetings cost more", srv(ServerEnabled, true, 100, 2), ServerCapacity{Capacity: 200, Utilization: ptr(0.5), Headroom: 100, Room: 3}},
		{"zero multiplier counts as 1", srv(ServerEnabled, true, 170, 0), ServerCapacity{Capacity: 200, Utilization: ptr(0.85), Headroom: 30, Room: 2}},
		{"over capacity", srv(ServerEnabled, true, 260, 1), ServerCapacity{Capacity: 200, Utilization: ptr(1.3), Headroom: 0, Room: 0}},
		{"cordoned: load shown, no room", srv(ServerCordoned, true, 50, 1), ServerCapacity{Capacity: 200, Utilization: ptr(0.25)}},
		{"offline: nothing", srv(ServerEnabled, false, 50, 1), ServerCapacity{Capacity: 200}},
		{"disabled: nothing", srv(ServerDisabled, true, 50, 1), ServerCapacity{Capacity: 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Server(tt.s)
			if got.Capacity != tt.want.Capacity || got.Headroom != tt.want.Headroom || got.Room != tt.want.Room {
				t.Errorf("got capacity %g headroom %g room %d, want %g %g %d", got.Capacity, got.Headroom, got.Room,
					tt.want.Capacity, tt.want.Headroom, tt.want.Room)
			}
			switch {
			case (got.Utilization == nil) != (tt.want.Utilization == nil):
				t.Errorf("utilization %v, want %v", got.Utilization, tt.want.Utilization)
			case got.Utilization != nil && *got.Utilization != *tt.want.Utilization:
				t.Errorf("utilization %g, want %g", *got.Utilization, *tt.want.Utilization)
			}
		})
	}
}

func TestCapacityPolicyCluster(t *testing.T) {
	p := CapacityPolicy{ServerLoad: 100, MeetingUsers: 10}
	servers := []*Server{
		{ID: "a", State: ServerEnabled, Online: true, Load: 30, LoadMultiplier: 1},  // room 7
		{ID: "b", State: ServerEnabled, Online: true, Load: 55, LoadMultiplier: 2},  // headroom 45, room 2
		{ID: "c", State: ServerCordoned, Online: true, Load: 10, LoadMultiplier: 1}, // not counted
		{ID: "d", State: ServerEnabled, Online: false, LoadMultiplier: 1},           // not counted
	}
	got := p.Cluster(servers)
	want := ClusterCapacity{Capacity: 200, Load: 85, Headroom: 115, Room: 9, InService: 2}
	if got != want {
		t.Errorf("Cluster = %+v, want %+v", got, want)
	}
	if (p.Cluster(nil) != ClusterCapacity{}) {
		t.Errorf("empty cluster = %+v", p.Cluster(nil))
	}
}

func TestCapacityPolicyDescribe(t *testing.T) {
	d := DefaultCapacityPolicy().Describe()
	for _, want := range []string{"load of 200 (SERVER_LOAD_CAPACITY)", "load multiplier", "at least 15 users", "multiplier 2 is full at 100 users", "15-user meetings"} {
		if !strings.Contains(d, want) {
			t.Errorf("Describe() = %q, missing %q", d, want)
		}
	}
}
