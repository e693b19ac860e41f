//go:build unix

package recordings

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// The importer takes its lease back after Redis restarts (every key gone, every connection
// closed) and goes on importing: archives that arrive afterwards are imported.
func TestImporterResumesAfterRedisRestart(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		srv := testprocs.StartRedis(t)
		locker, err := redisstore.NewLocker(t.Context(), srv.URL(0), "scalelite")
		if err != nil {
			t.Fatal(err)
		}
		defer locker.Close()
		e := newEnv(t, store, func(c *Config) { c.PollInterval = 100 * time.Millisecond })
		im := NewImporter(e.cfg, ImporterDeps{Store: store, Files: e.files, Locker: locker, Logger: testLogger(t)})

		runCtx, cancel := context.WithCancel(ctx())
		done := make(chan error, 1)
		go func() { done <- im.Run(runCtx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		imported := func(r recSpec) bool {
			_, err := store.Recording(ctx(), r.ID)
			return err == nil
		}
		within := func(what string, d time.Duration, cond func() bool) {
			t.Helper()
			deadline := time.Now().Add(d)
			for !cond() {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not within %s", what, d)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		first := recSpec{ID: testRecordID("lease", 1), MeetingID: "lease", Published: true}
		e.spool(first.ID+".tar", buildTar(t, recordingEntries(first, "presentation")))
		within("first archive imported", 30*time.Second, func() bool { return imported(first) })

		srv.Restart()
		// The lease is lost once rueidislock notices (within its validity) and taken again.
		within("lease lost and taken again", 3*redisstore.LockValidity+20*time.Second, func() bool {
			return im.Lease().Losses() >= 1 && im.Lease().Held()
		})
		second := recSpec{ID: testRecordID("lease", 2), MeetingID: "lease", Published: true}
		e.spool(second.ID+".tar", buildTar(t, recordingEntries(second, "presentation")))
		within("archive after the restart imported", 30*time.Second, func() bool { return imported(second) })
		if n := im.Lease().Acquisitions(); n < 2 {
			t.Errorf("%d acquisitions, want at least 2", n)
		}
	})
}
