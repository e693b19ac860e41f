package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/recordings"
)

// updateRecordings is Scalelite's recordings:update: every recording's files go to the tree its
// index says (published or unpublished); see recordings.Service.SyncFiles. Exit status 1 when a
// move failed; files missing from both trees are reported, not an error.
func updateRecordings(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	asJSON := cmd.Bool("json")
	var changes []recordings.FileSync
	sum, err := o.app.recordings().service.SyncFiles(ctx, func(r recordings.FileSync) {
		if asJSON {
			changes = append(changes, r)
			return
		}
		tree := "unpublished"
		if r.Published {
			tree = "published"
		}
		switch r.Action {
		case "moved":
			o.printf("%s/%s: moved to the %s directory\n", r.Format, r.RecordID, tree)
		case "removed-stale-copy":
			o.printf("%s/%s: in both directories; kept the %s copy\n", r.Format, r.RecordID, tree)
		case "missing":
			o.printf("%s/%s: no files in either directory\n", r.Format, r.RecordID)
		case "failed":
			o.printf("%s/%s: FAILED to move to the %s directory: %s\n", r.Format, r.RecordID, tree, r.Error)
		}
	})
	if asJSON {
		if changes == nil {
			changes = []recordings.FileSync{}
		}
		if werr := writeJSON(o.e.stdout, map[string]any{"summary": sum, "changes": changes}); werr != nil {
			return werr
		}
	} else {
		o.printf("Checked %d recording(s): %d moved, %d stale copies removed, %d missing, %d failed\n",
			sum.Recordings, sum.Moved, sum.Removed, sum.Missing, sum.Failed)
	}
	if err != nil {
		return fmt.Errorf("recordings update: %w", err)
	}
	return nil
}
