package scalelite

import (
	"reflect"
	"testing"
)

func TestClusterStatus(t *testing.T) {
	srv := func(id, url string, st ServerState, online bool, load float64, meetings, users, largest, videos int) *Server {
		return &Server{ID: id, URL: url, State: st, Online: online, Load: load, Meetings: meetings, Users: users,
			LargestMeeting: largest, Videos: videos}
	}
	load := func(l float64) *float64 { return &l }
	tests := []struct {
		name       string
		servers    []*Server
		wantOrder  []string
		wantHosts  []string
		wantLoads  []*float64
		wantTotals StatusTotals
	}{
		{name: "empty", wantOrder: []string{}, wantHosts: []string{}, wantLoads: []*float64{}},
		{
			name: "sorted by host then id, loads of offline and disabled servers unavailable",
			servers: []*Server{
				srv("z", "https://bbb-b.example.com/bigbluebutton/api", ServerEnabled, true, 12.5, 2, 10, 7, 3),
				srv("y", "https://bbb-a.example.com:8443/bigbluebutton/api", ServerCordoned, true, 4, 1, 4, 4, 0),
				srv("b", "https://bbb-c.example.com/bigbluebutton/api", ServerDisabled, true, 9, 1, 2, 2, 1),
				srv("a", "https://bbb-b.example.com/other/api", ServerEnabled, false, 5, 0, 0, 0, 0),
				srv("c", "not a url", ServerEnabled, true, 1, 3, 30, 20, 5),
			},
			wantOrder: []string{"y", "a", "z", "b", "c"},
			wantHosts: []string{"bbb-a.example.com", "bbb-b.example.com", "bbb-b.example.com", "bbb-c.example.com", "not a url"},
			wantLoads: []*float64{load(4), nil, load(12.5), nil, load(1)},
			wantTotals: StatusTotals{Servers: 5, Online: 4, Enabled: 3, Cordoned: 1, Disabled: 1, Meetings: 7,
				Users: 46, Videos: 9, LargestMeeting: 20, Load: 17.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClusterStatus(tt.servers)
			order, hosts, loads := []string{}, []string{}, []*float64{}
			for _, r := range got.Rows {
				order, hosts, loads = append(order, r.Server.ID), append(hosts, r.Hostname), append(loads, r.Load)
			}
			if !reflect.DeepEqual(order, tt.wantOrder) {
				t.Errorf("order = %v, want %v", order, tt.wantOrder)
			}
			if !reflect.DeepEqual(hosts, tt.wantHosts) {
				t.Errorf("hosts = %v, want %v", hosts, tt.wantHosts)
			}
			if !reflect.DeepEqual(loads, tt.wantLoads) {
				t.Errorf("loads = %v, want %v", loads, tt.wantLoads)
			}
			if got.Totals != tt.wantTotals {
				t.Errorf("totals = %+v, want %+v", got.Totals, tt.wantTotals)
			}
		})
	}
}
