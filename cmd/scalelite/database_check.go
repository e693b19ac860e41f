package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/scalelite-go/scalelite/internal/config"
)

// Operator commands never create a database or a schema: a command pointed at the wrong
// database (no DATABASE_URL in the shell, another directory) would otherwise print an empty
// cluster and exit 0. serve and 'scalelite migrate up' create them.

// requireDatabase fails when the embedded SQLite file does not exist yet.
func requireDatabase(c config.Database) error {
	if c.Dialect() != "sqlite" {
		return nil
	}
	path := strings.TrimPrefix(c.URL, "sqlite:")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no database at %s: %s%s", path, whichDatabase(c), createHint)
	}
	return nil
}

// requireSchema fails when the database has no schema (an empty PostgreSQL database).
func requireSchema(ctx context.Context, a *app, c config.Database) error {
	v, _, err := a.db.MigrationVersion(ctx)
	if err != nil {
		return err
	}
	if v == 0 {
		return fmt.Errorf("the database has no scalelite schema: %s%s", whichDatabase(c), createHint)
	}
	return nil
}

const createHint = "; 'scalelite serve' or 'scalelite migrate up' creates it"

// whichDatabase says where the database setting came from, for the operator to compare with
// serve's.
func whichDatabase(c config.Database) string {
	if c.IsDefault {
		return fmt.Sprintf("DATABASE_URL is not set, so this is the default under SCALELITE_DATA_DIR (%s); give this command serve's DATABASE_URL (or --env-file, %s)", c.DataDir, config.EnvFileVar)
	}
	return "is DATABASE_URL the one serve uses? (or --env-file, " + config.EnvFileVar + ")"
}
