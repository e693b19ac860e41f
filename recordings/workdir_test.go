//go:build unix

package recordings

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/scalelite-go/scalelite/internal/events"
)

// The extraction directories of a killed import are removed when the importer starts, however
// young; those of an import still running in another process stay.
func TestStaleExtractionDirsRemovedOnStart(t *testing.T) {
	e := newEnv(t, nil, nil)
	crashed := filepath.Join(e.cfg.WorkDir, "import-111")
	os.MkdirAll(filepath.Join(crashed, "presentation", "r1"), 0o755)
	os.WriteFile(filepath.Join(crashed, "presentation", "r1", "big.webm"), make([]byte, 1<<20), 0o644)
	running, err := os.MkdirTemp(e.cfg.WorkDir, workDirPattern)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(running, true) // another process's import holds it
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	other := filepath.Join(e.cfg.WorkDir, "keep-me")
	os.Mkdir(other, 0o755)

	im := NewImporter(e.cfg, ImporterDeps{Store: nil, Files: e.files, Locker: events.NewLocalLocker(), Logger: testLogger(t)})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run cleans up before it waits for the lease, then returns at once
	if err := im.Run(ctx); err != nil {
		t.Fatal(err)
	}
	mustNotExist(t, crashed)
	mustExist(t, running)
	mustExist(t, other)

	// A directory made while the cleaner holds it is given up, and the import makes another.
	dir, done, err := im.newWorkDir()
	if err != nil {
		t.Fatal(err)
	}
	mustExist(t, dir)
	im.removeStaleWork()
	mustExist(t, dir)
	done()
	mustNotExist(t, dir)
}
