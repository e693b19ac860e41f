package events

import (
	"context"
	"fmt"
	"sync"
)

// LocalLocker grants named locks within one process (scalelite.Locker without Redis). A lock
// is held until release is called or the context given to Acquire ends, whichever comes first;
// either way the held context is cancelled and the lock is free again.
type LocalLocker struct {
	mu    sync.Mutex
	locks map[string]chan struct{} // one token slot per name; the set of names stays small
}

// NewLocalLocker returns an empty locker.
func NewLocalLocker() *LocalLocker {
	return &LocalLocker{locks: make(map[string]chan struct{})}
}

// Acquire blocks until the named lock is free or ctx ends.
func (l *LocalLocker) Acquire(ctx context.Context, name string) (context.Context, func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("acquire lock %s: %w", name, err)
	}
	slot := l.slot(name)
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("acquire lock %s: %w", name, ctx.Err())
	}
	held, cancel := context.WithCancel(ctx)
	var once sync.Once
	free := func() { once.Do(func() { <-slot }) }
	context.AfterFunc(held, free)
	release := func() {
		cancel()
		free()
	}
	return held, release, nil
}

// Held reports whether the named lock is held in this process.
func (l *LocalLocker) Held(_ context.Context, name string) (bool, error) {
	return len(l.slot(name)) > 0, nil
}

func (l *LocalLocker) slot(name string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, ok := l.locks[name]
	if !ok {
		s = make(chan struct{}, 1)
		l.locks[name] = s
	}
	return s
}
