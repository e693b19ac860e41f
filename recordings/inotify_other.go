//go:build !linux

package recordings

import (
	"context"
	"errors"
)

func watchDir(ctx context.Context, dir string, poke func()) error {
	return errors.New("inotify is Linux only")
}
