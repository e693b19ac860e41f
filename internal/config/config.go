// Package config reads the balancer's configuration from environment variables, once, at start-up.
//
// The names and defaults are Scalelite's wherever Scalelite has the setting, so an operator can move
// an existing environment file over; the variables that are ours are documented as such in
// docs/configuration.md. A bad value stops start-up with an error that names the variable. The
// configuration is split into one section per concern; cmd/scalelite hands each component only its
// own section.
package config

import (
	"errors"
	"log/slog"
	"path/filepath"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Roles      Roles
	HTTP       HTTP
	Log        Log
	Database   Database
	Redis      Redis
	BBB        BBB
	Load       LoadPolicy
	API        API
	Poller     Poller
	Recordings Recordings
	Admin      Admin
	DialIn     DialIn
	Pages      Pages
}

// HTTP configures the listener and the edge of the api role.
type HTTP struct {
	// Addr is the host:port to listen on, from BIND and PORT.
	Addr string
	// TrustedProxies lists the IPs and CIDRs whose X-Forwarded-For headers are believed.
	// Empty means no proxy is trusted.
	TrustedProxies []string
	// URLHost is Scalelite's URL_HOST: when set, only this host (and, with multitenancy, its
	// subdomains) is answered.
	URLHost string
	// AllowSubdomains is true when multitenancy is on: every subdomain of URLHost is allowed.
	AllowSubdomains bool
	// Limits bound slow clients and concurrent request bodies (limits.go).
	Limits HTTPLimits
	// MetricsAddr (METRICS_BIND) is the host:port of the metrics and health listener every role
	// can open (/metrics, /healthz, /readyz); "" opens none.
	MetricsAddr string
}

// Log configures the process logger.
type Log struct {
	Level  slog.Level
	Format string // "text" or "json"
}

// Database configures the system of record.
type Database struct {
	// URL is a PostgreSQL URL (postgres:// or postgresql://) or "sqlite:PATH".
	URL string
	// DataDir is the directory of the embedded defaults (the SQLite file when DATABASE_URL is unset).
	DataDir string
	// IsDefault is true when URL was derived from DataDir because DATABASE_URL was unset.
	IsDefault bool
	// AutoMigrate makes serve apply pending migrations on start, one instance at a time.
	AutoMigrate bool
}

// Dialect returns "postgres" or "sqlite".
func (d Database) Dialect() string {
	if isSQLite(d.URL) {
		return "sqlite"
	}
	return "postgres"
}

// Redis configures the optional Redis layer.
type Redis struct {
	// URL is empty when Redis is not used: caches, events and locks are then in-process and only
	// one instance may run.
	URL       string
	Namespace string
}

// Enabled reports whether Redis is configured.
func (r Redis) Enabled() bool { return r.URL != "" }

// BBB configures outbound calls to BBB servers (api and poller roles).
type BBB struct {
	ConnectTimeout  time.Duration
	ResponseTimeout time.Duration
	// ChecksumAlgorithms lists the allowed checksum algorithms, upper-case ("SHA1", "SHA256",
	// "SHA384", "SHA512"); nil means the default (all accepted, SHA256 for outbound calls).
	ChecksumAlgorithms []string
}

// LoadPolicy configures how load is counted for young meetings (placement and poller).
type LoadPolicy struct {
	// MinUserCount is the least a meeting younger than JoinBufferTime counts for.
	MinUserCount   int
	JoinBufferTime time.Duration
	// ServerCapacity is the load of a full server (SERVER_LOAD_CAPACITY), for the status
	// table and the console's headroom; placement does not use it.
	ServerCapacity float64
}

// Param is one key=value pair of a DEFAULT_/OVERRIDE_ parameter list, in the order written.
type Param struct {
	Key   string
	Value string
}

// API configures the BBB API front door (api role).
type API struct {
	// Secrets are LOADBALANCER_SECRET followed by the LOADBALANCER_SECRETS entries.
	Secrets                []string
	MultitenancyEnabled    bool
	URLHost                string
	GetMeetingsAPIDisabled bool
	BuildNumber            string
	// MaxMeetingDuration caps or sets a create's duration, in minutes; 0 is no limit.
	MaxMeetingDuration     int
	ServerIDIsHostname     bool
	VoiceBridgeLen         int
	UseExternalVoiceBridge bool
	DefaultCreateParams    []Param
	OverrideCreateParams   []Param
	DefaultJoinParams      []Param
	OverrideJoinParams     []Param
	CreateExcludeParams    []string
	JoinExcludeParams      []string
	// RequestTimeout (API_REQUEST_TIMEOUT, seconds, ours) is the deadline of each BBB API call.
	RequestTimeout time.Duration
}

// Poller configures the poller role.
type Poller struct {
	Interval           time.Duration
	Threads            int
	HealthyThreshold   int
	UnhealthyThreshold int
	// MeetingTTL is DEFAULT_MEETING_TTL: how long a meeting whose server left service (offline,
	// disabled or removed) stays recoverable before the poller ends it.
	MeetingTTL time.Duration
}

// Recordings configures the recording API, playback and the importer role.
type Recordings struct {
	Disabled           bool
	APIFiltered        bool // GET_RECORDINGS_API_FILTERED
	ImportUnpublished  bool
	SpoolDir           string
	WorkDir            string
	PublishDir         string
	UnpublishDir       string
	PlaybackFormats    []string
	ImportPoll         bool
	ImportPollInterval time.Duration
	ProtectedEnabled   bool
	// TokenTimeout is the lifetime of a one-time protected-recording link.
	TokenTimeout time.Duration
	// CookieTimeout is the lifetime of the protected-recording cookie.
	CookieTimeout time.Duration
	// SecretKeyBase signs protected-recording cookies.
	SecretKeyBase string
	// FailedDir receives archives that could not be imported ("" = <SpoolDir>/failed).
	FailedDir string
	// AccelRedirect hands playback files to nginx with X-Accel-Redirect instead of serving them.
	AccelRedirect bool
	// PlayerDir holds the BBB presentation player (bbb-playback) served at
	// /playback/presentation/2.3/; "" leaves that path to nginx.
	PlayerDir string
	// Extract bounds what one archive may extract to (limits.go).
	Extract ExtractLimits
}

// Admin configures the control plane.
type Admin struct {
	// APIKey, when set, is accepted as an admin API key (for automation).
	APIKey string
}

// Load reads the configuration through getenv (os.Getenv in production). It reports every bad
// variable at once, each error naming its variable.
func Load(getenv func(string) string) (*Config, error) {
	_, c, err := Inspect(getenv)
	return c, err
}

// Inspect is Load that also returns every variable it read, in order, with its value and
// default ('scalelite config check').
func Inspect(getenv func(string) string) ([]Variable, *Config, error) {
	return inspect(newReader(getenv, nil))
}

// InspectLookup is Inspect with a lookup that tells an empty variable from an unset one
// (os.LookupEnv): the few variables where Scalelite gives "set but empty" a meaning
// (FSAPI_PASSWORD) read it.
func InspectLookup(lookup func(string) (string, bool)) ([]Variable, *Config, error) {
	return inspect(newReader(func(name string) string { v, _ := lookup(name); return v }, lookup))
}

func inspect(r *reader) ([]Variable, *Config, error) {
	c := &Config{}
	c.Roles = r.roles("SCALELITE_ROLES", "api,poller,importer")
	c.Log = Log{Level: r.logLevel("LOG_LEVEL", slog.LevelInfo), Format: r.oneOf("LOG_FORMAT", "text", "text", "json")}

	multitenancy := r.boolean("MULTITENANCY_ENABLED", false)
	urlHost := r.str("URL_HOST", "")
	c.HTTP = HTTP{
		Addr:            r.listenAddr("BIND", "PORT", 3000),
		TrustedProxies:  r.proxies("TRUSTED_PROXIES"),
		URLHost:         urlHost,
		AllowSubdomains: multitenancy,
		Limits:          r.httpLimits(),
		MetricsAddr:     r.hostPort("METRICS_BIND"),
	}

	dataDir := r.str("SCALELITE_DATA_DIR", "./data")
	c.Database = Database{DataDir: dataDir, AutoMigrate: r.boolean("AUTO_MIGRATE", true)}
	r.def("DATABASE_URL", "sqlite:"+filepath.Join(dataDir, "scalelite.db"))
	if dsn := r.getenv("DATABASE_URL"); dsn == "" {
		c.Database.URL = "sqlite:" + filepath.Join(dataDir, "scalelite.db")
		c.Database.IsDefault = true
	} else {
		c.Database.URL = r.databaseURL("DATABASE_URL", dsn)
	}
	c.Redis = Redis{URL: r.redisURL("REDIS_URL"), Namespace: r.str("REDIS_NAMESPACE", "scalelite")}

	c.BBB = BBB{
		ConnectTimeout:     r.seconds("CONNECT_TIMEOUT", 5),
		ResponseTimeout:    r.seconds("RESPONSE_TIMEOUT", 10),
		ChecksumAlgorithms: r.algorithms("LOADBALANCER_CHECKSUM_ALGORITHM"),
	}
	c.Load = LoadPolicy{
		MinUserCount:   r.integer("LOAD_MIN_USER_COUNT", 15, 0),
		JoinBufferTime: r.minutes("LOAD_JOIN_BUFFER_TIME", 15),
		ServerCapacity: r.number("SERVER_LOAD_CAPACITY", 200, true),
	}

	secrets := []string{}
	if s := r.str("LOADBALANCER_SECRET", ""); s != "" {
		secrets = append(secrets, s)
	}
	secrets = append(secrets, splitList(r.str("LOADBALANCER_SECRETS", ""), ":")...)
	c.API = API{
		Secrets:                secrets,
		MultitenancyEnabled:    multitenancy,
		URLHost:                urlHost,
		GetMeetingsAPIDisabled: r.boolean("GET_MEETINGS_API_DISABLED", false),
		BuildNumber:            r.str("BUILD_NUMBER", ""),
		MaxMeetingDuration:     r.integer("MAX_MEETING_DURATION", 0, 0),
		ServerIDIsHostname:     r.boolean("SERVER_ID_IS_HOSTNAME", false),
		VoiceBridgeLen:         r.integer("VOICE_BRIDGE_LEN", 9, 1),
		UseExternalVoiceBridge: r.boolean("USE_EXTERNAL_VOICE_BRIDGE", false),
		DefaultCreateParams:    r.params("DEFAULT_CREATE_PARAMS"),
		OverrideCreateParams:   r.params("OVERRIDE_CREATE_PARAMS"),
		DefaultJoinParams:      r.params("DEFAULT_JOIN_PARAMS"),
		OverrideJoinParams:     r.params("OVERRIDE_JOIN_PARAMS"),
		CreateExcludeParams:    r.names("CREATE_EXCLUDE_PARAMS"),
		JoinExcludeParams:      r.names("JOIN_EXCLUDE_PARAMS"),
		RequestTimeout:         r.positiveSeconds("API_REQUEST_TIMEOUT", 20),
	}
	if c.API.VoiceBridgeLen > 18 {
		r.fail("VOICE_BRIDGE_LEN", "%d is too long (at most 18 digits)", c.API.VoiceBridgeLen)
	}
	c.DialIn = r.dialIn(c.API)
	c.Pages = r.pages()

	c.Poller = Poller{
		Interval:           r.positiveSeconds("POLL_INTERVAL", 60),
		Threads:            r.integer("POLLER_THREADS", 5, 1),
		HealthyThreshold:   r.integer("SERVER_HEALTHY_THRESHOLD", 1, 1),
		UnhealthyThreshold: r.integer("SERVER_UNHEALTHY_THRESHOLD", 2, 1),
		MeetingTTL:         r.positiveSeconds("DEFAULT_MEETING_TTL", 86400),
	}

	c.Recordings = Recordings{
		Disabled:           r.boolean("RECORDING_DISABLED", false),
		APIFiltered:        r.boolean("GET_RECORDINGS_API_FILTERED", false),
		ImportUnpublished:  r.boolean("RECORDING_IMPORT_UNPUBLISHED", false),
		SpoolDir:           r.str("RECORDING_SPOOL_DIR", "/var/bigbluebutton/spool"),
		WorkDir:            r.str("RECORDING_WORK_DIR", "/var/bigbluebutton/recording/scalelite"),
		PublishDir:         r.str("RECORDING_PUBLISH_DIR", "/var/bigbluebutton/published"),
		UnpublishDir:       r.str("RECORDING_UNPUBLISH_DIR", "/var/bigbluebutton/unpublished"),
		PlaybackFormats:    r.formats("RECORDING_PLAYBACK_FORMATS", "presentation:video:screenshare:podcast:notes:capture"),
		ImportPoll:         r.boolean("RECORDING_IMPORT_POLL", true),
		ImportPollInterval: r.positiveSeconds("RECORDING_IMPORT_POLL_INTERVAL", 60),
		ProtectedEnabled:   r.boolean("PROTECTED_RECORDINGS_ENABLED", false),
		TokenTimeout:       r.positiveMinutes("PROTECTED_RECORDINGS_TOKEN_TIMEOUT", 60),
		CookieTimeout:      r.positiveMinutes("PROTECTED_RECORDINGS_TIMEOUT", 360),
		SecretKeyBase:      r.str("SECRET_KEY_BASE", ""),
		FailedDir:          r.str("RECORDING_FAILED_DIR", ""),
		AccelRedirect:      r.boolean("RECORDING_ACCEL_REDIRECT", false),
		PlayerDir:          r.str("RECORDING_PLAYER_DIR", ""),
		Extract:            r.extractLimits(),
	}
	c.Admin = Admin{APIKey: r.str("ADMIN_API_KEY", "")}
	if k := c.Admin.APIKey; k != "" && len(k) < 16 {
		r.fail("ADMIN_API_KEY", "too short (at least 16 characters)")
	}

	if err := errors.Join(r.errs...); err != nil {
		return r.vars, nil, err
	}
	return r.vars, c, nil
}

// ValidateFor checks the settings the given roles cannot run without. Load has already checked
// each value on its own.
func (c *Config) ValidateFor(roles Roles) error {
	var errs []error
	if roles.Has(RoleAPI) {
		if !c.API.MultitenancyEnabled && len(c.API.Secrets) == 0 {
			errs = append(errs, errors.New("LOADBALANCER_SECRET: not set; the api role needs at least one secret (or MULTITENANCY_ENABLED=true with tenant secrets)"))
		}
		if c.Recordings.ProtectedEnabled && !c.Recordings.Disabled && c.Recordings.SecretKeyBase == "" {
			errs = append(errs, errors.New("SECRET_KEY_BASE: not set; PROTECTED_RECORDINGS_ENABLED=true needs it to sign playback cookies"))
		}
	}
	return errors.Join(errs...)
}
