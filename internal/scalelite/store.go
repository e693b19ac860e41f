package scalelite

import "context"

// Store is everything the SQL system of record provides.
type Store interface {
	ServerStore
	MeetingStore
	DialInStore
	TenantStore
	RecordingStore
	APIKeyStore
	AuditStore
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}
