package db

import "context"

// Test hooks for the external tests of package db.

// PlacementStats counts the placement worker's committed batches, the placements they answered,
// and the batches that failed and were retried one by one.
type PlacementStats struct{ Batches, Batched, Fallbacks int64 }

func (db *DB) PlacementStats() PlacementStats {
	q := db.placements
	return PlacementStats{Batches: q.batches.Load(), Batched: q.batched.Load(), Fallbacks: q.fallbacks.Load()}
}

// QueuedPlacements returns the number of placements waiting for the worker.
func (db *DB) QueuedPlacements() int { return db.placements.queued() }

// PlacementWorkerDone is closed once the placement worker has exited after Close.
func (db *DB) PlacementWorkerDone() <-chan struct{} { return db.placements.done }

// ExecSQL runs a statement on the read-write pool (to set up faults such as a constraint).
func (db *DB) ExecSQL(ctx context.Context, query string) error {
	_, err := db.rw.ExecContext(ctx, query)
	return err
}

// PlacementsClosed reports whether Close has stopped taking placements.
func (db *DB) PlacementsClosed() bool {
	q := db.placements
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// SetPlacementHook runs hook in the placement transaction before each request is applied (nil
// removes it). Set it before the first placement.
func (db *DB) SetPlacementHook(hook func(meetingID string)) { db.applyHook = hook }
