package poller

import (
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// metrics are the poller's Prometheus series; every method is a no-op without a registerer.
type metrics struct {
	round     prometheus.Histogram
	failures  *prometheus.CounterVec
	load      *prometheus.GaugeVec
	meetings  *prometheus.GaugeVec
	users     *prometheus.GaugeVec
	online    *prometheus.GaugeVec
	state     *prometheus.GaugeVec // server, state: 1 for the current state, 0 for the others
	info      *prometheus.GaugeVec // server, host, tag, version: always 1
	lease     prometheus.Gauge
	lastRound prometheus.Gauge

	mu   sync.Mutex
	seen map[string]infoLabels // server id -> its info series' labels
}

// infoLabels are the labels of a server's info series besides its id.
type infoLabels struct{ host, tag, version string }

// serverStates are the values of the state label, one series each.
var serverStates = []scalelite.ServerState{scalelite.ServerEnabled, scalelite.ServerCordoned, scalelite.ServerDisabled}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	perServer := func(name, help string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "scalelite", Subsystem: "server", Name: name, Help: help}, []string{"server"})
	}
	m := &metrics{
		round: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "scalelite", Subsystem: "poller", Name: "round_duration_seconds",
			Help:    "Wall time of one poll round over every server.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2, 5, 10, 20, 30, 60},
		}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "scalelite", Subsystem: "poller", Name: "poll_failures_total",
			Help: "Failed getMeetings polls by server.",
		}, []string{"server"}),
		load:     perServer("load", "Load of the server as last computed by the poller."),
		meetings: perServer("meetings", "Meetings on the server at the last poll, breakouts included."),
		users:    perServer("users", "Participants on the server at the last poll."),
		online:   perServer("online", "1 when the server is online, else 0."),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "scalelite", Subsystem: "server", Name: "state",
			Help: "1 for the server's state (enabled, cordoned or disabled), 0 for the others.",
		}, []string{"server", "state"}),
		info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "scalelite", Subsystem: "server", Name: "info",
			Help: "Always 1: the server's URL host, tag and BBB version, to join on the server label.",
		}, []string{"server", "host", "tag", "version"}),
		lease: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "scalelite", Subsystem: "poller", Name: "lease_held",
			Help: "1 while this process holds the poller lease and polls, else 0 (a standby).",
		}),
		lastRound: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "scalelite", Subsystem: "poller", Name: "last_round_timestamp_seconds",
			Help: "Unix time at which this process finished its last poll round.",
		}),
		seen: map[string]infoLabels{},
	}
	for _, c := range []prometheus.Collector{m.round, m.failures, m.load, m.meetings, m.users, m.online, m.state, m.info, m.lease, m.lastRound} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, errors.New("poller metrics already registered: give each poller its own registerer")
			}
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observeRound(d time.Duration, end time.Time) {
	if m != nil {
		m.round.Observe(d.Seconds())
		m.lastRound.Set(float64(end.UnixNano()) / 1e9)
	}
}

// leaseHeld records whether this process polls. A process that stops polling drops its server
// series: the new holder reports them, and stale copies would mislead.
func (m *metrics) leaseHeld(held bool) {
	if m == nil {
		return
	}
	if held {
		m.lease.Set(1)
		return
	}
	m.lease.Set(0)
	m.forgetRemoved(nil)
}

func (m *metrics) failure(id string) {
	if m != nil {
		m.failures.WithLabelValues(id).Inc()
	}
}

func (m *metrics) server(s *scalelite.Server) {
	if m == nil {
		return
	}
	labels := infoLabels{host: urlHost(s.URL), tag: s.Tag, version: s.BBBVersion}
	m.mu.Lock()
	if old, ok := m.seen[s.ID]; ok && old != labels {
		m.info.DeleteLabelValues(s.ID, old.host, old.tag, old.version)
	}
	m.seen[s.ID] = labels
	m.mu.Unlock()
	m.info.WithLabelValues(s.ID, labels.host, labels.tag, labels.version).Set(1)
	for _, st := range serverStates {
		v := 0.0
		if s.State == st {
			v = 1
		}
		m.state.WithLabelValues(s.ID, string(st)).Set(v)
	}
	online := 0.0
	if s.Online {
		online = 1
	}
	m.load.WithLabelValues(s.ID).Set(s.Load)
	m.meetings.WithLabelValues(s.ID).Set(float64(s.Meetings))
	m.users.WithLabelValues(s.ID).Set(float64(s.Users))
	m.online.WithLabelValues(s.ID).Set(online)
}

// forgetRemoved drops the series of servers that no longer exist.
func (m *metrics) forgetRemoved(servers []*scalelite.Server) {
	if m == nil {
		return
	}
	present := make(map[string]bool, len(servers))
	for _, s := range servers {
		present[s.ID] = true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, labels := range m.seen {
		if present[id] {
			continue
		}
		delete(m.seen, id)
		for _, v := range []*prometheus.GaugeVec{m.load, m.meetings, m.users, m.online} {
			v.DeleteLabelValues(id)
		}
		m.state.DeletePartialMatch(prometheus.Labels{"server": id})
		m.info.DeleteLabelValues(id, labels.host, labels.tag, labels.version)
		m.failures.DeleteLabelValues(id)
	}
}

// urlHost is the host (and port, when given) of a server's API URL, or the URL itself.
func urlHost(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}
