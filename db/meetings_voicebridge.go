package db

import (
	"context"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// MeetingByVoiceBridge returns the running meeting with this voice bridge (any tenant); ENOTFOUND
// when none runs. It is served by the unique index on the voice bridges of running meetings.
func (db *DB) MeetingByVoiceBridge(ctx context.Context, voiceBridge string) (*scalelite.Meeting, error) {
	var row meetingRow
	err := db.ro.NewSelect().Model(&row).Where("voice_bridge = ? AND ended_at IS NULL", voiceBridge).Scan(ctx)
	if err != nil {
		return nil, translate(err, "get", "meeting with voice bridge "+quote(voiceBridge))
	}
	return row.domain(), nil
}

var _ scalelite.DialInStore = (*DB)(nil)
