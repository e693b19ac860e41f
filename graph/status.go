package graph

import (
	"net/url"
	"sort"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// serverLoad returns a server's load, nil when unavailable (offline or disabled), as Scalelite
// prints "unavailable".
func serverLoad(s *scalelite.ServerSnapshot) *float64 {
	if !s.Online || s.State == scalelite.ServerDisabled {
		return nil
	}
	l := s.Load
	return &l
}

// clusterStatus renders Scalelite's status table as data: one row per server sorted by host
// name (then id), and the totals.
func clusterStatus(servers []*scalelite.Server) *model.ClusterStatus {
	st := &model.ClusterStatus{Totals: &model.ClusterTotals{}, Servers: make([]*model.ServerStatus, 0, len(servers))}
	t := st.Totals
	for _, s := range servers {
		host := s.URL
		if u, err := url.Parse(s.URL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		load := serverLoad(s.Snapshot())
		st.Servers = append(st.Servers, &model.ServerStatus{
			Server: s, Hostname: host, State: s.State, Online: s.Online, Meetings: s.Meetings,
			Users: s.Users, LargestMeeting: s.LargestMeeting, Videos: s.Videos, Load: load,
			BbbVersion: optional(s.BBBVersion), Tag: optional(s.Tag),
		})
		t.Servers++
		if s.Online {
			t.Online++
		}
		switch s.State {
		case scalelite.ServerEnabled:
			t.Enabled++
		case scalelite.ServerCordoned:
			t.Cordoned++
		case scalelite.ServerDisabled:
			t.Disabled++
		}
		t.Meetings += s.Meetings
		t.Users += s.Users
		t.Videos += s.Videos
		t.LargestMeeting = max(t.LargestMeeting, s.LargestMeeting)
		if load != nil {
			t.Load += *load
		}
	}
	sort.SliceStable(st.Servers, func(i, j int) bool {
		a, b := st.Servers[i], st.Servers[j]
		if a.Hostname != b.Hostname {
			return a.Hostname < b.Hostname
		}
		return a.Server.ID < b.Server.ID
	})
	return st
}

func panicResult(srv *scalelite.Server, res scalelite.PanicResult) *model.PanicResult {
	out := &model.PanicResult{Server: srv, EndedMeetings: res.Ended, EndErrors: []string{}}
	if out.EndedMeetings == nil {
		out.EndedMeetings = []*scalelite.Meeting{}
	}
	for _, err := range res.EndErrors {
		if scalelite.IsNotFound(err) {
			continue // BBB no longer knew the meeting: it is over either way
		}
		out.EndErrors = append(out.EndErrors, err.Error())
	}
	return out
}
