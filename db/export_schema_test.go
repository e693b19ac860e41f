package db

import (
	"context"
	"testing"
)

// TableNames lists the tables of the database's current schema.
func (db *DB) TableNames(t testing.TB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if db.dialect == Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	var names []string
	if err := db.ro.NewRaw(q).Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return names
}
