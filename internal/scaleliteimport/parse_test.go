package scaleliteimport

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestParseCallbackAttributes(t *testing.T) {
	tests := []struct {
		name, text  string
		ready, anal string
		wantErr     string
	}{
		{"symbol keys", "---\n:recording_ready_url: https://gl.example.com/recording_ready\n", "https://gl.example.com/recording_ready", "", ""},
		{"both", "---\n:recording_ready_url: https://a/r\n:analytics_callback_url: https://a/a\n", "https://a/r", "https://a/a", ""},
		{"indifferent access", "--- !ruby/hash:ActiveSupport::HashWithIndifferentAccess\nrecording_ready_url: https://a/r\n", "https://a/r", "", ""},
		{"parameters object", "--- !ruby/object:ActionController::Parameters\nparameters: !ruby/hash:ActiveSupport::HashWithIndifferentAccess\n  analytics_callback_url: https://a/a\npermitted: true\n", "", "https://a/a", ""},
		{"quoted and null", "---\n:recording_ready_url: 'https://a/r?x=1&y=2'\n:analytics_callback_url: ~\n", "https://a/r?x=1&y=2", "", ""},
		{"json", `{"recording_ready_url": "https://a/r"}`, "https://a/r", "", ""},
		{"empty", "", "", "", ""},
		{"empty hash", "--- {}\n", "", "", ""},
		{"not yaml", "---\n: [unclosed", "", "", "not YAML"},
		{"not a hash", "--- just text\n", "", "", "not a hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCallbackAttributes(tc.text)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.RecordingReadyURL != tc.ready || got.AnalyticsCallbackURL != tc.anal {
				t.Errorf("got %+v, %v; want %q, %q", got, err, tc.ready, tc.anal)
			}
		})
	}
}

func TestParseServer(t *testing.T) {
	enabled := map[string]bool{"legacy-on": true}
	load := map[string]float64{"a": 12.5}
	tests := []struct {
		id        string
		h, counts map[string]string
		want      scalelite.Server
		reason    string
	}{
		{"a", map[string]string{"url": "https://a/bigbluebutton/api", "secret": "s", "state": "enabled", "online": "true",
			"load_multiplier": "2.5", "tag": "eu", "meetings": "3", "users": "40", "largest_meeting": "30", "videos": "5", "bbb_version": "3.0.4"},
			map[string]string{"healthy_counter": "1", "unhealthy_counter": "0"},
			scalelite.Server{ID: "a", URL: "https://a/bigbluebutton/api", Secret: "s", State: scalelite.ServerEnabled, Online: true,
				LoadMultiplier: 2.5, Tag: "eu", Load: 12.5, Meetings: 3, Users: 40, LargestMeeting: 30, Videos: 5, BBBVersion: "3.0.4", HealthyCounter: 1}, ""},
		{"legacy-on", map[string]string{"url": "u", "secret": "s"}, nil,
			scalelite.Server{ID: "legacy-on", URL: "u", Secret: "s", State: scalelite.ServerEnabled, LoadMultiplier: 1}, ""},
		{"legacy-off", map[string]string{"url": "u", "secret": "s", "load_multiplier": "0", "unhealthy_counter": "2"}, nil,
			scalelite.Server{ID: "legacy-off", URL: "u", Secret: "s", State: scalelite.ServerDisabled, LoadMultiplier: 1, UnhealthyCounter: 2}, ""},
		{"c", map[string]string{"url": "u", "secret": "s", "state": "cordoned", "load_multiplier": "nonsense"}, nil,
			scalelite.Server{ID: "c", URL: "u", Secret: "s", State: scalelite.ServerCordoned, LoadMultiplier: 1}, ""},
		{"bad", map[string]string{"url": "u", "secret": "s", "state": "sideways"}, nil, scalelite.Server{}, "unknown state"},
		{"gone", nil, nil, scalelite.Server{}, "hash is missing"},
		{"nosecret", map[string]string{"url": "u"}, nil, scalelite.Server{}, "no url or secret"},
	}
	for _, tc := range tests {
		got, reason := parseServer(tc.id, tc.h, tc.counts, enabled, load)
		if tc.reason != "" {
			if !strings.Contains(reason, tc.reason) {
				t.Errorf("%s: reason %q, want %q", tc.id, reason, tc.reason)
			}
			continue
		}
		if reason != "" || *got != tc.want {
			t.Errorf("%s: got %+v (%s)\nwant %+v", tc.id, got, reason, tc.want)
		}
	}
}
