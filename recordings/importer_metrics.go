package recordings

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// importerMetrics are the importer's Prometheus series; every method is a no-op on nil (no
// registerer).
type importerMetrics struct {
	lease      prometheus.Gauge
	queue      prometheus.Gauge
	oldest     prometheus.Gauge
	failedDir  prometheus.Gauge
	archives   prometheus.Counter
	recordings prometheus.Counter
	bytes      prometheus.Counter
	failures   *prometheus.CounterVec
	duration   prometheus.Histogram
	lag        prometheus.Histogram
}

func newImporterMetrics(reg prometheus.Registerer) (*importerMetrics, error) {
	if reg == nil {
		return nil, nil
	}
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: "scalelite", Subsystem: "importer", Name: name, Help: help}
	}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts(opts(name, help)))
	}
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts(opts(name, help)))
	}
	m := &importerMetrics{
		lease:      gauge("lease_held", "1 while this process holds the importer lease and imports, else 0 (a standby)."),
		queue:      gauge("queue_archives", "Archives waiting in the spool directory (or claimed and not yet done) at the last scan."),
		oldest:     gauge("oldest_archive_age_seconds", "Age of the oldest archive waiting in the spool directory at the last scan; 0 when none waits."),
		failedDir:  gauge("failed_archives", "Archives in the failed directory (waiting for a retry or for the operator) at the last scan."),
		archives:   counter("archives_imported_total", "Archives imported (every recording in them indexed and in place)."),
		recordings: counter("recordings_imported_total", "Recordings imported."),
		bytes:      counter("imported_bytes_total", "Bytes of the archives imported."),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts(opts("archives_failed_total",
			"Archives that failed to import, by whether they are retried (transient: database, disk) or wait for the operator (rejected).")),
			[]string{"retry"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "scalelite", Subsystem: "importer", Name: "import_duration_seconds",
			Help: "Time to import one archive.", Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "scalelite", Subsystem: "importer", Name: "import_lag_seconds",
			Help:    "Time from an archive's arrival in the spool (its modification time) to the end of its import.",
			Buckets: []float64{1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200}}),
	}
	m.failures.WithLabelValues("yes")
	m.failures.WithLabelValues("no")
	for _, c := range []prometheus.Collector{m.lease, m.queue, m.oldest, m.failedDir, m.archives, m.recordings, m.bytes, m.failures, m.duration, m.lag} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, errors.New("importer metrics already registered: give each importer its own registerer")
			}
			return nil, fmt.Errorf("importer metrics: %w", err)
		}
	}
	return m, nil
}

func (m *importerMetrics) leaseHeld(held bool) {
	if m != nil {
		v := 0.0
		if held {
			v = 1
		}
		m.lease.Set(v)
	}
}

// scanned records what a scan of the spool and failed directories found.
func (m *importerMetrics) scanned(waiting int, oldest time.Duration, failed int) {
	if m != nil {
		m.queue.Set(float64(waiting))
		m.oldest.Set(oldest.Seconds())
		m.failedDir.Set(float64(failed))
	}
}

// imported records one archive imported: its size, the recordings in it, how long the import
// took and how long after its arrival it ended.
func (m *importerMetrics) imported(size int64, recordings int, took, lag time.Duration) {
	if m != nil {
		m.archives.Inc()
		m.recordings.Add(float64(recordings))
		m.bytes.Add(float64(size))
		m.duration.Observe(took.Seconds())
		m.lag.Observe(max(lag, 0).Seconds())
	}
}

func (m *importerMetrics) failed(retry bool) {
	if m != nil {
		label := "no"
		if retry {
			label = "yes"
		}
		m.failures.WithLabelValues(label).Inc()
	}
}
