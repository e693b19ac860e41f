package db

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type recordingRow struct {
	bun.BaseModel `bun:"table:recordings,alias:rec"`

	ID             int64      `bun:"id,pk,autoincrement"`
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
	CreatedAt      time.Time  `bun:"created_at"`
	UpdatedAt      time.Time  `bun:"updated_at"`
}

func (r *recordingRow) domain() *scalelite.Recording {
	return &scalelite.Recording{
		ID: r.ID, RecordID: r.RecordID, MeetingID: r.MeetingID, Name: r.Name, State: r.State,
		Published: r.Published, Protected: r.Protected, PublishUpdated: r.PublishUpdated,
		Participants: r.Participants, StartTime: utcPtr(r.StartTime), EndTime: utcPtr(r.EndTime),
		Metadata: map[string]string{}, Formats: []scalelite.PlaybackFormat{},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

type metadataRow struct {
	bun.BaseModel `bun:"table:metadata,alias:md"`

	ID          int64  `bun:"id,pk,autoincrement"`
	RecordingID int64  `bun:"recording_id"`
	Key         string `bun:"key"`
	Value       string `bun:"value"`
}

type formatRow struct {
	bun.BaseModel `bun:"table:playback_formats,alias:pf"`

	ID             int64  `bun:"id,pk,autoincrement"`
	RecordingID    int64  `bun:"recording_id"`
	Format         string `bun:"format"`
	URL            string `bun:"url"`
	Length         int    `bun:"length"`
	ProcessingTime *int   `bun:"processing_time"`
}

type thumbnailRow struct {
	bun.BaseModel `bun:"table:thumbnails,alias:th"`

	ID               int64  `bun:"id,pk,autoincrement"`
	PlaybackFormatID int64  `bun:"playback_format_id"`
	Width            int    `bun:"width"`
	Height           int    `bun:"height"`
	Alt              string `bun:"alt"`
	URL              string `bun:"url"`
	Sequence         int    `bun:"sequence"`
}

type textTrackRow struct {
	bun.BaseModel `bun:"table:text_tracks,alias:tt"`

	ID          int64  `bun:"id,pk,autoincrement"`
	RecordingID int64  `bun:"recording_id"`
	Kind        string `bun:"kind"`
	Lang        string `bun:"lang"`
	Label       string `bun:"label"`
	Source      string `bun:"source"`
	Href        string `bun:"href"`
}

type callbackRow struct {
	bun.BaseModel `bun:"table:callback_data,alias:cb"`

	ID                   int64     `bun:"id,pk,autoincrement"`
	MeetingID            string    `bun:"meeting_id"`
	RecordingID          *int64    `bun:"recording_id"`
	RecordingReadyURL    string    `bun:"recording_ready_url"`
	AnalyticsCallbackURL string    `bun:"analytics_callback_url"`
	TenantID             string    `bun:"tenant_id"`
	CreatedAt            time.Time `bun:"created_at"`
	UpdatedAt            time.Time `bun:"updated_at"`
}
