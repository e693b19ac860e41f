package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHTTPLimits(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := HTTPLimits{ReadHeaderTimeout: 10 * time.Second, BodyTimeout: 20 * time.Second, MinBodyRate: 65536,
		IdleTimeout: 2 * time.Minute, MaxConcurrentBodies: 256}
	if c.HTTP.Limits != want {
		t.Errorf("defaults %+v, want %+v", c.HTTP.Limits, want)
	}
	c, err = Load(env(map[string]string{"HTTP_READ_HEADER_TIMEOUT": "2", "HTTP_READ_TIMEOUT": "5.5",
		"HTTP_MIN_BODY_RATE": "1000", "HTTP_IDLE_TIMEOUT": "30", "HTTP_MAX_CONCURRENT_BODIES": "8"}))
	if err != nil {
		t.Fatal(err)
	}
	want = HTTPLimits{ReadHeaderTimeout: 2 * time.Second, BodyTimeout: 5500 * time.Millisecond, MinBodyRate: 1000,
		IdleTimeout: 30 * time.Second, MaxConcurrentBodies: 8}
	if !reflect.DeepEqual(c.HTTP.Limits, want) {
		t.Errorf("set %+v, want %+v", c.HTTP.Limits, want)
	}
	_, err = Load(env(map[string]string{"HTTP_READ_TIMEOUT": "0", "HTTP_MAX_CONCURRENT_BODIES": "0"}))
	for _, name := range []string{"HTTP_READ_TIMEOUT", "HTTP_MAX_CONCURRENT_BODIES"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("bad %s: %v", name, err)
		}
	}
}

func TestExtractLimits(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.Recordings.Extract != (ExtractLimits{MaxBytes: 32 << 30, MaxExpansion: 20}) {
		t.Fatalf("defaults %+v %v", c.Recordings.Extract, err)
	}
	for in, want := range map[string]int64{"1048576": 1 << 20, "512M": 512 << 20, "512MiB": 512 << 20, "2g": 2 << 30, "1TB": 1 << 40, "64k": 64 << 10} {
		c, err := Load(env(map[string]string{"RECORDING_MAX_EXTRACTED_SIZE": in, "RECORDING_MAX_EXPANSION": "0"}))
		if err != nil || c.Recordings.Extract.MaxBytes != want || c.Recordings.Extract.MaxExpansion != 0 {
			t.Errorf("%s: %+v %v, want %d", in, c.Recordings.Extract, err, want)
		}
	}
	for _, bad := range []string{"x", "-1", "0", "12Q", "99999999T"} {
		if _, err := Load(env(map[string]string{"RECORDING_MAX_EXTRACTED_SIZE": bad})); err == nil || !strings.Contains(err.Error(), "RECORDING_MAX_EXTRACTED_SIZE") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
