package recordings

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// With the watcher on, an archive moved into the spool after Run's first round is imported at
// once, long before the next periodic rescan (an hour here).
func TestRunImportsArrivalsAtOnce(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, func(c *Config) { c.Inotify = true })
		imported := func(meetingID string) func() bool {
			return func() bool {
				recs, _, _ := store.Recordings(ctx(), scalelite.RecordingFilter{MeetingIDs: []string{meetingID}})
				return len(recs) == 1
			}
		}
		first := recSpec{ID: testRecordID("watch-a", 1), MeetingID: "watch-a", Published: true}
		e.spool(first.ID+".tar", buildTar(t, recordingEntries(first, "presentation")))
		runCtx, cancel := context.WithCancel(ctx())
		done := make(chan error, 1)
		go func() { done <- e.im.Run(runCtx) }()
		waitFor(t, imported("watch-a")) // the first round is over, the watcher is on

		second := recSpec{ID: testRecordID("watch-b", 2), MeetingID: "watch-b", Published: true}
		outside := filepath.Join(t.TempDir(), second.ID+".tar")
		if err := os.WriteFile(outside, buildTar(t, recordingEntries(second, "presentation")), 0o644); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Minute)
		os.Chtimes(outside, old, old)
		if err := os.Rename(outside, filepath.Join(e.cfg.SpoolDir, filepath.Base(outside))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, imported("watch-b"))
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
