package redisstore

import (
	"context"
	"errors"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The scalelite.ImportStore methods, passed to the inner store. Imported meetings invalidate
// their cache entry (a not-found answer may be cached); recordings and callback data are not
// cached.

var errNoImport = errors.New("the store behind the cache cannot import")

func (s *CachedStore) importer() (scalelite.ImportStore, error) {
	is, ok := s.Store.(scalelite.ImportStore)
	if !ok {
		return nil, errNoImport
	}
	return is, nil
}

// ImportMeeting inserts the meeting and invalidates it.
func (s *CachedStore) ImportMeeting(ctx context.Context, m *scalelite.Meeting, replace bool) error {
	is, err := s.importer()
	if err != nil {
		return err
	}
	err = is.ImportMeeting(ctx, m, replace)
	s.invalidate(ctx, meetingKey(m.MeetingID))
	return err
}

// ImportRecordings passes to the inner store.
func (s *CachedStore) ImportRecordings(ctx context.Context, add, replace []*scalelite.Recording) error {
	is, err := s.importer()
	if err != nil {
		return err
	}
	return is.ImportRecordings(ctx, add, replace)
}

// ImportedCallbacks passes to the inner store.
func (s *CachedStore) ImportedCallbacks(ctx context.Context, meetingIDs []string) (map[string]scalelite.ImportedCallback, error) {
	is, err := s.importer()
	if err != nil {
		return nil, err
	}
	return is.ImportedCallbacks(ctx, meetingIDs)
}

// ImportCallbacks passes to the inner store.
func (s *CachedStore) ImportCallbacks(ctx context.Context, cbs []scalelite.ImportedCallback) error {
	is, err := s.importer()
	if err != nil {
		return err
	}
	return is.ImportCallbacks(ctx, cbs)
}

var _ scalelite.ImportStore = (*CachedStore)(nil)
