package recordings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// workDirPattern names the extraction directories of imports in WorkDir.
const workDirPattern = "import-*"

// staleWorkAge is how old an extraction directory must be before removeStaleWork deletes it
// where directories cannot be locked (no flock): an import running in another process (the
// CLI) must not lose its directory.
const staleWorkAge = time.Hour

// newWorkDir creates an extraction directory and holds a lock on it until done is called,
// which also removes it. removeStaleWork deletes only directories nobody holds, so the
// directories of a crashed import go at the next start while those of an import running in
// another process (the CLI) stay.
func (im *Importer) newWorkDir() (dir string, done func(), err error) {
	if err := os.MkdirAll(im.cfg.WorkDir, 0o755); err != nil {
		return "", nil, err
	}
	for range 3 {
		dir, err := os.MkdirTemp(im.cfg.WorkDir, workDirPattern)
		if err != nil {
			return "", nil, err
		}
		unlock, err := lockDir(dir, true)
		if errors.Is(err, os.ErrNotExist) {
			continue // a concurrent removeStaleWork took it before the lock: make another
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		return dir, func() {
			os.RemoveAll(dir)
			unlock()
		}, nil
	}
	return "", nil, fmt.Errorf("extraction directory in %s removed while being created", im.cfg.WorkDir)
}

// removeStaleWork deletes the extraction directories no import holds: those of a crashed or
// killed import.
func (im *Importer) removeStaleWork() {
	dirs, _ := filepath.Glob(filepath.Join(im.cfg.WorkDir, workDirPattern))
	for _, d := range dirs {
		if !locksSupported {
			if fi, err := os.Stat(d); err == nil && im.now().Sub(fi.ModTime()) > staleWorkAge {
				os.RemoveAll(d)
			}
			continue
		}
		unlock, err := lockDir(d, false)
		if err != nil {
			continue // held by a running import, or gone
		}
		if err := os.RemoveAll(d); err != nil {
			im.logger.Warn("remove extraction directory of an interrupted import", "dir", d, "err", err)
		} else {
			im.logger.Info("removed extraction directory of an interrupted import", "dir", d)
		}
		unlock()
	}
}
