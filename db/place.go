package db

import (
	"context"
	"errors"
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

// selectError carries an error of PlaceRequest.Select through the transaction unchanged.
type selectError struct{ err error }

func (e *selectError) Error() string { return e.err.Error() }

// PlaceMeeting finds the running meeting or places it, in one transaction that serialises with
// every other placement, and reserves the load on the chosen server in the same transaction.
// A running meeting that stays where it is is answered from a plain read, without the lock;
// KeepExisting may therefore be called twice and must have no side effects.
func (db *DB) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	if req.Select == nil || req.VoiceBridges == nil || req.Meeting.MeetingID == "" {
		return scalelite.PlaceResult{}, scalelite.Errorf(scalelite.EINVALID, "place meeting: need a meeting id, Select and VoiceBridges")
	}
	// Fast path without a transaction or lock: a running meeting that stays where it is. The
	// answer is what a serialised placement would have given at the time of the read.
	if res, done, err := db.keepRunning(ctx, req); done {
		return res, err
	}
	var res scalelite.PlaceResult
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res = scalelite.PlaceResult{}
		if err := db.lockPlacements(ctx, tx); err != nil {
			return err
		}
		existing, err := runningMeeting(ctx, tx, req.Meeting.MeetingID)
		switch {
		case scalelite.IsNotFound(err):
			existing = nil
		case err != nil:
			return err
		case existing.TenantID != req.Meeting.TenantID:
			return scalelite.Errorf(scalelite.ECONFLICT, "meeting %q is running for another tenant", req.Meeting.MeetingID)
		default:
			srv, err := serverByID(ctx, tx, existing.ServerID)
			if scalelite.IsNotFound(err) {
				srv = nil
			} else if err != nil {
				return err
			}
			if req.KeepExisting == nil || req.KeepExisting(existing, srv) {
				res.Meeting = existing
				return nil
			}
		}

		var candidates []serverRow
		err = tx.NewSelect().Model(&candidates).
			Where("state = ? AND online", string(scalelite.ServerEnabled)).OrderExpr("id").Scan(ctx)
		if err != nil {
			return fmt.Errorf("load candidates: %w", err)
		}
		servers := make([]*scalelite.Server, len(candidates))
		for i := range candidates {
			servers[i] = candidates[i].domain()
		}
		chosen, placement, err := req.Select(servers)
		if err != nil {
			return &selectError{err}
		}
		if chosen == nil || !containsServer(candidates, chosen.ID) {
			return fmt.Errorf("select returned a server that is not a candidate")
		}
		reservation := req.Reservation * chosen.LoadMultiplier
		now := db.now()

		if existing != nil {
			var row meetingRow
			_, err := tx.NewUpdate().Model(&row).Where("id = ?", existing.ID).
				Set("server_id = ?", chosen.ID).
				Set("placement = ?", placement).
				Set("reservation = ?", reservation).
				Set("missed_polls = 0").
				Set("updated_at = ?", now).
				Returning("*").Exec(ctx, &row)
			if err != nil {
				return fmt.Errorf("re-home: %w", err)
			}
			res.Meeting, res.Moved, res.Previous = row.domain(), true, existing
		} else {
			vb, err := freeVoiceBridge(ctx, tx, req.VoiceBridges())
			if err != nil {
				return err
			}
			m := req.Meeting
			m.ID, m.ServerID, m.VoiceBridge, m.Placement, m.Reservation = 0, chosen.ID, vb, placement, reservation
			m.MissedPolls, m.CreatedAt, m.UpdatedAt, m.EndedAt = 0, now, now, nil
			row := meetingToRow(&m)
			if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
				return fmt.Errorf("insert: %w", err)
			}
			m.ID = row.ID
			res.Meeting, res.Created = &m, true
		}
		if reservation != 0 {
			_, err = tx.NewUpdate().TableExpr("servers").Set("load = load + ?", reservation).
				Where("id = ?", chosen.ID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("reserve load: %w", err)
			}
		}
		return nil
	})
	var se *selectError
	if errors.As(err, &se) {
		return scalelite.PlaceResult{}, se.err
	}
	if err != nil {
		return scalelite.PlaceResult{}, translate(err, "place", "meeting "+quote(req.Meeting.MeetingID))
	}
	return res, nil
}

// keepRunning answers PlaceMeeting from a plain read when the meeting runs and stays (or runs
// for another tenant). done is false when the placement needs the transaction.
func (db *DB) keepRunning(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, bool, error) {
	existing, err := runningMeeting(ctx, db.ro, req.Meeting.MeetingID)
	switch {
	case scalelite.IsNotFound(err):
		return scalelite.PlaceResult{}, false, nil
	case err != nil:
		return scalelite.PlaceResult{}, true, err
	case existing.TenantID != req.Meeting.TenantID:
		return scalelite.PlaceResult{}, true, scalelite.Errorf(scalelite.ECONFLICT, "meeting %q is running for another tenant", req.Meeting.MeetingID)
	}
	srv, err := serverByID(ctx, db.ro, existing.ServerID)
	if scalelite.IsNotFound(err) {
		srv = nil
	} else if err != nil {
		return scalelite.PlaceResult{}, true, err
	}
	if req.KeepExisting == nil || req.KeepExisting(existing, srv) {
		return scalelite.PlaceResult{Meeting: existing}, true, nil
	}
	return scalelite.PlaceResult{}, false, nil
}

func containsServer(rows []serverRow, id string) bool {
	for i := range rows {
		if rows[i].ID == id {
			return true
		}
	}
	return false
}

// freeVoiceBridge returns the first candidate that no running meeting uses.
func freeVoiceBridge(ctx context.Context, tx bun.Tx, candidates []string) (string, error) {
	if len(candidates) == 0 {
		return "", scalelite.Errorf(scalelite.EINTERNAL, "no voice bridge candidates")
	}
	var used []string
	err := tx.NewSelect().Model((*meetingRow)(nil)).Column("voice_bridge").
		Where("ended_at IS NULL AND voice_bridge IN (?)", inList(candidates)).Scan(ctx, &used)
	if err != nil {
		return "", fmt.Errorf("voice bridges in use: %w", err)
	}
	taken := make(map[string]bool, len(used))
	for _, v := range used {
		taken[v] = true
	}
	for _, c := range candidates {
		if c != "" && !taken[c] {
			return c, nil
		}
	}
	return "", scalelite.Errorf(scalelite.EINTERNAL, "no free voice bridge among %d candidates", len(candidates))
}

// UndoPlacement reverts a placement whose backend create failed: a created row is deleted, a
// moved one goes back to its previous server, and the reservation is released.
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
			_, err := tx.NewUpdate().Model((*meetingRow)(nil)).Where("id = ?", m.ID).
				Set("server_id = ?", p.ServerID).
				Set("placement = ?", p.Placement).
				Set("reservation = ?", p.Reservation).
				Set("missed_polls = ?", p.MissedPolls).
				Set("updated_at = ?", db.now()).Exec(ctx)
			if err != nil {
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
