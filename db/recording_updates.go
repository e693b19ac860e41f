package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// SetPublished sets published, publish_updated and the matching state; ENOTFOUND when unknown.
func (db *DB) SetPublished(ctx context.Context, recordID string, published bool) error {
	state := scalelite.RecordingUnpublished
	if published {
		state = scalelite.RecordingPublished
	}
	res, err := db.rw.NewUpdate().Model((*recordingRow)(nil)).Where("record_id = ?", recordID).
		Set("published = ?", published).Set("publish_updated = ?", true).Set("state = ?", state).
		Set("updated_at = ?", db.now()).Exec(ctx)
	if err != nil {
		return translate(err, "publish", "recording "+quote(recordID))
	}
	return notFoundIfNone(res, "recording "+quote(recordID))
}

// UpdateMetadata upserts the non-empty values and deletes the keys with empty values on every
// listed recording, in one transaction. ENOTFOUND (and nothing changed) when any id is unknown.
func (db *DB) UpdateMetadata(ctx context.Context, recordIDs []string, meta map[string]string) error {
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids, err := recordingIDs(ctx, tx, recordIDs)
		if err != nil || len(ids) == 0 {
			return err
		}
		set := map[string]string{}
		var del []string
		for k, v := range meta {
			if v == "" {
				del = append(del, k)
			} else {
				set[k] = v
			}
		}
		if err := upsertMetadata(ctx, tx, ids, set); err != nil {
			return err
		}
		if len(del) > 0 {
			_, err := tx.NewDelete().Model((*metadataRow)(nil)).
				Where("recording_id IN (?) AND key IN (?)", inList(ids), inList(del)).Exec(ctx)
			if err != nil {
				return fmt.Errorf("delete metadata: %w", err)
			}
		}
		_, err = tx.NewUpdate().Model((*recordingRow)(nil)).Set("updated_at = ?", db.now()).Where("id IN (?)", inList(ids)).Exec(ctx)
		return err
	})
	return translate(err, "update metadata of", "recordings")
}

// SetProtected sets protected on every listed recording; ENOTFOUND (nothing changed) when any
// id is unknown.
func (db *DB) SetProtected(ctx context.Context, recordIDs []string, protected bool) error {
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids, err := recordingIDs(ctx, tx, recordIDs)
		if err != nil || len(ids) == 0 {
			return err
		}
		_, err = tx.NewUpdate().Model((*recordingRow)(nil)).Set("protected = ?", protected).
			Set("updated_at = ?", db.now()).Where("id IN (?)", inList(ids)).Exec(ctx)
		return err
	})
	return translate(err, "set protected on", "recordings")
}

// MarkDeleted removes the recording's metadata and formats (thumbnails cascade) and sets its
// state to deleted; the row stays. ENOTFOUND when unknown.
func (db *DB) MarkDeleted(ctx context.Context, recordID string) error {
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids, err := recordingIDs(ctx, tx, []string{recordID})
		if err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*metadataRow)(nil)).Where("recording_id = ?", ids[0]).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*formatRow)(nil)).Where("recording_id = ?", ids[0]).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model((*recordingRow)(nil)).Set("state = ?", scalelite.RecordingDeleted).
			Set("updated_at = ?", db.now()).Where("id = ?", ids[0]).Exec(ctx)
		return err
	})
	return translate(err, "delete", "recording "+quote(recordID))
}

// AddTenantToRecordings sets metadata tenant-id on every recording that has none and returns
// how many changed.
func (db *DB) AddTenantToRecordings(ctx context.Context, tenantID string) (int, error) {
	if tenantID == "" {
		return 0, scalelite.Errorf(scalelite.EINVALID, "tenant id must not be empty")
	}
	res, err := db.rw.NewRaw(`INSERT INTO metadata (recording_id, key, value)
SELECT rec.id, ?, ? FROM recordings AS rec
WHERE NOT EXISTS (SELECT 1 FROM metadata AS md WHERE md.recording_id = rec.id AND md.key = ?)`,
		TenantMetaKey, tenantID, TenantMetaKey).Exec(ctx)
	if err != nil {
		return 0, translate(err, "add tenant to", "recordings")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("add tenant to recordings: %w", err)
	}
	return int(n), nil
}

// PutTextTrack stores or replaces the track of (recording, kind, lang); ENOTFOUND for an unknown
// recording.
func (db *DB) PutTextTrack(ctx context.Context, t scalelite.TextTrack) error {
	if t.Kind == "" || t.Lang == "" {
		return scalelite.Errorf(scalelite.EINVALID, "text track needs a kind and a language")
	}
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		ids, err := recordingIDs(ctx, tx, []string{t.RecordID})
		if err != nil {
			return err
		}
		row := &textTrackRow{RecordingID: ids[0], Kind: t.Kind, Lang: t.Lang, Label: t.Label, Source: t.Source, Href: t.Href}
		_, err = tx.NewInsert().Model(row).ExcludeColumn("id").
			On("CONFLICT (recording_id, kind, lang) DO UPDATE").
			Set("label = EXCLUDED.label").Set("source = EXCLUDED.source").Set("href = EXCLUDED.href").Exec(ctx)
		return err
	})
	return translate(err, "put text track of", "recording "+quote(t.RecordID))
}

// TextTracks returns the recording's tracks ordered by kind then language; ENOTFOUND for an
// unknown recording.
func (db *DB) TextTracks(ctx context.Context, recordID string) ([]scalelite.TextTrack, error) {
	ids, err := recordingIDs(ctx, db.ro, []string{recordID})
	if err != nil {
		return nil, translate(err, "list text tracks of", "recording "+quote(recordID))
	}
	var rows []textTrackRow
	if err := db.ro.NewSelect().Model(&rows).Where("recording_id = ?", ids[0]).OrderExpr("kind, lang").Scan(ctx); err != nil {
		return nil, translate(err, "list text tracks of", "recording "+quote(recordID))
	}
	out := make([]scalelite.TextTrack, len(rows))
	for i, r := range rows {
		out[i] = scalelite.TextTrack{RecordID: recordID, Kind: r.Kind, Lang: r.Lang, Label: r.Label, Source: r.Source, Href: r.Href}
	}
	return out, nil
}

// PutCallbackData stores or replaces the callback data of c.MeetingID and fills its times.
// ENOTFOUND when RecordingID names no recording.
func (db *DB) PutCallbackData(ctx context.Context, c *scalelite.CallbackData) error {
	if c.MeetingID == "" {
		return scalelite.Errorf(scalelite.EINVALID, "callback data needs a meeting id")
	}
	now := db.now()
	row := &callbackRow{MeetingID: c.MeetingID, RecordingID: c.RecordingID, RecordingReadyURL: c.RecordingReadyURL,
		AnalyticsCallbackURL: c.AnalyticsCallbackURL, TenantID: c.TenantID, CreatedAt: now, UpdatedAt: now}
	_, err := db.rw.NewInsert().Model(row).ExcludeColumn("id").
		On("CONFLICT (meeting_id) DO UPDATE").
		Set("recording_id = EXCLUDED.recording_id").
		Set("recording_ready_url = EXCLUDED.recording_ready_url").
		Set("analytics_callback_url = EXCLUDED.analytics_callback_url").
		Set("tenant_id = EXCLUDED.tenant_id").
		Set("updated_at = EXCLUDED.updated_at").
		Returning("created_at, updated_at").Exec(ctx)
	if err != nil {
		return translate(err, "put callback data of", "meeting "+quote(c.MeetingID))
	}
	c.CreatedAt, c.UpdatedAt = row.CreatedAt.UTC(), row.UpdatedAt.UTC()
	return nil
}

// CallbackData returns the callback data of a meeting; ENOTFOUND when none.
func (db *DB) CallbackData(ctx context.Context, meetingID string) (*scalelite.CallbackData, error) {
	var r callbackRow
	if err := db.ro.NewSelect().Model(&r).Where("meeting_id = ?", meetingID).Scan(ctx); err != nil {
		return nil, translate(err, "get", "callback data of meeting "+quote(meetingID))
	}
	return &scalelite.CallbackData{MeetingID: r.MeetingID, RecordingID: r.RecordingID, RecordingReadyURL: r.RecordingReadyURL,
		AnalyticsCallbackURL: r.AnalyticsCallbackURL, TenantID: r.TenantID,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}, nil
}
