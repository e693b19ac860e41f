package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/recordings"
	"github.com/scalelite-go/scalelite/server"
)

// The singleton roles and the locks that keep one of each active per cluster.
var singletonRoles = []struct {
	role config.Role
	lock string
}{
	{config.RolePoller, poller.LockName},
	{config.RoleImporter, recordings.LockName},
}

// noHolderGrace is how long no instance may hold the lease of a role this process runs before
// readiness fails: a handover takes up to the lock validity, acquiring a little more.
const noHolderGrace = 2*redisstore.LockValidity + 5*time.Second

// leaseInspectTimeout bounds one look at the lock store (readiness, a metrics scrape).
const leaseInspectTimeout = 2 * time.Second

// addLease records the lease of a singleton role this process runs, for leaseChecks and the
// lease metrics.
func (a *app) addLease(role config.Role, l *scalelite.Lease) {
	if a.leases == nil {
		a.leases = map[config.Role]*scalelite.Lease{}
	}
	a.leases[role] = l
}

// readinessChecks are what /readyz and /health_check answer: the infrastructure's checks and the
// leases' (build the roles first: a lease check knows whether this process runs its role). The
// readiness metric keeps to checks (database, Redis); the leases have their own series.
func (a *app) readinessChecks() []server.Check {
	return append(a.checks(), a.leaseChecks()...)
}

// leaseChecks are the readiness checks of the singleton roles: "lease:poller" and
// "lease:importer". A role this process runs fails readiness when no instance has held its lease
// for noHolderGrace (this process should have taken it); for a role it does not run, "no instance
// holds it" is reported but advisory.
func (a *app) leaseChecks() []server.Check {
	inspector, _ := a.locker.(scalelite.LockInspector)
	if inspector == nil {
		return nil
	}
	var checks []server.Check
	for _, r := range singletonRoles {
		lease := a.leases[r.role]
		var mu sync.Mutex
		var noHolderSince time.Time
		checks = append(checks, server.Check{
			Name:     "lease:" + string(r.role),
			Advisory: lease == nil,
			Check: func(ctx context.Context) error {
				if lease != nil && lease.Held() {
					return nil
				}
				held, err := inspector.Held(ctx, r.lock)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				if held {
					noHolderSince = time.Time{}
					return nil
				}
				if noHolderSince.IsZero() {
					noHolderSince = time.Now()
				}
				if lease != nil && time.Since(noHolderSince) < noHolderGrace {
					return nil // being acquired
				}
				return errors.New("no instance holds the " + string(r.role) + " lease")
			},
		})
	}
	return checks
}

// leaseCollector exports, per singleton role, how often this process acquired and lost its lease,
// and whether any instance of the cluster holds it (read from the lock store at scrape time).
// Whether this process holds it is the roles' own scalelite_poller_lease_held and
// scalelite_importer_lease_held.
type leaseCollector struct {
	a                       *app
	present, acquired, lost *prometheus.Desc
}

func newLeaseCollector(a *app) *leaseCollector {
	role := []string{"role"}
	return &leaseCollector{
		a: a,
		present: prometheus.NewDesc("scalelite_lease_holder_present",
			"1 when some instance of the cluster holds the lease of the singleton role, 0 when none does: the role is not running anywhere.", role, nil),
		acquired: prometheus.NewDesc("scalelite_lease_acquisitions_total",
			"Times this process acquired the lease of the singleton role.", role, nil),
		lost: prometheus.NewDesc("scalelite_lease_losses_total",
			"Times this process lost the lease of the singleton role while running it (Redis restarted or flushed, a partition).", role, nil),
	}
}

func (c *leaseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.present
	ch <- c.acquired
	ch <- c.lost
}

func (c *leaseCollector) Collect(ch chan<- prometheus.Metric) {
	inspector, _ := c.a.locker.(scalelite.LockInspector)
	for _, r := range singletonRoles {
		role := string(r.role)
		held := false
		if lease := c.a.leases[r.role]; lease != nil {
			held = lease.Held()
			ch <- prometheus.MustNewConstMetric(c.acquired, prometheus.CounterValue, float64(lease.Acquisitions()), role)
			ch <- prometheus.MustNewConstMetric(c.lost, prometheus.CounterValue, float64(lease.Losses()), role)
		}
		if inspector == nil {
			continue
		}
		present := held
		if !held {
			ctx, cancel := context.WithTimeout(context.Background(), leaseInspectTimeout)
			var err error
			present, err = inspector.Held(ctx, r.lock)
			cancel()
			if err != nil {
				continue // unknown: no sample rather than a wrong one
			}
		}
		ch <- prometheus.MustNewConstMetric(c.present, prometheus.GaugeValue, boolValue(present), role)
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
