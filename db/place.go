package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// placementLock is the PostgreSQL advisory lock key that serialises placements cluster-wide.
const placementLock int64 = 0x5ca1e11e

// lockPlacements serialises the transaction with every other placement. On SQLite the
// transaction already holds the database write lock (BEGIN IMMEDIATE).
func (db *DB) lockPlacements(ctx context.Context, tx bun.Tx) error {
	if db.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", placementLock); err != nil {
		return fmt.Errorf("placement lock: %w", err)
	}
	return nil
}

// PlaceMeeting finds the running meeting or places it, in a transaction that serialises with
// every other placement, and reserves the load on the chosen server in the same transaction.
// A running meeting that stays where it is is answered from a plain read, without the lock (so
// Decide may be asked twice). Other placements are group-committed: queued to the DB's placement
// worker, which applies everything waiting in one transaction (see place_batch.go), deciding from
// each request's data.
func (db *DB) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	if req.Meeting.MeetingID == "" {
		return scalelite.PlaceResult{}, scalelite.Errorf(scalelite.EINVALID, "place meeting: need a meeting id")
	}
	// Fast path without a transaction or lock: a running meeting that stays where it is. The
	// answer is what a serialised placement would have given at the time of the read.
	if res, done, err := db.keepRunning(ctx, req); done {
		return res, err
	}
	a := db.placements.place(ctx, req)
	if a.panicked != nil {
		panic(a.panicked)
	}
	if a.retry {
		return db.placeAlone(ctx, req)
	}
	return a.res, a.err
}

// placeAlone places one request in its own transaction (a failed batch's requests retry so).
func (db *DB) placeAlone(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	answers, err := db.runPlacements(ctx, db.rw, []*placeCall{{ctx: ctx, req: req}}, false)
	if err != nil {
		return scalelite.PlaceResult{}, placeFailed(req.Meeting.MeetingID, err)
	}
	return answers[0].res, answers[0].err
}

// placeFailed wraps an error of the placement machinery (not one of the request's own refusals).
func placeFailed(meetingID string, err error) error {
	return translate(err, "place", "meeting "+quote(meetingID))
}

// runningWithServer is a running meeting joined with its server (nil when it was removed), so
// the fast path reads both in one query.
type runningWithServer struct {
	meetingRow `bun:",extend"`
	Server     *serverRow `bun:"rel:belongs-to,join:server_id=id"`
}

// keepRunning answers PlaceMeeting from a plain read when the meeting runs and stays (or runs
// for another tenant). done is false when the placement needs the transaction.
func (db *DB) keepRunning(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, bool, error) {
	var row runningWithServer
	err := db.ro.NewSelect().Model(&row).Relation("Server").
		Where("m.meeting_id = ? AND m.ended_at IS NULL", req.Meeting.MeetingID).Scan(ctx)
	if err != nil {
		err = translate(err, "get", "meeting "+quote(req.Meeting.MeetingID))
	}
	switch {
	case scalelite.IsNotFound(err):
		return scalelite.PlaceResult{}, false, nil
	case err != nil:
		return scalelite.PlaceResult{}, true, err
	}
	existing := row.domain()
	if existing.TenantID != req.Meeting.TenantID {
		return scalelite.PlaceResult{}, true, scalelite.Errorf(scalelite.ECONFLICT, "meeting %q is running for another tenant", req.Meeting.MeetingID)
	}
	var srv *scalelite.Server
	if row.Server != nil {
		srv = row.Server.domain()
	}
	switch req.Decide(existing, srv) {
	case scalelite.Stay:
		return scalelite.PlaceResult{Meeting: existing, Server: srv}, true, nil
	case scalelite.StayAsk:
		return scalelite.PlaceResult{Meeting: existing, Server: srv, AskCordoned: true}, true, nil
	}
	return scalelite.PlaceResult{}, false, nil
}

// UndoPlacement reverts a placement whose backend create failed: a created row is deleted, a
// moved one goes back to its previous server with its previous create parameters, and the
// reservation is released.
func (db *DB) UndoPlacement(ctx context.Context, r scalelite.PlaceResult) error {
	if !r.Placed() || r.Meeting == nil {
		return nil
	}
	m := r.Meeting
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := db.lockPlacements(ctx, tx); err != nil {
			return err
		}
		if r.Created {
			if _, err := tx.NewDelete().Model((*meetingRow)(nil)).Where("id = ?", m.ID).Exec(ctx); err != nil {
				return err
			}
		} else if r.Previous != nil {
			p := r.Previous
			var set boundSet // the create parameters carry passwords
			set.add("server_id", p.ServerID)
			set.add("placement", p.Placement)
			set.add("reservation", p.Reservation)
			set.add("missed_polls", p.MissedPolls)
			set.add("create_query", p.CreateQuery)
			set.add("create_body", p.CreateBody)
			set.add("updated_at", db.now())
			query, args := set.update("meetings", "id = ?", m.ID)
			if _, err := db.execBound(ctx, tx, query, args...); err != nil {
				return err
			}
		}
		if m.Reservation != 0 {
			_, err := tx.NewUpdate().TableExpr("servers").Set("load = "+db.greatest("load - ?", "0"), m.Reservation).
				Where("id = ?", m.ServerID).Exec(ctx)
			return err
		}
		return nil
	})
	if err != nil {
		return translate(err, "undo placement of", "meeting "+quote(m.MeetingID))
	}
	return nil
}

// greatest returns the SQL for the larger of two expressions.
func (db *DB) greatest(a, b string) string {
	if db.dialect == Postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "MAX(" + a + ", " + b + ")"
}
