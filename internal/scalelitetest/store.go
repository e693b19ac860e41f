// Package scalelitetest holds the conformance suite every scalelite.Store implementation must
// pass (RunStoreTests), and fixture builders shared by the tests of other packages.
package scalelitetest

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// RunStoreTests runs the store conformance suite. newStore must return an empty, ready store
// that is not shared with any other call (the suite writes to it freely); the groups of the
// suite run in parallel, each subtest with its own store.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	groups := []struct {
		name string
		fn   func(t *testing.T, newStore func(t *testing.T) scalelite.Store)
	}{
		{"Ping", testPing},
		{"Servers", testServers},
		{"ServerPolls", testServerPolls},
		{"Meetings", testMeetings},
		{"Reconcile", testReconcile},
		{"Placement", testPlacement},
		{"PlacementConcurrency", testPlacementConcurrency},
		{"Tenants", testTenants},
		{"TenantNames", testTenantNames},
		{"Recordings", testRecordings},
		{"RecordingFilters", testRecordingFilters},
		{"RecordingExtras", testRecordingExtras},
		{"APIKeys", testAPIKeys},
		{"TouchAPIKey", testTouchAPIKey},
		{"Audit", testAudit},
		{"DialIn", testDialIn},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.fn(t, newStore)
		})
	}
}

func testPing(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	if err := newStore(t).Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// wantCode fails the test unless err carries the domain error code want.
func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := scalelite.ErrorCode(err); got != want {
		t.Fatalf("%s: error code %q (%v), want %q", what, got, err, want)
	}
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameTime compares times at the microsecond precision stores keep.
func sameTime(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

func ptr[T any](v T) *T { return &v }

// t0 is a fixed instant the suite uses for explicit times.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535000000, time.UTC)
