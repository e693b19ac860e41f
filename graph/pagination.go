package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Page sizes of the connections.
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// pageSize validates first: 0 to maxPageSize, default defaultPageSize.
func pageSize(first *int) (int, error) {
	if first == nil {
		return defaultPageSize, nil
	}
	if *first < 0 || *first > maxPageSize {
		return 0, scalelite.Errorf(scalelite.EINVALID, "first must be between 0 and %d", maxPageSize)
	}
	return *first, nil
}

// Cursors are opaque to clients: base64 of "<kind>:<position>". The kind stops a cursor of one
// connection from being used with another.
func encodeCursor(kind string, pos int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(pos, 10)))
}

// decodeCursor returns the position of after (0 when nil); a malformed or foreign cursor is
// EINVALID.
func decodeCursor(kind string, after *string) (int64, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err == nil {
		if k, pos, ok := strings.Cut(string(raw), ":"); ok && k == kind {
			if n, err := strconv.ParseInt(pos, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, scalelite.Errorf(scalelite.EINVALID, "Invalid cursor %q", *after)
}

func pageInfo(hasNext bool, endCursor string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext}
	if endCursor != "" {
		info.EndCursor = &endCursor
	}
	return info
}

// Cursor kinds.
const (
	meetingCursor   = "meeting"   // position: the meeting's row id (keyset)
	recordingCursor = "recording" // position: the offset after the edge
	auditCursor     = "audit"     // position: the entry's id (the log runs newest first)
)
