package scalelitetest

import (
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func testTenants(t *testing.T, newStore func(t *testing.T) scalelite.Store)          { t.Skip("todo") }
func testRecordings(t *testing.T, newStore func(t *testing.T) scalelite.Store)       { t.Skip("todo") }
func testRecordingFilters(t *testing.T, newStore func(t *testing.T) scalelite.Store) { t.Skip("todo") }
func testRecordingExtras(t *testing.T, newStore func(t *testing.T) scalelite.Store)  { t.Skip("todo") }
func testAPIKeys(t *testing.T, newStore func(t *testing.T) scalelite.Store)          { t.Skip("todo") }
func testAudit(t *testing.T, newStore func(t *testing.T) scalelite.Store)            { t.Skip("todo") }
