// Package scaleliteimport brings a running Scalelite's data into our store, keeping Scalelite's
// ids: servers, tenants and their settings and running meetings from its Redis, recordings (with
// metadata, formats, thumbnails, protection and publish state) and callback data from its
// PostgreSQL. It only reads Scalelite's stores. A run compares each item with what is already
// ours: new ones are imported, identical ones left alone (so a second run changes nothing), and
// ones that differ are conflicts, reported and skipped unless Overwrite is set.
package scaleliteimport

import (
	"context"
	"fmt"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RedisReader reads Scalelite's Redis keys (the reader applies the namespace).
type RedisReader interface {
	SetMembers(ctx context.Context, key string) ([]string, error)
	// Hashes returns the fields of each hash, nil for a missing key.
	Hashes(ctx context.Context, keys []string) ([]map[string]string, error)
	SortedSet(ctx context.Context, key string) (map[string]float64, error)
}

// RecordingSource reads Scalelite's PostgreSQL database.
type RecordingSource interface {
	CountRecordings(ctx context.Context) (int, error)
	// Recordings returns up to limit recordings after afterID in id order; ID is Scalelite's.
	Recordings(ctx context.Context, afterID int64, limit int) ([]*scalelite.Recording, error)
	CountCallbacks(ctx context.Context) (int, error)
	Callbacks(ctx context.Context, afterID int64, limit int) ([]scalelite.ScaleliteCallback, error)
}

// Target is our store.
type Target interface {
	scalelite.ServerStore
	scalelite.TenantStore
	scalelite.MeetingStore
	scalelite.RecordingStore
	scalelite.ImportStore
}

// DefaultBatchSize is the number of recordings (and callback rows) read and written at once.
const DefaultBatchSize = 1000

// Options configure a run.
type Options struct {
	Redis RedisReader     // nil: no servers, tenants, settings or meetings
	SQL   RecordingSource // nil: no recordings or callback data
	// DryRun compares and counts everything and writes nothing.
	DryRun bool
	// Overwrite replaces ours where Scalelite's differs (conflicts are skipped without it).
	Overwrite bool
	// BatchSize is the number of recordings per read and write (DefaultBatchSize when 0).
	BatchSize int
	// Progress, when set, is called after each batch of recordings and callback data.
	Progress func(Progress)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Progress tells how far a kind is.
type Progress struct {
	Kind        string
	Done, Total int
}

// The kinds of a summary, in import order.
const (
	KindServers        = "servers"
	KindTenants        = "tenants"
	KindTenantSettings = "tenant settings"
	KindMeetings       = "running meetings"
	KindRecordings     = "recordings"
	KindCallbacks      = "callback data"
)

// run is one import in progress.
type run struct {
	t   Target
	opt Options
	sum *Summary

	servers  map[string]bool   // usable by meetings: imported, unchanged or overwritten
	tenants  map[string]bool   // usable by settings and meetings
	meetings map[string]string // running meeting id -> tenant id, as Scalelite has it
}

// Run imports what opt's sources hold into t and returns what it did (also on error: the
// summary of what was done before it).
func Run(ctx context.Context, t Target, opt Options) (*Summary, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	r := &run{t: t, opt: opt, sum: &Summary{DryRun: opt.DryRun, Overwrite: opt.Overwrite},
		servers: map[string]bool{}, tenants: map[string]bool{}, meetings: map[string]string{}}
	start := opt.Now()
	defer func() { r.sum.Seconds = opt.Now().Sub(start).Seconds() }()
	var steps []func(context.Context) error
	if opt.Redis != nil {
		steps = append(steps, r.importServers, r.importTenants, r.importTenantSettings, r.importMeetings)
	}
	if opt.SQL != nil {
		steps = append(steps, r.importRecordings, r.importCallbacks)
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return r.sum, err
		}
	}
	return r.sum, nil
}

func (r *run) progress(kind string, done, total int) {
	if r.opt.Progress != nil {
		r.opt.Progress(Progress{Kind: kind, Done: done, Total: total})
	}
}

// write runs fn unless this is a dry run.
func (r *run) write(fn func() error) error {
	if r.opt.DryRun {
		return nil
	}
	return fn()
}

// apply counts and writes one item: when ours exists (exists), it is unchanged, overwritten or
// a conflict (see outcome); otherwise it is created, a conflict when the store says so. It
// reports whether the item is ours afterwards as Scalelite has it.
func (r *run) apply(c *Counts, id string, exists bool, diff func() []string, overwrite, create func() error) (bool, error) {
	if exists {
		return r.outcome(c, id, diff(), overwrite)
	}
	if err := r.write(create); err != nil {
		if scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			return false, err
		}
		c.conflict(id, scalelite.ErrorMessage(err))
		return false, nil
	}
	c.Imported++
	return true, nil
}

// outcome counts one item that exists on both sides: unchanged, overwritten (write is run) or a
// conflict. It reports whether the item is ours afterwards as Scalelite has it.
func (r *run) outcome(c *Counts, id string, diff []string, write func() error) (bool, error) {
	switch {
	case len(diff) == 0:
		c.Unchanged++
		return true, nil
	case !r.opt.Overwrite:
		c.conflict(id, fmt.Sprintf("differs from ours in %s", joinFields(diff)))
		return false, nil
	}
	if err := r.write(write); err != nil {
		if scalelite.ErrorCode(err) == scalelite.ECONFLICT {
			c.conflict(id, scalelite.ErrorMessage(err))
			return false, nil
		}
		return false, err
	}
	c.Overwritten++
	return true, nil
}
