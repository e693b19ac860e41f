package recordings

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// Files is the on-disk store of recordings: <PublishDir|UnpublishDir>/<format>/<record_id>/.
// Every change is made with renames so that a crash leaves either the old or the new copy in
// place (plus, at worst, a dot-named leftover that is never served).
type Files struct {
	PublishDir   string
	UnpublishDir string
	NoSync       bool

	locks recordLocks
}

// NewFiles returns the file store for the two trees.
func NewFiles(publishDir, unpublishDir string) *Files {
	return &Files{PublishDir: publishDir, UnpublishDir: unpublishDir}
}

// errCrossDevice is the rename error across file systems.
var errCrossDevice error = syscall.EXDEV

// ErrNoFiles means a recording's files are in neither tree.
var ErrNoFiles = errors.New("recording files are missing")

// Dir returns the tree for the published or unpublished copies.
func (f *Files) Dir(published bool) string {
	if published {
		return f.PublishDir
	}
	return f.UnpublishDir
}

// Path returns where a format of a recording lives when (un)published.
func (f *Files) Path(format, recordID string, published bool) string {
	return filepath.Join(f.Dir(published), format, recordID)
}

// Lock serialises file changes for one recording within this process; callers hold it across
// the file change and the matching store update.
func (f *Files) Lock(recordID string) func() { return f.locks.lock(recordID) }

// Place moves an extracted <format>/<record_id> directory into the published or unpublished
// tree, replacing any previous copy in either tree. src is consumed.
func (f *Files) Place(src, format, recordID string, published bool) error {
	if !validFormat(format) || !ValidRecordID(recordID) {
		return fmt.Errorf("place %s/%s: invalid name", format, recordID)
	}
	parent := filepath.Join(f.Dir(published), format)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("place %s/%s: %w", format, recordID, err)
	}
	staged := filepath.Join(parent, "."+recordID+".import-"+randomSuffix())
	if err := f.moveTree(src, staged); err != nil {
		return fmt.Errorf("place %s/%s: %w", format, recordID, err)
	}
	target := filepath.Join(parent, recordID)
	if err := f.swapIn(staged, target); err != nil {
		os.RemoveAll(staged)
		return fmt.Errorf("place %s/%s: %w", format, recordID, err)
	}
	if err := os.RemoveAll(f.Path(format, recordID, !published)); err != nil {
		return fmt.Errorf("place %s/%s: remove other copy: %w", format, recordID, err)
	}
	return nil
}

// swapIn renames staged to target, moving an existing target aside first.
func (f *Files) swapIn(staged, target string) error {
	old := ""
	if _, err := os.Lstat(target); err == nil {
		old = filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".old-"+randomSuffix())
		if err := os.Rename(target, old); err != nil {
			return err
		}
	}
	if err := os.Rename(staged, target); err != nil {
		if old != "" {
			os.Rename(old, target)
		}
		return err
	}
	f.syncDir(filepath.Dir(target))
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// SetPublished moves one format's files to the tree matching published, as Scalelite's
// publishRecordings: already there and absent from the other tree is fine, present in both
// drops the stale copy, absent from both is ErrNoFiles.
func (f *Files) SetPublished(format, recordID string, published bool) error {
	if !validFormat(format) || !ValidRecordID(recordID) {
		return fmt.Errorf("move %s/%s: invalid name", format, recordID)
	}
	target := f.Path(format, recordID, published)
	current := f.Path(format, recordID, !published)
	inTarget, inCurrent := exists(target), exists(current)
	switch {
	case inTarget && !inCurrent:
		return nil
	case !inTarget && !inCurrent:
		return fmt.Errorf("move %s/%s: %w", format, recordID, ErrNoFiles)
	case inTarget && inCurrent:
		return os.RemoveAll(current)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("move %s/%s: %w", format, recordID, err)
	}
	staged := filepath.Join(filepath.Dir(target), "."+recordID+".move-"+randomSuffix())
	if err := f.copyOrRename(current, staged); err != nil {
		return fmt.Errorf("move %s/%s: %w", format, recordID, err)
	}
	if err := os.Rename(staged, target); err != nil {
		return fmt.Errorf("move %s/%s: %w", format, recordID, err)
	}
	f.syncDir(filepath.Dir(target))
	if err := os.RemoveAll(current); err != nil {
		return fmt.Errorf("move %s/%s: remove old copy: %w", format, recordID, err)
	}
	return nil
}

// copyOrRename renames src to dst, or copies it when they are on different file systems
// (src is then left for the caller to remove).
func (f *Files) copyOrRename(src, dst string) error {
	err := os.Rename(src, dst)
	if !errors.Is(err, errCrossDevice) {
		return err
	}
	if err := f.copyTree(src, dst); err != nil {
		os.RemoveAll(dst)
		return err
	}
	return nil
}

// moveTree is copyOrRename that also removes src after a copy.
func (f *Files) moveTree(src, dst string) error {
	if err := f.copyOrRename(src, dst); err != nil {
		return err
	}
	if exists(src) {
		return os.RemoveAll(src)
	}
	return nil
}

// Remove deletes every copy of the recording in both trees (all formats).
func (f *Files) Remove(recordID string) error {
	if !ValidRecordID(recordID) {
		return fmt.Errorf("remove %s: invalid record id", recordID)
	}
	for _, dir := range []string{f.PublishDir, f.UnpublishDir} {
		formats, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("remove %s: %w", recordID, err)
		}
		for _, fm := range formats {
			if !fm.IsDir() {
				continue
			}
			if err := os.RemoveAll(filepath.Join(dir, fm.Name(), recordID)); err != nil {
				return fmt.Errorf("remove %s: %w", recordID, err)
			}
		}
	}
	return nil
}

// copyTree copies a directory tree (regular files, directories and symlinks).
func (f *Files) copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, out)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			return f.copyFile(p, out, info.Mode().Perm())
		}
		return nil
	})
}

func (f *Files) copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil && !f.NoSync {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func (f *Files) syncDir(dir string) {
	if f.NoSync {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// recordLocks is a set of per-recording mutexes that disappear when unused.
type recordLocks struct {
	mu    sync.Mutex
	locks map[string]*recordLock
}

type recordLock struct {
	mu   sync.Mutex
	refs int
}

func (l *recordLocks) lock(id string) func() {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*recordLock{}
	}
	rl := l.locks[id]
	if rl == nil {
		rl = &recordLock{}
		l.locks[id] = rl
	}
	rl.refs++
	l.mu.Unlock()
	rl.mu.Lock()
	return func() {
		rl.mu.Unlock()
		l.mu.Lock()
		rl.refs--
		if rl.refs == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}
