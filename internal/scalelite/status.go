package scalelite

import (
	"net/url"
	"sort"
)

// Status is the cluster status table (Scalelite's status task) as data: one row per server,
// sorted by host name, and the totals. The CLI and GraphQL render it.
type Status struct {
	Rows   []StatusRow
	Totals StatusTotals
}

// StatusRow is one server of the status table.
type StatusRow struct {
	Server *Server
	// Hostname is the host of the server's URL (the whole URL when it has none).
	Hostname string
	// Load is nil when unavailable (offline or disabled), as Scalelite prints "unavailable".
	Load *float64
}

// StatusTotals sums the status table.
type StatusTotals struct {
	Servers, Online             int
	Enabled, Cordoned, Disabled int
	Meetings, Users, Videos     int
	LargestMeeting              int     // the largest meeting on any server
	Load                        float64 // the sum of the available loads
}

// AvailableLoad returns the server's load, nil when unavailable (offline or disabled).
func (s *Server) AvailableLoad() *float64 {
	if !s.LoadAvailable() {
		return nil
	}
	l := s.Load
	return &l
}

// ClusterStatus computes the status table of servers: rows sorted by host name, then id, and
// the totals.
func ClusterStatus(servers []*Server) Status {
	st := Status{Rows: make([]StatusRow, 0, len(servers))}
	t := &st.Totals
	for _, s := range servers {
		row := StatusRow{Server: s, Hostname: serverHostname(s.URL), Load: s.AvailableLoad()}
		st.Rows = append(st.Rows, row)
		t.Servers++
		if s.Online {
			t.Online++
		}
		switch s.State {
		case ServerEnabled:
			t.Enabled++
		case ServerCordoned:
			t.Cordoned++
		case ServerDisabled:
			t.Disabled++
		}
		t.Meetings += s.Meetings
		t.Users += s.Users
		t.Videos += s.Videos
		t.LargestMeeting = max(t.LargestMeeting, s.LargestMeeting)
		if row.Load != nil {
			t.Load += *row.Load
		}
	}
	sort.SliceStable(st.Rows, func(i, j int) bool {
		a, b := st.Rows[i], st.Rows[j]
		if a.Hostname != b.Hostname {
			return a.Hostname < b.Hostname
		}
		return a.Server.ID < b.Server.ID
	})
	return st
}

// serverHostname returns the host of a server URL, or the URL itself when it has none.
func serverHostname(u string) string {
	if p, err := url.Parse(u); err == nil && p.Hostname() != "" {
		return p.Hostname()
	}
	return u
}
