package db_test

import (
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

func TestStoreSQLite(t *testing.T) {
	t.Parallel()
	scalelitetest.RunStoreTests(t, func(t *testing.T) scalelite.Store { return dbtest.SQLite(t) })
}

func TestStorePostgres(t *testing.T) {
	t.Parallel()
	scalelitetest.RunStoreTests(t, func(t *testing.T) scalelite.Store { return dbtest.Postgres(t) })
}

var _ scalelite.Store = (*db.DB)(nil)
