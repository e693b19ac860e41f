package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// ScaleliteSource reads Scalelite's PostgreSQL database (its recording index and callback data)
// for an import. It only reads: the session is read-only (default_transaction_read_only) and
// every query runs in one REPEATABLE READ READ ONLY transaction, so the import sees one
// consistent snapshot while Scalelite keeps running. Columns added by later Scalelite releases
// (protected, publish_updated) read as false when the database predates them, and a database
// without callback_data has no callback data.
type ScaleliteSource struct {
	db   *bun.DB
	tx   bun.Tx
	cols map[string]bool // columns of recordings
	// hasCallbacks reports whether callback_data exists.
	hasCallbacks bool
}

// OpenScaleliteSource connects to Scalelite's database (a postgres:// or postgresql:// URL) and
// checks it holds Scalelite's recordings table.
func OpenScaleliteSource(ctx context.Context, dsn string) (_ *ScaleliteSource, err error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, scalelite.Errorf(scalelite.EINVALID, "Scalelite's database URL %q: want postgres:// or postgresql://", scalelite.RedactURL(dsn))
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, scalelite.Errorf(scalelite.EINVALID, "Scalelite's database URL %q: %v", scalelite.RedactURL(dsn), err)
	}
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["application_name"] = "scalelite import-scalelite"
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(1)
	s := &ScaleliteSource{db: bun.NewDB(sqldb, pgdialect.New())}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.tx, err = s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}); err != nil {
		return nil, fmt.Errorf("connect to Scalelite's database %s: %w", scalelite.RedactURL(dsn), err)
	}
	var cols []string
	err = s.tx.NewRaw(`SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'recordings'`).Scan(ctx, &cols)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's schema: %w", err)
	}
	s.cols = map[string]bool{}
	for _, c := range cols {
		s.cols[c] = true
	}
	for _, c := range []string{"id", "record_id", "meeting_id", "published"} {
		if !s.cols[c] {
			return nil, scalelite.Errorf(scalelite.EINVALID, "%s does not hold Scalelite's recordings table (no column %s)", scalelite.RedactURL(dsn), c)
		}
	}
	var ours bool
	err = s.tx.NewRaw("SELECT to_regclass('callback_data') IS NOT NULL, to_regclass('"+MigrationsTable+"') IS NOT NULL").Scan(ctx, &s.hasCallbacks, &ours)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's schema: %w", err)
	}
	if ours {
		return nil, scalelite.Errorf(scalelite.EINVALID, "%s is a database of this balancer, not Scalelite's: give --database Scalelite's DATABASE_URL", scalelite.RedactURL(dsn))
	}
	return s, nil
}

// Close ends the snapshot and the connection.
func (s *ScaleliteSource) Close() error {
	if s.tx.Tx != nil {
		_ = s.tx.Rollback()
	}
	return s.db.Close()
}

// CountRecordings returns the number of recordings, deleted ones included.
func (s *ScaleliteSource) CountRecordings(ctx context.Context) (int, error) {
	var n int
	if err := s.tx.NewRaw("SELECT count(*) FROM recordings").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("count Scalelite's recordings: %w", err)
	}
	return n, nil
}

// column selects a recordings column, or a default when the database predates it.
func (s *ScaleliteSource) column(name, def string) string {
	if s.cols[name] {
		return "r." + name
	}
	return def + " AS " + name
}

type scaleliteRecordingRow struct {
	ID             int64      `bun:"id"`
	RecordID       string     `bun:"record_id"`
	MeetingID      string     `bun:"meeting_id"`
	Name           string     `bun:"name"`
	State          string     `bun:"state"`
	Published      bool       `bun:"published"`
	Protected      bool       `bun:"protected"`
	PublishUpdated bool       `bun:"publish_updated"`
	Participants   *int       `bun:"participants"`
	StartTime      *time.Time `bun:"starttime"`
	EndTime        *time.Time `bun:"endtime"`
}

// Recordings returns up to limit recordings with ids above afterID in id order, with their
// metadata, formats (by name) and thumbnails (by sequence). Each Recording's ID is Scalelite's
// row id; a null state reads as scalelite.RecordingNoState.
func (s *ScaleliteSource) Recordings(ctx context.Context, afterID int64, limit int) ([]*scalelite.Recording, error) {
	var rows []scaleliteRecordingRow
	err := s.tx.NewRaw(`SELECT r.id, r.record_id, r.meeting_id, coalesce(r.name, '') AS name, coalesce(r.state, '') AS state,
	r.published, `+s.column("protected", "false")+`, `+s.column("publish_updated", "false")+`,
	`+s.column("participants", "NULL::int")+`, `+s.column("starttime", "NULL::timestamp")+`, `+s.column("endtime", "NULL::timestamp")+`
FROM recordings AS r WHERE r.id > ? ORDER BY r.id LIMIT ?`, afterID, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's recordings: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out := make([]*scalelite.Recording, len(rows))
	byID := make(map[int64]*scalelite.Recording, len(rows))
	for i, r := range rows {
		rec := &scalelite.Recording{ID: r.ID, RecordID: r.RecordID, MeetingID: r.MeetingID, Name: r.Name, State: r.State,
			Published: r.Published, Protected: r.Protected, PublishUpdated: r.PublishUpdated, Participants: r.Participants,
			StartTime: asUTC(r.StartTime), EndTime: asUTC(r.EndTime), Metadata: map[string]string{}, Formats: []scalelite.PlaybackFormat{}}
		out[i], byID[r.ID] = rec, rec
	}
	lo, hi := rows[0].ID, rows[len(rows)-1].ID

	var meta []struct {
		RecordingID int64  `bun:"recording_id"`
		Key         string `bun:"key"`
		Value       string `bun:"value"`
	}
	err = s.tx.NewRaw(`SELECT recording_id, coalesce(key, '') AS key, coalesce(value, '') AS value FROM metadata
WHERE recording_id BETWEEN ? AND ? ORDER BY id`, lo, hi).Scan(ctx, &meta)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's metadata: %w", err)
	}
	for _, m := range meta {
		if rec := byID[m.RecordingID]; rec != nil {
			rec.Metadata[m.Key] = m.Value
		}
	}

	var formats []struct {
		ID             int64  `bun:"id"`
		RecordingID    int64  `bun:"recording_id"`
		Format         string `bun:"format"`
		URL            string `bun:"url"`
		Length         int    `bun:"length"`
		ProcessingTime *int   `bun:"processing_time"`
	}
	err = s.tx.NewRaw(`SELECT id, recording_id, coalesce(format, '') AS format, coalesce(url, '') AS url,
	coalesce(length, 0) AS length, processing_time
FROM playback_formats WHERE recording_id BETWEEN ? AND ? ORDER BY recording_id, format, id`, lo, hi).Scan(ctx, &formats)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's playback formats: %w", err)
	}
	if len(formats) == 0 {
		return out, nil
	}
	var thumbs []struct {
		FormatID int64  `bun:"playback_format_id"`
		Width    int    `bun:"width"`
		Height   int    `bun:"height"`
		Alt      string `bun:"alt"`
		URL      string `bun:"url"`
		Sequence int    `bun:"sequence"`
	}
	fids := make([]int64, len(formats))
	for i, f := range formats {
		fids[i] = f.ID
	}
	err = s.tx.NewRaw(`SELECT playback_format_id, coalesce(width, 0) AS width, coalesce(height, 0) AS height,
	coalesce(alt, '') AS alt, coalesce(url, '') AS url, coalesce(sequence, 0) AS sequence
FROM thumbnails WHERE playback_format_id IN (?) ORDER BY playback_format_id, sequence, id`, bun.In(fids)).Scan(ctx, &thumbs)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's thumbnails: %w", err)
	}
	thumbsOf := map[int64][]scalelite.Thumbnail{}
	for _, th := range thumbs {
		thumbsOf[th.FormatID] = append(thumbsOf[th.FormatID], scalelite.Thumbnail{Width: th.Width, Height: th.Height, Alt: th.Alt, URL: th.URL, Sequence: th.Sequence})
	}
	for _, f := range formats {
		if rec := byID[f.RecordingID]; rec != nil {
			rec.Formats = append(rec.Formats, scalelite.PlaybackFormat{Format: f.Format, URL: f.URL, Length: f.Length,
				ProcessingTime: f.ProcessingTime, Thumbnails: thumbsOf[f.ID]})
		}
	}
	return out, nil
}

// asUTC reads a timestamp without time zone (Rails stores UTC) as UTC.
func asUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC).Truncate(time.Microsecond)
	return &u
}

// CountCallbacks returns the number of callback_data rows.
func (s *ScaleliteSource) CountCallbacks(ctx context.Context) (int, error) {
	if !s.hasCallbacks {
		return 0, nil
	}
	var n int
	if err := s.tx.NewRaw("SELECT count(*) FROM callback_data").Scan(ctx, &n); err != nil {
		return 0, fmt.Errorf("count Scalelite's callback data: %w", err)
	}
	return n, nil
}

// Callbacks returns up to limit callback_data rows with ids above afterID in id order, with the
// record id and tenant-id metadatum of the linked recording.
func (s *ScaleliteSource) Callbacks(ctx context.Context, afterID int64, limit int) ([]scalelite.ScaleliteCallback, error) {
	if !s.hasCallbacks {
		return nil, nil
	}
	var rows []scalelite.ScaleliteCallback
	err := s.tx.NewRaw(`SELECT cb.id, coalesce(cb.meeting_id, '') AS meeting_id, coalesce(r.record_id, '') AS record_id,
	coalesce(md.value, '') AS tenant_id, coalesce(cb.callback_attributes, '') AS attributes
FROM callback_data AS cb
LEFT JOIN recordings AS r ON r.id = cb.recording_id
LEFT JOIN metadata AS md ON md.recording_id = r.id AND md.key = 'tenant-id'
WHERE cb.id > ? ORDER BY cb.id LIMIT ?`, afterID, limit).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read Scalelite's callback data: %w", err)
	}
	return rows, nil
}
