package recordings

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestImportSeveralFormats(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		r := recSpec{ID: testRecordID("m1", 1), MeetingID: "meeting-1", Name: "Room 1", Published: true,
			Meta: map[string]string{"bbb-origin": "greenlight", "gl-listed": "false"}}
		path := e.spool(r.ID+".tar", buildTar(t, recordingEntries(r, "presentation", "video", "podcast")))
		if err := e.im.ImportFile(ctx(), path); err != nil {
			t.Fatal(err)
		}
		mustNotExist(t, path)
		mustNotExist(t, filepath.Join(e.cfg.SpoolDir, claimDir, r.ID+".tar"))
		rec, err := store.Recording(ctx(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.MeetingID != "meeting-1" || rec.Name != "Room 1" || !rec.Published || rec.Protected || rec.State != "published" {
			t.Fatalf("recording row: %+v", rec)
		}
		if got := len(rec.Formats); got != 3 {
			t.Fatalf("formats: got %d, want 3", got)
		}
		if rec.Metadata["bbb-origin"] != "greenlight" || rec.Metadata["gl-listed"] != "false" {
			t.Fatalf("metadata: %v", rec.Metadata)
		}
		for _, f := range rec.Formats {
			if f.Format == "presentation" && len(f.Thumbnails) != 2 {
				t.Fatalf("presentation thumbnails: %d", len(f.Thumbnails))
			}
			if f.Length != 31 {
				t.Fatalf("length: got %d, want 31", f.Length)
			}
			mustExist(t, filepath.Join(e.cfg.PublishDir, f.Format, r.ID, "metadata.xml"))
			mustNotExist(t, filepath.Join(e.cfg.UnpublishDir, f.Format, r.ID))
		}
		mustExist(t, filepath.Join(e.cfg.PublishDir, "presentation", r.ID, "video", "webcams.webm"))
		if left, _ := filepath.Glob(filepath.Join(e.cfg.WorkDir, "*")); len(left) != 0 {
			t.Fatalf("work dir not cleaned: %v", left)
		}
	})
}

func TestImportOptions(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		t.Run("unpublished import", func(t *testing.T) {
			e := newEnv(t, store, func(c *Config) { c.ImportUnpublished = true; c.Protected = true })
			r := recSpec{ID: testRecordID("opt", 1), MeetingID: "opt", Published: true}
			if err := e.im.ImportFile(ctx(), e.spool("a.tar.gz", gzipped(t, buildTar(t, recordingEntries(r, "presentation"))))); err != nil {
				t.Fatal(err)
			}
			rec, _ := store.Recording(ctx(), r.ID)
			if rec.Published || !rec.Protected {
				t.Fatalf("published %v protected %v, want false true", rec.Published, rec.Protected)
			}
			mustExist(t, filepath.Join(e.cfg.UnpublishDir, "presentation", r.ID, "metadata.xml"))
			mustNotExist(t, filepath.Join(e.cfg.PublishDir, "presentation", r.ID))
		})
		t.Run("metadata says unpublished", func(t *testing.T) {
			e := newEnv(t, store, nil)
			r := recSpec{ID: testRecordID("opt", 2), MeetingID: "opt", State: "unpublished"}
			if err := e.im.ImportFile(ctx(), e.spool("b.tar", buildTar(t, recordingEntries(r, "video")))); err != nil {
				t.Fatal(err)
			}
			mustExist(t, filepath.Join(e.cfg.UnpublishDir, "video", r.ID))
		})
	})
}

// A re-import refreshes the index and the files; an unpublish made through the API survives it
// (unlike Scalelite), and so does a protect flag set through the API.
func TestReimport(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		svc := NewService(ServiceDeps{Store: store, Files: e.files})
		r := recSpec{ID: testRecordID("re", 1), MeetingID: "re", Name: "First", Published: true, Meta: map[string]string{"a": "1"}}
		archive := buildTar(t, recordingEntries(r, "presentation"))
		if err := e.im.ImportFile(ctx(), e.spool("x.tar", archive)); err != nil {
			t.Fatal(err)
		}
		if err := svc.Publish(ctx(), "", []string{r.ID}, false); err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := svc.Update(ctx(), "", []string{r.ID}, nil, &yes); err != nil {
			t.Fatal(err)
		}
		mustExist(t, filepath.Join(e.cfg.UnpublishDir, "presentation", r.ID))

		r.Name = "Second"
		r.Meta = map[string]string{"b": "2"}
		archive = buildTar(t, recordingEntries(r, "presentation", "video"))
		if err := e.im.ImportFile(ctx(), e.spool("x.tar", archive)); err != nil {
			t.Fatal(err)
		}
		rec, _ := store.Recording(ctx(), r.ID)
		if rec.Published || rec.State != "unpublished" || !rec.Protected {
			t.Fatalf("after re-import: published %v state %q protected %v", rec.Published, rec.State, rec.Protected)
		}
		if rec.Name != "Second" || rec.Metadata["a"] != "1" || rec.Metadata["b"] != "2" || len(rec.Formats) != 2 {
			t.Fatalf("after re-import: %+v", rec)
		}
		for _, f := range []string{"presentation", "video"} {
			mustExist(t, filepath.Join(e.cfg.UnpublishDir, f, r.ID, "metadata.xml"))
			mustNotExist(t, filepath.Join(e.cfg.PublishDir, f, r.ID))
		}
		if left, _ := filepath.Glob(filepath.Join(e.cfg.UnpublishDir, "*", ".*")); len(left) != 0 {
			t.Fatalf("staging leftovers: %v", left)
		}
	})
}

func TestImportFailuresGoToFailedDir(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		good := recSpec{ID: testRecordID("f", 1), MeetingID: "f"}
		tests := []struct {
			name  string
			data  []byte
			retry string
		}{
			{"hostile", buildTar(t, []tarEntry{{Name: "../../escape.txt", Body: "x"}}), "no"},
			{"truncated", buildTar(t, recordingEntries(good, "presentation"))[:2000], "no"},
			{"no metadata", buildTar(t, []tarEntry{{Name: "presentation/" + good.ID + "/index.html", Body: "x"}}), "no"},
			{"bad metadata", buildTar(t, []tarEntry{{Name: "presentation/" + good.ID + "/metadata.xml", Body: "<nope"}}), "no"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				name := strings.ReplaceAll(tc.name, " ", "-") + ".tar"
				path := e.spool(name, tc.data)
				if err := e.im.ImportFile(ctx(), path); err == nil {
					t.Fatal("import succeeded")
				}
				mustNotExist(t, path)
				failed := filepath.Join(e.cfg.FailedDir, name)
				mustExist(t, failed)
				f, err := readFailure(failed + ".reason")
				if err != nil || f.Reason == "" || f.Attempts != 1 {
					t.Fatalf("reason file: %+v %v", f, err)
				}
				if got := map[bool]string{true: "yes", false: "no"}[f.Retry]; got != tc.retry {
					t.Fatalf("retry: got %s want %s", got, tc.retry)
				}
			})
		}
		mustNotExist(t, filepath.Join(filepath.Dir(e.cfg.SpoolDir), "escape.txt"))
	})
}

// One bad format does not stop the good ones, but the archive is kept for the operator.
func TestImportPartialArchive(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		r := recSpec{ID: testRecordID("p", 1), MeetingID: "p", Published: true}
		es := append(recordingEntries(r, "presentation"),
			tarEntry{Name: "video/" + r.ID + "/metadata.xml", Body: "<recording><broken"})
		path := e.spool("p.tar", buildTar(t, es))
		if err := e.im.ImportFile(ctx(), path); err == nil {
			t.Fatal("want an error for the broken format")
		}
		rec, err := store.Recording(ctx(), r.ID)
		if err != nil || len(rec.Formats) != 1 {
			t.Fatalf("good format not imported: %v %v", rec, err)
		}
		mustExist(t, filepath.Join(e.cfg.FailedDir, "p.tar"))
	})
}

// With the database down the archive is kept in the failed dir (to be retried), and a retry
// with a working database imports it and removes it with its reason file.
func TestImportDatabaseDown(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
			if dialect == "postgres" {
				dsn = dbtest.PostgresDSN(t)
			}
			down, err := db.Open(ctx(), dsn, testLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			if err := down.Migrate(ctx(), "up"); err != nil {
				t.Fatal(err)
			}
			down.Close()

			e := newEnv(t, down, nil)
			r := recSpec{ID: testRecordID("down", 1), MeetingID: "down", Published: true}
			path := e.spool("down.tar", buildTar(t, recordingEntries(r, "presentation")))
			if err := e.im.ImportFile(ctx(), path); err == nil {
				t.Fatal("import with a closed database succeeded")
			}
			failed := filepath.Join(e.cfg.FailedDir, "down.tar")
			mustExist(t, failed)
			f, _ := readFailure(failed + ".reason")
			if !f.Retry {
				t.Fatalf("a database failure must be retried: %+v", f)
			}

			up, err := db.Open(ctx(), dsn, testLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			defer up.Close()
			e2 := newEnv(t, up, func(c *Config) { *c = e.cfg })
			if err := e2.im.ImportFile(ctx(), failed); err != nil {
				t.Fatal(err)
			}
			mustNotExist(t, failed)
			mustNotExist(t, failed+".reason")
			if _, err := up.Recording(ctx(), r.ID); err != nil {
				t.Fatal(err)
			}
			mustExist(t, filepath.Join(e.cfg.PublishDir, "presentation", r.ID, "metadata.xml"))
		})
	}
}

// failingStore fails UpsertRecording once, after the files were placed: a crash between the
// steps. The next import must repair everything.
type failingStore struct {
	scalelite.Store
	mu    sync.Mutex
	fails int
}

func (s *failingStore) UpsertRecording(ctx context.Context, r *scalelite.Recording) (*scalelite.Recording, error) {
	s.mu.Lock()
	fail := s.fails > 0
	s.fails--
	s.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset (simulated)")
	}
	return s.Store.UpsertRecording(ctx, r)
}

func TestCrashBetweenSteps(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		fs := &failingStore{Store: store, fails: 1}
		e := newEnv(t, fs, func(c *Config) { c.RetryFailed = 3 })
		r := recSpec{ID: testRecordID("crash", 1), MeetingID: "crash", Published: true}
		e.spool("c.tar", buildTar(t, recordingEntries(r, "presentation", "video")))
		e.im.ScanOnce(ctx())
		// files placed, index missing, archive kept for retry
		mustExist(t, filepath.Join(e.cfg.PublishDir, "presentation", r.ID))
		if _, err := store.Recording(ctx(), r.ID); !scalelite.IsNotFound(err) {
			t.Fatalf("index should be missing: %v", err)
		}
		failed := filepath.Join(e.cfg.FailedDir, "c.tar")
		mustExist(t, failed)

		// the retry is due after PollInterval; make it due now
		f, _ := readFailure(failed + ".reason")
		f.Time = f.Time.Add(-2 * e.cfg.PollInterval)
		os.WriteFile(failed+".reason", []byte(f.encode()), 0o644)
		e.im.ScanOnce(ctx())
		mustNotExist(t, failed)
		rec, err := store.Recording(ctx(), r.ID)
		if err != nil || len(rec.Formats) != 2 {
			t.Fatalf("after retry: %v %v", rec, err)
		}

		// A crash while an archive was claimed leaves it in the claim dir: the next round imports it.
		r2 := recSpec{ID: testRecordID("crash", 2), MeetingID: "crash", Published: true}
		os.MkdirAll(filepath.Join(e.cfg.SpoolDir, claimDir), 0o755)
		os.WriteFile(filepath.Join(e.cfg.SpoolDir, claimDir, "d.tar"), buildTar(t, recordingEntries(r2, "video")), 0o644)
		e.im.ScanOnce(ctx())
		if _, err := store.Recording(ctx(), r2.ID); err != nil {
			t.Fatal(err)
		}
		mustNotExist(t, filepath.Join(e.cfg.SpoolDir, claimDir, "d.tar"))
	})
}

func TestRunImportsAndStops(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, func(c *Config) { c.Workers = 3 })
		var ids []string
		for i := range 6 {
			r := recSpec{ID: testRecordID("run", i), MeetingID: "run", Published: true}
			ids = append(ids, r.ID)
			e.spool(r.ID+".tar", buildTar(t, recordingEntries(r, "presentation")))
		}
		// Run's first round imports everything; ScanOnce afterwards finds nothing left.
		runCtx, cancel := context.WithCancel(ctx())
		done := make(chan error, 1)
		go func() { done <- e.im.Run(runCtx) }()
		waitFor(t, func() bool {
			recs, _, _ := store.Recordings(ctx(), scalelite.RecordingFilter{MeetingIDs: []string{"run"}})
			return len(recs) == len(ids)
		})
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if left, _ := filepath.Glob(filepath.Join(e.cfg.SpoolDir, "*.tar")); len(left) != 0 {
			t.Fatalf("archives left: %v", left)
		}
	})
}
