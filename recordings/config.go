package recordings

import (
	"path/filepath"
	"time"
)

// Config holds the settings of the importer and the file store. Zero values get the defaults
// documented on each field (see Config.withDefaults).
type Config struct {
	SpoolDir     string // RECORDING_SPOOL_DIR, default /var/bigbluebutton/spool
	WorkDir      string // RECORDING_WORK_DIR, default /var/bigbluebutton/recording/scalelite
	PublishDir   string // RECORDING_PUBLISH_DIR, default /var/bigbluebutton/published
	UnpublishDir string // RECORDING_UNPUBLISH_DIR, default /var/bigbluebutton/unpublished
	// FailedDir receives archives that could not be imported, each with a <name>.reason file.
	// Default <SpoolDir>/failed.
	FailedDir string
	// CaptionsDir keeps the uploaded text tracks (the source the presentation copies are made
	// from). Default: "captions" beside PublishDir.
	CaptionsDir string

	PollInterval time.Duration // RECORDING_IMPORT_POLL_INTERVAL, default 60s
	// Inotify adds file-system events (inotify on Linux, kqueue on BSD and macOS) to the
	// periodic rescan, so local arrivals are imported at once; the rescan still covers NFS.
	Inotify bool
	Workers int // concurrent imports, default 2

	ImportUnpublished bool // RECORDING_IMPORT_UNPUBLISHED
	Protected         bool // PROTECTED_RECORDINGS_ENABLED: new imports are protected

	// MaxArchiveBytes bounds the extracted size of one archive (RECORDING_MAX_EXTRACTED_SIZE,
	// default 32 GiB); MaxExpansion bounds it to that many times the archive's size
	// (RECORDING_MAX_EXPANSION, default 20; negative: no ratio), though never below 64 MiB;
	// MaxEntries bounds its entry count (default 1,000,000).
	MaxArchiveBytes int64
	MaxExpansion    float64
	MaxEntries      int

	// RetryFailed is how many times an archive that failed for a transient reason (database
	// or disk) is retried automatically, with doubling delays from PollInterval. Default 5;
	// negative disables.
	RetryFailed int
	// ShutdownGrace is how long imports in progress may finish after Run's context ends.
	// Default 60s.
	ShutdownGrace time.Duration
	// NoSync skips fsync of imported files (tests and benchmarks on throw-away disks only).
	NoSync bool
}

// Default extraction limits: BBB ships recordings as uncompressed tars of mostly compressed
// media, so a legitimate archive extracts to about its own size.
const (
	DefaultMaxExtractedBytes = 32 << 30
	DefaultMaxExpansion      = 20
)

func (c Config) withDefaults() Config {
	if c.SpoolDir == "" {
		c.SpoolDir = "/var/bigbluebutton/spool"
	}
	if c.WorkDir == "" {
		c.WorkDir = "/var/bigbluebutton/recording/scalelite"
	}
	if c.PublishDir == "" {
		c.PublishDir = "/var/bigbluebutton/published"
	}
	if c.UnpublishDir == "" {
		c.UnpublishDir = "/var/bigbluebutton/unpublished"
	}
	if c.FailedDir == "" {
		c.FailedDir = filepath.Join(c.SpoolDir, "failed")
	}
	if c.CaptionsDir == "" {
		c.CaptionsDir = filepath.Join(filepath.Dir(filepath.Clean(c.PublishDir)), "captions")
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 60 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 2
	}
	if c.MaxArchiveBytes <= 0 {
		c.MaxArchiveBytes = DefaultMaxExtractedBytes
	}
	if c.MaxExpansion == 0 {
		c.MaxExpansion = DefaultMaxExpansion
	}
	if c.MaxEntries <= 0 {
		c.MaxEntries = 1_000_000
	}
	if c.RetryFailed == 0 {
		c.RetryFailed = 5
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 60 * time.Second
	}
	return c
}
