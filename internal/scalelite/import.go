package scalelite

import "context"

// ImportedCallback is a meeting's callback data as another balancer (Scalelite) kept it, its
// recording named by record id ("" when none yet).
type ImportedCallback struct {
	MeetingID            string
	RecordID             string
	RecordingReadyURL    string
	AnalyticsCallbackURL string
	TenantID             string
}

// ImportStore writes what an import from Scalelite brings, keeping Scalelite's ids. Servers and
// tenants go through ServerStore and TenantStore; these are the writes no other path makes.
type ImportStore interface {
	// ImportMeeting inserts m as a running meeting another balancer placed: no create
	// parameters, no load reservation. With replace, a running meeting with the same MeetingID
	// is ended in the same transaction. ECONFLICT when the MeetingID (without replace) or the
	// voice bridge is taken by a running meeting.
	ImportMeeting(ctx context.Context, m *Meeting, replace bool) error
	// ImportRecordings inserts add (new record ids) and rewrites replace (record ids already
	// stored: the row keeps its id, text tracks and callback link; metadata and formats are
	// replaced) in one transaction.
	ImportRecordings(ctx context.Context, add, replace []*Recording) error
	// ImportedCallbacks returns the stored callback data of these meetings, keyed by meeting id.
	ImportedCallbacks(ctx context.Context, meetingIDs []string) (map[string]ImportedCallback, error)
	// ImportCallbacks stores each callback (replacing the meeting's), linked to the recording
	// of its RecordID when that is stored, in one transaction.
	ImportCallbacks(ctx context.Context, cbs []ImportedCallback) error
}

// ScaleliteCallback is a row of Scalelite's callback_data as stored: Attributes is the hash Rails
// serialised (YAML), RecordID and TenantID are those of the linked recording ("" when none).
type ScaleliteCallback struct {
	ID         int64
	MeetingID  string
	RecordID   string
	TenantID   string
	Attributes string
}
