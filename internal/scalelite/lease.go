package scalelite

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"
)

// LockInspector tells whether any instance holds a named lock, for readiness and metrics.
type LockInspector interface {
	Held(ctx context.Context, name string) (bool, error)
}

// leaseRetry is the pause after a failed attempt to acquire a lease (Redis unreachable).
const leaseRetry = time.Second

// Lease keeps a singleton role (the poller, the importer) running on exactly one instance of a
// cluster: Run waits for the named lock, runs the role while it is held and, whenever the lock
// is lost (Redis restarted or flushed, a partition longer than the lock's validity), stops the
// role and waits to hold the lock again, for as long as its context lasts. It counts what
// happened for metrics and readiness. Without a Locker the role runs at once and for good (a
// single instance).
type Lease struct {
	name   string
	locker Locker
	logger *slog.Logger

	held         atomic.Bool
	acquisitions atomic.Int64
	losses       atomic.Int64
}

// NewLease returns the lease of the role that holds the lock name; locker may be nil.
func NewLease(locker Locker, name string, logger *slog.Logger) *Lease {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Lease{name: name, locker: locker, logger: logger.With("lease", name)}
}

// Name is the lock's name.
func (l *Lease) Name() string { return l.name }

// Held reports whether this instance holds the lease now.
func (l *Lease) Held() bool { return l.held.Load() }

// Acquisitions counts the times the lease was acquired; Losses the times it was lost while the
// role ran (not counting the release at shutdown).
func (l *Lease) Acquisitions() int64 { return l.acquisitions.Load() }

// Losses counts the times the lease was lost while the role ran.
func (l *Lease) Losses() int64 { return l.losses.Load() }

// Run runs role each time the lease is acquired, until ctx ends. role gets ctx and held: held
// ends when the lease is lost or ctx ends (role can tell them apart by ctx.Err()), and role must
// return soon after. A role error stops Run with that error; a failure to acquire is logged and
// retried. Run returns nil when ctx ends.
func (l *Lease) Run(ctx context.Context, role func(ctx, held context.Context) error) error {
	if l.locker == nil {
		l.held.Store(true)
		defer l.held.Store(false)
		l.acquisitions.Add(1)
		return role(ctx, ctx)
	}
	for ctx.Err() == nil {
		held, release, err := l.locker.Acquire(ctx, l.name)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			l.logger.Error("acquire lease; retrying", "in", leaseRetry, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(leaseRetry):
			}
			continue
		}
		l.acquisitions.Add(1)
		l.held.Store(true)
		l.logger.Info("lease acquired; role active")
		err = role(ctx, held)
		lost := held.Err() != nil && ctx.Err() == nil
		l.held.Store(false)
		release()
		if err != nil && ctx.Err() == nil {
			return err
		}
		if lost {
			l.losses.Add(1)
			l.logger.Warn("lease lost; role stopped, waiting to hold the lease again")
		}
	}
	return nil
}
