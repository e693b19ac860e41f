package db_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// TestSQLiteTwoHandles places meetings through two DB handles on one file at once, as a CLI and
// a server process would: writers wait for each other (busy timeout, BEGIN IMMEDIATE) instead of
// failing, and placements stay serialised.
func TestSQLiteTwoHandles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "sub", "shared.db")
	open := func() *db.DB {
		store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		return store
	}
	a, b := open(), open()
	if err := a.Migrate(ctx, "up"); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = fmt.Sprintf("srv%02d", i)
	}
	scalelitetest.CreateServers(t, a, ids...)

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		store := a
		if i%2 == 1 {
			store = b
		}
		wg.Go(func() {
			_, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest(fmt.Sprintf("m%03d", i), ""))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("PlaceMeeting: %v", err)
		}
	}
	for _, id := range ids {
		n, err := b.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{id}})
		if err != nil || n != 10 {
			t.Errorf("server %s: %d meetings (%v), want 10", id, n, err)
		}
	}
}
