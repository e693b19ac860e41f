package recordings

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Run watches the spool directory until ctx ends: a rescan every PollInterval (and on inotify
// events when enabled), archives imported by a bounded pool of workers, failed archives with
// transient reasons retried with growing delays. With a Locker it first waits for the
// cluster-wide importer lease and stops importing when the lease is lost. When ctx ends,
// imports in progress get ShutdownGrace to finish.
func (im *Importer) Run(ctx context.Context) error {
	held := ctx
	if im.deps.Locker != nil {
		im.logger.Info("waiting for the importer lease")
		h, release, err := im.deps.Locker.Acquire(ctx, LockName)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		defer release()
		held = h
	}
	im.metrics.leaseHeld(true)
	defer im.metrics.leaseHeld(false)
	im.logger.Info("importer active", "spool_dir", im.cfg.SpoolDir, "interval", im.cfg.PollInterval,
		"workers", im.cfg.Workers, "inotify", im.cfg.Inotify)

	// Imports run on their own context: cancelled at once when the lease is lost, after the
	// grace period on shutdown.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	go func() {
		<-held.Done()
		if ctx.Err() == nil {
			im.logger.Warn("importer lease lost; stopping imports")
			cancelWork()
			return
		}
		t := time.NewTimer(im.cfg.ShutdownGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancelWork()
		case <-work.Done():
		}
	}()

	im.removeStaleWork()
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range im.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range jobs {
				im.ImportFile(work, path)
				im.done(path)
			}
		}()
	}

	trigger := make(chan struct{}, 1)
	poke := func() {
		select {
		case trigger <- struct{}{}:
		default:
		}
	}
	if im.cfg.Inotify {
		if err := watchDir(held, im.cfg.SpoolDir, poke); err != nil {
			im.logger.Warn("inotify unavailable; polling only", "err", err)
		}
	}
	ticker := time.NewTicker(im.cfg.PollInterval)
	defer ticker.Stop()
	withClaimed := true // leftovers of an interrupted run, once at start
	for {
		im.dispatch(held, jobs, poke, withClaimed)
		withClaimed = false
		select {
		case <-held.Done():
			close(jobs)
			wg.Wait()
			return nil
		case <-ticker.C:
		case <-trigger:
		}
	}
}

// ScanOnce imports everything that is waiting (claimed leftovers, spool archives, due retries)
// synchronously, one after the other. It is Run's round without the loop, for tests and tools.
func (im *Importer) ScanOnce(ctx context.Context) {
	for _, path := range im.candidates(func() {}, true) {
		if ctx.Err() != nil {
			return
		}
		im.ImportFile(ctx, path)
	}
}

func (im *Importer) dispatch(ctx context.Context, jobs chan<- string, poke func(), withClaimed bool) {
	for _, path := range im.candidates(poke, withClaimed) {
		im.mu.Lock()
		busy := im.inflight[path]
		im.inflight[path] = true
		im.mu.Unlock()
		if busy {
			continue
		}
		select {
		case jobs <- path:
		case <-ctx.Done():
			im.done(path)
			return
		}
	}
}

func (im *Importer) done(path string) {
	im.mu.Lock()
	delete(im.inflight, path)
	im.mu.Unlock()
}

// candidates lists what to import now, oldest first: claimed leftovers of an interrupted run,
// settled spool archives and due retries. Archives still being written schedule a poke.
func (im *Importer) candidates(poke func(), withClaimed bool) []string {
	var out []string
	if withClaimed {
		claimed, _ := os.ReadDir(filepath.Join(im.cfg.SpoolDir, claimDir))
		for _, e := range claimed {
			if e.Type().IsRegular() && archiveExt(e.Name()) != "" {
				out = append(out, filepath.Join(im.cfg.SpoolDir, claimDir, e.Name()))
			}
		}
	}
	entries, err := os.ReadDir(im.cfg.SpoolDir)
	if err != nil {
		im.logger.Error("scan spool dir", "err", err)
	}
	type arrival struct {
		path string
		mod  time.Time
	}
	var arrivals []arrival
	unsettled := 0
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !e.Type().IsRegular() || archiveExt(name) == "" {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		if im.now().Sub(fi.ModTime()) < settleTime {
			unsettled++
			continue
		}
		arrivals = append(arrivals, arrival{filepath.Join(im.cfg.SpoolDir, name), fi.ModTime()})
	}
	if unsettled > 0 {
		time.AfterFunc(settleTime, poke)
	}
	sort.Slice(arrivals, func(a, b int) bool { return arrivals[a].mod.Before(arrivals[b].mod) })
	if im.metrics != nil {
		var oldest time.Duration
		if len(arrivals) > 0 {
			oldest = im.now().Sub(arrivals[0].mod)
		}
		claimed, _ := os.ReadDir(filepath.Join(im.cfg.SpoolDir, claimDir))
		failed, _ := filepath.Glob(filepath.Join(im.cfg.FailedDir, "*.reason"))
		im.metrics.scanned(len(claimed)+len(arrivals)+unsettled, oldest, len(failed))
	}
	for _, a := range arrivals {
		out = append(out, a.path)
	}
	return append(out, im.retryDue()...)
}

// removeStaleWork deletes extraction directories left by a crash (older than an hour, so an
// import running in another process, e.g. the CLI, is not disturbed).
func (im *Importer) removeStaleWork() {
	dirs, _ := filepath.Glob(filepath.Join(im.cfg.WorkDir, "import-*"))
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && im.now().Sub(fi.ModTime()) > time.Hour {
			os.RemoveAll(d)
		}
	}
}
