package db

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// translate turns driver errors into domain errors: no rows becomes ENOTFOUND, a unique violation
// ECONFLICT, a foreign key violation ENOTFOUND (the referenced row is missing). what names the
// thing for the message, e.g. `server "bbb1"`. Other errors are wrapped with op.
func translate(err error, op, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return scalelite.Errorf(scalelite.ENOTFOUND, "%s not found", what)
	case isUniqueViolation(err):
		return &scalelite.Error{Code: scalelite.ECONFLICT, Message: what + " already exists", Err: err}
	case isForeignKeyViolation(err):
		return &scalelite.Error{Code: scalelite.ENOTFOUND, Message: "the row " + what + " refers to does not exist", Err: err}
	}
	var de *scalelite.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, what, err)
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// notFoundIfNone returns ENOTFOUND when res changed no row.
func notFoundIfNone(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return scalelite.Errorf(scalelite.ENOTFOUND, "%s not found", what)
	}
	return nil
}
