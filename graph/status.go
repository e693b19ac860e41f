package graph

import (
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

// clusterStatus renders Scalelite's status table (scalelite.ClusterStatus) as GraphQL data,
// with every server measured against its capacity.
func clusterStatus(servers []*scalelite.Server, capacity scalelite.CapacityPolicy) *model.ClusterStatus {
	st := scalelite.ClusterStatus(servers)
	t := st.Totals
	c := capacity.Cluster(servers)
	out := &model.ClusterStatus{
		Totals: &model.ClusterTotals{Servers: t.Servers, Online: t.Online, Enabled: t.Enabled, Cordoned: t.Cordoned,
			Disabled: t.Disabled, Meetings: t.Meetings, Users: t.Users, Videos: t.Videos,
			LargestMeeting: t.LargestMeeting, Load: t.Load,
			InService: c.InService, Capacity: c.Capacity, Headroom: c.Headroom, Room: c.Room},
		Servers: make([]*model.ServerStatus, 0, len(st.Rows)),
		Capacity: &model.CapacityRule{ServerCapacity: capacity.ServerLoad, MeetingUsers: capacity.MeetingUsers,
			Description: capacity.Describe()},
	}
	for _, r := range st.Rows {
		s := r.Server
		sc := capacity.Server(s)
		out.Servers = append(out.Servers, &model.ServerStatus{
			Server: s, Hostname: r.Hostname, State: s.State, Online: s.Online, Meetings: s.Meetings,
			Users: s.Users, LargestMeeting: s.LargestMeeting, Videos: s.Videos, Load: r.Load,
			BbbVersion: optional(s.BBBVersion), Tag: optional(s.Tag),
			Capacity: sc.Capacity, Utilization: sc.Utilization, Headroom: sc.Headroom, Room: sc.Room,
		})
	}
	return out
}

func panicResult(srv *scalelite.Server, res scalelite.PanicResult) *model.PanicResult {
	out := &model.PanicResult{Server: srv, EndedMeetings: res.Ended, EndErrors: []string{}}
	if out.EndedMeetings == nil {
		out.EndedMeetings = []*scalelite.Meeting{}
	}
	for _, err := range res.EndErrors {
		out.EndErrors = append(out.EndErrors, err.Error())
	}
	return out
}
