package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// statusServers covers the table's cases: hosts out of order, two servers on one host (ordered
// by id), and the unavailable loads of offline and disabled servers.
func statusServers() []*scalelite.Server {
	return []*scalelite.Server{
		{ID: "z", URL: "https://bbb-b.example.com/bigbluebutton/api", State: scalelite.ServerEnabled, Online: true, Load: 12.5,
			Meetings: 2, Users: 10, LargestMeeting: 7, Videos: 3, BBBVersion: "3.0.19", Tag: "gpu"},
		{ID: "y", URL: "https://bbb-a.example.com:8443/bigbluebutton/api", State: scalelite.ServerCordoned, Online: true, Load: 4,
			Meetings: 1, Users: 4, LargestMeeting: 4},
		{ID: "b", URL: "https://bbb-c.example.com/bigbluebutton/api", State: scalelite.ServerDisabled, Online: true, Load: 9,
			Meetings: 1, Users: 2, LargestMeeting: 2, Videos: 1},
		{ID: "a", URL: "https://bbb-b.example.com/other/api", State: scalelite.ServerEnabled, Load: 5},
	}
}

func TestStatusTable(t *testing.T) {
	var got bytes.Buffer
	if err := writeStatusTable(&got, statusRows(statusServers())); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"HOSTNAME           STATE     STATUS   MEETINGS  USERS  LARGEST MEETING  VIDEOS  LOAD         BBB VERSION  TAG\n" +
		"bbb-a.example.com  cordoned  online   1         4      4                0       4.0                       \n" +
		"bbb-b.example.com  enabled   offline  0         0      0                0       unavailable               \n" +
		"bbb-b.example.com  enabled   online   2         10     7                3       12.5         3.0.19       gpu\n" +
		"bbb-c.example.com  disabled  online   1         2      2                1       unavailable               \n"
	if got.String() != want {
		t.Errorf("status table:\n%s\nwant:\n%s", got.String(), want)
	}
}

func TestStatusJSON(t *testing.T) {
	var got bytes.Buffer
	if err := writeJSON(&got, statusRows(statusServers())); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(got.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	wantIDs := []string{"y", "a", "z", "b"}
	wantLoads := []any{4.0, nil, 12.5, nil}
	if len(rows) != len(wantIDs) {
		t.Fatalf("rows = %v", rows)
	}
	for i, r := range rows {
		if r["id"] != wantIDs[i] || r["load"] != wantLoads[i] {
			t.Errorf("row %d = id %v load %v, want %s %v", i, r["id"], r["load"], wantIDs[i], wantLoads[i])
		}
	}
	if rows[0]["hostname"] != "bbb-a.example.com" || rows[1]["status"] != "offline" || rows[2]["tag"] != "gpu" {
		t.Errorf("rows = %v", rows)
	}
}
