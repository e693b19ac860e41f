//go:build unix

package recordings

import (
	"errors"
	"os"
	"syscall"
)

// locksSupported reports whether lockDir locks (flock) on this platform.
const locksSupported = true

// lockDir takes an exclusive flock on the directory: waiting for it when wait is set, else
// failing at once when someone holds it. The lock ends with unlock or with the process, however
// it dies. It fails with os.ErrNotExist when dir is gone, also when it was removed between
// opening and locking.
func lockDir(dir string, wait bool) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	// Removed (and perhaps made again) by someone who held the lock before us?
	held, err1 := f.Stat()
	now, err2 := os.Stat(dir)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errors.Join(os.ErrNotExist, err1, err2)
	}
	return func() { f.Close() }, nil
}
