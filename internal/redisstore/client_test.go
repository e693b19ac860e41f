package redisstore

import (
	"strings"
	"testing"
)

func TestConnectErrors(t *testing.T) {
	tests := []struct {
		name, url, namespace, want string
	}{
		{"bad scheme", "http://127.0.0.1:6379", "ns", "invalid URL scheme"},
		{"nothing listening", "redis://127.0.0.1:1/0", "ns", "connect to redis redis://127.0.0.1:1/0"},
		{"password redacted", "redis://:hunter2@127.0.0.1:1/0", "ns", "xxxxx"},
		{"empty namespace", "redis://127.0.0.1:1/0", "", "namespace is empty"},
		{"braces in namespace", "redis://127.0.0.1:1/0", "a{b}", "must not contain braces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Connect(t.Context(), tt.url, tt.namespace, nil)
			if err == nil {
				c.Close()
				t.Fatalf("Connect succeeded, want an error containing %q", tt.want)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) || strings.Contains(got, "hunter2") {
				t.Errorf("error = %q, want it to contain %q and no password", got, tt.want)
			}
		})
	}
}

func TestConnectPing(t *testing.T) {
	url := testRedisURL(t)
	c := testClient(t, url, testNamespace(t, url))
	if err := c.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	c.Close()
	if err := c.Ping(t.Context()); err == nil {
		t.Fatalf("Ping after Close succeeded")
	}
}

func TestVersionBefore(t *testing.T) {
	tests := []struct {
		version string
		want    bool
	}{
		{"7.0.15", false},
		{"7.0.5", false},
		{"7.0.4", true},
		{"6.2.14", true},
		{"7.2.4", false},
		{"8.0.0", false},
		{"", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		if got := versionBefore(tt.version, 7, 0, 5); got != tt.want {
			t.Errorf("versionBefore(%q, 7.0.5) = %v, want %v", tt.version, got, tt.want)
		}
	}
}
