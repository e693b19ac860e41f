package poller

import (
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// metrics are the poller's Prometheus series; every method is a no-op without a registerer.
type metrics struct {
	round    prometheus.Histogram
	failures *prometheus.CounterVec
	load     *prometheus.GaugeVec
	meetings *prometheus.GaugeVec
	users    *prometheus.GaugeVec
	online   *prometheus.GaugeVec

	mu   sync.Mutex
	seen map[string]bool
}

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
		seen:     map[string]bool{},
	}
	for _, c := range []prometheus.Collector{m.round, m.failures, m.load, m.meetings, m.users, m.online} {
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

func (m *metrics) observeRound(d time.Duration) {
	if m != nil {
		m.round.Observe(d.Seconds())
	}
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
	m.mu.Lock()
	m.seen[s.ID] = true
	m.mu.Unlock()
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
	for id := range m.seen {
		if present[id] {
			continue
		}
		delete(m.seen, id)
		for _, v := range []*prometheus.GaugeVec{m.load, m.meetings, m.users, m.online} {
			v.DeleteLabelValues(id)
		}
		m.failures.DeleteLabelValues(id)
	}
}
