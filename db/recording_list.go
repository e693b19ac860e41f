package db

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// foldStateCountsAfter is the number of change rows of the PostgreSQL recording_state_counts
// log above which a count folds the log into one row per state.
const foldStateCountsAfter = 64

// Recordings returns one page of the recordings matching f, newest start time first (unknown
// start times last, then by id), and the number of matches. The matches are counted only when
// a page is asked for (Offset or Limit); otherwise the number is the length of the list. The
// count runs alongside the page query, on its own connection.
func (db *DB) Recordings(ctx context.Context, f scalelite.RecordingFilter) ([]*scalelite.Recording, int, error) {
	if f.Limit <= 0 && f.Offset <= 0 {
		list, err := db.loadRecordings(ctx, db.ro, db.recordingPage(db.ro, f))
		if err != nil {
			return nil, 0, translate(err, "list", "recordings")
		}
		return list, len(list), nil
	}
	type counted struct {
		n   int
		err error
	}
	count := make(chan counted, 1)
	go func() {
		n, err := db.countRecordings(ctx, f)
		count <- counted{n, err}
	}()
	list, err := db.loadRecordings(ctx, db.ro, db.recordingPage(db.ro, f))
	c := <-count
	if err != nil {
		return nil, 0, translate(err, "list", "recordings")
	}
	if c.err != nil {
		return nil, 0, translate(c.err, "count", "recordings")
	}
	return list, c.n, nil
}

// recordingPage selects the id and start time of the recordings matching f, in page order,
// with f's offset and limit. Both dialects serve it from the start-time index (which carries the
// state), so the rows an offset skips are not read from the table.
func (db *DB) recordingPage(idb bun.IDB, f scalelite.RecordingFilter) *bun.SelectQuery {
	order := "rec.starttime DESC, rec.id"
	if db.dialect == Postgres {
		order = "rec.starttime DESC NULLS LAST, rec.id"
	}
	q := applyRecordingFilter(idb.NewSelect().TableExpr("recordings AS rec").ColumnExpr("rec.id, rec.starttime"), f, metaExists).OrderExpr(order)
	if f.Offset > 0 {
		q.Offset(int64(f.Offset))
	}
	if f.Limit > 0 {
		q.Limit(int64(f.Limit))
	} else if f.Offset > 0 && db.dialect == SQLite {
		q.Limit(math.MaxInt64) // SQLite needs a LIMIT for OFFSET
	}
	return q
}

// recordingByID is a page of the one recording with row id id (or none).
func recordingByID(idb bun.IDB, id int64) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("recordings AS rec").ColumnExpr("rec.id, rec.starttime").Where("rec.id = ?", id)
}

// recordingByRecordID is a page of the one recording with record id recordID (or none).
func recordingByRecordID(idb bun.IDB, recordID string) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("recordings AS rec").ColumnExpr("rec.id, rec.starttime").Where("rec.record_id = ?", recordID)
}

// countRecordings returns the number of recordings matching f (ignoring its offset and limit).
// A filter on states only is answered from recording_state_counts. Others are counted with the
// filter's indexes: the meeting id, record id or prefix index when there is such a filter (meta
// and tenant filters then probe metadata), else the metadata index (the matching ids drive).
func (db *DB) countRecordings(ctx context.Context, f scalelite.RecordingFilter) (int, error) {
	narrowed := len(f.RecordIDPrefixes) > 0 || len(f.RecordIDs) > 0 || len(f.MeetingIDs) > 0
	if narrowed || len(f.Meta) > 0 || f.TenantID != "" {
		m := metaIn
		if narrowed {
			m = metaExists
		}
		n, err := applyRecordingFilter(db.ro.NewSelect().TableExpr("recordings AS rec"), f, m).Count(ctx)
		return int(n), err
	}
	q := db.ro.NewSelect().TableExpr("recording_state_counts").ColumnExpr("coalesce(sum(n), 0), count(*)")
	if len(f.States) > 0 {
		q.Where("state IN (?)", inList(f.States))
	} else {
		q.Where("state <> ?", scalelite.RecordingDeleted)
	}
	var total, changes int64
	if err := q.Scan(ctx, &total, &changes); err != nil {
		return 0, err
	}
	if db.dialect == Postgres && changes > foldStateCountsAfter {
		// The total is known; a failed fold only leaves the log longer until the next one.
		if err := db.foldRecordingStateCounts(ctx); err != nil {
			db.logger.WarnContext(ctx, "recording counts not folded", slog.Any("error", err))
		}
	}
	return int(total), nil
}

// foldRecordingStateCounts replaces the committed change rows of the PostgreSQL
// recording_state_counts log by one row per state, in one statement: concurrent writers only
// append, and a concurrent fold skips the rows this one deleted, so every sum stays exact.
func (db *DB) foldRecordingStateCounts(ctx context.Context) error {
	_, err := db.rw.NewRaw(`WITH folded AS (DELETE FROM recording_state_counts RETURNING state, n)
INSERT INTO recording_state_counts (state, n) SELECT state, sum(n) FROM folded GROUP BY state HAVING sum(n) <> 0`).Exec(ctx)
	if err != nil {
		return fmt.Errorf("fold recording state counts: %w", err)
	}
	return nil
}

// loadRecordings returns the recordings of page (a select of rec.id and rec.starttime from
// recordings AS rec) with their metadata, formats and thumbnails, in page order: on PostgreSQL
// in one query (children aggregated as JSON), on SQLite with one query per child table.
func (db *DB) loadRecordings(ctx context.Context, idb bun.IDB, page *bun.SelectQuery) ([]*scalelite.Recording, error) {
	if db.dialect == Postgres {
		return loadRecordingsJSON(ctx, idb, page)
	}
	var rows []recordingRow
	err := idb.NewRaw(`SELECT rec.* FROM (?) AS page JOIN recordings AS rec ON rec.id = page.id
ORDER BY page.starttime DESC, page.id`, page).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	return withChildren(ctx, idb, rows)
}

// recordingChildrenJSON selects the page's recordings with two JSON columns: metadata_json
// ({"key": "value", ...}) and formats_json ([{"f": format, "u": url, "l": length,
// "p": processing time, "t": [{"w", "h", "a", "u", "s"}, ...]}, ...]), formats ordered by name,
// thumbnails by sequence then id.
const recordingChildrenJSON = `SELECT rec.*,
	coalesce((SELECT json_object_agg(md.key, md.value) FROM metadata AS md WHERE md.recording_id = rec.id), '{}') AS metadata_json,
	coalesce((SELECT json_agg(json_build_object('f', pf.format, 'u', pf.url, 'l', pf.length, 'p', pf.processing_time,
			't', (SELECT json_agg(json_build_object('w', th.width, 'h', th.height, 'a', th.alt, 'u', th.url, 's', th.sequence)
					ORDER BY th.sequence, th.id)
				FROM thumbnails AS th WHERE th.playback_format_id = pf.id))
			ORDER BY pf.format)
		FROM playback_formats AS pf WHERE pf.recording_id = rec.id), '[]') AS formats_json
FROM (?) AS page JOIN recordings AS rec ON rec.id = page.id
ORDER BY page.starttime DESC NULLS LAST, page.id`

type recordingJSONRow struct {
	recordingRow `bun:",extend"`

	MetadataJSON string `bun:"metadata_json"`
	FormatsJSON  string `bun:"formats_json"`
}

type formatJSON struct {
	Format         string          `json:"f"`
	URL            string          `json:"u"`
	Length         int             `json:"l"`
	ProcessingTime *int            `json:"p"`
	Thumbnails     []thumbnailJSON `json:"t"`
}

type thumbnailJSON struct {
	Width    int    `json:"w"`
	Height   int    `json:"h"`
	Alt      string `json:"a"`
	URL      string `json:"u"`
	Sequence int    `json:"s"`
}

func loadRecordingsJSON(ctx context.Context, idb bun.IDB, page *bun.SelectQuery) ([]*scalelite.Recording, error) {
	var rows []recordingJSONRow
	if err := idb.NewRaw(recordingChildrenJSON, page).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make([]*scalelite.Recording, len(rows))
	for i := range rows {
		rec := rows[i].domain()
		if err := json.Unmarshal([]byte(rows[i].MetadataJSON), &rec.Metadata); err != nil {
			return nil, fmt.Errorf("metadata of %s: %w", rec.RecordID, err)
		}
		var formats []formatJSON
		if err := json.Unmarshal([]byte(rows[i].FormatsJSON), &formats); err != nil {
			return nil, fmt.Errorf("formats of %s: %w", rec.RecordID, err)
		}
		for _, f := range formats {
			pf := scalelite.PlaybackFormat{Format: f.Format, URL: f.URL, Length: f.Length, ProcessingTime: f.ProcessingTime}
			for _, th := range f.Thumbnails {
				pf.Thumbnails = append(pf.Thumbnails, scalelite.Thumbnail(th))
			}
			rec.Formats = append(rec.Formats, pf)
		}
		out[i] = rec
	}
	return out, nil
}
