package db

import (
	"context"

	"github.com/uptrace/bun"
)

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

// BoundInTx runs, in one transaction, an insert of a server row and an update of its secret
// with bound parameters (bound.go), and returns the secret read back in the same transaction.
func (db *DB) BoundInTx(ctx context.Context, id, url, secret, newSecret string) (string, error) {
	var got string
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := db.now()
		if err := db.insertBound(ctx, tx, &serverRow{ID: id, URL: url, Secret: secret, State: "disabled",
			LoadMultiplier: 1, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		set := boundSet{}
		set.add("secret", newSecret)
		q, args := set.update("servers", "id = ?", id)
		if _, err := db.execBound(ctx, tx, q, args...); err != nil {
			return err
		}
		var row serverRow
		if err := db.scanBound(ctx, tx, &row, "SELECT * FROM servers WHERE id = ?", id); err != nil {
			return err
		}
		got = row.Secret
		return nil
	})
	return got, err
}

// SetPlacementHook runs hook in the placement transaction before each request is applied (nil
// removes it). Set it before the first placement.
func (db *DB) SetPlacementHook(hook func(meetingID string)) { db.applyHook = hook }
