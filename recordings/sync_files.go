package recordings

import (
	"context"
	"errors"
	"fmt"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// FileSync is what SyncFiles did to one format of one recording.
type FileSync struct {
	RecordID  string `json:"recordID"`
	Format    string `json:"format"`
	Published bool   `json:"published"`
	// Action is "moved" (the files were in the other tree), "removed-stale-copy" (they were in
	// both; the copy in the wrong tree is gone), "missing" (in neither tree) or "failed".
	Action string `json:"action"`
	Error  string `json:"error,omitempty"`
}

// FileSyncSummary counts what SyncFiles did.
type FileSyncSummary struct {
	Recordings int `json:"recordings"`
	Moved      int `json:"moved"`
	Removed    int `json:"removedStaleCopies"`
	Missing    int `json:"missing"`
	Failed     int `json:"failed"`
}

// syncPage is how many recordings SyncFiles reads at a time.
const syncPage = 500

// SyncFiles puts every recording's files (every state but deleted) in the tree its index says:
// RECORDING_PUBLISH_DIR when published, RECORDING_UNPUBLISH_DIR when not. It is Scalelite's
// recordings:update (which moves the files of unpublished recordings out of the publish
// directory) in both directions, for trees that got out of step with the index (an import from
// Scalelite, files copied by hand). Each change is reported to report (may be nil) as it is made;
// formats already in place are not. It goes on past failures and returns them joined.
func (s *Service) SyncFiles(ctx context.Context, report func(FileSync)) (FileSyncSummary, error) {
	var sum FileSyncSummary
	var errs []error
	for offset := 0; ; offset += syncPage {
		recs, _, err := s.store.Recordings(ctx, scalelite.RecordingFilter{Offset: offset, Limit: syncPage})
		if err != nil {
			return sum, fmt.Errorf("list recordings: %w", err)
		}
		for _, listed := range recs {
			sum.Recordings++
			results, err := s.syncRecording(ctx, listed.RecordID)
			if err != nil {
				return sum, err
			}
			for _, r := range results {
				switch r.Action {
				case "moved":
					sum.Moved++
				case "removed-stale-copy":
					sum.Removed++
				case "missing":
					sum.Missing++
				case "failed":
					sum.Failed++
					errs = append(errs, fmt.Errorf("%s/%s: %s", r.Format, r.RecordID, r.Error))
				}
				if report != nil {
					report(r)
				}
			}
		}
		if len(recs) < syncPage {
			return sum, errors.Join(errs...)
		}
	}
}

// syncRecording puts a recording's files in place under its lock, as read again under the lock
// (a publish may have changed it since it was listed). It returns the formats it changed or
// could not; a recording gone meanwhile has nothing to do.
func (s *Service) syncRecording(ctx context.Context, recordID string) ([]FileSync, error) {
	unlock := s.files.Lock(recordID)
	defer unlock()
	rec, err := s.store.Recording(ctx, recordID)
	if scalelite.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recording %s: %w", recordID, err)
	}
	if rec.State == scalelite.RecordingDeleted {
		return nil, nil
	}
	var out []FileSync
	for _, f := range rec.Formats {
		r := FileSync{RecordID: rec.RecordID, Format: f.Format, Published: rec.Published}
		inTarget := exists(s.files.Path(f.Format, rec.RecordID, rec.Published))
		inOther := exists(s.files.Path(f.Format, rec.RecordID, !rec.Published))
		switch {
		case inTarget && !inOther:
			continue
		case !inTarget && !inOther:
			r.Action = "missing"
			out = append(out, r)
			continue
		case inTarget:
			r.Action = "removed-stale-copy"
		default:
			r.Action = "moved"
		}
		if err := s.files.SetPublished(f.Format, rec.RecordID, rec.Published); err != nil {
			r.Action, r.Error = "failed", err.Error()
			s.logger.Error("sync recording files", "record_id", rec.RecordID, "format", f.Format, "err", err)
		}
		out = append(out, r)
	}
	return out, nil
}
