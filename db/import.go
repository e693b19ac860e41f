package db

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// importChunk is the number of rows one multi-row INSERT of an import writes.
const importChunk = 1000

// ImportMeeting inserts m as a running meeting placed by another balancer (see
// scalelite.ImportStore). Its CreatedAt is kept when set.
func (db *DB) ImportMeeting(ctx context.Context, m *scalelite.Meeting, replace bool) error {
	if m.MeetingID == "" || m.ServerID == "" || m.VoiceBridge == "" {
		return scalelite.Errorf(scalelite.EINVALID, "an imported meeting needs a meeting id, a server and a voice bridge")
	}
	now := db.now()
	row := meetingToRow(m)
	row.ID, row.EndedAt, row.UpdatedAt = 0, nil, now
	if m.CreatedAt.IsZero() {
		row.CreatedAt = now
	}
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if replace {
			_, err := tx.NewUpdate().Model((*meetingRow)(nil)).Set("ended_at = ?", now).Set("updated_at = ?", now).
				Where("meeting_id = ? AND ended_at IS NULL", m.MeetingID).Exec(ctx)
			if err != nil {
				return fmt.Errorf("end the meeting it replaces: %w", err)
			}
		}
		query, args, err := db.insertStatement(row) // the row carries the moderator password
		if err != nil {
			return err
		}
		return db.scanBound(ctx, tx, &row.ID, query+" RETURNING id", args...)
	})
	if err != nil {
		return translate(err, "import", "running meeting "+quote(m.MeetingID)+" or voice bridge "+quote(m.VoiceBridge))
	}
	m.ID, m.CreatedAt, m.UpdatedAt, m.EndedAt = row.ID, row.CreatedAt.UTC(), now, nil
	return nil
}

// ImportRecordings inserts add and rewrites replace in place, with their metadata, formats and
// thumbnails, in one transaction with multi-row inserts (see scalelite.ImportStore).
func (db *DB) ImportRecordings(ctx context.Context, add, replace []*scalelite.Recording) error {
	if len(add)+len(replace) == 0 {
		return nil
	}
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := db.now()
		ids := make(map[string]int64, len(add)+len(replace))
		for _, r := range replace {
			var id int64
			err := tx.NewUpdate().Model(importRow(r, now)).
				Column("meeting_id", "name", "state", "published", "protected", "publish_updated", "participants",
					"starttime", "endtime", "updated_at").
				Where("record_id = ?", r.RecordID).Returning("id").Scan(ctx, &id)
			if err != nil {
				return fmt.Errorf("rewrite recording %s: %w", r.RecordID, err)
			}
			ids[r.RecordID] = id
		}
		if len(replace) > 0 {
			old := make([]int64, 0, len(replace))
			for _, r := range replace {
				old = append(old, ids[r.RecordID])
			}
			if _, err := tx.NewDelete().Model((*metadataRow)(nil)).Where("recording_id IN (?)", inList(old)).Exec(ctx); err != nil {
				return fmt.Errorf("replace metadata: %w", err)
			}
			if _, err := tx.NewDelete().Model((*formatRow)(nil)).Where("recording_id IN (?)", inList(old)).Exec(ctx); err != nil {
				return fmt.Errorf("replace formats: %w", err)
			}
		}
		if err := insertRecordingRows(ctx, tx, add, now, ids); err != nil {
			return err
		}
		return insertChildren(ctx, tx, append(add[:len(add):len(add)], replace...), ids)
	})
	if err != nil {
		return translate(err, "import", "recordings")
	}
	db.analyzeIfGrown(ctx, len(add))
	return nil
}

// importGrowth counts the recordings imported since the last ANALYZE.
type importGrowth struct {
	mu          sync.Mutex
	added, base int
}

// analyzeIfGrown runs ANALYZE on PostgreSQL whenever the recordings imported since the last one
// reach the number imported before it (at least importChunk), so about log2(n) times for n:
// a bulk import into a new database otherwise leaves the planner with an empty table's
// estimates (sequential scans, and JIT compiling every getRecordings) until autovacuum catches
// up.
func (db *DB) analyzeIfGrown(ctx context.Context, added int) {
	if db.dialect != Postgres || added == 0 {
		return
	}
	g := &db.imported
	g.mu.Lock()
	g.added += added
	due := g.added >= max(importChunk, g.base)
	if due {
		g.base += g.added
		g.added = 0
	}
	g.mu.Unlock()
	if !due {
		return
	}
	if _, err := db.rw.ExecContext(ctx, "ANALYZE recordings, metadata, playback_formats, thumbnails"); err != nil {
		db.logger.WarnContext(ctx, "analyze after import", "error", err)
	}
}

func importRow(r *scalelite.Recording, now time.Time) *recordingRow {
	return &recordingRow{RecordID: r.RecordID, MeetingID: r.MeetingID, Name: r.Name, State: r.State,
		Published: r.Published, Protected: r.Protected, PublishUpdated: r.PublishUpdated,
		Participants: r.Participants, StartTime: utcPtr(r.StartTime), EndTime: utcPtr(r.EndTime),
		CreatedAt: now, UpdatedAt: now}
}

// insertRecordingRows inserts the recordings' rows and records their new ids.
func insertRecordingRows(ctx context.Context, tx bun.Tx, recs []*scalelite.Recording, now time.Time, ids map[string]int64) error {
	for start := 0; start < len(recs); start += importChunk {
		chunk := recs[start:min(start+importChunk, len(recs))]
		rows := make([]*recordingRow, len(chunk))
		for i, r := range chunk {
			rows[i] = importRow(r, now)
		}
		var out []struct {
			ID       int64  `bun:"id"`
			RecordID string `bun:"record_id"`
		}
		if err := tx.NewInsert().Model(&rows).ExcludeColumn("id").Returning("id, record_id").Scan(ctx, &out); err != nil {
			return fmt.Errorf("insert recordings: %w", err)
		}
		for _, o := range out {
			ids[o.RecordID] = o.ID
		}
	}
	return nil
}

// insertChildren inserts the metadata, formats and thumbnails of recs (whose row ids are in ids).
func insertChildren(ctx context.Context, tx bun.Tx, recs []*scalelite.Recording, ids map[string]int64) error {
	var meta []*metadataRow
	var formats []*formatRow
	type formatKey struct {
		recordingID int64
		format      string
	}
	thumbs := map[formatKey][]scalelite.Thumbnail{}
	for _, r := range recs {
		id := ids[r.RecordID]
		for _, k := range sortedKeys(r.Metadata) {
			meta = append(meta, &metadataRow{RecordingID: id, Key: k, Value: r.Metadata[k]})
		}
		for _, f := range r.Formats {
			formats = append(formats, &formatRow{RecordingID: id, Format: f.Format, URL: f.URL, Length: f.Length, ProcessingTime: f.ProcessingTime})
			if len(f.Thumbnails) > 0 {
				thumbs[formatKey{id, f.Format}] = f.Thumbnails
			}
		}
	}
	for start := 0; start < len(meta); start += importChunk {
		chunk := meta[start:min(start+importChunk, len(meta))]
		if _, err := tx.NewInsert().Model(&chunk).ExcludeColumn("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert metadata: %w", err)
		}
	}
	var rows []*thumbnailRow
	for start := 0; start < len(formats); start += importChunk {
		chunk := formats[start:min(start+importChunk, len(formats))]
		var out []struct {
			ID          int64  `bun:"id"`
			RecordingID int64  `bun:"recording_id"`
			Format      string `bun:"format"`
		}
		if err := tx.NewInsert().Model(&chunk).ExcludeColumn("id").Returning("id, recording_id, format").Scan(ctx, &out); err != nil {
			return fmt.Errorf("insert formats: %w", err)
		}
		for _, o := range out {
			for _, th := range thumbs[formatKey{o.RecordingID, o.Format}] {
				rows = append(rows, &thumbnailRow{PlaybackFormatID: o.ID, Width: th.Width, Height: th.Height, Alt: th.Alt, URL: th.URL, Sequence: th.Sequence})
			}
		}
	}
	for start := 0; start < len(rows); start += importChunk {
		chunk := rows[start:min(start+importChunk, len(rows))]
		if _, err := tx.NewInsert().Model(&chunk).ExcludeColumn("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert thumbnails: %w", err)
		}
	}
	return nil
}

// ImportedCallbacks returns the callback data stored for these meetings, with the record id of
// the linked recording.
func (db *DB) ImportedCallbacks(ctx context.Context, meetingIDs []string) (map[string]scalelite.ImportedCallback, error) {
	out := make(map[string]scalelite.ImportedCallback, len(meetingIDs))
	if len(meetingIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		MeetingID            string  `bun:"meeting_id"`
		RecordID             *string `bun:"record_id"`
		RecordingReadyURL    string  `bun:"recording_ready_url"`
		AnalyticsCallbackURL string  `bun:"analytics_callback_url"`
		TenantID             string  `bun:"tenant_id"`
	}
	err := db.ro.NewRaw(`SELECT cb.meeting_id, rec.record_id, cb.recording_ready_url, cb.analytics_callback_url, cb.tenant_id
FROM callback_data AS cb LEFT JOIN recordings AS rec ON rec.id = cb.recording_id
WHERE cb.meeting_id IN (?)`, inList(meetingIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, translate(err, "list", "callback data")
	}
	for _, r := range rows {
		cb := scalelite.ImportedCallback{MeetingID: r.MeetingID, RecordingReadyURL: r.RecordingReadyURL,
			AnalyticsCallbackURL: r.AnalyticsCallbackURL, TenantID: r.TenantID}
		if r.RecordID != nil {
			cb.RecordID = *r.RecordID
		}
		out[r.MeetingID] = cb
	}
	return out, nil
}

// ImportCallbacks stores the callbacks (replacing a meeting's), linked to their recordings.
func (db *DB) ImportCallbacks(ctx context.Context, cbs []scalelite.ImportedCallback) error {
	if len(cbs) == 0 {
		return nil
	}
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var recordIDs []string
		for _, cb := range cbs {
			if cb.RecordID != "" {
				recordIDs = append(recordIDs, cb.RecordID)
			}
		}
		ids := map[string]int64{}
		if len(recordIDs) > 0 {
			var recs []recordingRow
			if err := tx.NewSelect().Model(&recs).Column("id", "record_id").Where("record_id IN (?)", inList(recordIDs)).Scan(ctx); err != nil {
				return err
			}
			for _, r := range recs {
				ids[r.RecordID] = r.ID
			}
		}
		now := db.now()
		rows := make([]*callbackRow, 0, len(cbs))
		for _, cb := range cbs {
			row := &callbackRow{MeetingID: cb.MeetingID, RecordingReadyURL: cb.RecordingReadyURL,
				AnalyticsCallbackURL: cb.AnalyticsCallbackURL, TenantID: cb.TenantID, CreatedAt: now, UpdatedAt: now}
			if id, ok := ids[cb.RecordID]; ok {
				row.RecordingID = &id
			}
			rows = append(rows, row)
		}
		for start := 0; start < len(rows); start += importChunk {
			chunk := rows[start:min(start+importChunk, len(rows))]
			_, err := tx.NewInsert().Model(&chunk).ExcludeColumn("id").
				On("CONFLICT (meeting_id) DO UPDATE").
				Set("recording_id = EXCLUDED.recording_id").
				Set("recording_ready_url = EXCLUDED.recording_ready_url").
				Set("analytics_callback_url = EXCLUDED.analytics_callback_url").
				Set("tenant_id = EXCLUDED.tenant_id").
				Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
			if err != nil {
				return fmt.Errorf("insert callback data: %w", err)
			}
		}
		return nil
	})
	return translate(err, "import", "callback data")
}

var _ scalelite.ImportStore = (*DB)(nil)
