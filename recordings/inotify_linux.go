package recordings

import (
	"context"
	"os"

	"golang.org/x/sys/unix"
)

// watchDir calls poke whenever a file is closed after writing or moved into dir, until ctx
// ends. Events from other NFS clients are not seen; the periodic rescan covers them.
func watchDir(ctx context.Context, dir string, poke func()) error {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return err
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_CLOSE_WRITE|unix.IN_MOVED_TO); err != nil {
		unix.Close(fd)
		return err
	}
	f := os.NewFile(uintptr(fd), "inotify")
	go func() {
		<-ctx.Done()
		f.Close()
	}()
	go func() {
		buf := make([]byte, 64<<10)
		for {
			if _, err := f.Read(buf); err != nil {
				return
			}
			poke()
		}
	}()
	return nil
}
