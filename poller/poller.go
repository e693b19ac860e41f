// Package poller keeps the server pool's health, load and statistics current and reconciles our
// meeting records with what the BBB servers report.
//
// Every round calls getMeetings on every server (all states) in parallel and runs the checks
// (checks.go) over each answer: Scalelite's health hysteresis, statistics, load
// (scalelite.LoadPolicy), the drain of cordoned servers, the BBB version, and the reconciliation
// of its meetings from the same answer (no per-meeting calls). The result is recorded in one
// statement and published as events. A server that passive health reports suspect (a call on the
// request path could not reach it) is re-checked at once (Recheck) instead of at the next round.
//
// Reconciliation applies only to servers where their meetings are expected to run: online and
// not disabled. The meetings of a server that is offline, disabled (or panicked) or removed are
// recoverable: they stay running in our records, pointing at that server, so the next create or
// join for one of them re-creates it on a healthy server (the facade's recovery). Scalelite
// instead deletes them. A recoverable meeting not recovered within MeetingTTL
// (DEFAULT_MEETING_TTL) is ended (recoverable.go).
package poller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// LockName is the name of the cluster-wide lease only one poller holds.
const LockName = "poller"

// Config configures the poller. Zero values take the defaults noted.
type Config struct {
	Interval           time.Duration // POLL_INTERVAL (60 s)
	Threads            int           // POLLER_THREADS: answers processed (store work) at once (5)
	MaxInFlight        int           // getMeetings requests in flight at once (256, at least Threads)
	HealthyThreshold   int           // SERVER_HEALTHY_THRESHOLD (1)
	UnhealthyThreshold int           // SERVER_UNHEALTHY_THRESHOLD (2)
	Timeouts           bbb.Timeouts  // CONNECT_TIMEOUT / RESPONSE_TIMEOUT (5 s / 10 s)
	Load               scalelite.LoadPolicy
	// MissLimit is how many consecutive successful polls may miss a meeting before it is ended (2).
	MissLimit int
	// ReconcileGrace protects meetings younger than this from being ended (a create may still be
	// in flight): default 2×(Connect+Response), at least one minute.
	ReconcileGrace time.Duration
	// VersionInterval is how often each server's BBB version is read from its API root; it is
	// also read whenever a server comes online (default 10×Interval).
	VersionInterval time.Duration
	// MeetingTTL (DEFAULT_MEETING_TTL, 86400 s) bounds how long a recoverable meeting (its
	// server offline, disabled or removed) waits to be recovered before it is ended; counted
	// from the later of its last placement or update and the moment its server left service
	// (see recoverable.go). Running meetings on healthy servers never expire.
	MeetingTTL time.Duration
}

func (c Config) withDefaults() Config {
	if c.Interval <= 0 {
		c.Interval = 60 * time.Second
	}
	if c.Threads <= 0 {
		c.Threads = 5
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 256
	}
	c.MaxInFlight = max(c.MaxInFlight, c.Threads)
	c.HealthyThreshold = max(c.HealthyThreshold, 1)
	if c.UnhealthyThreshold <= 0 {
		c.UnhealthyThreshold = 2
	}
	if c.Timeouts == (bbb.Timeouts{}) {
		c.Timeouts = bbb.DefaultTimeouts
	}
	if c.Load == (scalelite.LoadPolicy{}) {
		c.Load = scalelite.DefaultLoadPolicy()
	}
	if c.MissLimit <= 0 {
		c.MissLimit = 2
	}
	if c.ReconcileGrace <= 0 {
		c.ReconcileGrace = max(2*(c.Timeouts.Connect+c.Timeouts.Response), time.Minute)
	}
	if c.VersionInterval <= 0 {
		c.VersionInterval = 10 * c.Interval
	}
	if c.MeetingTTL <= 0 {
		c.MeetingTTL = 24 * time.Hour
	}
	return c
}

// Store is what the poller needs of the system of record.
type Store interface {
	scalelite.ServerStore
	scalelite.MeetingStore
}

// Backend makes the two calls the poller sends to BBB servers; *bbb.Client implements it.
// Errors are *bbb.TransportError or *bbb.APIError.
type Backend interface {
	GetMeetings(ctx context.Context, ep bbb.Endpoint, t *bbb.Timeouts) (*bbb.MeetingsList, error)
	Version(ctx context.Context, ep bbb.Endpoint, t *bbb.Timeouts) (string, error)
}

// Deps are the poller's collaborators. Store and BBB are required.
type Deps struct {
	Store      Store
	BBB        Backend
	Publisher  scalelite.Publisher   // nil: no events
	Locker     scalelite.Locker      // nil: Run polls without a lease (single instance)
	Registerer prometheus.Registerer // nil: no metrics
	// Subscriber, when set, delivers the suspicions of passive health, which Run re-checks at
	// once while it holds the lease.
	Subscriber scalelite.Subscriber
	Logger     *slog.Logger     // nil: discard
	Now        func() time.Time // nil: time.Now
}

// Poller polls the server pool. Rounds never overlap.
type Poller struct {
	cfg     Config
	store   Store
	bbb     Backend
	pub     scalelite.Publisher
	sub     scalelite.Subscriber
	locker  scalelite.Locker
	checks  []check
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics

	round        sync.Mutex // one round at a time
	vmu          sync.Mutex
	versionCheck map[string]time.Time // server id -> last successful version read
	// outOfService maps the id of each server whose meetings are recoverable (offline, disabled
	// or removed) to when this poller first saw it so; guarded by round.
	outOfService map[string]time.Time
}

// New returns a poller. It fails when a dependency is missing or the metrics cannot be
// registered.
func New(cfg Config, d Deps) (*Poller, error) {
	if d.Store == nil || d.BBB == nil {
		return nil, errors.New("poller: Store and BBB are required")
	}
	p := &Poller{
		cfg: cfg.withDefaults(), store: d.Store, bbb: d.BBB, pub: d.Publisher, sub: d.Subscriber, locker: d.Locker,
		checks: defaultChecks,
		log:    d.Logger, now: d.Now, versionCheck: map[string]time.Time{}, outOfService: map[string]time.Time{},
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.log = p.log.With("component", "poller")
	if p.now == nil {
		p.now = time.Now
	}
	m, err := newMetrics(d.Registerer)
	if err != nil {
		return nil, fmt.Errorf("poller metrics: %w", err)
	}
	p.metrics = m
	return p, nil
}

// Config returns the effective configuration (defaults applied).
func (p *Poller) Config() Config { return p.cfg }

// Run polls every Interval until ctx ends. With a Locker it first acquires the "poller" lease
// and polls only while holding it; when the lease is lost it waits to acquire it again, so a
// standby instance takes over when the holder dies. It returns nil when ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	if p.locker == nil {
		p.log.Info("polling without a lease (single instance)", "interval", p.cfg.Interval)
		p.metrics.leaseHeld(true)
		p.loop(ctx)
		p.metrics.leaseHeld(false)
		return nil
	}
	for ctx.Err() == nil {
		held, release, err := p.locker.Acquire(ctx, LockName)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			p.log.Error("acquire poller lease", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		p.log.Info("poller lease acquired; polling", "interval", p.cfg.Interval)
		p.metrics.leaseHeld(true)
		p.loop(held)
		release()
		p.metrics.leaseHeld(false)
		if ctx.Err() == nil {
			p.log.Warn("poller lease lost; standing by")
		}
	}
	return nil
}

// loop runs a round at once and then every Interval until ctx ends, re-checking suspect servers
// as they are reported.
func (p *Poller) loop(ctx context.Context) {
	ticker := time.NewTicker(p.cfg.Interval)
	defer ticker.Stop()
	suspects := p.suspects(ctx)
	for {
		if err := p.PollOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("poll round", "err", err)
		}
		if !p.waitRound(ctx, ticker, suspects) {
			return
		}
	}
}

// waitRound waits for the next round, re-checking the suspect servers reported meanwhile; false
// when ctx ended.
func (p *Poller) waitRound(ctx context.Context, ticker *time.Ticker, suspects <-chan string) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-ticker.C:
			return true
		case id := <-suspects:
			if err := p.Recheck(ctx, id); err != nil && ctx.Err() == nil {
				p.log.Error("re-check suspect server", "server_id", id, "err", err)
			}
		}
	}
}

// RoundResult summarises one round.
type RoundResult struct {
	Servers  int           // servers polled
	Failed   int           // polls that failed
	Ended    int           // meetings ended in our records (reconciled, or recoverable past the TTL)
	Duration time.Duration // wall time of the round
}

// PollOnce runs one synchronous round over every server. A server that fails to answer is a
// poll result, not an error: errors are returned only when the store fails.
func (p *Poller) PollOnce(ctx context.Context) error {
	_, err := p.Round(ctx)
	return err
}

// Round is PollOnce returning a summary of the round.
func (p *Poller) Round(ctx context.Context) (RoundResult, error) {
	p.round.Lock()
	defer p.round.Unlock()
	start := time.Now()
	servers, err := p.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return RoundResult{}, fmt.Errorf("poll round: list servers: %w", err)
	}

	// Requests wait on the network, answers need the store: a server that does not answer
	// holds an in-flight slot until its timeout, never a processing slot, so dead servers cannot
	// delay the others and a round lasts about the slowest allowed timeout.
	var fetch errgroup.Group
	fetch.SetLimit(p.cfg.MaxInFlight)
	processing := make(chan struct{}, p.cfg.Threads)
	outcomes := make([]serverOutcome, len(servers))
	for i, srv := range servers {
		fetch.Go(func() error {
			outcomes[i] = p.pollServer(ctx, srv, p.cfg.Timeouts, processing)
			return nil
		})
	}
	_ = fetch.Wait()

	res := RoundResult{Servers: len(servers)}
	var errs []error
	polled := make([]*scalelite.Server, len(servers))
	for i, o := range outcomes {
		if !o.ok {
			res.Failed++
		}
		res.Ended += o.ended
		if o.err != nil {
			errs = append(errs, o.err)
		}
		polled[i] = servers[i]
		if o.polled != nil {
			polled[i] = o.polled
		}
	}
	if ctx.Err() == nil {
		expired, err := p.expireRecoverable(ctx, polled)
		res.Ended += expired
		if err != nil {
			errs = append(errs, err)
		}
	}
	p.metrics.forgetRemoved(servers)
	res.Duration = time.Since(start)
	p.metrics.observeRound(res.Duration, time.Now())
	p.log.Debug("poll round done", "servers", res.Servers, "failed", res.Failed, "ended", res.Ended, "duration", res.Duration)
	return res, errors.Join(errs...)
}
