package scalelite

import (
	"context"
	"time"
)

// Recording states as BBB reports them (plus "deleted" for soft-deleted rows).
const (
	RecordingProcessing  = "processing"
	RecordingProcessed   = "processed"
	RecordingPublished   = "published"
	RecordingUnpublished = "unpublished"
	RecordingDeleted     = "deleted"
	// RecordingNoState is a recording without a state: Scalelite stores null for recordings
	// indexed before it recorded states, or whose metadata.xml had none.
	RecordingNoState = ""
)

// AllRecordingStates returns every state, RecordingNoState and deleted included (getRecordings'
// state=any, and what updateRecordings and deleteRecordings act on).
func AllRecordingStates() []string {
	return []string{RecordingProcessing, RecordingProcessed, RecordingPublished, RecordingUnpublished,
		RecordingDeleted, RecordingNoState}
}

// ListedRecordingStates returns the states getRecordings lists without a state filter and
// publishRecordings acts on: published, unpublished, and recordings without a state (Scalelite's
// published/unpublished scope keeps its null-state rows).
func ListedRecordingStates() []string {
	return []string{RecordingPublished, RecordingUnpublished, RecordingNoState}
}

// Recording is one recorded session with its formats, indexed from metadata.xml.
type Recording struct {
	ID             int64
	RecordID       string
	MeetingID      string // external meeting id
	Name           string
	State          string // RecordingNoState ("") when unknown (Scalelite's null)
	Published      bool
	Protected      bool
	PublishUpdated bool // publish state was changed through the API; imports keep it
	Participants   *int
	StartTime      *time.Time
	EndTime        *time.Time
	Metadata       map[string]string
	Formats        []PlaybackFormat // ordered by format
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PlaybackFormat is one playback of a recording (presentation, video, podcast, ...).
type PlaybackFormat struct {
	Format         string
	URL            string // path plus query, no scheme or host
	Length         int    // minutes
	ProcessingTime *int
	Thumbnails     []Thumbnail // ordered by sequence
}

// Thumbnail is a preview image of a playback format.
type Thumbnail struct {
	Width    int
	Height   int
	Alt      string
	URL      string
	Sequence int
}

// TextTrack is a caption track uploaded with putRecordingTextTrack.
type TextTrack struct {
	RecordID string
	Kind     string // subtitles or captions
	Lang     string // e.g. en-US
	Label    string
	Source   string // "upload" or "live"
	Href     string // path served by the balancer
}

// RecordingFilter selects recordings for getRecordings and the control plane.
type RecordingFilter struct {
	RecordIDPrefixes []string            // OR-ed prefix matches on record_id
	RecordIDs        []string            // exact matches
	MeetingIDs       []string            // exact matches
	States           []string            // empty: any state except deleted
	Meta             map[string][]string // keys AND-ed, values of one key OR-ed
	TenantID         string              // "" = no tenant scoping; else metadata tenant-id must match
	Offset           int
	Limit            int // 0 = no limit
}

// CallbackData holds what a meeting's create asked to be called back with.
type CallbackData struct {
	MeetingID            string
	RecordingID          *int64
	RecordingReadyURL    string
	AnalyticsCallbackURL string
	TenantID             string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// RecordingStore persists the recording index. ENOTFOUND for unknown record ids.
type RecordingStore interface {
	// UpsertRecording writes the recording, its given metadata keys (others are kept), its
	// formats (each replaced with its thumbnails) in one transaction, keyed on RecordID. When
	// the stored row has PublishUpdated, its Published value is kept. It returns the stored row.
	UpsertRecording(ctx context.Context, r *Recording) (*Recording, error)
	Recording(ctx context.Context, recordID string) (*Recording, error)
	// Recordings returns one page of matches ordered by start time (newest first) and the total.
	Recordings(ctx context.Context, f RecordingFilter) ([]*Recording, int, error)
	// SetPublished sets published, publish_updated and state for the recording.
	SetPublished(ctx context.Context, recordID string, published bool) error
	// UpdateMetadata upserts the non-empty values and deletes the keys with empty values.
	UpdateMetadata(ctx context.Context, recordIDs []string, meta map[string]string) error
	SetProtected(ctx context.Context, recordIDs []string, protected bool) error
	// MarkDeleted removes metadata and formats and sets state deleted.
	MarkDeleted(ctx context.Context, recordID string) error
	// AddTenantToRecordings sets metadata tenant-id on every recording that has none; it
	// returns how many changed.
	AddTenantToRecordings(ctx context.Context, tenantID string) (int, error)

	PutTextTrack(ctx context.Context, t TextTrack) error
	TextTracks(ctx context.Context, recordID string) ([]TextTrack, error)

	PutCallbackData(ctx context.Context, c *CallbackData) error
	CallbackData(ctx context.Context, meetingID string) (*CallbackData, error)
}
