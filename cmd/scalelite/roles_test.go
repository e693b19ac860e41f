package main

import (
	"reflect"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/config"
)

func TestPollerConfigFromEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []any // Interval, Threads, HealthyThreshold, UnhealthyThreshold, MeetingTTL
	}{
		{"defaults", nil, []any{60 * time.Second, 5, 1, 2, 24 * time.Hour}},
		{"set", map[string]string{
			"POLL_INTERVAL": "10", "POLLER_THREADS": "3", "SERVER_HEALTHY_THRESHOLD": "2",
			"SERVER_UNHEALTHY_THRESHOLD": "4", "DEFAULT_MEETING_TTL": "7200",
		}, []any{10 * time.Second, 3, 2, 4, 2 * time.Hour}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Load(envOf(tc.env))
			if err != nil {
				t.Fatalf("config.Load: %v", err)
			}
			p := pollerConfig(cfg)
			got := []any{p.Interval, p.Threads, p.HealthyThreshold, p.UnhealthyThreshold, p.MeetingTTL}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
