package db

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TenantMetaKey is the metadatum that ties a recording to a tenant.
const TenantMetaKey = "tenant-id"

// UpsertRecording writes r keyed on RecordID in one transaction: the recording row, the given
// metadata keys (others are kept), and each given format with its thumbnails replaced (other
// formats are kept). When the stored row has PublishUpdated, its Published value is kept, and so
// is the matching published/unpublished state. It returns the stored recording.
func (db *DB) UpsertRecording(ctx context.Context, r *scalelite.Recording) (*scalelite.Recording, error) {
	if r.RecordID == "" || r.MeetingID == "" {
		return nil, scalelite.Errorf(scalelite.EINVALID, "recording needs a record id and a meeting id")
	}
	var out *scalelite.Recording
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := db.now()
		var id int64
		err := tx.NewRaw(`INSERT INTO recordings AS rec
	(record_id, meeting_id, name, state, published, protected, publish_updated, participants, starttime, endtime, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (record_id) DO UPDATE SET
	meeting_id = EXCLUDED.meeting_id,
	name = EXCLUDED.name,
	state = CASE WHEN rec.publish_updated AND EXCLUDED.state IN ('published', 'unpublished')
		THEN CASE WHEN rec.published THEN 'published' ELSE 'unpublished' END
		ELSE EXCLUDED.state END,
	published = CASE WHEN rec.publish_updated THEN rec.published ELSE EXCLUDED.published END,
	protected = EXCLUDED.protected,
	participants = EXCLUDED.participants,
	starttime = EXCLUDED.starttime,
	endtime = EXCLUDED.endtime,
	updated_at = EXCLUDED.updated_at
RETURNING id`,
			r.RecordID, r.MeetingID, r.Name, r.State, r.Published, r.Protected, r.PublishUpdated,
			r.Participants, utcPtr(r.StartTime), utcPtr(r.EndTime), now, now).Scan(ctx, &id)
		if err != nil {
			return fmt.Errorf("upsert row: %w", err)
		}
		if err := upsertMetadata(ctx, tx, []int64{id}, r.Metadata); err != nil {
			return err
		}
		for _, f := range r.Formats {
			if err := replaceFormat(ctx, tx, id, f); err != nil {
				return err
			}
		}
		list, err := db.loadRecordings(ctx, tx, recordingByID(tx, id))
		if err != nil {
			return err
		}
		out = list[0]
		return nil
	})
	if err != nil {
		return nil, translate(err, "upsert", "recording "+quote(r.RecordID))
	}
	return out, nil
}

// upsertMetadata writes the non-empty values of meta on every recording.
func upsertMetadata(ctx context.Context, tx bun.IDB, recordingIDs []int64, meta map[string]string) error {
	var rows []metadataRow
	for _, rid := range recordingIDs {
		for _, k := range sortedKeys(meta) {
			rows = append(rows, metadataRow{RecordingID: rid, Key: k, Value: meta[k]})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&rows).ExcludeColumn("id").
		On("CONFLICT (recording_id, key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx)
	if err != nil {
		return fmt.Errorf("upsert metadata: %w", err)
	}
	return nil
}

func replaceFormat(ctx context.Context, tx bun.Tx, recordingID int64, f scalelite.PlaybackFormat) error {
	if f.Format == "" {
		return scalelite.Errorf(scalelite.EINVALID, "playback format without a name")
	}
	var fid int64
	err := tx.NewRaw(`INSERT INTO playback_formats (recording_id, format, url, length, processing_time)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (recording_id, format) DO UPDATE SET
	url = EXCLUDED.url, length = EXCLUDED.length, processing_time = EXCLUDED.processing_time
RETURNING id`, recordingID, f.Format, f.URL, f.Length, f.ProcessingTime).Scan(ctx, &fid)
	if err != nil {
		return fmt.Errorf("upsert format %s: %w", f.Format, err)
	}
	if _, err := tx.NewDelete().Model((*thumbnailRow)(nil)).Where("playback_format_id = ?", fid).Exec(ctx); err != nil {
		return fmt.Errorf("replace thumbnails of %s: %w", f.Format, err)
	}
	if len(f.Thumbnails) == 0 {
		return nil
	}
	rows := make([]thumbnailRow, len(f.Thumbnails))
	for i, th := range f.Thumbnails {
		rows[i] = thumbnailRow{PlaybackFormatID: fid, Width: th.Width, Height: th.Height, Alt: th.Alt, URL: th.URL, Sequence: th.Sequence}
	}
	if _, err := tx.NewInsert().Model(&rows).ExcludeColumn("id").Exec(ctx); err != nil {
		return fmt.Errorf("insert thumbnails of %s: %w", f.Format, err)
	}
	return nil
}

// withChildren loads the metadata, formats and thumbnails of rows with three batched queries
// (the SQLite way; see loadRecordings). The order of rows is kept.
func withChildren(ctx context.Context, idb bun.IDB, rows []recordingRow) ([]*scalelite.Recording, error) {
	if len(rows) == 0 {
		return []*scalelite.Recording{}, nil
	}
	out := make([]*scalelite.Recording, len(rows))
	byID := make(map[int64]*scalelite.Recording, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
		byID[rows[i].ID] = out[i]
		ids[i] = rows[i].ID
	}

	var meta []metadataRow
	if err := idb.NewSelect().Model(&meta).Where("recording_id IN (?)", inList(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load metadata: %w", err)
	}
	for _, m := range meta {
		byID[m.RecordingID].Metadata[m.Key] = m.Value
	}

	var formats []formatRow
	err := idb.NewSelect().Model(&formats).Where("recording_id IN (?)", inList(ids)).OrderExpr("recording_id, format").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load formats: %w", err)
	}
	if len(formats) == 0 {
		return out, nil
	}
	fids := make([]int64, len(formats))
	for i, f := range formats {
		fids[i] = f.ID
	}
	var thumbs []thumbnailRow
	err = idb.NewSelect().Model(&thumbs).Where("playback_format_id IN (?)", inList(fids)).OrderExpr("playback_format_id, sequence, id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("load thumbnails: %w", err)
	}
	thumbsOf := make(map[int64][]scalelite.Thumbnail)
	for _, th := range thumbs {
		thumbsOf[th.PlaybackFormatID] = append(thumbsOf[th.PlaybackFormatID],
			scalelite.Thumbnail{Width: th.Width, Height: th.Height, Alt: th.Alt, URL: th.URL, Sequence: th.Sequence})
	}
	for _, f := range formats {
		rec := byID[f.RecordingID]
		rec.Formats = append(rec.Formats, scalelite.PlaybackFormat{Format: f.Format, URL: f.URL, Length: f.Length,
			ProcessingTime: f.ProcessingTime, Thumbnails: thumbsOf[f.ID]})
	}
	return out, nil
}

// Recording returns one recording (any state) with its children; ENOTFOUND when unknown.
func (db *DB) Recording(ctx context.Context, recordID string) (*scalelite.Recording, error) {
	list, err := db.loadRecordings(ctx, db.ro, recordingByRecordID(db.ro, recordID))
	if err != nil {
		return nil, translate(err, "get", "recording "+quote(recordID))
	}
	if len(list) == 0 {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "recording %q not found", recordID)
	}
	return list[0], nil
}

// metaMatch is how applyRecordingFilter writes meta and tenant filters (the same matches).
type metaMatch int

const (
	// metaExists probes the metadata index for each candidate row (EXISTS): for pages, which
	// walk the start-time index and stop at the limit, and whenever another filter (meeting ids,
	// record ids, prefixes) selects the candidates.
	metaExists metaMatch = iota
	// metaIn selects the matching recording ids from the metadata index (rec.id IN (SELECT ...)),
	// so that they drive the query (SQLite does not turn EXISTS around; PostgreSQL plans both
	// alike): for counts narrowed by meta or tenant filters only.
	metaIn
)

func applyRecordingFilter(q *bun.SelectQuery, f scalelite.RecordingFilter, m metaMatch) *bun.SelectQuery {
	if len(f.RecordIDPrefixes) > 0 {
		q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, p := range f.RecordIDPrefixes {
				if hi, ok := prefixUpperBound(p); ok {
					q.WhereOr("(rec.record_id >= ? AND rec.record_id < ?)", p, hi)
				} else if p == "" {
					q.WhereOr("TRUE")
				} else {
					q.WhereOr("substr(rec.record_id, 1, length(?)) = ?", p, p)
				}
			}
			return q
		})
	}
	if len(f.RecordIDs) > 0 {
		q.Where("rec.record_id IN (?)", inList(f.RecordIDs))
	}
	if len(f.MeetingIDs) > 0 {
		q.Where("rec.meeting_id IN (?)", inList(f.MeetingIDs))
	}
	if len(f.States) > 0 {
		q.Where("rec.state IN (?)", inList(f.States))
	} else {
		q.Where("rec.state <> ?", scalelite.RecordingDeleted)
	}
	metadataHas := func(cond string, args ...any) {
		if m == metaIn {
			q.Where("rec.id IN (SELECT md.recording_id FROM metadata AS md WHERE "+cond+")", args...)
		} else {
			q.Where("EXISTS (SELECT 1 FROM metadata AS md WHERE md.recording_id = rec.id AND "+cond+")", args...)
		}
	}
	for _, k := range sortedKeys(f.Meta) {
		if vals := f.Meta[k]; len(vals) > 0 {
			metadataHas("md.key = ? AND md.value IN (?)", k, inList(vals))
		} else {
			metadataHas("md.key = ?", k)
		}
	}
	if f.TenantID != "" {
		metadataHas("md.key = ? AND md.value = ?", TenantMetaKey, f.TenantID)
	}
	return q
}

// prefixUpperBound returns the smallest string greater than every string starting with p, for
// a range scan on a byte-ordered (C/BINARY) column. ok is false when p is empty or not plain
// ASCII (the caller then matches with substr, without an index).
func prefixUpperBound(p string) (string, bool) {
	if p == "" {
		return "", false
	}
	for i := 0; i < len(p); i++ {
		if p[i] == 0 || p[i] >= 0x7f {
			return "", false
		}
	}
	b := []byte(p)
	b[len(b)-1]++
	return string(b), true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// recordingIDs returns the row ids of the record ids, ENOTFOUND when any is unknown.
func recordingIDs(ctx context.Context, idb bun.IDB, recordIDs []string) ([]int64, error) {
	if len(recordIDs) == 0 {
		return nil, nil
	}
	var rows []recordingRow
	if err := idb.NewSelect().Model(&rows).Column("id", "record_id").Where("record_id IN (?)", inList(recordIDs)).Scan(ctx); err != nil {
		return nil, err
	}
	found := make(map[string]bool, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		found[r.RecordID] = true
		ids[i] = r.ID
	}
	var missing []string
	for _, id := range recordIDs {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "recordings not found: %s", strings.Join(missing, ", "))
	}
	return ids, nil
}
