package recordings

import (
	"context"

	"github.com/fsnotify/fsnotify"
)

// watchDir calls poke whenever a file is created in or moved into dir, or the watcher lost
// events, until ctx ends (fsnotify: inotify on Linux, kqueue on BSD and macOS). A file still
// being written is left to the settle rule: the rescan pokes again until it has been quiet for
// settleTime. Events from other NFS clients are not seen; the periodic rescan covers them.
func watchDir(ctx context.Context, dir string, poke func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return err
	}
	go func() {
		defer w.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					poke()
				}
			case _, ok := <-w.Errors: // an overflow: rescan
				if !ok {
					return
				}
				poke()
			}
		}
	}()
	return nil
}
