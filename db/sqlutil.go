package db

import (
	"strconv"

	"github.com/uptrace/bun"
)

// inList formats a slice for "col IN (?)".
func inList[T any](v []T) any { return bun.In(v) }

func quote(s string) string { return strconv.Quote(s) }
