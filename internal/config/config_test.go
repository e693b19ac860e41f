package config

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"roles", c.Roles, Roles{RoleAPI, RolePoller, RoleImporter}},
		{"addr", c.HTTP.Addr, ":3000"},
		{"trusted proxies", c.HTTP.TrustedProxies, defaultTrustedProxies},
		{"log level", c.Log.Level, slog.LevelInfo},
		{"log format", c.Log.Format, "text"},
		{"database url", c.Database.URL, "sqlite:data/scalelite.db"},
		{"database default", c.Database.IsDefault, true},
		{"dialect", c.Database.Dialect(), "sqlite"},
		{"auto migrate", c.Database.AutoMigrate, true},
		{"redis", c.Redis.Enabled(), false},
		{"redis namespace", c.Redis.Namespace, "scalelite"},
		{"connect timeout", c.BBB.ConnectTimeout, 5 * time.Second},
		{"response timeout", c.BBB.ResponseTimeout, 10 * time.Second},
		{"algorithms", c.BBB.ChecksumAlgorithms, []string(nil)},
		{"load min users", c.Load.MinUserCount, 15},
		{"load buffer", c.Load.JoinBufferTime, 15 * time.Minute},
		{"server capacity", c.Load.ServerCapacity, 200.0},
		{"secrets", c.API.Secrets, []string{}},
		{"voice bridge", c.API.VoiceBridgeLen, 9},
		{"poll interval", c.Poller.Interval, 60 * time.Second},
		{"poller threads", c.Poller.Threads, 5},
		{"thresholds", []int{c.Poller.HealthyThreshold, c.Poller.UnhealthyThreshold}, []int{1, 2}},
		{"meeting ttl", c.Poller.MeetingTTL, 24 * time.Hour},
		{"spool", c.Recordings.SpoolDir, "/var/bigbluebutton/spool"},
		{"work", c.Recordings.WorkDir, "/var/bigbluebutton/recording/scalelite"},
		{"published", c.Recordings.PublishDir, "/var/bigbluebutton/published"},
		{"unpublished", c.Recordings.UnpublishDir, "/var/bigbluebutton/unpublished"},
		{"formats", c.Recordings.PlaybackFormats, []string{"presentation", "video", "screenshare", "podcast", "notes", "capture"}},
		{"import poll", c.Recordings.ImportPoll, true},
		{"import interval", c.Recordings.ImportPollInterval, 60 * time.Second},
		{"token timeout", c.Recordings.TokenTimeout, time.Hour},
		{"cookie timeout", c.Recordings.CookieTimeout, 6 * time.Hour},
		{"multitenancy", c.API.MultitenancyEnabled, false},
	}
	for _, tc := range checks {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.name, tc.got, tc.want)
		}
	}
}

func TestLoadValues(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		get  func(*Config) any
		want any
	}{
		{"port", map[string]string{"PORT": "8080"}, func(c *Config) any { return c.HTTP.Addr }, ":8080"},
		{"port zero", map[string]string{"PORT": "0", "BIND": "127.0.0.1"}, func(c *Config) any { return c.HTTP.Addr }, "127.0.0.1:0"},
		{"bind host", map[string]string{"BIND": "127.0.0.1"}, func(c *Config) any { return c.HTTP.Addr }, "127.0.0.1:3000"},
		{"bind host:port", map[string]string{"BIND": "0.0.0.0:9000", "PORT": "1"}, func(c *Config) any { return c.HTTP.Addr }, "0.0.0.0:9000"},
		{"bind puma", map[string]string{"BIND": "tcp://0.0.0.0:3001"}, func(c *Config) any { return c.HTTP.Addr }, "0.0.0.0:3001"},
		{"bind ipv6", map[string]string{"BIND": "::1"}, func(c *Config) any { return c.HTTP.Addr }, "[::1]:3000"},
		{"bind ipv6 brackets", map[string]string{"BIND": "[::1]"}, func(c *Config) any { return c.HTTP.Addr }, "[::1]:3000"},
		{"metrics bind unset", nil, func(c *Config) any { return c.HTTP.MetricsAddr }, ""},
		{"metrics bind port", map[string]string{"METRICS_BIND": "9100"}, func(c *Config) any { return c.HTTP.MetricsAddr }, ":9100"},
		{"metrics bind :port", map[string]string{"METRICS_BIND": ":9100"}, func(c *Config) any { return c.HTTP.MetricsAddr }, ":9100"},
		{"metrics bind host:port", map[string]string{"METRICS_BIND": "127.0.0.1:0"}, func(c *Config) any { return c.HTTP.MetricsAddr }, "127.0.0.1:0"},
		{"postgres", map[string]string{"DATABASE_URL": "postgres://u:p@db/scalelite"}, func(c *Config) any { return []any{c.Database.URL, c.Database.Dialect(), c.Database.IsDefault} }, []any{"postgres://u:p@db/scalelite", "postgres", false}},
		{"postgresql", map[string]string{"DATABASE_URL": "postgresql://db/x"}, func(c *Config) any { return c.Database.Dialect() }, "postgres"},
		{"sqlite", map[string]string{"DATABASE_URL": "sqlite:/tmp/x.db"}, func(c *Config) any { return []any{c.Database.URL, c.Database.Dialect()} }, []any{"sqlite:/tmp/x.db", "sqlite"}},
		{"data dir", map[string]string{"SCALELITE_DATA_DIR": "/srv/sl"}, func(c *Config) any { return c.Database.URL }, "sqlite:/srv/sl/scalelite.db"},
		{"redis", map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/1", "REDIS_NAMESPACE": "x"}, func(c *Config) any { return []any{c.Redis.Enabled(), c.Redis.URL, c.Redis.Namespace} }, []any{true, "redis://127.0.0.1:6379/1", "x"}},
		{"secrets", map[string]string{"LOADBALANCER_SECRET": "a", "LOADBALANCER_SECRETS": "b::c"}, func(c *Config) any { return c.API.Secrets }, []string{"a", "b", "c"}},
		{"secrets only list", map[string]string{"LOADBALANCER_SECRETS": "b:c"}, func(c *Config) any { return c.API.Secrets }, []string{"b", "c"}},
		{"bool upper", map[string]string{"MULTITENANCY_ENABLED": "TRUE"}, func(c *Config) any { return []bool{c.API.MultitenancyEnabled, c.HTTP.AllowSubdomains} }, []bool{true, true}},
		{"bool mixed false", map[string]string{"RECORDING_IMPORT_POLL": "False"}, func(c *Config) any { return c.Recordings.ImportPoll }, false},
		{"float seconds", map[string]string{"CONNECT_TIMEOUT": "0.5", "RESPONSE_TIMEOUT": "2.25"}, func(c *Config) any { return []time.Duration{c.BBB.ConnectTimeout, c.BBB.ResponseTimeout} }, []time.Duration{500 * time.Millisecond, 2250 * time.Millisecond}},
		{"poll interval", map[string]string{"POLL_INTERVAL": "5"}, func(c *Config) any { return c.Poller.Interval }, 5 * time.Second},
		{"meeting ttl", map[string]string{"DEFAULT_MEETING_TTL": "3600"}, func(c *Config) any { return c.Poller.MeetingTTL }, time.Hour},
		{"meeting ttl fraction", map[string]string{"DEFAULT_MEETING_TTL": " 1.5 "}, func(c *Config) any { return c.Poller.MeetingTTL }, 1500 * time.Millisecond},
		{"algorithms", map[string]string{"LOADBALANCER_CHECKSUM_ALGORITHM": "sha1:SHA512"}, func(c *Config) any { return c.BBB.ChecksumAlgorithms }, []string{"SHA1", "SHA512"}},
		{"create params", map[string]string{"DEFAULT_CREATE_PARAMS": "record=true,welcome=Hi=there,,logo="}, func(c *Config) any { return c.API.DefaultCreateParams }, []Param{{"record", "true"}, {"welcome", "Hi=there"}, {"logo", ""}}},
		{"override join params", map[string]string{"OVERRIDE_JOIN_PARAMS": "userdata-bbb_skip_check_audio=true"}, func(c *Config) any { return c.API.OverrideJoinParams }, []Param{{"userdata-bbb_skip_check_audio", "true"}}},
		{"exclude params", map[string]string{"CREATE_EXCLUDE_PARAMS": "logo, welcome,", "JOIN_EXCLUDE_PARAMS": "avatarURL"}, func(c *Config) any { return [][]string{c.API.CreateExcludeParams, c.API.JoinExcludeParams} }, [][]string{{"logo", "welcome"}, {"avatarURL"}}},
		{"roles", map[string]string{"SCALELITE_ROLES": "poller, API,api"}, func(c *Config) any { return c.Roles }, Roles{RoleAPI, RolePoller}},
		{"proxies", map[string]string{"TRUSTED_PROXIES": "10.1.0.0/16, 192.0.2.1"}, func(c *Config) any { return c.HTTP.TrustedProxies }, []string{"10.1.0.0/16", "192.0.2.1"}},
		{"proxies none", map[string]string{"TRUSTED_PROXIES": "none"}, func(c *Config) any { return c.HTTP.TrustedProxies }, []string{}},
		{"log", map[string]string{"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json"}, func(c *Config) any { return []any{c.Log.Level, c.Log.Format} }, []any{slog.LevelDebug, "json"}},
		{"formats", map[string]string{"RECORDING_PLAYBACK_FORMATS": "presentation:video"}, func(c *Config) any { return c.Recordings.PlaybackFormats }, []string{"presentation", "video"}},
		{"protected", map[string]string{"PROTECTED_RECORDINGS_ENABLED": "true", "PROTECTED_RECORDINGS_TOKEN_TIMEOUT": "5", "PROTECTED_RECORDINGS_TIMEOUT": "10"}, func(c *Config) any {
			return []any{c.Recordings.ProtectedEnabled, c.Recordings.TokenTimeout, c.Recordings.CookieTimeout}
		}, []any{true, 5 * time.Minute, 10 * time.Minute}},
		{"max duration", map[string]string{"MAX_MEETING_DURATION": "120"}, func(c *Config) any { return c.API.MaxMeetingDuration }, 120},
		{"auto migrate off", map[string]string{"AUTO_MIGRATE": "false"}, func(c *Config) any { return c.Database.AutoMigrate }, false},
		{"blank counts as unset", map[string]string{"POLL_INTERVAL": "", "PORT": ""}, func(c *Config) any { return []any{c.Poller.Interval, c.HTTP.Addr} }, []any{60 * time.Second, ":3000"}},
		{"build number", map[string]string{"BUILD_NUMBER": "v1.2"}, func(c *Config) any { return c.API.BuildNumber }, "v1.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // substring of the error
	}{
		{"port text", map[string]string{"PORT": "http"}, `PORT: "http" is not a TCP port`},
		{"port range", map[string]string{"PORT": "70000"}, "PORT:"},
		{"bind unix", map[string]string{"BIND": "unix:///run/x.sock"}, "BIND: "},
		{"metrics bind host only", map[string]string{"METRICS_BIND": "localhost"}, `METRICS_BIND: "localhost" is not host:port`},
		{"metrics bind range", map[string]string{"METRICS_BIND": ":70000"}, "METRICS_BIND:"},
		{"bool", map[string]string{"MULTITENANCY_ENABLED": "yes"}, `MULTITENANCY_ENABLED: "yes" is not a boolean`},
		{"int", map[string]string{"POLLER_THREADS": "five"}, `POLLER_THREADS: "five" is not a whole number`},
		{"int min", map[string]string{"POLLER_THREADS": "0"}, "POLLER_THREADS: 0 is less than 1"},
		{"capacity zero", map[string]string{"SERVER_LOAD_CAPACITY": "0"}, "SERVER_LOAD_CAPACITY: must be greater than 0"},
		{"threshold", map[string]string{"SERVER_UNHEALTHY_THRESHOLD": "-1"}, "SERVER_UNHEALTHY_THRESHOLD:"},
		{"float", map[string]string{"CONNECT_TIMEOUT": "fast"}, `CONNECT_TIMEOUT: "fast" is not a number`},
		{"negative", map[string]string{"RESPONSE_TIMEOUT": "-1"}, "RESPONSE_TIMEOUT: -1 is negative"},
		{"zero interval", map[string]string{"POLL_INTERVAL": "0"}, "POLL_INTERVAL: must be greater than 0"},
		{"meeting ttl text", map[string]string{"DEFAULT_MEETING_TTL": "1d"}, `DEFAULT_MEETING_TTL: "1d" is not a number`},
		{"meeting ttl zero", map[string]string{"DEFAULT_MEETING_TTL": "0"}, "DEFAULT_MEETING_TTL: must be greater than 0"},
		{"meeting ttl negative", map[string]string{"DEFAULT_MEETING_TTL": "-60"}, "DEFAULT_MEETING_TTL: -60 is negative"},
		{"database scheme", map[string]string{"DATABASE_URL": "mysql://u:secret@db/x"}, `DATABASE_URL: unsupported scheme "mysql"`},
		{"sqlite no path", map[string]string{"DATABASE_URL": "sqlite:"}, "DATABASE_URL: sqlite: needs a file path"},
		{"redis scheme", map[string]string{"REDIS_URL": "http://x"}, "REDIS_URL: unsupported scheme"},
		{"algorithm", map[string]string{"LOADBALANCER_CHECKSUM_ALGORITHM": "SHA1:MD5"}, `LOADBALANCER_CHECKSUM_ALGORITHM: "MD5"`},
		{"params", map[string]string{"DEFAULT_JOIN_PARAMS": "a=1,b"}, `DEFAULT_JOIN_PARAMS: "b" is not key=value`},
		{"params empty key", map[string]string{"OVERRIDE_CREATE_PARAMS": "=1"}, "OVERRIDE_CREATE_PARAMS:"},
		{"roles", map[string]string{"SCALELITE_ROLES": "api,web"}, `SCALELITE_ROLES: unknown role "web"`},
		{"roles empty", map[string]string{"SCALELITE_ROLES": " , "}, "SCALELITE_ROLES: no role given"},
		{"proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, `TRUSTED_PROXIES: "proxy.local"`},
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL:"},
		{"log format", map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT:"},
		{"voice bridge too long", map[string]string{"VOICE_BRIDGE_LEN": "19"}, "VOICE_BRIDGE_LEN: 19 is too long"},
		{"voice bridge len", map[string]string{"VOICE_BRIDGE_LEN": "0"}, "VOICE_BRIDGE_LEN:"},
		{"format name", map[string]string{"RECORDING_PLAYBACK_FORMATS": "presentation:../x"}, "RECORDING_PLAYBACK_FORMATS:"},
		{"format reserved", map[string]string{"RECORDING_PLAYBACK_FORMATS": "presentation:admin"}, `RECORDING_PLAYBACK_FORMATS: "admin" collides`},
		{"admin key", map[string]string{"ADMIN_API_KEY": "short"}, "ADMIN_API_KEY: too short"},
		{"token timeout", map[string]string{"PROTECTED_RECORDINGS_TOKEN_TIMEOUT": "0"}, "PROTECTED_RECORDINGS_TOKEN_TIMEOUT:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(tc.env))
			if err == nil {
				t.Fatalf("Load: no error, want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadReportsEveryBadVariable(t *testing.T) {
	_, err := Load(env(map[string]string{"PORT": "x", "POLL_INTERVAL": "y", "REDIS_URL": "ftp://h"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"PORT:", "POLL_INTERVAL:", "REDIS_URL:"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestLoadNeverPrintsDatabasePassword(t *testing.T) {
	_, err := Load(env(map[string]string{"DATABASE_URL": "mysql://user:hunter2@db/x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v: want an error without the password", err)
	}
}

func TestValidateFor(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		roles Roles
		want  string // "" = valid
	}{
		{"api without secret", nil, Roles{RoleAPI}, "LOADBALANCER_SECRET: not set"},
		{"poller without secret", nil, Roles{RolePoller, RoleImporter}, ""},
		{"api with secret", map[string]string{"LOADBALANCER_SECRET": "s"}, Roles{RoleAPI}, ""},
		{"api multitenant", map[string]string{"MULTITENANCY_ENABLED": "true"}, Roles{RoleAPI}, ""},
		{"protected without key", map[string]string{"LOADBALANCER_SECRET": "s", "PROTECTED_RECORDINGS_ENABLED": "true"}, Roles{RoleAPI}, "SECRET_KEY_BASE: not set"},
		{"protected with key", map[string]string{"LOADBALANCER_SECRET": "s", "PROTECTED_RECORDINGS_ENABLED": "true", "SECRET_KEY_BASE": "k"}, Roles{RoleAPI}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			err = c.ValidateFor(tc.roles)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		in      string
		want    Roles
		wantErr bool
	}{
		{"api", Roles{RoleAPI}, false},
		{"importer,poller", Roles{RolePoller, RoleImporter}, false},
		{"api,poller,importer", Roles{RoleAPI, RolePoller, RoleImporter}, false},
		{"", nil, true},
		{"api,cache", nil, true},
	}
	for _, tc := range tests {
		got, err := ParseRoles(tc.in)
		if (err != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRoles(%q) = %v, %v; want %v, err %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
