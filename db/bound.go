package db

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// Statements that carry secrets run with bound parameters.
//
// bun formats every argument into the statement text, and PostgreSQL writes the text of a failed
// statement to its own log ("STATEMENT: INSERT ... 'the-secret' ..."), where operators, log
// shippers and backups read it. A statement that carries a server or tenant secret, an LRS or
// Keycloak password, meeting passwords or a create query therefore goes through these functions:
//
//   - write it with '?' placeholders (no other '?' in the text: no literals containing one, no
//     jsonb '?' operators) and run it with db.execBound, or with db.scanBound when it returns
//     a row (RETURNING) to scan into a bun model;
//   - or insert a whole bun model row with db.insertBound.
//
// All three take the bun.IDB at hand: the DB, a bun.Conn or a bun.Tx (RunInTx), so they work
// inside transactions. On PostgreSQL the placeholders become $1, $2, ... and pgx sends the values
// out of band (pgx.QueryExecModeExec: Parse and Bind of an unnamed statement, one round trip),
// so the server's log shows only the placeholders (PostgreSQL logs bind values of failed
// statements only when log_parameter_max_length_on_error is raised from its default 0). SQLite
// has no server log: there the statement goes through bun like any other. These statements skip
// bun's query hooks (the slow-query log), which would print them.

// sqlHandle is what database/sql's DB, Conn and Tx have in common.
type sqlHandle interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// rawHandle returns the database/sql handle behind idb.
func rawHandle(idb bun.IDB) (sqlHandle, error) {
	switch x := idb.(type) {
	case *bun.DB:
		return x.DB, nil
	case bun.Tx:
		return x.Tx, nil
	case *bun.Tx:
		return x.Tx, nil
	case bun.Conn:
		return x.Conn, nil
	case *bun.Conn:
		return x.Conn, nil
	}
	return nil, fmt.Errorf("db: no database/sql handle behind %T", idb)
}

// pgBound rewrites '?' placeholders to $1, $2, ... and puts the exec mode that binds the values
// before them.
func pgBound(query string, args []any) (string, []any) {
	var b strings.Builder
	b.Grow(len(query) + 2*len(args))
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] != '?' {
			b.WriteByte(query[i])
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String(), append([]any{pgx.QueryExecModeExec}, args...)
}

// execBound runs a statement whose values are bound parameters (see above).
func (db *DB) execBound(ctx context.Context, idb bun.IDB, query string, args ...any) (sql.Result, error) {
	if db.dialect != Postgres {
		return idb.ExecContext(ctx, query, args...)
	}
	h, err := rawHandle(idb)
	if err != nil {
		return nil, err
	}
	q, a := pgBound(query, args)
	return h.ExecContext(ctx, q, a...)
}

// scanBound runs a statement whose values are bound parameters and scans its first row into dest
// (a pointer to a bun model or to scalars); sql.ErrNoRows when it returns none.
func (db *DB) scanBound(ctx context.Context, idb bun.IDB, dest any, query string, args ...any) error {
	if db.dialect != Postgres {
		return idb.NewRaw(query, args...).Scan(ctx, dest)
	}
	rows, err := queryBound(ctx, idb, query, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := db.rw.ScanRow(ctx, rows, dest); err != nil {
		return err
	}
	for rows.Next() { // drain, so a later row's error is seen
	}
	return rows.Err()
}

// scanAllBound runs a statement whose values are bound parameters and scans every row it returns
// into dest (a pointer to a slice of bun models or scalars).
func (db *DB) scanAllBound(ctx context.Context, idb bun.IDB, dest any, query string, args ...any) error {
	if db.dialect != Postgres {
		return idb.NewRaw(query, args...).Scan(ctx, dest)
	}
	rows, err := queryBound(ctx, idb, query, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	return db.rw.ScanRows(ctx, rows, dest)
}

// queryBound runs a query on PostgreSQL with its values bound (see above).
func queryBound(ctx context.Context, idb bun.IDB, query string, args []any) (*sql.Rows, error) {
	h, err := rawHandle(idb)
	if err != nil {
		return nil, err
	}
	q, a := pgBound(query, args)
	return h.QueryContext(ctx, q, a...)
}

// insertBound inserts the bun model row (a pointer to a struct) with every value a bound
// parameter. As bun does, a nil pointer is NULL, and a zero nullzero field is the column's
// DEFAULT on PostgreSQL and NULL on SQLite; a zero auto-increment or identity key is left to the
// database.
func (db *DB) insertBound(ctx context.Context, idb bun.IDB, model any) error {
	query, args, err := db.insertStatement(model)
	if err != nil {
		return err
	}
	_, err = db.execBound(ctx, idb, query, args...)
	return err
}

// insertStatement is the INSERT of the models (pointers to structs of one bun model type), one
// row each, with their values as '?' parameters. The columns are the first model's: an
// auto-increment or identity key left zero there is left to the database in every row.
func (db *DB) insertStatement(models ...any) (string, []any, error) {
	if len(models) == 0 {
		return "", nil, fmt.Errorf("db: nothing to insert")
	}
	first := reflect.ValueOf(models[0])
	if first.Kind() != reflect.Pointer || first.Elem().Kind() != reflect.Struct {
		return "", nil, fmt.Errorf("db: insert needs pointers to a model struct, got %T", models[0])
	}
	table := db.rw.Table(first.Elem().Type())
	var fields []*schema.Field
	var cols []string
	for _, f := range table.Fields {
		if (f.AutoIncrement || f.Identity) && f.HasZeroValue(first.Elem()) {
			continue
		}
		fields = append(fields, f)
		cols = append(cols, string(f.SQLName))
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + string(table.SQLName) + " (" + strings.Join(cols, ", ") + ") VALUES ")
	args := make([]any, 0, len(models)*len(fields))
	for i, model := range models {
		v := reflect.ValueOf(model)
		if v.Type() != first.Type() {
			return "", nil, fmt.Errorf("db: insert of %T with %T", models[0], model)
		}
		v = v.Elem()
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, f := range fields {
			if j > 0 {
				b.WriteString(", ")
			}
			fv := f.Value(v)
			switch {
			case f.NullZero && f.IsZero(fv) && db.dialect == Postgres:
				b.WriteString("DEFAULT")
			case f.IsPtr && fv.IsNil(), f.NullZero && f.IsZero(fv):
				b.WriteByte('?')
				args = append(args, nil)
			default:
				b.WriteByte('?')
				args = append(args, fv.Interface())
			}
		}
		b.WriteByte(')')
	}
	return b.String(), args, nil
}

// boundSet collects the "column = ?" assignments of an UPDATE with bound values.
type boundSet struct {
	cols []string
	args []any
}

func (s *boundSet) add(column string, value any) {
	s.cols = append(s.cols, column+" = ?")
	s.args = append(s.args, value)
}

// update returns "UPDATE table SET ... WHERE where" and its arguments (the assignments' values,
// then whereArgs).
func (s *boundSet) update(table, where string, whereArgs ...any) (string, []any) {
	return "UPDATE " + table + " SET " + strings.Join(s.cols, ", ") + " WHERE " + where,
		append(append([]any(nil), s.args...), whereArgs...)
}
