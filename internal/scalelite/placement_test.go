package scalelite

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseServerTag(t *testing.T) {
	tests := []struct {
		in       string
		tags     []string
		required bool
		raw      string
	}{
		{"", nil, false, ""},
		{"!", nil, false, ""},
		{"test", []string{"test"}, false, "test"},
		{"test!", []string{"test"}, true, "test"},
		{"a;b", []string{"a", "b"}, false, "a;b"},
		{"a;b!", []string{"a", "b"}, true, "a;b"},
		{"a;;none!", []string{"a", "none"}, true, "a;;none"},
		{";!", nil, false, ";"},
	}
	for _, tt := range tests {
		got := ParseServerTag(tt.in)
		if !equalStrings(got.Tags, tt.tags) || got.Required != tt.required || got.Raw != tt.raw {
			t.Errorf("ParseServerTag(%q) = %+v, want tags %v required %v raw %q", tt.in, got, tt.tags, tt.required, tt.raw)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLeastLoadedSelect(t *testing.T) {
	pool := []*Server{
		{ID: "a", Load: 5},
		{ID: "b", Load: 2},
		{ID: "c", Load: 1, Tag: "test"},
		{ID: "d", Load: 0, Tag: "test2"},
		{ID: "e", Load: 2},
		{ID: "f", Load: 9, Tag: "test"},
	}
	tests := []struct {
		tag     string
		servers []*Server
		want    string
		wantErr error
		rule    string
	}{
		{tag: "", servers: pool, want: "b", rule: "untagged"},      // tie b/e: lowest id
		{tag: "!", servers: pool, want: "b", rule: "untagged"},     // lone ! = no tags
		{tag: "test", servers: pool, want: "c", rule: "tag"},       // least loaded tagged
		{tag: "test!", servers: pool, want: "c", rule: "tag"},      // required, met
		{tag: "test;test2", servers: pool, want: "d", rule: "tag"}, // least of either
		{tag: "test3", servers: pool, want: "b", rule: "untagged-fallback"},
		{tag: "test3!", servers: pool, wantErr: ErrTagUnavailable},    // Scalelite's code, not its doc
		{tag: "none", servers: pool, want: "b", rule: "tag"},          // pseudo-tag: untagged
		{tag: "test2;none!", servers: pool, want: "d", rule: "tag"},   // untagged or test2
		{tag: "", servers: pool[2:4], wantErr: ErrNoAvailableServers}, // only tagged: never used untagged
		{tag: "", servers: nil, wantErr: ErrNoAvailableServers},
		{tag: "test!", servers: nil, wantErr: ErrNoAvailableServers}, // no servers at all comes first
	}
	for _, tt := range tests {
		srv, exp, err := LeastLoaded{Tag: ParseServerTag(tt.tag)}.Select(tt.servers)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) || ErrorCode(err) != EUNAVAILABLE {
				t.Errorf("tag %q: err = %v, want %v", tt.tag, err, tt.wantErr)
			}
			continue
		}
		if err != nil || srv.ID != tt.want {
			t.Errorf("tag %q: got %v, %v; want %s", tt.tag, srv, err, tt.want)
			continue
		}
		var e PlacementExplanation
		if err := json.Unmarshal([]byte(exp), &e); err != nil {
			t.Fatalf("explanation %q: %v", exp, err)
		}
		if e.Chosen != tt.want || e.Rule != tt.rule || len(e.Candidates) == 0 || e.Candidates[0].ID != tt.want {
			t.Errorf("tag %q: explanation %s", tt.tag, exp)
		}
	}
}

func TestTagUnavailableMessage(t *testing.T) {
	_, _, err := LeastLoaded{Tag: ParseServerTag("test-tag!")}.Select([]*Server{{ID: "a"}})
	if got, want := ErrorMessage(err), "There is no available server with the required tag=test-tag."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	_, _, err = LeastLoaded{}.Select(nil)
	if got, want := ErrorMessage(err), "Could not find any available servers."; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
}

// Reservations make a burst of placements spread evenly: each placement sees the loads the
// previous ones reserved.
func TestLeastLoadedSpreadsWithReservations(t *testing.T) {
	var pool []*Server
	for _, id := range []string{"s01", "s02", "s03", "s04", "s05"} {
		pool = append(pool, &Server{ID: id})
	}
	counts := map[string]int{}
	for range 50 {
		srv, _, err := LeastLoaded{}.Select(pool)
		if err != nil {
			t.Fatal(err)
		}
		srv.Load += MeetingReservation("", 15)
		counts[srv.ID]++
	}
	for id, n := range counts {
		if n != 10 {
			t.Errorf("server %s got %d meetings, want 10 (%v)", id, n, counts)
		}
	}
}

func TestMeetingReservation(t *testing.T) {
	tests := []struct {
		hint string
		min  int
		want float64
	}{
		{"", 15, 15},
		{"40", 15, 40},
		{"10", 15, 15},
		{"abc", 15, 15},
		{"-50", 15, 15},
		{"", 0, 1}, // LOAD_MIN_USER_COUNT=0: one per meeting, like Scalelite's increment
		{"3", 0, 3},
		{"99999999999", 15, 15}, // absurd hints are ignored
	}
	for _, tt := range tests {
		if got := MeetingReservation(tt.hint, tt.min); got != tt.want {
			t.Errorf("MeetingReservation(%q, %d) = %v, want %v", tt.hint, tt.min, got, tt.want)
		}
	}
}
